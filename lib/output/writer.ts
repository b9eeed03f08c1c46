import { constants, mkdirSync, writeFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { OutputFiles } from './render.ts';
import { asOutputError, errnoCode, OutputConflictError, OutputError } from './fs-error.ts';
import { NODE_FS, type WriterFs } from './writer-fs.ts';
import { withLock, type LockOptions } from './writer-lock.ts';
import { applyAttributes, dirAttributes, pathExists, readTree, removeTree, type DirAttributes, type OutputTree } from './writer-tree.ts';
import { commitStaging, hasLeftovers, recoverOutput as recover, swapNames, type SwapFaults } from './writer-swap.ts';
import { IN_PLACE_DIR, writeInPlace } from './writer-inplace.ts';
import { currentIndex, entryOf, saveIndex, stillAsRecorded, type IndexEntry, type StampedIndex } from './writer-index.ts';

import { allPaths, diffOutput, diffTree, MANIFEST_NAME, renderManifest, WRITE_CONCURRENCY, type OutputDiff } from './writer-diff.ts';

export { OutputConflictError, OutputError } from './fs-error.ts';
export { diffOutput, MANIFEST_NAME, renderManifest, type OutputDiff } from './writer-diff.ts';

export interface WriteReport {
  readonly written: readonly string[];
  readonly removed: readonly string[];
  readonly unchanged: number;
  /** Leftovers that could not be cleaned up (never fatal), and owners that could not be kept. */
  readonly warnings: readonly string[];
}

/** Test hooks at the points where a write can be interrupted (a thrown error there is a failure, not a crash). */
export type WriteFaults = SwapFaults;

export interface WriteOptions {
  readonly faults?: WriteFaults;
  /** The file-system calls (fault-injection tests wrap them). */
  readonly fs?: WriterFs;
  readonly lock?: LockOptions;
  /**
   * The output index (writer-index.ts) to trust and update, so that unchanged files are not read
   * back; synth passes indexFileFor(out). Without it every existing file is read and compared.
   */
  readonly index?: string;
  /**
   * Files this synth did not render because they are on disk as the index recorded them (the build
   * cache, lib/output/build-cache.ts), with the index entry they were checked against. They are kept
   * as they are; if the index no longer says the same when the lock is held (another synth wrote
   * meanwhile), the write stops and asks for another run.
   */
  readonly known?: ReadonlyMap<string, IndexEntry>;
  /** The index as synth loaded it before compiling (for the build cache): reused when its file was not replaced since. Never modified. */
  readonly loadedIndex?: StampedIndex;
  /**
   * The tree as listed while synth compiled (lib/output/writer-snapshot.ts). Used only when synth
   * did not wait for the lock, no write was interrupted and the index is the one loaded with it
   * (no other synth wrote since); even then every path the write touches, and its directories,
   * is looked at again, and a whole new tree is staged only from a fresh listing.
   */
  readonly tree?: OutputTree;
  /** contentHash of rendered files where synth already made it (the build cache records them too): not hashed twice. */
  readonly hashes?: ReadonlyMap<string, string>;
  /** Called once, under the lock, just before the first change to the output (not at all when nothing changes). */
  readonly beforeChange?: () => Promise<void>;
}

async function statIfExists(p: string, fs: WriterFs, how: 'stat' | 'lstat'): Promise<Stats | undefined> {
  try {
    return await fs[how](p);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
    throw asOutputError(err, 'cannot inspect the output', p);
  }
}

/** Where the lock lives and whether the tree can be swapped, from facts that stay the same between runs. */
async function outputLayout(outDir: string, fs: WriterFs, create: boolean): Promise<{ lockFile: string; inPlace: boolean }> {
  const parent = path.dirname(outDir);
  if (create) {
    await fs.mkdir(parent, { recursive: true }).catch((err: unknown) => {
      throw asOutputError(err, `cannot create the directory that holds ${outDir}`, parent);
    });
  }
  const [parentInfo, outInfo] = await Promise.all([statIfExists(parent, fs, 'stat'), statIfExists(outDir, fs, 'lstat')]);
  if (outInfo && !outInfo.isDirectory()) throw new OutputConflictError(`${outDir} exists and is not a directory; choose another --out`);
  // undefined when writable, else why not (EROFS, EACCES, …).
  const denied = (p: string): Promise<string | undefined> => fs.access(p, constants.W_OK).then(() => undefined, (err: unknown) => errnoCode(err) ?? 'EACCES');
  // A mount point (a container volume) cannot be renamed: rename(2) fails with EBUSY.
  const mountPoint = outInfo !== undefined && parentInfo !== undefined && outInfo.dev !== parentInfo.dev;
  const parentDenied = parentInfo ? await denied(parent) : 'ENOENT';
  if (!parentDenied) return { lockFile: `${outDir}.orrery-lock`, inPlace: mountPoint };
  const outDenied = outInfo ? await denied(outDir) : undefined;
  if (outInfo && !outDenied) return { lockFile: path.join(outDir, '.orrery-lock'), inPlace: true };
  const why = (code: string | undefined, p: string): string => (code === 'EROFS' ? `${p} is on a read-only file system` : `${p} is not writable for this user`);
  throw new OutputError(
    outInfo
      ? `cannot write ${outDir}: ${why(outDenied, outDir)}, and so is ${parent}; remount it read-write or fix the permissions, or choose another --out`
      : `cannot create ${outDir}: ${why(parentDenied, parent)}; remount it read-write or fix the permissions, or choose another --out`,
  );
}

/** The output directory to work on: a symlinked output is followed once, so the link stays a link. */
async function resolveOut(requested: string, fs: WriterFs): Promise<string> {
  return fs.realpath(requested).catch(() => path.resolve(requested));
}

/** Creates the directories of the given files under `root`, a level at a time, in parallel within a level. */
async function makeDirectories(root: string, files: readonly string[], fs: WriterFs): Promise<void> {
  const all = new Set<string>();
  for (const f of files) for (let d = path.posix.dirname(f); d !== '.'; d = path.posix.dirname(d)) all.add(d);
  const levels = new Map<number, string[]>();
  for (const d of all) {
    const depth = d.split('/').length;
    levels.set(depth, [...(levels.get(depth) ?? []), d]);
  }
  for (const depth of [...levels.keys()].sort((a, b) => a - b)) {
    const dirs = levels.get(depth)!;
    if (fs === NODE_FS) {
      for (const d of dirs) mkdirSync(`${root}/${d}`, { recursive: true });
      continue;
    }
    for (let i = 0; i < dirs.length; i += WRITE_CONCURRENCY) {
      await Promise.all(dirs.slice(i, i + WRITE_CONCURRENCY).map((d) => fs.mkdir(path.join(root, d), { recursive: true })));
    }
  }
}

interface Plan {
  readonly toWrite: ReadonlySet<string>;
  readonly orphans: ReadonlySet<string>;
  /** Existing directories that held orphans, deepest first: dropped when nothing else is left in them. */
  readonly dropDirs: readonly string[];
}

/**
 * Builds the complete new tree beside the output: existing directories with their modes and
 * owners, unchanged and foreign files hard-linked (bytes and times stay), new files written.
 */
async function stage(outDir: string, tree: OutputTree, files: OutputFiles, paths: readonly string[], plan: Plan, fs: WriterFs, warnings: string[]): Promise<void> {
  const staging = swapNames(outDir).staging;
  try {
    await fs.mkdir(staging);
    const keep = (rel: string): boolean => rel !== MANIFEST_NAME && !plan.toWrite.has(rel) && !plan.orphans.has(rel);
    for (const d of tree.dirs) await fs.mkdir(path.join(staging, d), { recursive: true });
    // Owners, setgid and modes first (new files and directories inherit a setgid group), kept writable until the end.
    const attrs = new Map<string, DirAttributes>();
    if (tree.exists) {
      for (const d of ['', ...tree.dirs]) {
        attrs.set(d, await dirAttributes(path.join(outDir, d), fs));
        await applyAttributes(path.join(staging, d), attrs.get(d)!, fs, warnings, { writable: true });
      }
    }
    for (const rel of [...tree.files, ...tree.others].filter(keep)) {
      await fs.link(path.join(outDir, rel), path.join(staging, rel)).catch(() => fs.copyFile(path.join(outDir, rel), path.join(staging, rel)));
    }
    for (const rel of [...tree.symlinks].filter(keep)) await fs.symlink(await fs.readlink(path.join(outDir, rel)), path.join(staging, rel));
    const pending = [...plan.toWrite].filter((rel) => rel !== MANIFEST_NAME);
    await makeDirectories(staging, pending, fs);
    if (fs === NODE_FS) {
      // On the real file system one synchronous call after another, as the bench's floor writes:
      // a first synth creates 59,000 files (1000 clusters), and a promise each costs more than the write.
      for (const rel of pending) writeFileSync(`${staging}/${rel}`, files.get(rel)!);
    } else {
      for (let i = 0; i < pending.length; i += WRITE_CONCURRENCY) {
        await Promise.all(pending.slice(i, i + WRITE_CONCURRENCY).map((rel) => fs.writeFile(path.join(staging, rel), files.get(rel)!)));
      }
    }
    await fs.writeFile(path.join(staging, MANIFEST_NAME), renderManifest(paths));
    const dropped = new Set<string>();
    for (const d of plan.dropDirs) {
      if ((await fs.readdir(path.join(staging, d))).length === 0) {
        await fs.rmdir(path.join(staging, d));
        dropped.add(d);
      }
    }
    // The exact modes last: a read-only directory could not have been filled.
    for (const [d, a] of attrs) if (!dropped.has(d) && (a.mode & 0o700) !== 0o700) await fs.chmod(path.join(staging, d), a.mode);
  } catch (err) {
    await removeTree(staging, fs, warnings);
    throw asOutputError(err, 'cannot write the new output (the previous one is unchanged)', errnoCode(err) === 'ENOSPC' ? staging : undefined);
  }
}

function orphanDirs(tree: OutputTree, orphans: ReadonlySet<string>): string[] {
  const candidates = new Set<string>();
  for (const o of orphans) for (let d = path.posix.dirname(o); d !== '.'; d = path.posix.dirname(d)) candidates.add(d);
  return tree.dirs.filter((d) => candidates.has(d)).reverse();
}

type Kind = 'file' | 'dir' | 'symlink' | 'other' | 'none';

function listedKind(tree: OutputTree, dirs: ReadonlySet<string>, rel: string): Kind {
  return tree.files.has(rel) ? 'file' : dirs.has(rel) ? 'dir' : tree.symlinks.has(rel) ? 'symlink' : tree.others.has(rel) ? 'other' : 'none';
}

/**
 * Whether the given paths, and every directory on their way, are on disk now what the listing
 * says (a file, a directory, a link, something else, nothing). Checked under the lock for the
 * paths a write acts on, so that a listing made while synth compiled never decides what is
 * overwritten, removed or refused.
 */
async function asListed(outDir: string, tree: OutputTree, paths: readonly string[], fs: WriterFs): Promise<boolean> {
  const dirs = new Set(tree.dirs);
  const all = new Set<string>();
  for (const rel of paths) for (let d = rel; d !== '.'; d = path.posix.dirname(d)) all.add(d);
  for (const rel of all) {
    const info = await statIfExists(path.join(outDir, rel), fs, 'lstat');
    const now: Kind = !info ? 'none' : info.isSymbolicLink() ? 'symlink' : info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'other';
    if (now !== listedKind(tree, dirs, rel)) return false;
  }
  return true;
}

/** Conflicts are reported together, each once, naming the files. */
function conflictError(outDir: string, conflicts: readonly string[]): OutputConflictError {
  return new OutputConflictError(
    `${conflicts.length} file(s) in ${outDir} were not written by orrery and would be overwritten: ${conflicts.slice(0, 5).join(', ')}${conflicts.length > 5 ? ', …' : ''}; move them away`,
  );
}

/**
 * Whether to update an existing output in place (writer-inplace.ts: the changed files staged
 * inside it, a journal as the commit point, each file renamed into place) rather than staging a
 * whole new tree beside it and swapping (writer-swap.ts). Staging links every unchanged file, so
 * its cost is the size of the tree; in place costs the size of the change. Both leave, after any
 * crash, the previous or the new tree once the next orrery command has recovered (the swap: a
 * missing dist/ between its renames; in place: a partly applied journal). A large change (more
 * than an eighth of the tree) keeps the swap; so does a change into a directory this user cannot
 * write (a read-only directory is kept read-only by the swap; a rename into it would fail after
 * the commit point).
 */
async function smallChange(outDir: string, tree: OutputTree, plan: Plan, fs: WriterFs): Promise<boolean> {
  const touched = [...plan.toWrite, ...plan.orphans];
  if (!tree.exists || touched.length * 8 > tree.files.size) return false;
  const known = new Set(tree.dirs);
  const parents = new Set<string>();
  for (const rel of touched) {
    let d = path.posix.dirname(rel);
    while (d !== '.' && !known.has(d)) d = path.posix.dirname(d);
    parents.add(d);
  }
  for (const d of [...parents, ...plan.dropDirs.map((x) => path.posix.dirname(x))]) {
    const writable = await fs.access(path.join(outDir, d), constants.W_OK).then(() => true, () => false);
    if (!writable) return false;
  }
  return true;
}

/** The index after a write: what was verified unchanged, and the files just written as they are now. */
async function updateIndex(indexFile: string, outDir: string, files: OutputFiles, verified: Map<string, IndexEntry>, written: readonly string[], fs: WriterFs, warnings: string[], hashes?: ReadonlyMap<string, string>): Promise<void> {
  const next = new Map(verified);
  for (let i = 0; i < written.length; i += WRITE_CONCURRENCY) {
    await Promise.all(
      written.slice(i, i + WRITE_CONCURRENCY).map(async (rel) => {
        const e = await entryOf(path.join(outDir, rel), files.get(rel)!, fs, hashes?.get(rel));
        if (e) next.set(rel, e);
      }),
    );
  }
  await saveIndex(indexFile, outDir, next, fs, warnings);
}

/**
 * Writes the output: only files whose bytes changed, only files orrery owns (its manifest), under
 * an exclusive lock beside the output. A new tree or a large change is staged and swapped in
 * (writer-swap.ts); a small change, or any change to a mount point, is applied in place through a
 * journal (writer-inplace.ts). A failure leaves the previous tree as it was and nothing behind; a
 * crash leaves what the next run recovers.
 */
export async function writeOutput(requestedOutDir: string, files: OutputFiles, options: WriteOptions = {}): Promise<WriteReport> {
  const fs = options.fs ?? NODE_FS;
  const outDir = await resolveOut(requestedOutDir, fs);
  const layout = await outputLayout(outDir, fs, true);
  // Kept files were checked on disk before synth compiled; a wait for the lock is long enough for
  // someone to change one, so after a wait they are checked again.
  let waited = false;
  const lock = { ...options.lock, onWait: (holder: string): void => ((waited = true), options.lock?.onWait?.(holder)) };
  return withLock(layout.lockFile, { command: 'orrery synth', ...lock }, async () => {
    const interrupted = options.tree !== undefined && (await hasLeftovers(outDir, fs));
    const warnings = await recover(outDir, fs);
    const known = options.index ? await currentIndex(options.index, outDir, fs, options.loadedIndex) : undefined;
    const listed = options.tree && !waited && !interrupted && known !== undefined && known === options.loadedIndex?.entries ? options.tree : undefined;
    const kept = options.known ?? new Map<string, IndexEntry>();
    const compare = async (tree: OutputTree): Promise<Awaited<ReturnType<typeof diffTree>>> => {
      for (const [rel, entry] of kept) {
        const now = known?.get(rel);
        const onDisk = waited ? await fs.lstat(path.join(outDir, rel)).catch(() => undefined) : undefined;
        if (!now || now.hash !== entry.hash || !stillAsRecorded(now, entry) || !tree.files.has(rel) || (waited && !(onDisk && stillAsRecorded(onDisk, entry)))) {
          throw new OutputError(`${path.join(outDir, rel)} changed while this synth ran (another orrery synth wrote ${outDir}, or it was edited while synth waited for the lock); nothing was written — run orrery synth again`);
        }
      }
      return diffTree(outDir, tree, files, fs, known, kept, options.hashes);
    };
    // What to write and how: the files that differ, and a swap or an update in place.
    const decide = async (tree: OutputTree): Promise<{ diff: Awaited<ReturnType<typeof diffTree>>; plan: Plan; swap: boolean }> => {
      const diff = await compare(tree);
      const orphans = new Set(diff.orphans);
      const plan: Plan = { toWrite: new Set([...diff.changed, ...diff.added]), orphans, dropDirs: orphanDirs(tree, orphans) };
      const changes = plan.toWrite.size + orphans.size > 0 && diff.conflicts.length === 0;
      return { diff, plan, swap: changes && !layout.inPlace && !(await smallChange(outDir, tree, plan, fs)) };
    };
    // The listing is trusted only where the write does not act: what it writes, removes or refuses
    // is looked at again; and staging links every file of the tree, so it needs a listing made now.
    const fromListing = async (tree: OutputTree): Promise<Awaited<ReturnType<typeof decide>> | undefined> => {
      const decided = await decide(tree).catch((err: unknown) => {
        if (err instanceof OutputConflictError) return undefined; // (a link in the way, as listed: looked at again)
        throw err;
      });
      if (!decided || decided.swap) return undefined;
      const { diff } = decided;
      return (await asListed(outDir, tree, [...diff.changed, ...diff.added, ...diff.orphans, ...diff.conflicts], fs)) ? decided : undefined;
    };
    let tree = listed ?? (await readTree(outDir, fs));
    let decided = tree === listed ? await fromListing(tree) : await decide(tree);
    if (!decided) {
      tree = await readTree(outDir, fs);
      decided = await decide(tree);
    }
    const { diff, plan } = decided;
    if (diff.conflicts.length > 0) throw conflictError(outDir, diff.conflicts);
    const unchanged = files.size + kept.size - diff.changed.filter((f) => f !== MANIFEST_NAME).length - diff.added.length;
    const written = [...diff.changed, ...diff.added].filter((f) => f !== MANIFEST_NAME).sort();
    if (diff.changed.length + diff.added.length + diff.orphans.length === 0) {
      if (options.index && (diff.readBack > 0 || (known && known.size !== diff.verified.size))) await saveIndex(options.index, outDir, diff.verified, fs, warnings);
      return { written: [], removed: [], unchanged, warnings };
    }
    const orphans = plan.orphans;
    await options.beforeChange?.();
    let swapped = false;
    if (decided.swap) {
      await stage(outDir, tree, files, allPaths(files, kept), plan, fs, warnings);
      swapped = await commitStaging(outDir, tree.exists, fs, options.faults ?? {}, warnings);
    }
    if (!swapped) {
      const writes = written.map((rel) => [rel, files.get(rel)!] as const);
      await writeInPlace(outDir, { writes: [...writes, [MANIFEST_NAME, renderManifest(allPaths(files, kept))]], removes: [...orphans], dropDirs: plan.dropDirs }, fs, options.faults ?? {}, warnings);
    }
    if (options.index) await updateIndex(options.index, outDir, files, diff.verified, written, fs, warnings, options.hashes);
    return { written, removed: [...orphans], unchanged, warnings };
  });
}

/** Finishes an interrupted write (see writer-swap.ts). Takes no lock: callers hold it. */
export async function recoverOutput(outDir: string, options: { fs?: WriterFs } = {}): Promise<string[]> {
  return recover(outDir, options.fs ?? NODE_FS);
}

/**
 * `orrery check`: the diff against the last complete tree. Holds the lock, so it never reads a
 * tree another run is writing, and finishes an interrupted write first. On a read-only checkout
 * (no lock possible) it compares directly, unless a write was interrupted there.
 */
export async function checkOutput(requestedOutDir: string, files: OutputFiles, options: { fs?: WriterFs; lock?: LockOptions } = {}): Promise<OutputDiff & { warnings: readonly string[] }> {
  const fs = options.fs ?? NODE_FS;
  const outDir = await resolveOut(requestedOutDir, fs);
  let layout;
  try {
    layout = await outputLayout(outDir, fs, false);
  } catch (err) {
    if (!(err instanceof OutputError) || err instanceof OutputConflictError) throw err;
    const n = swapNames(outDir);
    const leftovers = [n.staging, n.ready, n.old, path.join(outDir, IN_PLACE_DIR)];
    for (const p of leftovers) {
      if (await pathExists(p, fs)) throw new OutputError(`an interrupted synth left ${p}, and the output is not writable here; run orrery synth where it is, then check again`);
    }
    return { ...(await diffOutput(outDir, files, { fs })), warnings: [] };
  }
  return withLock(layout.lockFile, { command: 'orrery check', ...options.lock }, async () => {
    const warnings = await recover(outDir, fs);
    return { ...(await diffOutput(outDir, files, { fs })), warnings };
  });
}
