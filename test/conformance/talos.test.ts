import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { renderContract, type TalosDocument } from '../../lib/components/talos/contracts.ts';
import { talosIntent } from '../../lib/components/talos/intent.ts';
import { exampleSpecs, fixtureNames, HAS_SHARED, materializeFixture, maximalSpecs, REPO, SHARED } from '../helpers.ts';

const SCHEMAS: Record<string, string> = { '1.12': 'v1.12.11', '1.13': 'v1.13.9', '1.14': 'v1.14.0-rc.1' };

type Json = Record<string, unknown>;

/** Patches a config may carry: required fields come from the generated config they merge into. */
function partial(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(partial);
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'required').map(([k, v]) => [k, partial(v)]));
  }
  return node;
}

/** Defects of the published schemas, per ../shared/schemas/talos/ERRATA.md (and one found here). */
function applyErrata(defs: Record<string, Json>): void {
  for (const [name, def] of Object.entries(defs)) {
    const kind = (def.properties as Record<string, Json> | undefined)?.kind;
    const values = kind?.enum as string[] | undefined;
    if (!values) continue;
    // ERRATA: the schema says KubeSpanEndpoints, Talos registers KubeSpanEndpointsConfig.
    if (values.includes('KubeSpanEndpoints')) values.push('KubeSpanEndpointsConfig');
    // Not in ERRATA yet: v1.14.0-rc.1 names the install document UnattendedInstall; the Go code
    // registers UnattendedInstallConfigKind = "UnattendedInstallConfig" (types/runtime/unattended_install.go).
    if (values.includes('UnattendedInstall')) values.push('UnattendedInstallConfig');
    void name;
  }
}

interface Validator {
  (doc: TalosDocument): string[];
}

function talosValidator(contract: string): Validator {
  const raw = JSON.parse(readFileSync(path.join(SHARED, 'schemas', 'talos', SCHEMAS[contract]!, 'config.schema.json'), 'utf8')) as Json;
  const schema = partial(raw) as Json;
  const defs = schema.$defs as Record<string, Json>;
  applyErrata(defs);
  const byKind = new Map<string, string>();
  for (const [name, def] of Object.entries(defs)) {
    for (const k of ((def.properties as Record<string, Json> | undefined)?.kind?.enum as string[] | undefined) ?? []) byKind.set(k, name);
  }
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(schema, 'talos');
  return (doc) => {
    const kind = doc.kind as string | undefined;
    const def = kind === undefined ? 'v1alpha1.Config' : byKind.get(kind);
    if (!def) return [`Talos ${contract} has no document kind ${kind}`];
    // `$patch: delete` removes a whole document: only its kind has to exist.
    if (doc.$patch === 'delete') return [];
    const validate = ajv.getSchema(`talos#/$defs/${def}`)!;
    return validate(stripDirectives(doc)) ? [] : (validate.errors ?? []).map((e) => `${kind ?? 'v1alpha1'}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  };
}

/** Removes strategic-merge directives (`key: {$patch: delete}`): they are not config values. */
function stripDirectives(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripDirectives);
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node)
        .filter(([, v]) => !(v && typeof v === 'object' && (v as Json).$patch === 'delete'))
        .map(([k, v]) => [k, stripDirectives(v)]),
    );
  }
  return node;
}

/** v1alpha1 paths that a typed document replaces in each contract: never emitted there. */
const REPLACED: Record<string, string[]> = {
  '1.12': ['machine.network.hostname', 'machine.network.interfaces', 'machine.network.nameservers', 'machine.time', 'machine.registries', 'machine.features.stableHostname'],
  '1.13': ['machine.network', 'machine.time', 'machine.registries', 'machine.env', 'machine.features.stableHostname'],
  '1.14': [
    'machine.network', 'machine.time', 'machine.registries', 'machine.env', 'machine.install', 'machine.kubelet', 'machine.nodeLabels',
    'machine.nodeTaints', 'machine.sysctls', 'machine.kernel', 'machine.features.kubePrism', 'cluster.clusterName', 'cluster.controlPlane',
    'cluster.network', 'cluster.proxy', 'cluster.apiServer', 'cluster.allowSchedulingOnControlPlanes',
  ],
};

function has(doc: TalosDocument, dotted: string): boolean {
  let node: unknown = doc;
  for (const part of dotted.split('.')) {
    if (!node || typeof node !== 'object' || !(part in node)) return false;
    node = (node as Json)[part];
  }
  return true;
}

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
