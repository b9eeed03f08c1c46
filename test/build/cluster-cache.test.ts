import { describe, expect, it } from 'vitest';
import { buildClusters, clusterKeys, type BuiltOutput } from '../../lib/build/build-clusters.ts';
import { clusterKey, keyJson, type ClusterCacheEntry } from '../../lib/build/cluster-cache.ts';
import { clusterView } from '../../lib/build/cluster-view.ts';
import type { Model } from '../../lib/model/model.ts';
import { compileFiles } from '../../lib/pipeline.ts';
import { parseSpecText } from '../../lib/read/read-spec.ts';
import { REGISTRY } from '../../lib/registry.ts';
import { secretRequirements } from '../../lib/secrets/requirements.ts';
import { syntheticConstellation } from '../../bench/synthetic.ts';

// The build cache at the level of the build stage: which clusters a change rebuilds, and that a
// cached build plus the files it kept is the uncached build.

function modelOf(texts: ReadonlyMap<string, string>): Model {
  const files = [...texts].flatMap(([name, text]) => parseSpecText(text, `clusters/${name}`, `clusters/${name}`).files);
  const { model, diagnostics } = compileFiles(files, 'clusters', { build: false });
  if (!model) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return model;
}

const textsOf = (n: number): Map<string, string> => new Map(syntheticConstellation(n).files.map((f) => [f.name, f.text]));
const build = (model: Model, entries?: ReadonlyMap<string, ClusterCacheEntry>, fingerprint = 'test'): BuiltOutput =>
  buildClusters({ model, registry: REGISTRY, secrets: new Map(), requirements: secretRequirements(model), ...(entries ? { cache: { entries, fingerprint } } : {}) });

/** The files of a cached build: what it rendered plus what it kept from the build before. */
function union(built: BuiltOutput, before: ReadonlyMap<string, string>): Map<string, string> {
  const all = new Map(built.files);
  for (const f of built.known) all.set(f, before.get(f)!);
  return new Map([...all].sort(([a], [b]) => (a < b ? -1 : 1)));
}
const sorted = (m: ReadonlyMap<string, string>): Map<string, string> => new Map([...m].sort(([a], [b]) => (a < b ? -1 : 1)));

describe('the build cache', () => {
  it('GIVEN a new member in a mesh group THEN exactly that group\'s clusters and the new one are rebuilt', () => {
    // bench/synthetic.ts: groups of three; with 7 clusters the seventh joins the second group.
    const a = textsOf(7);
    const first = build(modelOf(a), new Map());
    expect(first.built).toHaveLength(7);
    const b = new Map(a);
    // c0008 of an eight-cluster fleet, moved into the second group (its mesh group and its anycast).
    b.set('c0008.yaml', textsOf(8).get('c0008.yaml')!.replace('anycast: ingress-g3', 'anycast: ingress-g2'));
    b.set(
      'constellation.yaml',
      a
        .get('constellation.yaml')!
        .replace(/(- name: mesh-g2\n    members:\n)/, '$1      - cluster: c0008\n        id: 5\n')
        .replace(/(- name: ingress-g2\n    address: [^\n]+\n    clusters:\n)/, '$1      - c0008\n'),
    );
    expect(b.get('constellation.yaml')).not.toBe(a.get('constellation.yaml'));
    const model = modelOf(b);
    expect(model.constellation.meshGroups.find((g) => g.name === 'mesh-g2')!.members.map((m) => m.cluster)).toEqual(['c0008', 'c0004', 'c0005', 'c0006', 'c0007']);
    const second = build(model, first.entries);
    expect(second.built).toEqual(['c0004', 'c0005', 'c0006', 'c0007', 'c0008']);
    // And what the cache kept plus what was rebuilt is the build without a cache.
    expect(union(second, first.files)).toEqual(sorted(build(model).files));
  });

  it('GIVEN orrery changed (another code fingerprint) THEN every cluster is rebuilt', () => {
    const model = modelOf(textsOf(4));
    const first = build(model, new Map(), 'one');
    expect(build(model, first.entries, 'one').built).toEqual([]);
    expect(build(model, first.entries, 'two').built).toEqual(['c0001', 'c0002', 'c0003', 'c0004']);
  });

  it('GIVEN a stored Secret a cluster read changed THEN that cluster is rebuilt, with the new bytes', () => {
    const model = modelOf(textsOf(3));
    const secretsA = new Map([['c0002/cilium-ca.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: cilium-ca\n']]);
    const secretsB = new Map([['c0002/cilium-ca.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: cilium-ca\n  labels: {a: b}\n']]);
    const run = (secrets: Map<string, string>, entries?: ReadonlyMap<string, ClusterCacheEntry>): BuiltOutput =>
      buildClusters({ model, registry: REGISTRY, secrets, requirements: secretRequirements(model), ...(entries ? { cache: { entries, fingerprint: 'f' } } : {}) });
    const first = run(secretsA, new Map());
    const second = run(secretsB, first.entries);
    expect(second.built).toEqual(['c0002']);
    expect(second.diagnostics).toEqual(run(secretsB).diagnostics);
  });

  it('negative control: an entry whose key missed an input would keep stale bytes, and the comparison sees it', () => {
    const a = textsOf(3);
    const first = build(modelOf(a), new Map());
    const b = new Map(a);
    b.set('c0003.yaml', a.get('c0003.yaml')!.replace(/^description: .*$/m, 'description: Changed.'));
    const model = modelOf(b);
    // Pretend the key did not see the change: c0003's old entry under its new key.
    const lying = new Map(first.entries);
    const old = first.entries.get('c0003')!;
    lying.set('c0003', { ...old, key: clusterKey('test', clusterView(model, 'c0003').model, secretRequirements(model).filter((r) => (r.deliveredTo ?? r.cluster) === 'c0003')) });
    const stale = build(model, lying);
    expect(stale.built).not.toContain('c0003');
    expect(union(stale, first.files)).not.toEqual(sorted(build(model).files));
  });

  it('GIVEN two shards THEN their files are disjoint and their union is the whole build (the shape of synth across workers)', () => {
    const model = modelOf(textsOf(7));
    const input = { model, registry: REGISTRY, secrets: new Map<string, string>(), requirements: secretRequirements(model) };
    const whole = buildClusters(input);
    const shards = [0, 1].map((index) => buildClusters({ ...input, shard: { index, count: 2 } }));
    expect(shards[0]!.built).toEqual(['c0001', 'c0003', 'c0005', 'c0007']);
    expect(shards[1]!.built).toEqual(['c0002', 'c0004', 'c0006']);
    const union = new Map([...shards[0]!.files, ...shards[1]!.files]);
    expect(union.size).toBe(shards[0]!.files.size + shards[1]!.files.size);
    expect(sorted(union)).toEqual(sorted(whole.files));
  });

  it('the key tells apart what JSON would not: NaN, ±Infinity, null, -0 and 0 (a Talos patch may hold .nan, .inf or -0)', () => {
    const values = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, null, -0, 0, 'NaN'];
    const keys = values.map((v) => keyJson({ patch: { v } }));
    expect(new Set(keys).size).toBe(values.length);
    // (and plain JSON collapses them: the reason for keyJson)
    expect(new Set(values.map((v) => JSON.stringify({ patch: { v } }))).size).toBeLessThan(values.length);
  });

  it('keyJson is exact deep inside arrays and objects and behind a toJSON, and plain JSON elsewhere', () => {
    const exact = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && (!Number.isFinite(x) || Object.is(x, -0)) ? { 'orrery:number': Object.is(x, -0) ? '-0' : String(x) } : x));
    const model = modelOf(textsOf(6));
    for (const c of model.clusters) expect(keyJson(c)).toBe(exact(c));
    expect(keyJson(model.constellation)).toBe(exact(model.constellation));
    // Deep inside arrays and objects, and behind a toJSON (whose result only the replacer sees).
    const hidden = [{ a: [1, { b: [Number.NaN] }] }, { a: { b: { c: -0 } } }, [[[Number.NEGATIVE_INFINITY]]], { d: { toJSON: () => ({ x: Number.POSITIVE_INFINITY }) } }];
    for (const v of hidden) {
      expect(keyJson(v)).toBe(exact(v));
      expect(keyJson(v)).not.toBe(JSON.stringify(v));
    }
  });

  it('clusterKeys (made before the entries load) are the keys the build makes, and the build uses them when given', () => {
    const model = modelOf(textsOf(8));
    const first = build(model, new Map());
    const keys = clusterKeys(model, secretRequirements(model), 'test');
    expect(new Map([...first.entries].map(([name, e]) => [name, e.key]))).toEqual(keys);
    const given = (k: ReadonlyMap<string, string>): BuiltOutput => buildClusters({ model, registry: REGISTRY, secrets: new Map(), requirements: secretRequirements(model), cache: { entries: first.entries, fingerprint: 'test', keys: k } });
    expect(given(keys).built).toEqual([]);
    // (a key that differs from the entry's: that cluster is built again — the given keys are what decides)
    expect(given(new Map([...keys].map(([name, k]) => [name, name === 'c0003' ? 'other' : k]))).built).toEqual(['c0003']);
  });
});
