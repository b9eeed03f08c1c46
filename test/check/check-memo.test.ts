import { copyFile, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckMemo } from '../../lib/check/check-memo.ts';
import { checkSemantics } from '../../lib/check/check-semantics.ts';
import type { Diagnostic } from '../../lib/diagnostics/diagnostic.ts';
import { collectSpecSet } from '../../lib/pipeline.ts';
import { readSpecDir } from '../../lib/read/read-spec.ts';
import { loadSpecCache, saveSpecCache, specCacheFileFor, type SpecCache } from '../../lib/read/spec-cache.ts';
import { validateSchema } from '../../lib/spec/validate-schema.ts';
import { replaceCacheFile, unsealCacheText } from '../../lib/output/cache-file.ts';
import { prng, removeDir, tempDir } from '../helpers.ts';
import { crowdedFleet } from './crowded-fleet.ts';

// checkSemantics with the cluster rules' findings of earlier runs (lib/check/check-memo.ts, kept
// in the spec cache and round-tripped through its JSON file) must say exactly what it says
// without them: the same diagnostics, deep-equal and in the same order, after every edit a
// fleet sees — a cluster file changed, the constellation's versions changed, its positions
// shifted, a file renamed, the whole spec seen from another directory (display paths change),
// a cluster duplicated.

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let root: string;
beforeAll(async () => {
  root = await tempDir('orrery-check-memo-');
});
afterAll(async () => {
  await removeDir(root);
});

/** A memo that counts its hits and misses (to show the property is not vacuous). */
function counting(memo: CheckMemo): CheckMemo & { hits: number; misses: number } {
  const out = {
    hits: 0,
    misses: 0,
    contentKey: memo.contentKey,
    get: (k: string): readonly Diagnostic[] | undefined => {
      const v = memo.get(k);
      if (v) out.hits++;
      else out.misses++;
      return v;
    },
    put: memo.put,
  };
  return out;
}

async function writeSpec(dir: string, files: readonly { name: string; text: string }[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const f of files) await writeFile(path.join(dir, f.name), f.text);
}

/** One synth's check: with the spec cache as synth loads it, and afresh without any cache. */
async function checkBoth(specDir: string, cwd: string, cacheFile: string, wrap: (m: CheckMemo, cache: SpecCache) => CheckMemo = (m) => m): Promise<{ memo: Diagnostic[]; fresh: Diagnostic[]; hits: number; misses: number }> {
  const cache = await loadSpecCache(cacheFile, 'fp');
  const cached = await readSpecDir(specDir, cwd, { cache });
  expect(cached.diagnostics).toEqual([]);
  expect(cached.files.flatMap((f) => validateSchema(f))).toEqual([]); // every edit keeps the fleet schema-valid
  const memo = counting(wrap(cache.checkMemo, cache));
  const withMemo = checkSemantics(collectSpecSet(cached.files, 'clusters').set!, { invalidClusters: new Set(), memo });
  const plain = await readSpecDir(specDir, cwd);
  const fresh = checkSemantics(collectSpecSet(plain.files, 'clusters').set!, { invalidClusters: new Set() });
  await saveSpecCache(cacheFile, cache);
  return { memo: withMemo, fresh, hits: memo.hits, misses: memo.misses };
}

const TALOS = ['v1.13.9', 'v1.13.2', 'v1.12.5', 'v1.11.3', 'v1.14.0'];
const KUBERNETES = ['1.36.2', '1.35.1', '1.30.4'];
const CILIUM = ['1.19.5', '1.18.2', '1.17.0'];

describe('the check memo', () => {
  it('GIVEN a seeded sequence of edits over a crowded fleet THEN checkSemantics with the warmed memo equals checkSemantics without, after every step', async () => {
    let hits = 0;
    let misses = 0;
    let findings = 0;
    const kinds = new Set<string>();
    for (const seed of [1, 2]) {
      const r = prng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
      const base = path.join(root, `seed-${seed}`);
      const specDir = path.join(base, 'clusters');
      await writeSpec(specDir, crowdedFleet(seed, 10));
      const cacheFile = specCacheFileFor(specDir, path.join(base, 'cache'));
      let cwd = base;
      for (let step = 0; step < 24; step++) {
        const names = (await readdir(specDir)).filter((n) => n.endsWith('.yaml')).sort();
        const consName = names.find((n) => n.startsWith('constellation'))!;
        const clusterNames = names.filter((n) => n !== consName);
        const edit = step === 0 ? 'none' : pick(['none', 'cluster', 'cluster', 'versions', 'versions', 'shift', 'rename', 'move', 'duplicate']);
        kinds.add(edit);
        const at = (n: string): string => path.join(specDir, n);
        const load = async (n: string): Promise<Doc> => parse(await readFile(at(n), 'utf8')) as Doc;
        if (edit === 'cluster') {
          const name = pick(clusterNames);
          const c = await load(name);
          const ip = String(pick(c.nodes as Doc[]).addresses[0]).split('/')[0]!;
          const change = pick(['vip', 'gateway', 'own-versions', 'shift']);
          if (change === 'vip') c.endpoint.vip = ip;
          else if (change === 'gateway') c.network.gateway = ip;
          else if (change === 'own-versions') c.versions = r() < 0.5 ? { talos: pick(TALOS) } : undefined;
          await writeFile(at(name), `${change === 'shift' ? '# moved down a line\n' : ''}${stringify(c)}`);
        } else if (edit === 'versions') {
          const cons = await load(consName);
          cons.versions = { talos: pick(TALOS), kubernetes: pick(KUBERNETES), ...(r() < 0.5 ? { cilium: pick(CILIUM) } : {}) };
          await writeFile(at(consName), stringify(cons));
        } else if (edit === 'shift') {
          // The constellation's findings move: positions come from its bytes.
          await writeFile(at(consName), `# a comment line\n${await readFile(at(consName), 'utf8')}`);
        } else if (edit === 'rename') {
          const name = pick(clusterNames);
          await rename(at(name), at(`r${step}-${name}`));
        } else if (edit === 'move') {
          // The same bytes seen from elsewhere: every display path changes.
          cwd = cwd === base ? specDir : base;
        } else if (edit === 'duplicate') {
          await copyFile(at(pick(clusterNames)), at(`dup${step}.yaml`));
        }
        const got = await checkBoth(specDir, cwd, cacheFile);
        expect(got.memo, `seed ${seed} step ${step} (${edit})`).toEqual(got.fresh);
        // Equal as printed too (--format json keeps the keys' order), and plain objects like fresh ones.
        expect(JSON.stringify(got.memo)).toBe(JSON.stringify(got.fresh));
        expect(got.memo.every((d) => Object.getPrototypeOf(d) === Object.prototype)).toBe(true);
        if (edit === 'none' && step > 0) expect(got.misses, `seed ${seed} step ${step}: nothing changed, every cluster a hit`).toBe(0);
        hits += got.hits;
        misses += got.misses;
        findings += got.fresh.length;
      }
    }
    // Not vacuous: the memo answered often, the fleets had plenty to say, and every kind of edit ran.
    expect(hits).toBeGreaterThan(200);
    expect(misses).toBeGreaterThan(20);
    expect(findings).toBeGreaterThan(1000);
    expect([...kinds].sort()).toEqual(['cluster', 'duplicate', 'move', 'none', 'rename', 'shift', 'versions']);
  });

  it('GIVEN a memo whose key leaves out the constellation bytes THEN a change of the constellation versions gives another result (the property above can fail)', async () => {
    const base = path.join(root, 'control');
    const specDir = path.join(base, 'clusters');
    await writeSpec(specDir, crowdedFleet(3, 6));
    const consFile = path.join(specDir, (await readdir(specDir)).find((n) => n.startsWith('constellation'))!);
    const setVersions = async (talos: string): Promise<void> => {
      const cons = parse(await readFile(consFile, 'utf8')) as Doc;
      cons.versions = { talos, kubernetes: '1.36.2' };
      await writeFile(consFile, stringify(cons));
    };
    // Without the constellation's bytes in the key: its content key is the same whatever it holds.
    const blind = (m: CheckMemo): CheckMemo => ({ ...m, contentKey: (f) => (f.displayPath.includes('constellation') ? 'same' : m.contentKey(f)) });
    for (const [name, wrap, same] of [['the real key', undefined, true], ['the blind key', blind, false]] as const) {
      const cacheFile = specCacheFileFor(specDir, path.join(base, `cache-${same}`));
      await setVersions('v1.13.9');
      const warm = await checkBoth(specDir, base, cacheFile, wrap);
      expect(warm.memo).toEqual(warm.fresh);
      await setVersions('v1.11.3'); // too old and unknown: findings at the constellation's versions, per cluster
      const after = await checkBoth(specDir, base, cacheFile, wrap);
      expect(after.fresh.filter((d) => d.rule.startsWith('versions/')).length, name).toBeGreaterThan(0);
      if (same) expect(after.memo, name).toEqual(after.fresh);
      else {
        expect(after.hits, name).toBeGreaterThan(0);
        expect(after.memo, name).not.toEqual(after.fresh);
      }
    }
  });

  it('GIVEN a sealed cache file whose findings hold something else than findings THEN those entries are dropped and the rules run again; good ones come back as the rules make them', async () => {
    const base = path.join(root, 'tamper');
    const specDir = path.join(base, 'clusters');
    await writeSpec(specDir, crowdedFleet(4, 4));
    const cacheFile = specCacheFileFor(specDir, path.join(base, 'cache'));
    await checkBoth(specDir, base, cacheFile);
    const loaded = await loadSpecCache(cacheFile, 'fp');
    expect(loaded.loadedFindings.size).toBe(4);
    const restored = [...loaded.loadedFindings.values()].flat();
    expect(restored.length).toBeGreaterThan(0);
    expect(restored.every((d) => Object.keys(d).join() === 'severity,file,line,col,pointer,message,rule')).toBe(true);
    // Rewritten with a valid seal (as a bug or another writer could): each damaged list is dropped, the others stay.
    const body = JSON.parse(unsealCacheText(await readFile(cacheFile, 'utf8'))!) as { findings: Record<string, unknown[][]> };
    const keys = Object.keys(body.findings).filter((k) => body.findings[k]!.length > 0);
    expect(keys.length).toBeGreaterThanOrEqual(3);
    body.findings[keys[0]!]![0]![2] = '7'; // a line that is not a number
    body.findings[keys[1]!]![0]!.push('extra');
    body.findings[keys[2]!]![0]![0] = 'fatal'; // no such severity
    await replaceCacheFile(cacheFile, JSON.stringify(body));
    const damaged = await loadSpecCache(cacheFile, 'fp');
    expect(damaged.loadedFindings.size).toBe(1);
    const got = await checkBoth(specDir, base, cacheFile);
    expect(got.misses).toBe(3);
    expect(got.memo).toEqual(got.fresh);
  });

  it('GIVEN a cluster with a Talos patch file THEN its findings are never taken from the memo (checkTalosPatches reads the patch file, which the key does not cover)', async () => {
    const base = path.join(root, 'patches');
    const specDir = path.join(base, 'clusters');
    const files = crowdedFleet(5, 2);
    const cluster = files.find((f) => !f.name.startsWith('constellation'))!;
    const doc = parse(cluster.text) as Doc;
    doc.talos.patches = [{ name: 'audit', file: 'patches/audit.yaml' }];
    await writeSpec(specDir, files.map((f) => (f === cluster ? { name: f.name, text: stringify(doc) } : f)));
    await mkdir(path.join(specDir, 'patches'));
    const cacheFile = specCacheFileFor(specDir, path.join(base, 'cache'));
    for (const key of ['machin', 'clustr']) {
      await writeFile(path.join(specDir, 'patches', 'audit.yaml'), `${key}: {}\n`);
      const got = await checkBoth(specDir, base, cacheFile);
      expect(got.fresh.filter((d) => d.rule === 'talos-patch/unknown-key').map((d) => d.message)).toEqual([expect.stringContaining(`"${key}"`)]);
      expect(got.memo).toEqual(got.fresh);
    }
  });
});
