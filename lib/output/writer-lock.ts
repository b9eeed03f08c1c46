import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { asOutputError, errnoCode, OutputError } from './fs-error.ts';

/** What a lock file holds: enough to tell a live holder from a crashed one. */
interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
}

export interface LockOptions {
  /** How long to wait for another run to finish before refusing (ms). */
  readonly waitMs?: number;
  /** Called once when the lock is held by another live process and this run starts waiting. */
  readonly onWait?: (holder: string) => void;
  /** Shown to a waiting run (`orrery synth`). */
  readonly command?: string;
}

export interface Lock {
  readonly path: string;
  release(): Promise<void>;
}

export const DEFAULT_LOCK_WAIT_MS = 60_000;
const POLL_MS = 50;
/** A lock file still empty after this long was left by a run killed between create and write. */
const EMPTY_LOCK_STALE_MS = 10_000;

function describe(holder: LockHolder | undefined): string {
  return holder ? `${holder.command} (pid ${holder.pid} on ${holder.host})` : 'another orrery run';
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? { pid: parsed.pid, host: parsed.host, command: String(parsed.command ?? 'orrery') } : undefined;
  } catch {
    return undefined;
  }
}

/** A holder on this machine whose process is gone. Another host's holder is never presumed dead. */
function isDead(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return errnoCode(err) === 'ESRCH';
  }
}

/**
 * Removes a stale lock without racing another run that removes it too: the stale file is renamed
 * to a unique name first (only one rename of the same file can succeed), then checked again.
 */
async function breakStale(file: string, seen: LockHolder | undefined): Promise<void> {
  const aside = `${file}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await rename(file, aside);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw err;
  }
  const moved = await readHolder(aside);
  if (seen && moved && (moved.pid !== seen.pid || moved.host !== seen.host) && !isDead(moved)) {
    // A live run took the lock between our check and our rename: give it back.
    await rename(aside, file).catch(() => undefined);
    return;
  }
  await unlink(aside).catch(() => undefined);
}

async function tryCreate(file: string, holder: LockHolder): Promise<boolean> {
  let handle;
  try {
    // O_CREAT|O_EXCL: atomic, and never follows a symbolic link planted at the lock's path.
    handle = await open(file, 'wx', 0o644);
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(`${JSON.stringify(holder)}\n`);
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Takes an exclusive lock: a file at `file` with the holder's pid. A live holder is waited for
 * (up to `waitMs`), a dead one (its pid gone on this host) is detected and replaced. The lock is
 * advisory between orrery runs; nothing else reads it.
 */
export async function acquireLock(file: string, options: LockOptions = {}): Promise<Lock> {
  const holder: LockHolder = { pid: process.pid, host: os.hostname(), command: options.command ?? 'orrery' };
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_LOCK_WAIT_MS);
  let waiting = false;
  for (;;) {
    try {
      if (await tryCreate(file, holder)) break;
    } catch (err) {
      throw asOutputError(err, 'cannot take the lock', file);
    }
    const current = await readHolder(file);
    if (current ? isDead(current) : await olderThan(file, EMPTY_LOCK_STALE_MS)) {
      await breakStale(file, current).catch((err: unknown) => {
        throw asOutputError(err, 'cannot remove a stale lock', file);
      });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new OutputError(`${describe(current)} is writing this output and holds ${file}; wait for it to finish and run again (if that process is gone, delete ${file})`);
    }
    if (!waiting) {
      waiting = true;
      options.onWait?.(describe(current));
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  let released = false;
  return {
    path: file,
    async release(): Promise<void> {
      if (released) return;
      released = true;
      // Only our own lock is removed (a stale-lock breaker may have replaced it after a long pause).
      const current = await readHolder(file);
      if (current && current.pid === holder.pid && current.host === holder.host) await unlink(file).catch(() => undefined);
    },
  };
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ms;
}

/** Runs `fn` holding the lock, and releases it however `fn` ends. */
export async function withLock<T>(file: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(file, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
