/**
 * The floor: what it costs to serialise and write the same files with nothing of orrery's in the
 * way. The files synth wrote are read and parsed (not timed); the timed part stringifies every
 * YAML document with the `yaml` library directly (orrery's options: YAML 1.1, no wrapping, no
 * aliases, indented sequences) and writes every file, docs and Talos patches included, with plain
 * mkdir + writeFile into a directory that did not exist before. `sameBytes` counts the files the
 * independent serialiser reproduced byte for byte: a check that the floor writes what synth wrote.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments, stringify } from 'yaml';

const OPTIONS = { version: '1.1', lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, indentSeq: true, sortMapEntries: false } as const;

interface Loaded {
  readonly rel: string;
  readonly text: string;
  /** For YAML files: the leading comment lines and the documents' data. */
  readonly yaml?: { readonly header: string; readonly docs: readonly unknown[] };
}

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

export async function loadOutput(outDir: string): Promise<Loaded[]> {
  const loaded: Loaded[] = [];
  for (const rel of await listFiles(outDir)) {
    const text = await readFile(path.join(outDir, rel), 'utf8');
    if (!rel.endsWith('.yaml')) {
      loaded.push({ rel, text });
      continue;
    }
    const header = /^(#[^\n]*\n)*/.exec(text)![0];
    const docs = parseAllDocuments(text.slice(header.length));
    const list = Array.isArray(docs) ? docs : [docs];
    loaded.push({ rel, text, yaml: { header, docs: list.map((d) => d.toJS()) } });
  }
  return loaded;
}

export interface FloorResult {
  readonly ms: number;
  readonly serialiseMs: number;
  /** Writing the same bytes alone (no serialising), into another new directory. */
  readonly writeOnlyMs: number;
  readonly files: number;
  readonly sameBytes: number;
}

/**
 * Plain synchronous mkdir + writeFile, one file after the other: for many small files the fastest
 * plain way from Node (no thread-pool round trip per call), so the floor is not flattered by a
 * slow writer of its own.
 */
function writeAll(files: readonly { rel: string; text: string }[], intoDir: string): void {
  const made = new Set<string>();
  for (const f of files) {
    const target = path.join(intoDir, f.rel);
    const dir = path.dirname(target);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(target, f.text);
  }
}

export async function floor(loaded: readonly Loaded[], intoDir: string, writeOnlyDir: string): Promise<FloorResult> {
  const t0 = performance.now();
  const texts = loaded.map((f) => ({ rel: f.rel, text: f.yaml ? f.yaml.header + f.yaml.docs.map((d) => stringify(d, OPTIONS)).join('---\n') : f.text }));
  const serialiseMs = performance.now() - t0;
  writeAll(texts, intoDir);
  const ms = performance.now() - t0;
  const sameBytes = texts.filter((t, i) => t.text === loaded[i]!.text).length;
  const w0 = performance.now();
  writeAll(loaded, writeOnlyDir);
  return { ms, serialiseMs, writeOnlyMs: performance.now() - w0, files: loaded.length, sameBytes };
}
