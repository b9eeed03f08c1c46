import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSpecDir } from '../../lib/read/read-spec.ts';
import { jsonLossy, loadSpecCache, saveSpecCache, specCacheFileFor } from '../../lib/read/spec-cache.ts';
import { locate } from '../../lib/read/source-file.ts';
import { materializeFixture, removeDir, tempDir } from '../helpers.ts';

// Spec files are parsed once per content (lib/read/spec-cache.ts): what a cached read gives must be
// what parsing gives — the same plain data with null-prototype mappings (a `__proto__` key stays a
// key), the same positions for messages — and a damaged or foreign cache must be ignored.

let dir: string;
let cacheRoot: string;
beforeAll(async () => {
  dir = await materializeFixture('accept/hostile-keys');
  cacheRoot = await tempDir('orrery-spec-cache-');
});
afterAll(async () => {
  await removeDir(dir);
  await removeDir(cacheRoot);
});

const spec = (): string => path.join(dir, 'clusters');
const protoChain = (v: unknown): unknown[] => {
  const out: unknown[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x !== null && typeof x === 'object') {
      out.push(Object.getPrototypeOf(x));
      for (const k of Object.keys(x)) walk((x as Record<string, unknown>)[k]);
    }
  };
  walk(v);
  return out;
};

describe('the spec cache', () => {
  it('GIVEN a second read of the same bytes THEN the data comes from the cache and equals the parse, __proto__ keys and null prototypes included; positions are the same', async () => {
    const file = specCacheFileFor(spec(), cacheRoot);
    const first = await loadSpecCache(file, 'fp');
    const parsed = await readSpecDir(spec(), dir, { cache: first });
    expect(parsed.diagnostics).toEqual([]);
    await saveSpecCache(file, first);
    const second = await loadSpecCache(file, 'fp');
    expect(second.entries.size).toBe(parsed.files.length);
    const cached = await readSpecDir(spec(), dir, { cache: second });
    const plain = await readSpecDir(spec(), dir);
    for (const [i, f] of plain.files.entries()) {
      const c = cached.files[i]!;
      expect(JSON.stringify(c.data)).toBe(JSON.stringify(f.data));
      expect(protoChain(c.data)).toEqual(protoChain(f.data));
      expect(protoChain(c.data).every((p) => p === null || p === Array.prototype)).toBe(true);
    }
    const lab = cached.files.find((f) => f.displayPath.endsWith('lab.yaml'))!;
    expect(Object.keys((lab.data as { talos: { sysctls: object } }).talos.sysctls)).toContain('__proto__');
    const eager = plain.files.find((f) => f.displayPath.endsWith('lab.yaml'))!;
    for (const ptr of ['/name', '/talos/sysctls/__proto__', '/nodes/0/addresses/0', '/nope/nothing']) {
      expect(locate(lab, ptr), ptr).toEqual(locate(eager, ptr));
      expect(locate(lab, ptr, true), ptr).toEqual(locate(eager, ptr, true));
    }
  });

  it('GIVEN a damaged cache, or one of another orrery THEN it is ignored and the files are parsed', async () => {
    const file = specCacheFileFor(spec(), cacheRoot);
    const c = await loadSpecCache(file, 'fp');
    await readSpecDir(spec(), dir, { cache: c });
    await saveSpecCache(file, c);
    expect((await loadSpecCache(file, 'other')).entries.size).toBe(0);
    await writeFile(file, '{"version":1,"fingerprint":"fp","files":{"x":');
    const damaged = await loadSpecCache(file, 'fp');
    expect(damaged.entries.size).toBe(0);
    const read = await readSpecDir(spec(), dir, { cache: damaged });
    expect(read.diagnostics).toEqual([]);
    expect(read.files.length).toBeGreaterThan(0);
  });

  it('GIVEN a cache file changed in one byte (still valid JSON) THEN its seal no longer matches and it is ignored', async () => {
    const file = specCacheFileFor(spec(), cacheRoot);
    const c = await loadSpecCache(file, 'fp');
    await readSpecDir(spec(), dir, { cache: c });
    await saveSpecCache(file, c);
    const text = await readFile(file, 'utf8');
    expect((await loadSpecCache(file, 'fp')).entries.size).toBeGreaterThan(0);
    const forged = text.replace(/"name":"lab"/, '"name":"lax"');
    expect(forged).not.toBe(text);
    await writeFile(file, forged);
    expect((await loadSpecCache(file, 'fp')).entries.size).toBe(0);
  });

  it('GIVEN a spec file JSON cannot carry exactly (.nan, .inf, -0) THEN it is parsed every time, never cached', async () => {
    expect(jsonLossy({ a: [1, { b: Number.NaN }] })).toBe(true);
    expect(jsonLossy({ a: -0 })).toBe(true);
    expect(jsonLossy({ a: Number.POSITIVE_INFINITY })).toBe(true);
    expect(jsonLossy({ a: [0, 1.5, 'x', null] })).toBe(false);
    const lossy = await tempDir('orrery-spec-lossy-');
    try {
      await writeFile(path.join(lossy, 'a.yaml'), 'apiVersion: orrery.dev/v1alpha1\nkind: Cluster\nname: a\nx: .inf\n');
      await writeFile(path.join(lossy, 'b.yaml'), 'apiVersion: orrery.dev/v1alpha1\nkind: Cluster\nname: b\nx: 1\n');
      const c = await loadSpecCache(specCacheFileFor(lossy, cacheRoot), 'fp');
      const read = await readSpecDir(lossy, lossy, { cache: c });
      expect(read.files.map((f) => (f.data as { x: number }).x)).toEqual([Number.POSITIVE_INFINITY, 1]);
      expect(c.used.size).toBe(1);
    } finally {
      await removeDir(lossy);
    }
  });
});
