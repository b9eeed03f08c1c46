import { Worker } from 'node:worker_threads';
import { loadBuildCache, type LoadedBuildCache } from './build-cache.ts';
import { NODE_FS } from './writer-fs.ts';
import { loadStampedIndex, type IndexEntry, type StampedIndex } from './writer-index.ts';
import type { ClusterCacheEntry } from '../build/cluster-cache.ts';
import { readTree, type OutputTree } from './writer-tree.ts';

/**
 * What synth needs to know about the output before it writes, taken while it compiles: the
 * output index, the build-cache entries still valid on disk (a lstat of every file they kept) and
 * the tree (a readdir of every directory). At 1000 clusters that is 59,000 lstat and 11,000
 * readdir calls, ≈ 0.4 s on one core — nearly all of a no-change synth's I/O — and none of it
 * depends on the spec, so it runs in a worker thread on the second core while the main thread
 * reads, checks and resolves the spec (issue 16).
 *
 * Nothing here is trusted blindly: the writer uses the tree only for the paths it does not touch
 * — every path it writes or removes, and each of their directories, is looked at again under the
 * lock — and walks the tree again after a wait for the lock, an interrupted write, a change of the
 * index (another synth wrote) or before staging a whole new tree (lib/output/writer.ts).
 */
export interface SnapshotRequest {
  /** The real path of the output directory (the index and the build cache are keyed by it). */
  readonly outDir: string;
  readonly indexFile: string;
  readonly buildCacheFile: string;
  readonly fingerprint: string;
}

export interface OutputSnapshot {
  readonly index: StampedIndex;
  readonly cache: LoadedBuildCache;
  /** undefined when the tree could not be listed (the writer lists it again and reports why). */
  readonly tree: OutputTree | undefined;
}

/** What the build needs of the snapshot: the index and the entries still valid on disk. */
export type SnapshotEntries = Pick<OutputSnapshot, 'index' | 'cache'>;

/** The index and the build cache's valid entries, in this thread. Never throws. */
export async function takeEntries(request: SnapshotRequest): Promise<SnapshotEntries> {
  const index = await loadStampedIndex(request.indexFile, request.outDir, NODE_FS);
  return { index, cache: await loadBuildCache(request.buildCacheFile, request.outDir, request.fingerprint, index.entries) };
}

/** The listing, in this thread; only worth it when there is something to keep (a first synth lists the tree under the lock). Never throws. */
export async function takeListing(request: SnapshotRequest, entries: SnapshotEntries): Promise<OutputTree | undefined> {
  return entries.cache.entries.size > 0 ? readTree(request.outDir, NODE_FS).catch(() => undefined) : undefined;
}

/** The snapshot, in this thread. Never throws. */
export async function takeSnapshot(request: SnapshotRequest): Promise<OutputSnapshot> {
  const entries = await takeEntries(request);
  return { ...entries, tree: await takeListing(request, entries) };
}

export interface PendingSnapshot {
  /** The index and the entries: the build needs them once the spec is checked. */
  readonly entries: Promise<SnapshotEntries>;
  /** All of it, the listing too: the writer needs it (the listing comes second, while synth builds). */
  readonly result: Promise<OutputSnapshot>;
  /** Stops the worker (synth found errors and will not write). */
  cancel(): void;
  /** Where the entries were taken (undefined while they are being taken): for tests and diagnosis. */
  where(): 'worker' | 'thread' | undefined;
}

/** The worker's two messages: the entries as soon as they are known, then the listing. */
export type SnapshotMessage = { readonly part: 'entries'; readonly packed: PackedSnapshot } | { readonly part: 'tree'; readonly tree: PackedTree | undefined };

/**
 * Starts the snapshot in a worker thread (structured clone keeps the identities the build cache
 * relies on: each kept file's index entry is the index's own object). Any failure of the worker —
 * it cannot start, it crashes — falls back to this thread: the whole snapshot when the entries
 * had not come yet, else no listing (the writer then lists the tree itself).
 */
export function startSnapshot(request: SnapshotRequest, options: { worker?: boolean; /** (tests) another worker module */ entry?: URL } = {}): PendingSnapshot {
  // From the sources (tests, bin's tsx fallback) the worker would be TypeScript, and Node 20 does
  // not apply a loader registered inside a worker to that worker's own imports: there the snapshot
  // is taken in this thread. build/ (what `npm ci` compiles and bin runs) has the worker.
  const compiled = !import.meta.url.endsWith('.ts');
  if (options.worker === false || (!compiled && !options.entry)) {
    const result = takeSnapshot(request);
    return { entries: result, result, cancel: () => undefined, where: () => 'thread' };
  }
  let worker: Worker | undefined;
  let where: 'worker' | 'thread' | undefined;
  let gotEntries: (value: SnapshotEntries | Promise<SnapshotEntries>) => void = () => undefined;
  let gotTree: (value: OutputTree | undefined | Promise<OutputTree | undefined>) => void = () => undefined;
  const entries = new Promise<SnapshotEntries>((resolve) => (gotEntries = resolve));
  const tree = new Promise<OutputTree | undefined>((resolve) => (gotTree = resolve));
  let phase: 'entries' | 'tree' | 'done' = 'entries';
  const fallback = (): void => {
    void worker?.terminate();
    if (phase === 'entries') {
      where = 'thread';
      const snapshot = takeSnapshot(request);
      gotEntries(snapshot);
      gotTree(snapshot.then((s) => s.tree));
    } else if (phase === 'tree') gotTree(undefined);
    phase = 'done';
  };
  try {
    worker = new Worker(options.entry ?? new URL('./writer-snapshot-worker.js', import.meta.url), { workerData: request, stdout: false, stderr: true });
    worker.on('message', (message: SnapshotMessage) => {
      if (message.part === 'entries' && phase === 'entries') {
        phase = 'tree';
        where = 'worker';
        gotEntries(unpackSnapshot(message.packed));
      } else if (message.part === 'tree' && phase === 'tree') {
        phase = 'done';
        gotTree(message.tree && unpackTree(message.tree));
        void worker?.terminate();
      }
    });
    worker.once('error', fallback);
    worker.once('exit', fallback);
  } catch {
    fallback();
  }
  return {
    entries,
    result: Promise.all([entries, tree]).then(([e, t]) => ({ ...e, tree: t })),
    cancel: () => void worker?.terminate(),
    where: () => where,
  };
}

/**
 * The snapshot as the worker posts it. Structured clone of the snapshot as objects costs the main
 * thread ≈ 0.3 s at 1000 clusters (59,000 index entries, the same again as kept files and tree
 * entries, each an object or a string deserialised on its own); as a few long strings and typed
 * arrays it costs ≈ 0.05 s, the objects rebuilt by plain JavaScript. NUL separates the names: no
 * file name can hold it (POSIX), and every path here is one.
 */
export interface PackedSnapshot {
  readonly index: { readonly file: string; readonly outDir: string; readonly stamp: string | undefined; readonly rels: string; readonly hashes: string; readonly numbers: Float64Array };
  readonly cache: { readonly stored: number; readonly entries: readonly { readonly name: string; readonly files: Int32Array; readonly rest: Omit<ClusterCacheEntry, 'files'> }[] };
  readonly tree: PackedTree | undefined;
}

export interface PackedTree {
  readonly exists: boolean;
  readonly files: string;
  readonly others: string;
  readonly dirs: string;
  readonly symlinks: string;
}

export function packTree(tree: OutputTree): PackedTree {
  return { exists: tree.exists, files: join(tree.files), others: join(tree.others), dirs: join(tree.dirs), symlinks: join(tree.symlinks) };
}

export function unpackTree(t: PackedTree): OutputTree {
  return { exists: t.exists, files: new Set(split(t.files)), others: new Set(split(t.others)), dirs: split(t.dirs), symlinks: new Set(split(t.symlinks)) };
}

const SEP = '\0';
const join = (names: Iterable<string>): string => [...names].join(SEP);
const split = (text: string, count?: number): string[] => (count === 0 || text === '' ? [] : text.split(SEP));

export function packSnapshot(snapshot: SnapshotEntries | OutputSnapshot): PackedSnapshot {
  const rels = [...snapshot.index.entries.keys()];
  const values = [...snapshot.index.entries.values()];
  const numbers = new Float64Array(values.length * 3);
  values.forEach((e, i) => numbers.set([e.size, e.mtimeMs, e.ino], i * 3));
  const position = new Map(rels.map((rel, i) => [rel, i]));
  const entries = [...snapshot.cache.entries].map(([name, entry]) => {
    const { files, ...rest } = entry;
    // (an entry is usable only when every file it kept is in the index with that very hash: lib/output/build-cache.ts)
    return { name, files: Int32Array.from(files, ([rel]) => position.get(rel)!), rest };
  });
  const tree = 'tree' in snapshot ? snapshot.tree : undefined;
  return {
    index: { file: snapshot.index.file, outDir: snapshot.index.outDir, stamp: snapshot.index.stamp, rels: join(rels), hashes: join(values.map((e) => e.hash)), numbers },
    cache: { stored: snapshot.cache.stored, entries },
    tree: tree && packTree(tree),
  };
}

export function unpackSnapshot(packed: PackedSnapshot): OutputSnapshot {
  const count = packed.index.numbers.length / 3;
  const rels = split(packed.index.rels, count);
  const hashes = split(packed.index.hashes, count);
  const n = packed.index.numbers;
  const values: IndexEntry[] = rels.map((_, i) => ({ size: n[i * 3]!, mtimeMs: n[i * 3 + 1]!, ino: n[i * 3 + 2]!, hash: hashes[i]! }));
  const index = new Map(rels.map((rel, i) => [rel, values[i]!]));
  const entries = new Map<string, ClusterCacheEntry>();
  const known = new Map<string, IndexEntry>();
  for (const { name, files, rest } of packed.cache.entries) {
    const kept = Array.from(files, (i) => [rels[i]!, hashes[i]!] as const);
    entries.set(name, { ...rest, files: kept });
    // The index's own objects: the writer compares them by identity with what it loads under the lock.
    for (const i of files) known.set(rels[i]!, values[i]!);
  }
  const t = packed.tree;
  return {
    index: { file: packed.index.file, outDir: packed.index.outDir, stamp: packed.index.stamp, entries: index },
    cache: { entries, known, stored: packed.cache.stored },
    tree: t && unpackTree(t),
  };
}
