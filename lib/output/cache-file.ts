import { createHash, randomBytes } from 'node:crypto';
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
  // (a random part too: containers sharing one cache directory can have the same pid)
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    // Private to the user: a cache holds what the spec holds (which may be more than dist/ shows).
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await fs.writeFile(tmp, seal(text), { mode: 0o600 });
    await fs.rename(tmp, file);
    return undefined;
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    await fs.rm(file, { force: true }).catch(() => undefined);
    return errnoCode(err) ?? 'error';
  }
}

const SEAL = 'orrery-cache sha256=';

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The text with a first line holding its hash: a cache file damaged in any byte is recognised and ignored. */
function seal(text: string): string {
  return `${SEAL}${digest(text)}\n${text}`;
}

/** What replaceCacheFile wrote, or undefined when the file is not exactly that (damaged, truncated, another format). */
export function unsealCacheText(text: string): string | undefined {
  const nl = text.indexOf('\n');
  if (nl < 0 || !text.startsWith(SEAL)) return undefined;
  const body = text.slice(nl + 1);
  return text.slice(SEAL.length, nl) === digest(body) ? body : undefined;
}
