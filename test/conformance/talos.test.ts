import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { renderContract, type TalosDocument } from '../../lib/components/talos/contracts.ts';
import type { ClusterModel, TalosPatchModel } from '../../lib/model/model.ts';
import { talosIntent } from '../../lib/components/talos/intent.ts';
import { exampleSpecs, fixtureNames, HAS_SHARED, materializeFixture, maximalSpecs, REPO } from '../helpers.ts';
import { has, REPLACED, SCHEMAS, talosValidator } from './talos-schema.ts';

/** Every talosctl cluster of the examples and of the must-accept fixtures (talos-everything uses every feature), and every compiled spec. */
async function talosctlClusters() {
  const out = [];
  const compiled = [];
  const specs = [...exampleSpecs().map((e) => ({ name: e.name, spec: e.spec, cwd: REPO })), ...maximalSpecs()];
  for (const fixture of fixtureNames('accept')) {
    const dir = await materializeFixture(fixture);
    specs.push({ name: fixture, spec: path.join(dir, 'clusters'), cwd: dir });
  }
  for (const { name, spec, cwd } of specs) {
    const { model, files } = await compileSpecDir(spec, { cwd });
    compiled.push({ name, model: model!, files: files! });
    for (const c of model!.clusters) if (c.provisioning.method === 'talosctl' && c.nodes.length > 0) out.push({ example: name, cluster: c });
  }
  return { clusters: out, compiled };
}

/** Every operator patch of a cluster (its own, its nodes', its pools'), with where it is written. */
function patchesOf(c: ClusterModel): TalosPatchModel[] {
  return [...c.talos.patches, ...c.nodes.flatMap((n) => n.patches), ...(c.clusterApi?.pools ?? []).flatMap((p) => p.patches)];
}

describe.skipIf(!HAS_SHARED)('conformance: Talos machine-config patches', async () => {
  const { clusters, compiled } = HAS_SHARED ? await talosctlClusters() : { clusters: [], compiled: [] };
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

  it('the operator patches of every example and fixture validate against their cluster\'s own contract, orrery\'s bonds and VLANs too', () => {
    let patchDocs = 0;
    const kinds = new Set<string>();
    for (const { name, model } of compiled) {
      for (const c of model.clusters) {
        const validate = talosValidator(c.talos.contract);
        for (const p of patchesOf(c)) {
          for (const d of p.documents) {
            patchDocs++;
            kinds.add(String(d.kind ?? 'v1alpha1'));
            expect(validate(d as TalosDocument), `${name} ${c.name} ${p.origin.pointer}: ${JSON.stringify(d)}`).toEqual([]);
          }
        }
      }
    }
    // Not vacuous: the fixtures patch v1alpha1 and typed documents of each kind family, on 1.13 and 1.14.
    expect(patchDocs).toBeGreaterThanOrEqual(12);
    for (const k of ['v1alpha1', 'KmsgLogConfig', 'TimeSyncConfig', 'ExtensionServiceConfig', 'KubeletConfig', 'KubeNetworkConfig', 'StaticHostConfig', 'RegistryMirrorConfig']) expect(kinds, k).toContain(k);
  });

  it('a patch document the schema forbids is caught (negative control for the patch check above)', () => {
    const validate = talosValidator('1.13');
    expect(validate({ apiVersion: 'v1alpha1', kind: 'KmsgLogConfig', name: 'remote', url: 5 }).length).toBeGreaterThan(0);
    expect(validate({ machine: { sysctl: { a: 'b' } } }).length).toBeGreaterThan(0);
  });

  it('every talos/ file of every fixture and example (patch files, bonds, VLANs) validates for its cluster\'s contract', () => {
    let files = 0;
    const seen = new Set<string>();
    for (const { name, model, files: out } of compiled) {
      for (const c of model.clusters) {
        const validate = talosValidator(c.talos.contract);
        for (const [file, content] of out) {
          if (!file.startsWith(`${c.name}/talos/`) || !file.endsWith('.yaml') || file.endsWith('schematic.yaml')) continue;
          files++;
          for (const d of parseAllDocuments(content) as unknown as { toJS(): TalosDocument }[]) {
            const doc = d.toJS();
            seen.add(String(doc.kind ?? 'v1alpha1'));
            expect(validate(doc), `${name}: ${file}`).toEqual([]);
          }
        }
      }
    }
    expect(files).toBeGreaterThan(30);
    for (const k of ['BondConfig', 'VLANConfig', 'LinkAliasConfig', 'DHCPv4Config', 'Layer2VIPConfig']) expect(seen, k).toContain(k);
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
