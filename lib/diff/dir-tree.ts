import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST_NAME } from '../output/writer.ts';
import { ownedPaths, TreeError, type OutputTree } from './tree.ts';

const READ_CONCURRENCY = 64;

/** Every file under `root`, as `/`-separated paths (in no particular order); sibling directories are read in parallel. */
async function walk(root: string, rel: string, out: string[]): Promise<void> {
  const entries = await readdir(path.join(root, rel), { withFileTypes: true });
  const subdirs: string[] = [];
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) subdirs.push(r);
    else if (e.isFile()) out.push(r);
  }
  for (let i = 0; i < subdirs.length; i += READ_CONCURRENCY) await Promise.all(subdirs.slice(i, i + READ_CONCURRENCY).map((d) => walk(root, d, out)));
}

/** An output directory on disk (`--base-dir`, `--head-dir`). */
export async function directoryTree(dir: string, label: string): Promise<OutputTree> {
  const all: string[] = [];
  try {
    await walk(dir, '', all);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TreeError(code === 'ENOENT' ? `${label}: no such directory` : code === 'ENOTDIR' ? `${label}: not a directory` : `${label}: cannot be read (${code ?? String(err)})`);
  }
  const manifest = all.includes(MANIFEST_NAME) ? await readFile(path.join(dir, MANIFEST_NAME), 'utf8') : undefined;
  const { owned, foreign } = ownedPaths(all, manifest);
  return {
    label,
    paths: new Map(owned.map((p) => [p, undefined])),
    foreign,
    read: async (wanted) => {
      const out = new Map<string, string>();
      for (let i = 0; i < wanted.length; i += READ_CONCURRENCY) {
        const chunk = wanted.slice(i, i + READ_CONCURRENCY);
        const texts = await Promise.all(chunk.map((p) => readFile(path.join(dir, p), 'utf8').catch(() => undefined)));
        chunk.forEach((p, k) => {
          if (texts[k] !== undefined) out.set(p, texts[k]);
        });
      }
      return out;
    },
  };
}
