import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildClusters } from '../../lib/build/build-clusters.ts';
import { clusterView, viewMembers } from '../../lib/build/cluster-view.ts';
import { checkFiles } from '../../lib/pipeline.ts';
import { readSpecDir } from '../../lib/read/read-spec.ts';
import { REGISTRY } from '../../lib/registry.ts';
import { secretRequirements } from '../../lib/secrets/requirements.ts';
import { parseSpecText } from '../../lib/read/read-spec.ts';
import { compileFiles } from '../../lib/pipeline.ts';
import { syntheticConstellation } from '../../bench/synthetic.ts';
import { exampleSpecs, fixtureNames, materializeFixture, maximalSpecs, removeDir } from '../helpers.ts';

// Synth builds each cluster from its view of the model (lib/build/cluster-view.ts): the key of the
// build cache is the view's bytes, so the view must hold everything a cluster's output depends on.
// Every spec the repository has — the bundled one, the examples, the maximal specs of the schema
// walk, every accept fixture — is built both ways here; a component that reads something the view
// leaves out changes some byte and fails this test.

function secretsOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (rel: string): void => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) visit(r);
      else out.set(r, readFileSync(path.join(dir, r), 'utf8'));
    }
  };
  if (existsSync(dir)) visit('');
  return out;
}

const made: string[] = [];
afterAll(async () => {
  for (const d of made) await removeDir(d);
});

async function specs(): Promise<{ name: string; spec: string }[]> {
  const accepts = [];
  for (const name of fixtureNames('accept')) {
    const dir = await materializeFixture(name);
    made.push(dir);
    accepts.push({ name, spec: path.join(dir, 'clusters') });
  }
  return [...exampleSpecs(), ...maximalSpecs(), ...accepts];
}

describe('cluster views', () => {
  it('GIVEN every spec in the repository THEN building each cluster from its view gives the bytes, findings and notices of building it from the whole model', async () => {
    let compared = 0;
    for (const { name, spec } of await specs()) {
      const read = await readSpecDir(spec, path.dirname(spec));
      const { model } = checkFiles(read.files, 'clusters');
      expect(model, `${name} compiles`).toBeDefined();
      const secrets = secretsOf(path.join(path.dirname(spec), 'secrets'));
      const input = { model: model!, registry: REGISTRY, secrets, requirements: secretRequirements(model!) };
      const whole = buildClusters({ ...input, wholeModel: true });
      const viewed = buildClusters(input);
      expect([...viewed.files.keys()], name).toEqual([...whole.files.keys()]);
      for (const [f, content] of whole.files) expect(viewed.files.get(f), `${name}: ${f}`).toBe(content);
      expect(viewed.diagnostics, name).toEqual(whole.diagnostics);
      expect(viewed.referencedSecrets, name).toEqual(whole.referencedSecrets);
      expect(viewed.notices, name).toEqual(whole.notices);
      expect(viewed.created, name).toEqual(whole.created);
      compared += whole.files.size;
    }
    expect(compared).toBeGreaterThan(1000);
  }, 120_000);

  it('negative control: a peer whose clustermesh-apiserver address differs changes the cluster\'s bytes (the comparison above can fail)', () => {
    const spec = syntheticConstellation(6);
    const files = spec.files.flatMap((f) => parseSpecText(f.text, `clusters/${f.name}`, `clusters/${f.name}`).files);
    const { model } = compileFiles(files, 'clusters', { build: false });
    const view = clusterView(model!, 'c0001').model;
    expect(view.clusters.map((c) => c.name)).toEqual(['c0001', 'c0002', 'c0003']);
    const input = { registry: REGISTRY, secrets: new Map<string, string>(), requirements: secretRequirements(model!) };
    const moved = structuredClone(view) as unknown as { clusters: { name: string; cni: { cilium?: { clusterMesh?: unknown } } }[] };
    const peer = moved.clusters.find((c) => c.name === 'c0002')!;
    peer.cni.cilium = { ...peer.cni.cilium, clusterMesh: { apiserver: { serviceType: 'LoadBalancer', loadBalancerIP: '10.99.99.99' } } };
    const a = buildClusters({ ...input, model: view });
    const b = buildClusters({ ...input, model: moved as unknown as typeof view });
    const differing = [...a.files].filter(([f, content]) => f.startsWith('c0001/') && b.files.get(f) !== content).map(([f]) => f);
    expect(differing.length).toBeGreaterThan(0);
  });

  it('a cluster reads its mesh groups (and the groups they share a member with), its manager, what it manages, and under Argo CD the hub', () => {
    const spec = syntheticConstellation(7);
    const files = spec.files.flatMap((f) => parseSpecText(f.text, `clusters/${f.name}`, `clusters/${f.name}`).files);
    const { model } = compileFiles(files, 'clusters', { build: false });
    // bench/synthetic.ts: mesh groups of three, the lone seventh cluster joins the second.
    expect([...viewMembers(model!, 'c0001')].sort()).toEqual(['c0001', 'c0002', 'c0003']);
    expect([...viewMembers(model!, 'c0007')].sort()).toEqual(['c0004', 'c0005', 'c0006', 'c0007']);
    const view = clusterView(model!, 'c0001').model;
    expect(view.constellation.meshGroups.map((g) => g.members.map((m) => m.cluster))).toEqual([['c0001', 'c0002', 'c0003']]);
  });
});
