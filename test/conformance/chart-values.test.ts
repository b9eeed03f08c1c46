import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileSpecDir, defaultSecretsDir } from '../../lib/pipeline.ts';
import { planComponents } from '../../lib/gitops/plan.ts';
import { REGISTRY } from '../../lib/registry.ts';
const PLATFORM_COMPONENTS = REGISTRY.platform;
import type { Release } from '../../lib/gitops/component.ts';
import { readSecretsDir } from '../../lib/secrets/store.ts';
import { exampleSpecs, HAS_SHARED, maximalSpecs, REPO, SHARED } from '../helpers.ts';

/**
 * Every key path we set must exist in the chart's own values.yaml: Helm ignores a misspelled key
 * silently. Below a key whose default is an empty map (or null) any key is allowed (free-form).
 */
export function unknownKeys(values: unknown, defaults: unknown, at = ''): string[] {
  if (!values || typeof values !== 'object' || Array.isArray(values)) return [];
  if (defaults === null || defaults === undefined) return [];
  if (typeof defaults !== 'object' || Array.isArray(defaults)) return [`${at} is a ${Array.isArray(defaults) ? 'list' : typeof defaults} in the chart, not a map`];
  const known = defaults as Record<string, unknown>;
  if (Object.keys(known).length === 0) return [];
  return Object.entries(values).flatMap(([k, v]) => (k in known ? unknownKeys(v, known[k], `${at}.${k}`) : [`${at}.${k}`]));
}

async function releases(): Promise<{ example: string; release: Release }[]> {
  const out = [];
  // Cilium 1.18 stays selectable: each cluster's Cilium values are rendered for the 1.18 chart too.
  const { ciliumComponent } = await import('../../lib/components/cilium/cilium.ts');
  for (const e of [...exampleSpecs().map((x) => ({ ...x, cwd: REPO })), ...maximalSpecs()]) {
    const { model } = await compileSpecDir(e.spec, { cwd: e.cwd, build: false });
    const secrets = await readSecretsDir(defaultSecretsDir(e.spec));
    for (const cluster of model!.clusters) {
      for (const { output } of planComponents(PLATFORM_COMPONENTS, { model: model!, cluster, secrets }).components) {
        for (const release of output.releases) out.push({ example: `${e.name}/${cluster.name}`, release });
      }
      if (cluster.cni.name === 'cilium') {
        const on118 = { ...cluster, versions: { ...cluster.versions, cilium: '1.18.11' } };
        for (const release of ciliumComponent.build({ model: model!, cluster: on118, secrets }).releases) out.push({ example: `${e.name}/${cluster.name} (Cilium 1.18)`, release });
      }
    }
  }
  return out;
}

describe.skipIf(!HAS_SHARED)('conformance: Helm values against the charts (../shared/schemas/charts)', async () => {
  const all = HAS_SHARED ? await releases() : [];
  it('the examples exercise every chart orrery emits', () => {
    expect(new Set(all.map((r) => r.release.chart))).toEqual(
      new Set(['cilium', 'metallb', 'cert-manager', 'linkerd-crds', 'linkerd-control-plane', 'linkerd-viz', 'rook-ceph', 'rook-ceph-cluster', 'external-dns', 'metrics-server', 'gateway-helm', 'contour']),
    );
  });
  it('the key check catches a misspelled key (negative control)', () => {
    expect(unknownKeys({ crds: { enabeld: true } }, { crds: { enabled: false } })).toEqual(['.crds.enabeld']);
    expect(unknownKeys({ podAnnotations: { a: 'b' } }, { podAnnotations: {} })).toEqual([]);
  });
  it('the pass-through checks catch misspelled keys too (negative controls)', () => {
    const dir = path.join(SHARED, 'schemas', 'charts', 'rook-ceph-cluster', 'v1.20.6');
    const defaults = parse(readFileSync(path.join(dir, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const check = PASS_THROUGH['rook-ceph-cluster']!;
    expect(check.cephClusterSpec!({ storage: { nodes: [{ name: 'a', devics: [{ name: 'sdb' }] }] } }, defaults.cephClusterSpec)).toEqual(['.storage.nodes[0].devics']);
    expect(check.cephClusterSpec!({ mon: { count: 'three' } }, defaults.cephClusterSpec)).toEqual(['/mon/count must be integer']);
    expect(check.cephBlockPools!([{ name: 'p', spec: { replicated: { sise: 2 } }, storageClass: { isDefualt: true } }], defaults.cephBlockPools)).toEqual(['[0].storageClass.isDefualt', '[0].spec.replicated.sise']);
    expect(PASS_THROUGH.contour!.configInline!({ gateway: { gatewayRfe: {} } }, { disablePermitInsecure: false })).toEqual(['.gateway.gatewayRfe']);
  });
  it.each(all.map((r) => [`${r.example}: ${r.release.chart} ${r.release.version}`, r.release] as const))('%s: every key exists in values.yaml, and values.schema.json accepts them', (_n, release) => {
    const dir = path.join(SHARED, 'schemas', 'charts', release.valuesRef.chart, release.valuesRef.version);
    expect(existsSync(dir), dir).toBe(true);
    const defaults = parse(readFileSync(path.join(dir, 'values.yaml'), 'utf8'));
    // The chart's own values files define its keys: values.yaml, and values-ha.yaml where the chart ships one.
    const ha = path.join(dir, 'values-ha.yaml');
    const known = existsSync(ha) ? deepMerge(defaults, parse(readFileSync(ha, 'utf8'))) : defaults;
    // Subtrees a chart passes through to another consumer are checked against that consumer instead.
    const passThrough = PASS_THROUGH[release.valuesRef.chart] ?? {};
    const own = Object.fromEntries(Object.entries(release.values).filter(([k]) => !(k in passThrough)));
    expect(unknownKeys(own, known)).toEqual([]);
    for (const [key, check] of Object.entries(passThrough)) {
      if (key in release.values) expect(check((release.values as Record<string, unknown>)[key], (known as Record<string, unknown>)[key]), key).toEqual([]);
    }
    const schemaFile = path.join(dir, 'values.schema.json');
    if (existsSync(schemaFile)) {
      const { $schema: _drop, ...schema } = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
      const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
      // Helm validates the merged values: the chart's defaults with ours over them.
      const merged = deepMerge(defaults, release.values);
      expect(validate(merged) ? [] : validate.errors).toEqual([]);
    }
  });
});
if (!HAS_SHARED) console.warn('chart values conformance SKIPPED: ../shared is absent');

/** The `spec` schema of a CRD version in ../shared/schemas/crds (group/kind_version.json). */
function crdSpec(file: string): Record<string, any> {
  return JSON.parse(readFileSync(path.join(SHARED, 'schemas', 'crds', file), 'utf8')).properties.spec;
}

/**
 * Keys of `value` the OpenAPI schema does not know: the API server prunes unknown fields of a
 * structural CRD silently, so a misspelled key would vanish. Below `additionalProperties` or
 * `x-kubernetes-preserve-unknown-fields` anything goes.
 */
export function unknownSchemaKeys(value: unknown, schema: Record<string, any> | undefined, at = ''): string[] {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields'] || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownSchemaKeys(v, schema.items, `${at}[${i}]`));
  if (!schema.properties) return [];
  return Object.entries(value).flatMap(([k, v]) => (k in schema.properties ? unknownSchemaKeys(v, schema.properties[k], `${at}.${k}`) : [`${at}.${k}`]));
}

/**
 * Subtrees of chart values that the chart hands to something else as they are, with the check
 * that stands in for values.yaml there.
 */
const PASS_THROUGH: Record<string, Record<string, (value: unknown, defaults: unknown) => string[]>> = {
  'rook-ceph-cluster': {
    // templates/cephcluster.yaml renders `spec: {{ .Values.cephClusterSpec | toYaml }}`: the CephCluster CRD's spec (rook v1.20.6).
    cephClusterSpec: (v, d) => {
      const merged = deepMerge(d, v);
      const spec = crdSpec('ceph.rook.io/cephcluster_v1.json');
      const validate = new Ajv({ strict: false, allErrors: true }).compile(spec);
      return [...unknownSchemaKeys(merged, spec), ...(validate(merged) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`))];
    },
    // templates/cephblockpool.yaml: each entry's `spec` is a CephBlockPool spec; name and storageClass are the chart's own keys.
    cephBlockPools: (v, d) => {
      const chartDefault = (d as Record<string, unknown>[])[0]!;
      return (v as Record<string, unknown>[]).flatMap((pool, i) => [
        ...unknownKeys({ ...pool, spec: undefined }, { ...chartDefault, spec: null }, `[${i}]`),
        ...unknownSchemaKeys(pool.spec, crdSpec('ceph.rook.io/cephblockpool_v1.json'), `[${i}].spec`),
      ]);
    },
  },
  contour: {
    // templates/contour/configmap.yaml renders configInline as contour.yaml, Contour's own configuration file;
    // its schema is not in ../shared, so the keys orrery adds are listed from projectcontour/contour@v1.33.6
    // pkg/config/parameters.go (Parameters.GatewayConfig `gateway` → GatewayParameters.GatewayRef `gatewayRef` → NamespacedName name/namespace).
    configInline: (v, d) => unknownKeys(v, deepMerge(d, { gateway: { gatewayRef: { name: '', namespace: '' } } })),
  },
};

function deepMerge(base: unknown, over: unknown): unknown {
  if (!over || typeof over !== 'object' || Array.isArray(over) || !base || typeof base !== 'object' || Array.isArray(base)) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v);
  return out;
}
