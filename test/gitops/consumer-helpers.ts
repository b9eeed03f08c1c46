/** Shared by the consumer tests (test/gitops/consumers-*.test.ts): compile examples and variants, read objects. */
import { readFileSync } from 'node:fs';
import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { FIXTURES, REPO, removeDir, tempDir } from '../helpers.ts';

export type Obj = Record<string, any>;
const dirs: string[] = [];
/** Registers the temp-dir cleanup of the calling test file. */
export function cleanupAfterAll(): void {
  afterAll(async () => Promise.all(dirs.splice(0).map(removeDir)));
}
export async function scratchDir(): Promise<string> {
  const dir = await tempDir();
  dirs.push(dir);
  return dir;
}

export interface Output {
  files: ReadonlyMap<string, string>;
  one(file: string): Obj;
  all(pred: (file: string) => boolean): { file: string; o: Obj }[];
}

export function outputOf(files: ReadonlyMap<string, string>): Output {
  const docs = (content: string): Obj[] => (parseAllDocuments(content) as unknown as { toJS(): Obj }[]).map((d) => d.toJS());
  return {
    files,
    one(file) {
      const c = files.get(file);
      if (c === undefined) throw new Error(`${file} was not generated`);
      return docs(c)[0]!;
    },
    all(pred) {
      return [...files].filter(([f]) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml') && !f.includes('/talos/') && pred(f)).flatMap(([file, c]) => docs(c).map((o) => ({ file, o })));
    },
  };
}

export async function compile(spec: string, cwd = REPO): Promise<Output> {
  const { files, diagnostics } = await compileSpecDir(spec, { cwd });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return outputOf(files!);
}

export const example = (name: string): Promise<Output> => compile(name === 'clusters' ? path.join(REPO, 'clusters') : path.join(REPO, 'examples', name, 'clusters'));

/** The bundled constellation (a management cluster, jupiter) with another engine: Argo CD as a hub. */
export async function bundledWith(edit: (constellation: string) => string, extraSecrets: Readonly<Record<string, string>> = {}): Promise<Output> {
  const dir = await scratchDir();
  await cp(path.join(REPO, 'clusters'), path.join(dir, 'clusters'), { recursive: true });
  await cp(path.join(REPO, 'secrets'), path.join(dir, 'secrets'), { recursive: true });
  for (const [file, text] of Object.entries(extraSecrets)) await writeFile(path.join(dir, 'secrets', file), text);
  const file = path.join(dir, 'clusters', 'constellation.yaml');
  await writeFile(file, edit(readFileSync(file, 'utf8')));
  return compile(path.join(dir, 'clusters'), dir);
}
export const argoHub = (): Promise<Output> => bundledWith((s) => s.replace('  engine: flux\n', '  engine: argocd\n'));

/** The test fixture base (one cluster `lab`) with extra top-level keys for lab.yaml. */
export async function fixtureWith(labExtra: string): Promise<Output> {
  const dir = await scratchDir();
  await cp(path.join(FIXTURES, 'base'), dir, { recursive: true });
  const lab = path.join(dir, 'clusters', 'lab.yaml');
  await writeFile(lab, readFileSync(lab, 'utf8') + labExtra);
  return compile(path.join(dir, 'clusters'), dir);
}

export function ciliumValues(out: Output, cluster: string): Obj {
  const flux = [...out.files.keys()].find((f) => f.startsWith(`${cluster}/infrastructure/controllers/helmrelease-`) && f.endsWith('-cilium.yaml'));
  return flux ? out.one(flux).spec.values : out.one(`${cluster}/argocd/apps/application-argocd-${cluster}-cilium.yaml`).spec.source.helm.valuesObject;
}
