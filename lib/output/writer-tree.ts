import path from 'node:path';
import { asOutputError, errnoCode } from './fs-error.ts';
import { readdirSync } from 'node:fs';
import { NODE_FS, type WriterFs } from './writer-fs.ts';

/** Entries at the top of the output that belong to the writer itself, never part of the tree. */
export const INTERNAL_NAMES: ReadonlySet<string> = new Set(['.orrery-inplace', '.orrery-lock']);

/** What is on disk under the output directory, by `/`-separated relative path. One readdir per directory. */
export interface OutputTree {
  readonly exists: boolean;
  readonly files: ReadonlySet<string>;
  /** FIFOs, sockets, devices: never read (a FIFO would block), only carried over. */
  readonly others: ReadonlySet<string>;
  /** Directories, each after its parent. */
  readonly dirs: readonly string[];
  readonly symlinks: ReadonlySet<string>;
}

export async function readTree(outDir: string, fs: WriterFs): Promise<OutputTree> {
  const files = new Set<string>();
  const dirs: string[] = [];
  const symlinks = new Set<string>();
  const others = new Set<string>();
  const visit = async (rel: string): Promise<void> => {
    let entries;
    try {
      // With the real file system, synchronous readdir: 11,000 directories (1000 clusters) take
      // about 0.1 s this way and 0.7 s one promise at a time. Tests that inject faults go async.
      entries = fs === NODE_FS ? readdirSync(path.join(outDir, rel), { withFileTypes: true }) : await fs.readdir(path.join(outDir, rel), { withFileTypes: true });
    } catch (err) {
      if (rel === '' && errnoCode(err) === 'ENOENT') return;
      throw asOutputError(err, 'cannot list the output', path.join(outDir, rel));
    }
    for (const e of entries) {
      if (rel === '' && INTERNAL_NAMES.has(e.name)) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) symlinks.add(r);
      else if (e.isDirectory()) {
        dirs.push(r);
        await visit(r);
      } else if (e.isFile()) files.add(r);
      else others.add(r);
    }
  };
  if (!(await pathExists(outDir, fs))) return { exists: false, files, others, dirs, symlinks };
  await visit('');
  return { exists: true, files, others, dirs, symlinks };
}

/** Whether a path exists (as anything, links not followed). Only ENOENT means no: any other failure is reported. */
export async function pathExists(p: string, fs: WriterFs): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return false;
    throw asOutputError(err, 'cannot inspect the output', p);
  }
}

/** Mode (with setgid and sticky bits) and owner of a directory, to carry over to its replacement. */
export interface DirAttributes {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

export async function dirAttributes(dir: string, fs: WriterFs): Promise<DirAttributes> {
  const info = await fs.lstat(dir);
  return { mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
}

/**
 * Gives `dir` the owner and mode of the directory it replaces. Owner first: chown clears setgid,
 * and chmod only keeps setgid for a group the process is in. A foreign owner that cannot be
 * kept (not root) is reported, never fatal.
 */
export async function applyAttributes(dir: string, attrs: DirAttributes, fs: WriterFs, warnings: string[], options: { writable?: boolean } = {}): Promise<void> {
  const mine = await fs.lstat(dir);
  if (mine.uid !== attrs.uid || mine.gid !== attrs.gid) {
    await fs.chown(dir, attrs.uid, attrs.gid).catch(async () => {
      await fs.chown(dir, mine.uid, attrs.gid).catch(() => warnings.push(`could not keep the owner ${attrs.uid}:${attrs.gid} of ${dir}`));
    });
  }
  // While the tree is being filled, the owner keeps rwx (a read-only directory could not be filled).
  await fs.chmod(dir, options.writable ? attrs.mode | 0o700 : attrs.mode);
}

/** Directories get user rwx back so that a tree with read-only directories can be removed. */
async function makeRemovable(dir: string, fs: WriterFs): Promise<void> {
  await fs.chmod(dir, 0o700).catch(() => undefined);
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) if (e.isDirectory() && !e.isSymbolicLink()) await makeRemovable(path.join(dir, e.name), fs);
}

/**
 * Removes a tree the writer owns (a staging or an old tree). Never throws: read-only directories
 * are made writable first; a tree that still cannot be removed is moved aside under a unique
 * name so that the next run is not wedged by it, and reported.
 */
export async function removeTree(dir: string, fs: WriterFs, warnings: string[]): Promise<void> {
  try {
    await fs.rm(dir, { recursive: true, force: true });
    return;
  } catch {
    await makeRemovable(dir, fs);
  }
  try {
    await fs.rm(dir, { recursive: true, force: true });
  } catch (err) {
    const aside = `${dir}-trash-${process.pid}-${Date.now().toString(36)}`;
    const moved = await fs.rename(dir, aside).then(
      () => true,
      () => false,
    );
    warnings.push(`could not remove ${dir} (${errnoCode(err) ?? 'error'})${moved ? `; moved it to ${aside}` : ''}: remove it by hand`);
  }
}
