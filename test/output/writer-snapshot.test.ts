import { readdirSync, statSync } from 'node:fs';
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCacheFileFor, saveBuildCache } from '../../lib/output/build-cache.ts';
import { writeOutput } from '../../lib/output/writer.ts';
import { indexFileFor } from '../../lib/output/writer-index.ts';
import { packSnapshot, startSnapshot, takeSnapshot, unpackSnapshot, type SnapshotRequest } from '../../lib/output/writer-snapshot.ts';
import { REPO, removeDir, tempDir } from '../helpers.ts';
import type { ClusterCacheEntry } from '../../lib/build/cluster-cache.ts';
import { contentHash } from '../../lib/output/content-hash.ts';

// The snapshot synth takes while it compiles: in a worker thread from build/ (what bin runs),
// in this thread from the sources. Either way it must be exactly what the thread would take.
let root: string;
let request: SnapshotRequest;
beforeEach(async () => {
  root = await realpath(await tempDir('orrery-snapshot-'));
  const out = path.join(root, 'dist');
  const cache = path.join(root, 'cache');
  const files = new Map<string, string>();
  for (let c = 0; c < 3; c++) for (let f = 0; f < 5; f++) files.set(`c${c}/f${f}.yaml`, `c${c} f${f}\n`);
  const index = indexFileFor(out, cache);
  await writeOutput(out, files, { index });
  const entry = (c: number): ClusterCacheEntry => ({ key: `k${c}`, secrets: [], files: [...files].filter(([rel]) => rel.startsWith(`c${c}/`)).map(([rel, text]) => [rel, contentHash(text)] as const), diagnostics: [], referencedSecrets: [], notices: [], namespaces: [] });
  const buildCacheFile = buildCacheFileFor(out, cache);
  await saveBuildCache(buildCacheFile, out, 'fp', new Map([0, 1, 2].map((c) => [`c${c}`, entry(c)])), []);
  // A hand edit: cluster c1's entry no longer holds; and a foreign directory the listing must show.
  await writeFile(path.join(out, 'c1', 'f0.yaml'), 'edited\n');
  await mkdir(path.join(out, 'notes'));
  await writeFile(path.join(out, 'notes', 'mine.txt'), 'mine\n');
  request = { outDir: out, indexFile: index, buildCacheFile, fingerprint: 'fp' };
});
afterEach(async () => removeDir(root));

/** Whether build/ holds the current sources (bin/orrery.mjs runs it only then; npm ci compiles it). */
function buildIsFresh(): boolean {
  const newest = (dir: string): number => Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs)));
  try {
    return newest(path.join(REPO, 'lib')) < statSync(path.join(REPO, 'build', '.built')).mtimeMs;
  } catch {
    return false;
  }
}

describe('the output snapshot', () => {
  it('GIVEN the output, the index and the build cache THEN the snapshot keeps the entries still on disk, lists the tree, and shares each kept entry with the index', async () => {
    const snap = await takeSnapshot(request);
    expect([...snap.cache.entries.keys()].sort()).toEqual(['c0', 'c2']);
    expect(snap.cache.known.size).toBe(10);
    expect(snap.tree?.files.has('notes/mine.txt')).toBe(true);
    for (const [rel, e] of snap.cache.known) expect(snap.index.entries.get(rel)).toBe(e);
  });

  it('GIVEN a snapshot THEN packed (as the worker posts it) and unpacked it is the same, kept entries still the index\'s own objects', async () => {
    const snap = await takeSnapshot(request);
    const back = unpackSnapshot(structuredClone(packSnapshot(snap)));
    expect(isDeepStrictEqual(back, snap)).toBe(true);
    for (const [rel, e] of back.cache.known) expect(back.index.entries.get(rel)).toBe(e);
    // Empty parts too: an output with no usable entry and no listing.
    const empty = await takeSnapshot({ ...request, fingerprint: 'another' });
    expect(empty.cache.entries.size).toBe(0);
    expect(isDeepStrictEqual(unpackSnapshot(structuredClone(packSnapshot(empty))), empty)).toBe(true);
  });

  it('GIVEN the sources (no compiled worker) THEN it is taken in this thread', async () => {
    const pending = startSnapshot(request);
    expect(isDeepStrictEqual(await pending.result, await takeSnapshot(request))).toBe(true);
    expect(pending.where()).toBe('thread');
  });

  it('GIVEN a worker that crashes THEN the snapshot is taken in this thread, the same', async () => {
    const pending = startSnapshot(request, { entry: new URL('./crashing-worker.mjs', import.meta.url) });
    expect(isDeepStrictEqual(await pending.result, await takeSnapshot(request))).toBe(true);
    expect(pending.where()).toBe('thread');
  });

  it.skipIf(!buildIsFresh())('GIVEN build/ (compiled by npm ci; skipped while it is older than lib/) THEN a worker takes it, equal to the thread\'s, identities kept', async () => {
    const compiled = (await import(path.join(REPO, 'build', 'lib', 'output', 'writer-snapshot.js'))) as typeof import('../../lib/output/writer-snapshot.ts');
    const pending = compiled.startSnapshot(request);
    // The entries come first (the build waits for them), then the listing with the rest.
    const entries = await pending.entries;
    expect(pending.where()).toBe('worker');
    expect(isDeepStrictEqual({ index: entries.index, cache: entries.cache }, await compiled.takeEntries(request))).toBe(true);
    const snap = await pending.result;
    expect(isDeepStrictEqual(snap, await takeSnapshot(request))).toBe(true);
    // (structured clone keeps shared objects shared: the build cache relies on it)
    for (const [rel, e] of snap.cache.known) expect(snap.index.entries.get(rel)).toBe(e);
  });
});
