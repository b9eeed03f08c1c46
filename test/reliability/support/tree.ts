import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

/** The whole observable state of a directory: every file with its content, every link and directory. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  const visit = async (rel: string): Promise<void> => {
    for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) result[r] = `-> ${await readlink(path.join(dir, r))}`;
      else if (e.isDirectory()) {
        result[`${r}/`] = '';
        await visit(r);
      } else result[r] = await readFile(path.join(dir, r), 'utf8');
    }
  };
  await visit('');
  return result;
}

/** Map of relative path → content, sorted, as the renderer produces it. */
export const files = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries).sort());
