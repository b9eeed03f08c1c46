/**
 * Failures of the machine, not of orrery: a full disk, a read-only mount, a missing permission.
 * They are bad input in the README's sense (exit 1, no stack trace): the message names the path
 * and what to do. Anything without an errno code is still a bug and propagates as such.
 */
export class OutputError extends Error {}

/** A file or directory in the output that orrery did not write stands where it would write. */
export class OutputConflictError extends OutputError {}

interface ErrnoLike {
  readonly code?: unknown;
  readonly path?: unknown;
  readonly dest?: unknown;
}

/** The errno code of a Node fs error (`ENOSPC`, `EACCES`, …), or undefined for anything else. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as ErrnoLike | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

const FIXES: Record<string, (p: string) => string> = {
  ENOSPC: (p) => `no space left on the device that holds ${p}; free some space and run again`,
  EDQUOT: (p) => `disk quota exceeded writing ${p}; free some space and run again`,
  EROFS: (p) => `${p} is on a read-only file system; choose a writable --out, or remount it read-write`,
  EACCES: (p) => `permission denied on ${p}; make it writable (and readable) for this user, or choose another --out`,
  EPERM: (p) => `operation not permitted on ${p} (immutable file, or owned by another user); fix its permissions or choose another --out`,
  EBUSY: (p) => `${p} is busy (a mount point, or in use by another process); choose another --out`,
  ENOTDIR: (p) => `a file stands where a directory is needed in ${p}; move it away`,
  EISDIR: (p) => `a directory stands where a file is needed at ${p}; move it away`,
  ENOTEMPTY: (p) => `${p} is not empty although orrery expected to have removed it; remove it by hand and run again`,
  EEXIST: (p) => `${p} already exists; remove it and run again`,
  ELOOP: (p) => `${p} is (or passes through) a symbolic link, which orrery never follows inside its output; replace it with a real directory or file`,
  EMFILE: (p) => `too many open files while writing ${p}; raise the limit (ulimit -n) and run again`,
  ENFILE: (p) => `too many open files on the system while writing ${p}; run again later`,
  EIO: (p) => `input/output error on ${p}: the device is failing or was removed`,
  ENAMETOOLONG: (p) => `the path ${p} is too long for this file system; choose a shorter --out`,
  EXDEV: (p) => `${p} is on another file system than its staging directory; choose another --out`,
  ENOENT: (p) => `${p} disappeared while orrery was using it (another program removed it?); run again`,
};

/** `what` failed on `where`: a sentence with the cause and the fix, or undefined when `err` is not an fs error. */
export function describeFsError(err: unknown, what: string, where?: string): string | undefined {
  const code = errnoCode(err);
  if (!code) return undefined;
  const e = err as ErrnoLike;
  const p = where ?? (typeof e.path === 'string' ? e.path : 'the output');
  const fix = FIXES[code]?.(p) ?? `${code} on ${p}`;
  return `${what}: ${fix}`;
}

/** Rethrows an fs error as an OutputError with the cause and the fix; anything else unchanged. */
export function asOutputError(err: unknown, what: string, where?: string): unknown {
  if (err instanceof OutputError) return err;
  const text = describeFsError(err, what, where);
  return text === undefined ? err : new OutputError(text);
}
