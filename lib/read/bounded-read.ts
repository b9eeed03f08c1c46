import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** What stops a file from being read, as a sentence with the fix (never the file's content). */
export function describeReadError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied; make it readable for this user (chmod u+r)';
    case 'ENOENT':
      return 'it does not exist (a link that points nowhere, or removed meanwhile)';
    case 'EISDIR':
      return 'it is a directory';
    case 'ELOOP':
      return 'a loop of symbolic links';
    case 'EIO':
      return 'input/output error: the device is failing or was removed';
    default:
      return code ?? String((err as Error)?.message ?? err);
  }
}

function typeName(info: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string | undefined {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return undefined;
}

/**
 * Whether a directory entry is a regular file orrery may read: a symbolic link is followed only
 * when its target stays inside `root` (a spec or secret must live where a review of the
 * directory sees it); a directory, FIFO, socket or device is refused by name.
 */
export async function entryKind(full: string, root: string): Promise<{ problem?: undefined; rule?: undefined } | { problem: string; rule: string }> {
  // Synchronous, like readBounded: thousands of small files (see there).
  let info;
  try {
    info = lstatSync(full);
  } catch (err) {
    return { rule: 'spec/unreadable', problem: `cannot read the file: ${describeReadError(err)}` };
  }
  if (info.isSymbolicLink()) {
    let target: string;
    try {
      target = realpathSync(full);
    } catch (err) {
      return { rule: 'spec/unreadable', problem: `a symbolic link that cannot be followed: ${describeReadError(err)}` };
    }
    const rel = path.relative(root, target);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      return { rule: 'spec/link-outside', problem: `a symbolic link to ${target}, outside ${root}; orrery does not follow links out of the directory (a review of it would not show the file): copy the file in instead` };
    }
    try {
      info = statSync(full);
    } catch {
      // A link that resolved a moment ago: judged by the link itself.
    }
  }
  const kind = typeName(info);
  return kind ? { rule: 'spec/not-a-file', problem: `named like a spec file but it is ${kind}, not a regular file; rename or remove it` } : {};
}

/**
 * Reads at most `max` bytes of a regular file. Opened non-blocking (a FIFO swapped in after the
 * check cannot hang the run) and checked with fstat on the open descriptor; a file larger than
 * `max` is refused by its size without being read.
 */
export async function readBounded(file: string, max: number): Promise<{ bytes: Buffer } | { tooLarge: number } | { error: string }> {
  // Synchronous calls: a fleet's thousands of small spec and Secret files are read several times
  // faster so than through the thread pool, and none of them can block (O_NONBLOCK, fstat first).
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return { error: describeReadError(err) };
  }
  try {
    const info = fstatSync(fd);
    const kind = typeName(info);
    if (kind) return { error: `it is ${kind}, not a regular file` };
    if (info.size > max) return { tooLarge: info.size };
    // One byte more than its size: a file that grows while being read is noticed, never truncated.
    const buffer = Buffer.alloc(info.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > info.size) return length > max ? { tooLarge: length } : { error: 'it changed while it was read; run again' };
    return { bytes: buffer.subarray(0, length) };
  } catch (err) {
    return { error: describeReadError(err) };
  } finally {
    closeSync(fd);
  }
}
