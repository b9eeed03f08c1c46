import * as fsp from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from './fs-error.ts';

/** The file-system calls a cache file needs (the writer passes its own, which tests wrap). */
export interface CacheFs {
  readonly mkdir: typeof fsp.mkdir;
  readonly writeFile: typeof fsp.writeFile;
  readonly rename: typeof fsp.rename;
  readonly rm: typeof fsp.rm;
}

/**
 * Replaces one of orrery's cache files (the output index, the build and spec caches): a temporary
 * file renamed over it. On failure the old file is removed too — a cache that may describe another
 * state must not be trusted — and the error code is returned; a cache never fails a run.
 */
export async function replaceCacheFile(file: string, text: string, fs: CacheFs = fsp): Promise<string | undefined> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(tmp, text);
    await fs.rename(tmp, file);
    return undefined;
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    await fs.rm(file, { force: true }).catch(() => undefined);
    return errnoCode(err) ?? 'error';
  }
}
