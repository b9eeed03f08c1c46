import { createHash } from 'node:crypto';
import { existsSync, lstatSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { replaceCacheFile, unsealCacheText } from './cache-file.ts';
import { NODE_FS, type WriterFs } from './writer-fs.ts';

/**
 * What synth knows about the files it last wrote, so that an unchanged file is not read back:
 * per output-relative path the size, mtime and inode the file had right after orrery wrote (or
 * last verified) it, and a hash of its bytes. A file whose lstat still shows the same size, mtime
 * and inode holds the bytes of the recorded hash (writing a file changes its mtime; replacing it
 * changes its inode), so comparing new bytes with it needs only that lstat and the hash of the
 * new bytes — the way git's index avoids re-reading a work tree. Any mismatch, a missing or
 * damaged index, falls back to reading the file. The index is a cache, never the truth: it lives
 * outside the output (it holds machine-local facts, never committed), in orrery's cache
 * directory, one file per output directory; deleting it only makes the next synth slower.
 * `orrery check` never uses it: it reads every file.
 */
export interface IndexEntry {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  readonly hash: string;
}

export type OutputIndex = ReadonlyMap<string, IndexEntry>;

const VERSION = 1;

interface IndexFile {
  readonly version: number;
  readonly outDir: string;
  /** rel → [size, mtimeMs, ino, hash] */
  readonly files: Record<string, [number, number, number, string]>;
}

import { contentHash } from './content-hash.ts';

export { contentHash };

/**
 * orrery's cache directory: $ORRERY_CACHE_DIR, else node_modules/.cache/orrery in the current
 * directory when it has node_modules (the convention of babel, eslint and others; gitignored with
 * node_modules), else $XDG_CACHE_HOME/orrery or ~/.cache/orrery.
 */
export function cacheDir(cwd: string = process.cwd()): string {
  const fromEnv = process.env.ORRERY_CACHE_DIR;
  if (fromEnv) return path.resolve(fromEnv);
  if (existsSync(path.join(cwd, 'node_modules'))) return path.join(cwd, 'node_modules', '.cache', 'orrery');
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'orrery');
}

/** The index file of one output directory (by its absolute path). */
export function indexFileFor(outDir: string, dir: string = cacheDir()): string {
  return path.join(dir, `output-${createHash('sha256').update(path.resolve(outDir)).digest('hex').slice(0, 16)}.json`);
}

/** The index, or an empty one when it is missing, damaged, or for another directory. Never throws. */
export async function loadIndex(file: string, outDir: string, fs: WriterFs): Promise<Map<string, IndexEntry>> {
  return (await loadStampedIndex(file, outDir, fs)).entries;
}

/**
 * An index as loaded, with the stamp (inode, size, mtime) its file had just before it was read.
 * The index file is only ever replaced by a rename (replaceCacheFile), so a file that still has
 * that stamp holds the same bytes: the writer, which must consult the index again once it holds
 * the lock, reuses these entries then instead of parsing 7 MB again (1000 clusters).
 */
export interface StampedIndex {
  readonly file: string;
  readonly outDir: string;
  readonly stamp: string | undefined;
  readonly entries: Map<string, IndexEntry>;
}

async function fileStamp(file: string, fs: WriterFs): Promise<string | undefined> {
  const info = await fs.lstat(file).catch(() => undefined);
  return info?.isFile() ? `${info.ino}:${info.size}:${info.mtimeMs}` : undefined;
}

export async function loadStampedIndex(file: string, outDir: string, fs: WriterFs): Promise<StampedIndex> {
  // The stamp first: a file replaced between the two calls then looks changed, never the reverse.
  const stamp = await fileStamp(file, fs);
  const entries = new Map<string, IndexEntry>();
  try {
    const parsed = JSON.parse(unsealCacheText(await fs.readFile(file, 'utf8')) ?? '') as IndexFile;
    if (parsed.version === VERSION && parsed.outDir === outDir && typeof parsed.files === 'object' && parsed.files !== null) {
      for (const [rel, e] of Object.entries(parsed.files)) {
        if (Array.isArray(e) && e.length === 4) entries.set(rel, { size: e[0], mtimeMs: e[1], ino: e[2], hash: e[3] });
      }
    }
  } catch {
    entries.clear();
  }
  return { file, outDir, stamp, entries };
}

/** The index now: `earlier` when its file has not been replaced since, else loaded again. */
export async function currentIndex(file: string, outDir: string, fs: WriterFs, earlier?: StampedIndex): Promise<Map<string, IndexEntry>> {
  if (earlier && earlier.file === file && earlier.outDir === outDir && earlier.stamp !== undefined && earlier.stamp === (await fileStamp(file, fs))) return earlier.entries;
  return loadIndex(file, outDir, fs);
}

/** Writes the index (a temporary file renamed over it). A failure only costs speed: it is reported as a warning. */
export async function saveIndex(file: string, outDir: string, entries: OutputIndex, fs: WriterFs, warnings: string[]): Promise<void> {
  const body: IndexFile = { version: VERSION, outDir, files: Object.fromEntries([...entries].map(([rel, e]) => [rel, [e.size, e.mtimeMs, e.ino, e.hash]])) };
  const failed = await replaceCacheFile(file, JSON.stringify(body), fs);
  // (replaceCacheFile drops the old index on failure: it may describe files that changed, so nothing may trust it)
  if (failed) warnings.push(`could not save the output index ${file} (${failed}); the next synth reads the output back`);
}

/**
 * The entry of a file as it is on disk now, for bytes the caller knows it holds (and their hash,
 * when the caller has it). undefined when it vanished. Synchronous on the real file system (a
 * first synth records 59,000 files at 1000 clusters; one promise each costs 0.3 s more).
 */
export async function entryOf(file: string, text: string, fs: WriterFs, hash?: string): Promise<IndexEntry | undefined> {
  let info;
  try {
    info = fs === NODE_FS ? lstatSync(file, { throwIfNoEntry: false }) : await fs.lstat(file);
  } catch {
    info = undefined;
  }
  return info?.isFile() ? { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino, hash: hash ?? contentHash(text) } : undefined;
}

/** Whether lstat shows the file exactly as recorded. */
export function stillAsRecorded(info: { size: number; mtimeMs: number; ino: number }, entry: IndexEntry): boolean {
  return info.size === entry.size && info.mtimeMs === entry.mtimeMs && info.ino === entry.ino;
}
