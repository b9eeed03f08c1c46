import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { compileSpecDir, type CompileResult } from '../../../lib/pipeline.ts';
import { REPO, tempDir } from '../../helpers.ts';

export type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; data?: any };

/** Parsed YAML objects of the output files under a prefix (kustomization files left out). */
export function objectsUnder(files: ReadonlyMap<string, string>, prefix: string): { file: string; o: Obj }[] {
  const out: { file: string; o: Obj }[] = [];
  for (const [file, content] of files) {
    if (!file.startsWith(prefix) || !file.endsWith('.yaml') || file.endsWith('kustomization.yaml')) continue;
    for (const d of parseAllDocuments(content) as unknown as { toJS(): Obj }[]) out.push({ file, o: d.toJS() });
  }
  return out;
}

/**
 * Compiles a copy of the bundled clusters/ (with its secrets) after editing its files: the way to
 * ask "what does this spec change do to the output".
 */
export async function compileEdited(edits: Record<string, (text: string) => string>, dirs: string[]): Promise<CompileResult> {
  const dir = await tempDir();
  dirs.push(dir);
  await cp(path.join(REPO, 'clusters'), path.join(dir, 'clusters'), { recursive: true });
  await cp(path.join(REPO, 'secrets'), path.join(dir, 'secrets'), { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const p = path.join(dir, 'clusters', file);
    const before = await readFile(p, 'utf8');
    const after = edit(before);
    if (after === before) throw new Error(`edit of ${file} changed nothing`);
    await writeFile(p, after);
  }
  return compileSpecDir(path.join(dir, 'clusters'), { cwd: dir });
}
