import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { expect } from 'vitest';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { directoryTree } from '../../lib/diff/dir-tree.ts';
import { loadPair } from '../../lib/diff/load.ts';
import { diffLoaded, type DiffResult } from '../../lib/diff/diff.ts';
import { memoryTree } from '../../lib/diff/tree.ts';
import { renderDiff } from '../../lib/diff/render.ts';
import { toYaml } from '../../lib/output/yaml.ts';
import type { Impact } from '../../lib/diff/impact/impact.ts';
import { REPO, removeDir, tempDir } from '../helpers.ts';

export type Files = Map<string, string>;

const cleanup: string[] = [];
export async function cleanupDirs(): Promise<void> {
  await Promise.all(cleanup.splice(0).map(removeDir));
}

/** The committed output of an example (`examples/<name>/dist`), as it is on disk. */
export async function committedDist(example: string): Promise<Files> {
  const tree = await directoryTree(path.join(REPO, 'examples', example, 'dist'), example);
  return tree.read([...tree.paths.keys()]);
}

/**
 * Compiles a copy of an example's spec after `edit` changed its parsed documents (file name →
 * document as plain data). Secrets come along, so the output is what synth would write.
 */
export async function compileEdited(example: string, edit: (docs: Map<string, Record<string, unknown>>) => void): Promise<Files> {
  const dir = await tempDir('orrery-diff-spec-');
  cleanup.push(dir);
  await cp(path.join(REPO, 'examples', example, 'clusters'), path.join(dir, 'clusters'), { recursive: true });
  const secrets = path.join(REPO, 'examples', example, 'secrets');
  if (existsSync(secrets)) await cp(secrets, path.join(dir, 'secrets'), { recursive: true });
  const docs = new Map<string, Record<string, unknown>>();
  for (const f of await readdir(path.join(dir, 'clusters'))) docs.set(f, parseDocument(await readFile(path.join(dir, 'clusters', f), 'utf8')).toJS() as Record<string, unknown>);
  edit(docs);
  for (const [f, d] of docs) await writeFile(path.join(dir, 'clusters', f), toYaml(d));
  const result = await compileSpecDir(path.join(dir, 'clusters'), { cwd: dir });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return new Map(result.files!);
}

/** Both trees in memory, through the same loading and diff the CLI uses. */
export async function diffFiles(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): Promise<DiffResult> {
  const base = memoryTree('base', before);
  const head = memoryTree('head', after);
  return diffLoaded(await loadPair(base, head), { base: base.label, head: head.label });
}

export function impacts(r: DiffResult, area?: Impact['area']): Impact[] {
  return r.groups.flatMap((g) => g.impacts).filter((i) => area === undefined || i.area === area);
}

/** Edits one file of a tree as YAML documents (all of them, in order). */
export function editYaml(files: Files, file: string, edit: (docs: Record<string, unknown>[]) => Record<string, unknown>[]): Files {
  const text = files.get(file);
  if (text === undefined) throw new Error(`no ${file} in the tree`);
  const header = text.startsWith('#') ? `${text.split('\n')[0]}\n` : '';
  return withYaml(files, file, edit(parseAll(text)), header);
}

export function parseAll(text: string): Record<string, unknown>[] {
  return text
    .split(/^---$/m)
    .map((d) => parseDocument(d).toJS() as Record<string, unknown> | null)
    .filter((d): d is Record<string, unknown> => d !== null);
}

export function withYaml(files: Files, file: string, docs: readonly Record<string, unknown>[], header = ''): Files {
  const out = new Map(files);
  out.set(file, header + docs.map((d) => toYaml(d)).join('---\n'));
  return out;
}

export const GOLDEN = path.join(REPO, 'test', 'diff', 'golden');

/**
 * The markdown report compared with `test/diff/golden/<name>.md`; `UPDATE_GOLDEN=1` rewrites
 * it. The explicit asserts in each test say what matters; the golden file pins the wording.
 */
export async function expectGolden(name: string, r: DiffResult): Promise<string> {
  const text = renderDiff(r, { format: 'markdown', maxBytes: 60_000 });
  const file = path.join(GOLDEN, `${name}.md`);
  if (process.env.UPDATE_GOLDEN) await writeFile(file, text);
  expect(text).toBe(await readFile(file, 'utf8'));
  return text;
}
