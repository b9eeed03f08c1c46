import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { renderContract, type TalosDocument } from '../../lib/components/talos/contracts.ts';
import { talosIntent } from '../../lib/components/talos/intent.ts';
import { exampleSpecs, fixtureNames, HAS_SHARED, materializeFixture, maximalSpecs, REPO } from '../helpers.ts';
import { has, REPLACED, SCHEMAS, talosValidator } from './talos-schema.ts';

/** Every talosctl cluster of the examples and of the must-accept fixtures (talos-everything uses every feature). */
async function talosctlClusters() {
  const out = [];
  const specs = [...exampleSpecs().map((e) => ({ name: e.name, spec: e.spec, cwd: REPO })), ...maximalSpecs()];
  for (const fixture of fixtureNames('accept')) {
    const dir = await materializeFixture(fixture);
    specs.push({ name: fixture, spec: path.join(dir, 'clusters'), cwd: dir });
  }
  for (const { name, spec, cwd } of specs) {
    const { model } = await compileSpecDir(spec, { cwd, build: false });
    for (const c of model!.clusters) if (c.provisioning.method === 'talosctl' && c.nodes.length > 0) out.push({ example: name, cluster: c });
  }
  return out;
}

describe.skipIf(!HAS_SHARED)('conformance: Talos machine-config patches', async () => {
  const clusters = HAS_SHARED ? await talosctlClusters() : [];
  it('there are talosctl clusters among the examples and fixtures, one using every feature', () => {
    expect(clusters.length).toBeGreaterThanOrEqual(10);
    expect(clusters.some((c) => c.example === 'accept/talos-everything')).toBe(true);
  });

  describe.each(Object.keys(SCHEMAS))('contract %s', (contract) => {
    const validate = HAS_SHARED ? talosValidator(contract) : () => [];
    it('the validator rejects what the schema forbids (negative control)', () => {
      expect(validate({ apiVersion: 'v1alpha1', kind: 'HostnameConfig', hostname: 5 }).length).toBeGreaterThan(0);
      expect(validate({ machine: { notAField: true } }).length).toBeGreaterThan(0);
      expect(validate({ apiVersion: 'v1alpha1', kind: 'NoSuchConfig' })).toEqual([`Talos ${contract} has no document kind NoSuchConfig`]);
    });
    it.each(clusters.map((c) => [`${c.example} / ${c.cluster.name}`, c.cluster] as const))('%s: every document validates, none uses a replaced field', (_name, cluster) => {
      const layers = renderContract(talosIntent(cluster), contract);
      const docs = [...layers.cluster, ...layers.controlplane, ...[...layers.nodes.values()].flat()];
      expect(docs.length).toBeGreaterThan(cluster.nodes.length);
      for (const d of docs) {
        expect(validate(d), JSON.stringify(d)).toEqual([]);
        for (const p of REPLACED[contract]!) expect(has(d, p), `${p} in ${contract}`).toBe(false);
      }
    });
  });

  it.each(exampleSpecs())('$name: the committed talos/ files validate for their own contract', async ({ spec }) => {
    const { model, files } = await compileSpecDir(spec, { cwd: REPO });
    for (const c of model!.clusters) {
      const validate = talosValidator(c.talos.contract);
      for (const [file, content] of files!) {
        if (!file.startsWith(`${c.name}/talos/`) || !file.endsWith('.yaml') || file.endsWith('schematic.yaml')) continue;
        for (const d of parseAllDocuments(content) as unknown as { toJS(): TalosDocument }[]) expect(validate(d.toJS()), file).toEqual([]);
      }
    }
  });
});
if (!HAS_SHARED) console.warn('Talos conformance tests SKIPPED: ../shared is absent');
