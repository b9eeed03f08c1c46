/**
 * The floor: what it costs to serialise and write the same files with nothing of orrery's in the
 * way. The files synth wrote are read and parsed (not timed); the timed part stringifies every
 * YAML document with the `yaml` library directly (orrery's options: YAML 1.1, no wrapping, no
 * aliases, indented sequences) and writes every file, docs and Talos patches included, with plain
 * mkdir + writeFile into a directory that did not exist before. `sameBytes` counts the files the
 * independent serialiser reproduced byte for byte: a check that the floor writes what synth wrote.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
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
  readonly files: number;
  readonly sameBytes: number;
}

export async function floor(loaded: readonly Loaded[], intoDir: string): Promise<FloorResult> {
  const t0 = performance.now();
  let serialiseMs = 0;
  let sameBytes = 0;
  const made = new Set<string>();
  for (const f of loaded) {
    const s0 = performance.now();
    const text = f.yaml ? f.yaml.header + f.yaml.docs.map((d) => stringify(d, OPTIONS)).join('---\n') : f.text;
    serialiseMs += performance.now() - s0;
    if (text === f.text) sameBytes++;
    const target = path.join(intoDir, f.rel);
    const dir = path.dirname(target);
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true });
      made.add(dir);
    }
    await writeFile(target, text);
  }
  return { ms: performance.now() - t0, serialiseMs, files: loaded.length, sameBytes };
}
