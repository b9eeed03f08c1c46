import { readdirSync, readFileSync } from 'node:fs';
import { readFile, realpath, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { indexFileFor, loadIndex } from '../../lib/output/writer-index.ts';
import { NODE_FS } from '../../lib/output/writer-fs.ts';
import { contentHash } from '../../lib/output/content-hash.ts';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFleet } from '../../bench/fleet.ts';
import { buildCacheFileFor } from '../../lib/output/build-cache.ts';
import { removeDir, runOrrery, tempDir, prng } from '../helpers.ts';

// The build cache end to end (issue 16): `orrery synth` reuses what it built for every cluster
// whose inputs did not change. Whatever happens between two runs — a spec edit, a stored Secret
// re-encrypted, a hand edit or a deleted file in dist/, a damaged cache — the cached synth must
// write exactly the tree a synth without any cache writes, and say the same things.

let root: string;
let cache: string;
const saved = process.env.ORRERY_CACHE_DIR;
beforeAll(async () => {
  root = await tempDir('orrery-synth-cache-');
  cache = path.join(root, 'cache');
  process.env.ORRERY_CACHE_DIR = cache;
  // Eight clusters in mesh groups of three (the last group has two), with their stored Secrets.
  await writeFleet(root, 8);
}, 120_000);
afterAll(async () => {
  if (saved === undefined) delete process.env.ORRERY_CACHE_DIR;
  else process.env.ORRERY_CACHE_DIR = saved;
  await removeDir(root);
});

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (rel: string): void => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) visit(r);
      else out.set(r, readFileSync(path.join(dir, r), 'utf8'));
    }
  };
  visit('');
  return out;
}

const spec = (): string => path.join(root, 'clusters');
const findings = (err: string): string[] => err.split('\n').filter((l) => l !== '' && !l.startsWith('orrery synth:'));
const rebuilt = (err: string): number | undefined => {
  const m = /\((\d+) of (\d+) cluster\(s\) unchanged since the last synth/.exec(err);
  return m ? Number(m[2]) - Number(m[1]) : undefined;
};

let step = 0;
/** A cached synth into dist/, and a synth without cache into a new directory: same bytes, same findings. */
async function synthBoth(): Promise<{ err: string; rebuiltClusters: number | undefined }> {
  const cached = await runOrrery(['synth', '--spec', spec(), '--out', path.join(root, 'dist')]);
  expect(cached.code, cached.err).toBe(0);
  const fresh = path.join(root, `fresh-${step++}`, 'dist');
  const uncached = await runOrrery(['synth', '--no-cache', '--spec', spec(), '--out', fresh]);
  expect(uncached.code, uncached.err).toBe(0);
  expect(tree(path.join(root, 'dist'))).toEqual(tree(fresh));
  expect(findings(cached.err)).toEqual(findings(uncached.err));
  await rm(path.dirname(fresh), { recursive: true, force: true });
  return { err: cached.err, rebuiltClusters: rebuilt(cached.err) };
}


async function edit(file: string, change: (text: string) => string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const next = change(text);
  expect(next, `${file} changed`).not.toBe(text);
  await writeFile(file, next);
}

const cluster = (i: number): string => `c${String(i + 1).padStart(4, '0')}`;

describe('synth with the build cache', () => {
  it('GIVEN a first synth THEN the next one with nothing changed rebuilds no cluster and writes nothing', async () => {
    await synthBoth();
    const stamp = async (): Promise<string> => {
      const s = await stat(buildCacheFileFor(path.join(root, 'dist'), cache));
      return `${s.ino} ${s.mtimeMs}`;
    };
    const before = await stamp();
    const again = await runOrrery(['synth', '--spec', spec(), '--out', path.join(root, 'dist')]);
    expect(again.err).toMatch(/ 0 written, 0 removed, \d+ unchanged in .*\(8 of 8 cluster\(s\) unchanged since the last synth, not rebuilt\)/);
    // Every entry is the one loaded: the cache file is left as it was (not rewritten).
    expect(await stamp()).toBe(before);
    // The index holds the hash of each file's bytes (the build's hashes are reused for it, not made twice).
    const index = await loadIndex(indexFileFor(path.join(root, 'dist'), cache), await realpath(path.join(root, 'dist')), NODE_FS);
    expect(index.size).toBeGreaterThan(50);
    for (const [rel, e] of index) expect(e.hash, rel).toBe(contentHash(readFileSync(path.join(root, 'dist', rel), 'utf8')));
    await edit(path.join(spec(), `${cluster(0)}.yaml`), (t) => t.replace(/^description: (.*)$/m, (_, d: string) => `description: ${d} Edited.`));
    expect((await runOrrery(['synth', '--spec', spec(), '--out', path.join(root, 'dist')])).code).toBe(0);
    expect(await stamp()).not.toBe(before);
  }, 120_000);

  it('property: after any sequence of edits (spec, stored Secrets, dist/ by hand, the cache itself) the cached synth writes the bytes of an uncached one', async () => {
    const random = prng(16);
    const mutations: ((i: number) => Promise<string>)[] = [
      async (i) => {
        await edit(path.join(spec(), `${cluster(i)}.yaml`), (t) => (t.includes(`.11/24`) ? t.replace('.11/24', '.21/24') : t.replace('.21/24', '.11/24')));
        return `moved a node of ${cluster(i)}`;
      },
      async (i) => {
        await edit(path.join(spec(), `${cluster(i)}.yaml`), (t) => t.replace(/^description: (.*)$/m, (_, d: string) => `description: ${d} Edited.`));
        return `described ${cluster(i)} anew`;
      },
      async (i) => {
        await edit(path.join(root, 'secrets', cluster(i), 'cilium-ca.yaml'), (t) => t.replace(/lastmodified: "([^"]*)"/, (_, d: string) => `lastmodified: "${d === '2026-01-01T00:00:00Z' ? '2026-01-02T00:00:00Z' : '2026-01-01T00:00:00Z'}"`));
        return `re-stored the ClusterMesh CA of ${cluster(i)}`;
      },
      async (i) => {
        const file = path.join(root, 'dist', cluster(i), 'README.md');
        await writeFile(file, `${await readFile(file, 'utf8')}edited by hand\n`);
        return `edited dist/${cluster(i)}/README.md by hand`;
      },
      async (i) => {
        const dir = path.join(root, 'dist', cluster(i), 'talos');
        const victim = readdirSync(dir).sort()[0]!;
        await rm(path.join(dir, victim));
        return `deleted dist/${cluster(i)}/talos/${victim}`;
      },
      async () => {
        await writeFile(buildCacheFileFor(path.join(root, 'dist'), cache), '{"version":1,"clusters":');
        return 'damaged the cache';
      },
      async () => {
        // Valid JSON, one value changed (a forged or bit-flipped cache): the seal catches it.
        const file = buildCacheFileFor(path.join(root, 'dist'), cache);
        const text = await readFile(file, 'utf8').catch(() => '');
        await writeFile(file, text.replace(/"key":"./, '"key":"#'));
        return 'forged a key in the cache';
      },
    ];
    const done: string[] = [];
    const rebuilds: (number | undefined)[] = [];
    for (let s = 0; s < 12; s++) {
      const m = mutations[Math.floor(random() * mutations.length)]!;
      done.push(await m(Math.floor(random() * 8)));
      try {
        rebuilds.push((await synthBoth()).rebuiltClusters);
      } catch (err) {
        throw new Error(`after: ${done.join('; ')}: ${(err as Error).message}`);
      }
    }
    // Not vacuous: most runs took some clusters from the cache (undefined: every cluster was built).
    expect(rebuilds.filter((n) => n !== undefined && n < 8).length, `rebuilt per run: ${rebuilds.join(', ')}`).toBeGreaterThanOrEqual(6);
    // The seed exercises most kinds of edit (a different seed is a different, equally valid run).
    expect(new Set(done.map((d) => d.split(' ')[0])).size).toBeGreaterThanOrEqual(4);
  }, 300_000);

  it('a node address changed in one cluster rebuilds that cluster and the mesh peers that read its model, no other', async () => {
    await synthBoth();
    await edit(path.join(spec(), `${cluster(0)}.yaml`), (t) => (t.includes('.11/24') ? t.replace('.11/24', '.21/24') : t.replace('.21/24', '.11/24')));
    const { rebuiltClusters } = await synthBoth();
    // c0001's mesh group is c0001–c0003 (bench/synthetic.ts groups of three).
    expect(rebuiltClusters).toBe(3);
  }, 120_000);

  it('a hand edit in dist/ of an unchanged cluster is put back: that cluster is rebuilt, the file rewritten', async () => {
    await synthBoth();
    const file = path.join(root, 'dist', cluster(5), 'README.md');
    const before = await readFile(file, 'utf8');
    await writeFile(file, 'not what synth wrote\n');
    const r = await runOrrery(['synth', '--spec', spec(), '--out', path.join(root, 'dist')]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`1 written, 0 removed`);
    expect(rebuilt(r.err)).toBe(1);
    expect(await readFile(file, 'utf8')).toBe(before);
  }, 120_000);

  it('a cluster directory replaced by a link to a copy of it: the cluster is not taken from the cache, and synth refuses the link by name', async () => {
    await synthBoth();
    const dir = path.join(root, 'dist', cluster(5));
    const copy = path.join(root, 'elsewhere');
    await rename(dir, copy);
    await symlink(copy, dir);
    // (lstat of each kept file through the link shows it exactly as the index recorded it)
    const r = await runOrrery(['synth', '--spec', spec(), '--out', path.join(root, 'dist')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('a symbolic link where orrery writes');
    expect(r.err).not.toContain('changed while this synth ran');
    // (the fleet is shared by the tests of this file: the directory back as it was)
    await rm(dir);
    await rename(copy, dir);
    expect((await runOrrery(['synth', '--spec', spec(), '--out', path.join(root, 'dist')])).code).toBe(0);
  }, 120_000);

  it('orrery check ignores the cache: a stale tree is reported even when the cache says it is current', async () => {
    await synthBoth();
    const file = path.join(root, 'dist', cluster(2), 'README.md');
    await writeFile(file, 'stale\n');
    const r = await runOrrery(['check', '--spec', spec(), '--out', path.join(root, 'dist')]);
    expect(r.code).toBe(1);
    expect(r.err + r.out).toContain(`${cluster(2)}/README.md`);
    await synthBoth();
  }, 120_000);
});
