import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { compileSpecDir, type CompileResult } from '../../lib/pipeline.ts';
import { mkdir, readdir } from 'node:fs/promises';
import { REPO, removeDir, tempDir } from '../helpers.ts';

export type Obj = Record<string, any>;

const made: string[] = [];
/** Removes the variants' temporary directories (call from afterAll). */
export async function removeVariants(): Promise<void> {
  await Promise.all(made.splice(0).map(removeDir));
}

export interface Compiled {
  readonly result: CompileResult;
  /** The objects of one output file (throws when the file was not generated). */
  file(name: string): Obj[];
  /** Every output file whose name matches. */
  files(match: (name: string) => boolean): string[];
  /** All Kubernetes objects of a cluster's GitOps directories. */
  objects(cluster: string): { file: string; o: Obj }[];
}

function wrap(result: CompileResult): Compiled {
  const all = result.files!;
  const docs = (content: string): Obj[] => (parseAllDocuments(content) as unknown as { toJS(): Obj }[]).map((d) => d.toJS());
  return {
    result,
    file(name) {
      const content = all.get(name);
      if (content === undefined) throw new Error(`${name} was not generated; files: ${[...all.keys()].filter((f) => f.startsWith(name.split('/')[0]!)).join(', ')}`);
      return docs(content);
    },
    files: (match) => [...all.keys()].filter(match),
    objects(cluster) {
      return [...all]
        .filter(([f]) => f.startsWith(`${cluster}/`) && f.endsWith('.yaml') && !f.endsWith('kustomization.yaml') && !f.includes('/talos/') && !f.includes('/bootstrap/'))
        .flatMap(([file, content]) => docs(content).map((o) => ({ file, o })));
    },
  };
}

/** Compiles an example (or the bundled clusters/) as it is; no errors expected. */
export async function compileExample(example: string): Promise<Compiled> {
  const spec = example === 'clusters' ? path.join(REPO, 'clusters') : path.join(REPO, 'examples', example, 'clusters');
  const result = await compileSpecDir(spec, { cwd: REPO });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return wrap(result);
}

/**
 * Compiles a copy of an example with its spec files edited in memory: `edit` receives each
 * file's parsed YAML (by file name) and changes it in place. The secrets directory comes along.
 */
export async function compileVariant(example: string, edit: (docs: Record<string, Obj>) => void, options: { expectErrors?: boolean; secrets?: Record<string, string> } = {}): Promise<Compiled> {
  const base = example === 'clusters' ? REPO : path.join(REPO, 'examples', example);
  const dir = await tempDir('orrery-variant-');
  made.push(dir);
  await cp(path.join(base, 'clusters'), path.join(dir, 'clusters'), { recursive: true });
  await cp(path.join(base, 'secrets'), path.join(dir, 'secrets'), { recursive: true }).catch(() => undefined);
  for (const [file, content] of Object.entries(options.secrets ?? {})) {
    await mkdir(path.dirname(path.join(dir, 'secrets', file)), { recursive: true });
    await writeFile(path.join(dir, 'secrets', file), content);
  }
  const names = await readdir(path.join(dir, 'clusters'));
  const docs: Record<string, Obj> = {};
  for (const n of names) docs[n] = parse(await readFile(path.join(dir, 'clusters', n), 'utf8')) as Obj;
  edit(docs);
  for (const [n, d] of Object.entries(docs)) await writeFile(path.join(dir, 'clusters', n), stringify(d));
  const result = await compileSpecDir(path.join(dir, 'clusters'), { cwd: dir });
  if (!options.expectErrors) expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.files ? wrap(result) : ({ result } as Compiled);
}
