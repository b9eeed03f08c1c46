import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from 'cdk8s';
import { collectSpecSet, compileSpecDir } from '../../lib/pipeline.ts';
import { readSpecDir } from '../../lib/read/read-spec.ts';
import { versionSources } from '../../lib/check/context.ts';
import { privilegedNamespaces } from '../../lib/check/rules/platform-namespaces.ts';
import { DEFAULT_VERSIONS } from '../../lib/model/defaults.ts';
import { REGISTRY } from '../../lib/registry.ts';
import { exampleSpecs, fixtureNames, materializeFixture, removeDir } from '../helpers.ts';

// The semantic rules re-derive two facts other stages own; these tests pin that they agree, so a
// change on one side cannot let a version or a namespace escape the checks unnoticed.
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

async function specs(): Promise<string[]> {
  const out = exampleSpecs().map((e) => e.spec);
  for (const f of fixtureNames('accept')) {
    const dir = await materializeFixture(f);
    dirs.push(dir);
    out.push(path.join(dir, 'clusters'));
  }
  // Versions set at every level: a cluster's versions block, the constellation's, a field.
  const dir = await materializeFixture('accept/base');
  dirs.push(dir);
  const cons = path.join(dir, 'clusters', 'constellation.yaml');
  await writeFile(cons, (await readFile(cons, 'utf8')).replace('sops:\n', 'versions: {talos: v1.12.4, kubernetes: 1.34.1, cilium: 1.18.3}\nsops:\n'));
  const lab = path.join(dir, 'clusters', 'lab.yaml');
  await writeFile(lab, (await readFile(lab, 'utf8')).replace('nodes:\n', 'versions: {kubernetes: 1.33.5}\nnodes:\n'));
  out.push(path.join(dir, 'clusters'));
  return out;
}

describe('the versions the rules check are the versions the model uses', () => {
  it('for every example, every accepted fixture and versions set at every level', async () => {
    let clusters = 0;
    for (const spec of await specs()) {
      const result = await compileSpecDir(spec, { build: false });
      expect(result.model, spec).toBeDefined();
      const read = await readSpecDir(spec);
      const set = collectSpecSet(read.files, spec).set!;
      for (const entry of set.clusters) {
        const sources = versionSources(entry.spec, entry.file, set.constellation, DEFAULT_VERSIONS);
        const model = result.model!.clusters.find((c) => c.name === entry.spec.name)!;
        expect([sources.talos.value, sources.kubernetes.value], `${spec} ${model.name}`).toEqual([model.talos.version, model.kubernetes.version]);
        if (model.cni.name === 'cilium') expect(sources.cilium.value, `${spec} ${model.name}`).toBe(model.cni.cilium?.version ?? model.versions.cilium);
        clusters++;
      }
    }
    expect(clusters).toBeGreaterThan(10);
  });
});

describe('the namespaces the platform labels privileged are the ones the rule protects', () => {
  it('every platform component namespace with enforce: privileged, for every example and fixture', async () => {
    let checked = 0;
    for (const spec of await specs()) {
      const result = await compileSpecDir(spec, { build: false });
      const read = await readSpecDir(spec);
      const set = collectSpecSet(read.files, spec).set!;
      for (const cluster of result.model!.clusters) {
        const protectedNs = privilegedNamespaces(set.clusters.find((c) => c.spec.name === cluster.name)!.spec);
        for (const component of REGISTRY.platform.filter((p) => p.enabled(cluster))) {
          const ns = component.build({ model: result.model!, cluster, secrets: new Map(), app: new App() } as never).namespace;
          if (ns?.labels['pod-security.kubernetes.io/enforce'] === 'privileged') {
            expect([...protectedNs.keys()], `${cluster.name}: ${component.name}`).toContain(ns.name);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
  });
});
