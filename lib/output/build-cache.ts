import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import type { ClusterCacheEntry } from '../build/cluster-cache.ts';
import { replaceCacheFile, unsealCacheText } from './cache-file.ts';
import { cacheDir, stillAsRecorded, type IndexEntry, type OutputIndex } from './writer-index.ts';

/**
 * Where synth keeps its cluster entries (lib/build/cluster-cache.ts) for one output directory:
 * beside the output index, in orrery's cache directory. Like the index it is a cache, never the
 * truth: missing, damaged, for another directory or another orrery, it is ignored and synth
 * builds everything; `orrery check` never reads it.
 */
const VERSION = 1;

interface CacheFile {
  readonly version: number;
  readonly outDir: string;
  readonly fingerprint: string;
  readonly clusters: Record<string, ClusterCacheEntry>;
}

export function buildCacheFileFor(outDir: string, dir: string = cacheDir()): string {
  return path.join(dir, `build-${createHash('sha256').update(path.resolve(outDir)).digest('hex').slice(0, 16)}.json`);
}

export interface LoadedBuildCache {
  /** The entries whose every file is on disk as the index recorded it. */
  readonly entries: Map<string, ClusterCacheEntry>;
  /** Those files, with the index entry each was checked against (for the writer). */
  readonly known: Map<string, IndexEntry>;
  /** How many entries the file held (usable or not): with `entries`, whether saving would change it. */
  readonly stored: number;
}

/**
 * The entries of the last synth that can still be used: same orrery, and every file an entry
 * wrote is still what the index says orrery left there (lstat: size, mtime, inode). One file
 * edited, removed or replaced by hand and that cluster is built again. Never throws.
 */
export async function loadBuildCache(file: string, outDir: string, fingerprint: string, index: OutputIndex): Promise<LoadedBuildCache> {
  const entries = new Map<string, ClusterCacheEntry>();
  const known = new Map<string, IndexEntry>();
  let parsed: CacheFile;
  try {
    parsed = JSON.parse(unsealCacheText(await fsp.readFile(file, 'utf8')) ?? '') as CacheFile;
  } catch {
    return { entries, known, stored: 0 };
  }
  if (parsed?.version !== VERSION || parsed.outDir !== outDir || parsed.fingerprint !== fingerprint || typeof parsed.clusters !== 'object' || parsed.clusters === null) return { entries, known, stored: 0 };
  const stored = Object.keys(parsed.clusters);
  // (outDir is absolute and every rel is checked relative by wellFormed: a plain join, cheaper than path.join 59,000 times)
  const root = outDir.endsWith('/') ? outDir : `${outDir}/`;
  // lstat looks at the last component only: a file reached through a symbolic link (a cluster's
  // directory replaced by a link to a copy) must not count as kept — that cluster is built again,
  // and the writer refuses the link by name. Each directory is looked at once.
  const realDir = new Map<string, boolean>();
  /** Whether the directory, and every directory above it, is a real directory (not a link). */
  const realPath = (dir: string): boolean => {
    let real = realDir.get(dir);
    if (real !== undefined) return real;
    const slash = dir.lastIndexOf('/');
    real = slash < 0 || realPath(dir.slice(0, slash));
    if (real) {
      try {
        real = lstatSync(root + dir, { throwIfNoEntry: false })?.isDirectory() === true;
      } catch {
        real = false;
      }
    }
    realDir.set(dir, real);
    return real;
  };
  const throughRealDirs = (rel: string): boolean => {
    const slash = rel.lastIndexOf('/');
    return slash < 0 || realPath(rel.slice(0, slash));
  };
  for (const name of stored) {
    const entry = parsed.clusters[name];
    if (!wellFormed(entry)) continue;
    const checked: [string, IndexEntry][] = [];
    const intact = entry.files.every(([rel, hash]) => {
      const recorded = index.get(rel);
      if (!recorded || recorded.hash !== hash) return false;
      let info;
      try {
        info = lstatSync(root + rel, { throwIfNoEntry: false });
      } catch {
        return false;
      }
      if (!info?.isFile() || !stillAsRecorded(info, recorded) || !throughRealDirs(rel)) return false;
      checked.push([rel, recorded]);
      return true;
    });
    if (!intact) continue;
    entries.set(name, entry);
    for (const [rel, e] of checked) known.set(rel, e);
  }
  return { entries, known, stored: stored.length };
}

function wellFormed(e: unknown): e is ClusterCacheEntry {
  const x = e as Partial<ClusterCacheEntry> | null;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.key === 'string' &&
    [x.secrets, x.files, x.diagnostics, x.referencedSecrets, x.notices, x.namespaces].every(Array.isArray) &&
    x.files!.every((f) => Array.isArray(f) && typeof f[0] === 'string' && typeof f[1] === 'string' && f[0] !== '' && !f[0].startsWith('/') && !f[0].split('/').includes('..'))
  );
}

/**
 * Whether the entries a synth ends with are exactly the ones it loaded (every cluster taken from
 * the cache, none dropped): then the file on disk already says this and need not be written.
 */
export function sameAsLoaded(loaded: LoadedBuildCache, next: ReadonlyMap<string, ClusterCacheEntry>): boolean {
  return loaded.stored === next.size && loaded.entries.size === next.size && [...next].every(([name, e]) => loaded.entries.get(name) === e);
}

/** Saves the entries (a temporary file renamed over the old one). A failure costs only speed: a warning, and the old file removed. */
export async function saveBuildCache(file: string, outDir: string, fingerprint: string, entries: ReadonlyMap<string, ClusterCacheEntry>, warnings: string[]): Promise<void> {
  const body: CacheFile = { version: VERSION, outDir, fingerprint, clusters: Object.fromEntries(entries) };
  const failed = await replaceCacheFile(file, JSON.stringify(body));
  if (failed) warnings.push(`could not save the build cache ${file} (${failed}); the next synth builds every cluster`);
}

/** Removes the entries (after a synth that could not use them, so that none outlives the output they describe). */
export async function dropBuildCache(file: string): Promise<void> {
  await fsp.rm(file, { force: true }).catch(() => undefined);
}
