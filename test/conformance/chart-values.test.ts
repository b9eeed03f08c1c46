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
import { exampleSpecs, HAS_SHARED, REPO, SHARED } from '../helpers.ts';

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
  for (const e of exampleSpecs()) {
    const { model } = await compileSpecDir(e.spec, { cwd: REPO, build: false });
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
    expect(new Set(all.map((r) => r.release.chart))).toEqual(new Set(['cilium', 'metallb', 'cert-manager', 'linkerd-crds', 'linkerd-control-plane']));
  });
  it('the key check catches a misspelled key (negative control)', () => {
    expect(unknownKeys({ crds: { enabeld: true } }, { crds: { enabled: false } })).toEqual(['.crds.enabeld']);
    expect(unknownKeys({ podAnnotations: { a: 'b' } }, { podAnnotations: {} })).toEqual([]);
  });
  it.each(all.map((r) => [`${r.example}: ${r.release.chart} ${r.release.version}`, r.release] as const))('%s: every key exists in values.yaml, and values.schema.json accepts them', (_n, release) => {
    const dir = path.join(SHARED, 'schemas', 'charts', release.valuesRef.chart, release.valuesRef.version);
    expect(existsSync(dir), dir).toBe(true);
    const defaults = parse(readFileSync(path.join(dir, 'values.yaml'), 'utf8'));
    // The chart's own values files define its keys: values.yaml, and values-ha.yaml where the chart ships one.
    const ha = path.join(dir, 'values-ha.yaml');
    const known = existsSync(ha) ? deepMerge(defaults, parse(readFileSync(ha, 'utf8'))) : defaults;
    expect(unknownKeys(release.values, known)).toEqual([]);
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

function deepMerge(base: unknown, over: unknown): unknown {
  if (!over || typeof over !== 'object' || Array.isArray(over) || !base || typeof base !== 'object' || Array.isArray(base)) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v);
  return out;
}
