import { describe, expect, it } from 'vitest';
import { compileDocs, deref, findOccurrence, judge, loadVariants, specKeys, type Compile, type Compiled, type KeyVerdict } from './schema-walk.ts';

/**
 * Nothing the spec accepts is dropped silently (issue 12, point 1): the test walks the schema —
 * every property of every definition reachable from a Constellation or a Cluster — finds each key
 * in one of the maximal specs (test/fixtures/maximal/*), changes it to other valid values one at a
 * time and compiles in memory. Each key must change the output (compiled) or the diagnostics
 * (checked), or carry x-orrery-pending (listed by synth as not compiled yet; none is left — the
 * machinery is tested on a synthetic annotation in ./pending.test.ts). The retired Equinix Metal
 * provider's settings are `deprecated` (they parse, synth warns and generates nothing). Removed keys
 * are not in the schema: a spec that has them is refused with the replacement
 * (test/fixtures/reject/schema-removed-key).
 */
const variants = loadVariants();
const keys = specKeys();
const baselines = new Map<string, Compiled>(variants.map((v) => [v.name, compileDocs(v.docs, v.secrets, v.patchFiles)]));
const verdicts: KeyVerdict[] = [];

describe('the schema walk', () => {
  it('every maximal spec compiles without an error (the baseline every change is compared with)', () => {
    for (const [name, b] of baselines) expect(b.errors, `${name}:\n${b.diagnostics}`).toBe(0);
  });

  it('walks every property of every definition', () => {
    expect(keys.length).toBeGreaterThan(250);
    for (const k of keys) {
      const v = judge(k, variants, baselines);
      // A mapping (or a list of mappings) that admits no change of its own is judged by its keys (each in this list).
      const mapping = k.node.properties !== undefined || (k.node.items !== undefined && deref(k.node.items).properties !== undefined);
      const children = keys.filter((c) => c.kind === k.kind && c.path.length === k.path.length + 1 && c.path.join('.').startsWith(k.path.join('.')));
      verdicts.push(v.verdict === 'no-valid-change' && mapping && children.length > 0 ? { ...v, verdict: 'by-children' } : v);
    }
    const wrong = verdicts.filter((v) => !['compiled', 'checked', 'by-children', 'pending', 'retired', 'fixed'].includes(v.verdict));
    expect(wrong.map((v) => `${v.label}: ${v.verdict}${v.variant ? ` in ${v.variant} at ${v.pointer}` : ''} (tried: ${v.tried.join(', ') || 'nothing'})`)).toEqual([]);
    // Most keys change the output itself, not only what the rules say.
    const compiled = verdicts.filter((v) => v.verdict === 'compiled').length;
    expect(compiled / verdicts.length).toBeGreaterThan(0.75);
  }, 600_000);

  it('negative control: a key the generators ignored is reported as dropped', () => {
    // As if nothing read Cluster.site: the key is taken out of every document before compiling.
    const ignoringSite: Compile = (docs, secrets, patchFiles) =>
      compileDocs(new Map([...docs].map(([f, d]) => {
        const copy = structuredClone(d) as Record<string, unknown>;
        delete copy.site;
        return [f, copy];
      })), secrets, patchFiles);
    const site = keys.find((k) => k.label === 'Cluster.site')!;
    const ignoredBaselines = new Map(variants.map((v) => [v.name, ignoringSite(v.docs, v.secrets, v.patchFiles)]));
    expect(judge(site, variants, ignoredBaselines, ignoringSite).verdict).toBe('dropped');
    expect(judge(site, variants, baselines).verdict).toBe('compiled');
  });

  it('nothing is pending any more: every key of the schema compiles (Cluster API and the runner\'s disk wipe landed)', () => {
    expect(keys.filter((k) => k.pending).map((k) => k.label)).toEqual([]);
  });

  it('the Cluster API keys are walked too: every Proxmox, Sidero and machine-pool key is set in a maximal spec', () => {
    const capi = keys.filter((k) => k.label.startsWith('Cluster.provisioning.clusterApi'));
    expect(capi.length).toBeGreaterThan(30);
    for (const k of capi) expect(variants.some((v) => findOccurrence(v, k)), k.label).toBe(true);
  });

  it('the retired keys are exactly the Equinix Metal ones, each set in a maximal spec and warned about there', () => {
    const retired = keys.filter((k) => k.retired);
    expect(retired.map((k) => k.label).sort()).toEqual(['Cluster.provisioning.clusterApi.machinePools[].machine.plan', 'Cluster.provisioning.clusterApi.packet']);
    for (const k of retired) {
      const v = variants.find((x) => findOccurrence(x, k));
      expect(v, `${k.label} is in no maximal spec`).toBeDefined();
      const at = findOccurrence(v!, k)!;
      // The provider's warning in that file says nothing is generated for it.
      expect(baselines.get(v!.name)!.diagnostics).toMatch(new RegExp(`clusters/${at.file}:\\d+:\\d+ warning /provisioning/clusterApi/provider: provider "packet" is retired: .*will not generate`));
    }
  });
});
