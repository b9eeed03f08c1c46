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

/** The snapshot, in this thread. Never throws. */
export async function takeSnapshot(request: SnapshotRequest): Promise<OutputSnapshot> {
  const index = await loadStampedIndex(request.indexFile, request.outDir, NODE_FS);
  const cache = await loadBuildCache(request.buildCacheFile, request.outDir, request.fingerprint, index.entries);
  // Only worth it when there is something to keep: a first synth lists the tree under the lock.
  const tree = cache.entries.size > 0 ? await readTree(request.outDir, NODE_FS).catch(() => undefined) : undefined;
  return { index, cache, tree };
}

export interface PendingSnapshot {
  readonly result: Promise<OutputSnapshot>;
  /** Stops the worker (synth found errors and will not write). */
  cancel(): void;
  /** Where the snapshot was taken (undefined while it is being taken): for tests and diagnosis. */
  where(): 'worker' | 'thread' | undefined;
}

/**
 * Starts the snapshot in a worker thread (structured clone keeps the identities the build cache
 * relies on: each kept file's index entry is the index's own object). Any failure of the worker —
 * it cannot start, it crashes — falls back to taking the snapshot in this thread.
 */
export function startSnapshot(request: SnapshotRequest, options: { worker?: boolean; /** (tests) another worker module */ entry?: URL } = {}): PendingSnapshot {
  // From the sources (tests, bin's tsx fallback) the worker would be TypeScript, and Node 20 does
  // not apply a loader registered inside a worker to that worker's own imports: there the snapshot
  // is taken in this thread. build/ (what `npm ci` compiles and bin runs) has the worker.
  const compiled = !import.meta.url.endsWith('.ts');
  if (options.worker === false || (!compiled && !options.entry)) return { result: takeSnapshot(request), cancel: () => undefined, where: () => 'thread' };
  let worker: Worker | undefined;
  let where: 'worker' | 'thread' | undefined;
  const result = new Promise<OutputSnapshot>((resolve) => {
    let settled = false;
    const fallback = (): void => {
      if (settled) return;
      settled = true;
      where = 'thread';
      void worker?.terminate();
      resolve(takeSnapshot(request));
    };
    try {
      worker = new Worker(options.entry ?? new URL('./writer-snapshot-worker.js', import.meta.url), { workerData: request, stdout: false, stderr: true });
      worker.once('message', (packed: PackedSnapshot) => {
        if (settled) return;
        settled = true;
        where = 'worker';
        resolve(unpackSnapshot(packed));
        void worker?.terminate();
      });
      worker.once('error', fallback);
      worker.once('exit', fallback);
    } catch {
      fallback();
    }
  });
  return {
    result,
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
  readonly tree: { readonly exists: boolean; readonly files: string; readonly others: string; readonly dirs: string; readonly symlinks: string } | undefined;
}

const SEP = '\0';
const join = (names: Iterable<string>): string => [...names].join(SEP);
const split = (text: string, count?: number): string[] => (count === 0 || text === '' ? [] : text.split(SEP));

export function packSnapshot(snapshot: OutputSnapshot): PackedSnapshot {
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
  const tree = snapshot.tree;
  return {
    index: { file: snapshot.index.file, outDir: snapshot.index.outDir, stamp: snapshot.index.stamp, rels: join(rels), hashes: join(values.map((e) => e.hash)), numbers },
    cache: { stored: snapshot.cache.stored, entries },
    tree: tree && { exists: tree.exists, files: join(tree.files), others: join(tree.others), dirs: join(tree.dirs), symlinks: join(tree.symlinks) },
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
    tree: t && { exists: t.exists, files: new Set(split(t.files)), others: new Set(split(t.others)), dirs: split(t.dirs), symlinks: new Set(split(t.symlinks)) },
  };
}
