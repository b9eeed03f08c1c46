import { lstat, link, mkdir, readdir, readFile, readlink, realpath, rename, rm, symlink, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { OutputFiles } from './render.ts';

/** The list of files orrery owns in the output directory; only these are ever removed. */
export const MANIFEST_NAME = '.orrery-manifest.json';
const WRITE_CONCURRENCY = 64;

interface Manifest {
  readonly generator: 'orrery';
  readonly files: readonly string[];
}

export interface WriteReport {
  readonly written: readonly string[];
  readonly removed: readonly string[];
  readonly unchanged: number;
}

/** Test hooks that simulate a crash at the two points where a write can be interrupted. */
export interface WriteFaults {
  readonly afterStaging?: () => void | Promise<void>;
  readonly betweenRenames?: () => void | Promise<void>;
}

export class OutputConflictError extends Error {}

const stagingDir = (outDir: string): string => `${outDir}.orrery-staging`;
const oldDir = (outDir: string): string => `${outDir}.orrery-old`;

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}

/** Finishes or undoes an interrupted write so the output is the last complete one. */
export async function recoverOutput(outDir: string): Promise<void> {
  const old = oldDir(outDir);
  if (await exists(old)) {
    if (await exists(outDir)) await rm(old, { recursive: true, force: true });
    else await rename(old, outDir);
  }
  await rm(stagingDir(outDir), { recursive: true, force: true });
}

export function renderManifest(files: OutputFiles): string {
  const manifest: Manifest = { generator: 'orrery', files: [...files.keys()] };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

async function readManifest(outDir: string): Promise<Set<string>> {
  try {
    const parsed = JSON.parse(await readFile(path.join(outDir, MANIFEST_NAME), 'utf8')) as Partial<Manifest>;
    return new Set(Array.isArray(parsed.files) ? parsed.files.filter((f): f is string => typeof f === 'string') : []);
  } catch {
    return new Set();
  }
}

/** Every file and directory under `dir`, as `/`-separated relative paths. */
async function walk(dir: string, rel = ''): Promise<{ files: string[]; dirs: string[] }> {
  const out = { files: [] as string[], dirs: [] as string[] };
  let entries;
  try {
    entries = await readdir(path.join(dir, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      out.dirs.push(r);
      const sub = await walk(dir, r);
      out.files.push(...sub.files);
      out.dirs.push(...sub.dirs);
    } else {
      out.files.push(r);
    }
  }
  return out;
}

async function readIfFile(p: string): Promise<string | undefined> {
  try {
    return await readFile(p, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Creates the directories of the given files under `root`, a level at a time and in parallel
 * within a level (new directories are what makes writing a large tree slow on ext4).
 */
async function makeDirectories(root: string, files: readonly string[]): Promise<void> {
  const all = new Set<string>();
  for (const f of files) for (let d = path.posix.dirname(f); d !== '.'; d = path.posix.dirname(d)) all.add(d);
  const levels = new Map<number, string[]>();
  for (const d of all) {
    const depth = d.split('/').length;
    levels.set(depth, [...(levels.get(depth) ?? []), d]);
  }
  for (const depth of [...levels.keys()].sort((a, b) => a - b)) {
    const dirs = levels.get(depth)!;
    for (let i = 0; i < dirs.length; i += WRITE_CONCURRENCY) {
      await Promise.all(dirs.slice(i, i + WRITE_CONCURRENCY).map((d) => mkdir(path.join(root, d), { recursive: true })));
    }
  }
}

export interface OutputDiff {
  readonly changed: readonly string[];
  readonly added: readonly string[];
  readonly orphans: readonly string[];
  /** Files in the way that orrery did not write. */
  readonly conflicts: readonly string[];
}

/** Compares rendered files with what is on disk. Read-only. */
export async function diffOutput(outDir: string, files: OutputFiles): Promise<OutputDiff> {
  const owned = await readManifest(outDir);
  const changed: string[] = [];
  const added: string[] = [];
  const conflicts: string[] = [];
  for (const [rel, content] of files) {
    const current = await readIfFile(path.join(outDir, rel));
    if (current === undefined) {
      if (await exists(path.join(outDir, rel))) conflicts.push(rel);
      else added.push(rel);
    } else if (current !== content) {
      if (owned.has(rel)) changed.push(rel);
      else conflicts.push(rel);
    }
  }
  const orphans: string[] = [];
  for (const rel of owned) if (!files.has(rel) && (await exists(path.join(outDir, rel)))) orphans.push(rel);
  const manifest = await readIfFile(path.join(outDir, MANIFEST_NAME));
  if (manifest !== renderManifest(files) && (changed.length + added.length + orphans.length === 0)) changed.push(MANIFEST_NAME);
  return { changed, added, orphans: orphans.sort(), conflicts };
}

/**
 * Writes the output atomically: the new tree is staged beside the output directory (unchanged
 * and foreign files hard-linked, so their bytes and times stay), then swapped in with two
 * renames. An interruption at any point leaves either the previous or the new tree, and the
 * next run's `recoverOutput` cleans up. Files orrery did not write are never touched.
 */
export async function writeOutput(requestedOutDir: string, files: OutputFiles, faults: WriteFaults = {}): Promise<WriteReport> {
  // A symlinked output directory: work on its target, so the link stays a link.
  const outDir = await realpath(requestedOutDir).catch(() => requestedOutDir);
  const existing0 = await lstat(outDir).catch(() => undefined);
  if (existing0 && !existing0.isDirectory()) throw new OutputConflictError(`${requestedOutDir} exists and is not a directory; choose another --out`);
  await recoverOutput(outDir);
  // A new output directory: everything is added, nothing to compare (no per-file probing).
  const diff: OutputDiff = existing0 ? await diffOutput(outDir, files) : { changed: [], added: [...files.keys()], orphans: [], conflicts: [] };
  if (diff.conflicts.length > 0) {
    throw new OutputConflictError(
      `${diff.conflicts.length} file(s) in ${outDir} were not written by orrery and would be overwritten: ${diff.conflicts.slice(0, 5).join(', ')}; move them away`,
    );
  }
  const unchanged = files.size - diff.changed.filter((f) => f !== MANIFEST_NAME).length - diff.added.length;
  if (diff.changed.length + diff.added.length + diff.orphans.length === 0) {
    return { written: [], removed: [], unchanged };
  }
  const staging = stagingDir(outDir);
  await mkdir(staging, { recursive: true });
  const toWrite = new Set([...diff.changed, ...diff.added]);
  const orphans = new Set(diff.orphans);
  const existing = await walk(outDir);
  for (const d of existing.dirs) await mkdir(path.join(staging, d), { recursive: true });
  for (const rel of existing.files) {
    if (rel === MANIFEST_NAME || toWrite.has(rel) || orphans.has(rel)) continue;
    const from = path.join(outDir, rel);
    const to = path.join(staging, rel);
    const info = await lstat(from);
    if (info.isSymbolicLink()) await symlink(await readlink(from), to);
    else await link(from, to).catch(() => copyFile(from, to));
  }
  const pending = [...toWrite].filter((rel) => rel !== MANIFEST_NAME);
  await makeDirectories(staging, pending);
  // Writes are disk-bound (see npm run bench): a few at a time, bounded.
  for (let i = 0; i < pending.length; i += WRITE_CONCURRENCY) {
    await Promise.all(pending.slice(i, i + WRITE_CONCURRENCY).map((rel) => writeFile(path.join(staging, rel), files.get(rel)!)));
  }
  await writeFile(path.join(staging, MANIFEST_NAME), renderManifest(files));
  // Directories that only held orphans are dropped; foreign directories (even empty) stay.
  const orphanDirs = new Set<string>();
  for (const o of orphans) for (let d = path.posix.dirname(o); d !== '.'; d = path.posix.dirname(d)) orphanDirs.add(d);
  for (const d of existing.dirs.filter((x) => orphanDirs.has(x)).sort().reverse()) {
    if ((await readdir(path.join(staging, d))).length === 0) await rm(path.join(staging, d), { recursive: true });
  }
  await faults.afterStaging?.();
  if (await exists(outDir)) {
    await rename(outDir, oldDir(outDir));
    await faults.betweenRenames?.();
    await rename(staging, outDir);
    await rm(oldDir(outDir), { recursive: true, force: true });
  } else {
    await mkdir(path.dirname(path.resolve(outDir)), { recursive: true });
    await rename(staging, outDir);
  }
  return { written: [...toWrite].filter((f) => f !== MANIFEST_NAME).sort(), removed: [...orphans], unchanged };
}
