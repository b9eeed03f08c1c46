import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasErrors } from '../../lib/diagnostics/diagnostic.ts';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { loadSpecCache, specCacheFileFor } from '../../lib/read/spec-cache.ts';
import { replaceCacheFile, unsealCacheText } from '../../lib/output/cache-file.ts';
import { materializeFixture, removeDir, tempDir } from '../helpers.ts';

// The check memo as synth uses it (lib/pipeline.ts compileSpecDir with a cache): the second
// synth of the same spec takes the cluster rules' findings from the spec cache and reports
// exactly what the first did; validate and check (no cache) never read or write the memo.

let dir: string;
let cacheRoot: string;
let saved: string | undefined;
beforeAll(async () => {
  dir = await materializeFixture('base');
  cacheRoot = await tempDir('orrery-memo-synth-');
  saved = process.env.ORRERY_CACHE_DIR;
  process.env.ORRERY_CACHE_DIR = cacheRoot;
  // An older Talos patch release set in the constellation: a warning of a cluster rule, reported
  // in the constellation's file (a finding that must come back from the memo at the same place).
  const cons = path.join(dir, 'clusters', 'constellation.yaml');
  await writeFile(cons, `${await readFile(cons, 'utf8')}versions:\n  talos: v1.13.2\n`);
});
afterAll(async () => {
  if (saved === undefined) delete process.env.ORRERY_CACHE_DIR;
  else process.env.ORRERY_CACHE_DIR = saved;
  await removeDir(dir);
  await removeDir(cacheRoot);
});

describe('the check memo in synth', () => {
  it('GIVEN the same spec synthesised twice THEN the second run takes the findings from the memo and reports the same; without a cache nothing is remembered', async () => {
    const specDir = path.join(dir, 'clusters');
    const synth = (): ReturnType<typeof compileSpecDir> => compileSpecDir(specDir, { cwd: dir, cache: { entries: new Map(), fingerprint: 'fp' } });
    const first = await synth();
    expect(hasErrors(first.diagnostics), JSON.stringify(first.diagnostics)).toBe(false);
    const old = first.diagnostics.filter((d) => d.rule === 'versions/old-patch-release');
    expect(old.map((d) => d.file)).toEqual(['clusters/constellation.yaml']);
    const cacheFile = specCacheFileFor(specDir, cacheRoot);
    const remembered = await loadSpecCache(cacheFile, 'fp');
    expect(remembered.loadedFindings.size).toBe(1); // the one cluster file
    expect([...remembered.loadedFindings.values()].flat()).toEqual(old);
    const second = await synth();
    expect(second.diagnostics).toEqual(first.diagnostics);
    // Synth does read the memo: a finding rewritten in the cache file (sealed again) is what it reports.
    const body = JSON.parse(unsealCacheText(await readFile(cacheFile, 'utf8'))!) as { findings: Record<string, string[][]> };
    for (const list of Object.values(body.findings)) for (const f of list) f[5] = 'FROM THE MEMO';
    await replaceCacheFile(cacheFile, JSON.stringify(body));
    const forged = await synth();
    expect(forged.diagnostics.filter((d) => d.rule === 'versions/old-patch-release').map((d) => d.message)).toEqual(['FROM THE MEMO']);
    // validate (no cache) neither reads nor writes it: the rules' own finding, the cache file untouched.
    const before = await readFile(cacheFile, 'utf8');
    const validate = await compileSpecDir(specDir, { cwd: dir, build: false });
    expect(validate.diagnostics.filter((d) => d.rule === 'versions/old-patch-release')).toEqual(old);
    expect(await readFile(cacheFile, 'utf8')).toBe(before);
  });
});
