import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSemantics } from '../../lib/check/check-semantics.ts';
import { collectSpecSet } from '../../lib/pipeline.ts';
import { parseSpecText } from '../../lib/read/read-spec.ts';
import { validateSchema } from '../../lib/spec/validate-schema.ts';
import { crowdedFleet } from './crowded-fleet.ts';

/**
 * The semantic checks were made fast (issue 16: memoised address parsing, per-run address facts,
 * indexed anycast and uniqueness lookups). crowded-fleet.expected.json holds what the checks of
 * commit 8044367 — before that work — reported on these fleets, written by running that
 * commit's lib/ on them: the checks now must report exactly that, in the same order. Regenerate
 * with UPDATE_FIXTURES=1 only for an intended change of a message, and read the diff.
 */
const EXPECTED = new URL('./crowded-fleet.expected.json', import.meta.url);

function diagnosticsOf(seed: number): string[] {
  const files = crowdedFleet(seed, 40).flatMap((f) => parseSpecText(f.text, `clusters/${f.name}`, `clusters/${f.name}`).files);
  expect(files.flatMap((f) => validateSchema(f))).toEqual([]); // schema-valid: only the semantic rules speak
  const { set } = collectSpecSet(files, 'clusters');
  return checkSemantics(set!, { invalidClusters: new Set() }).map((d) => `${d.file}:${d.line}:${d.col} ${d.severity} ${d.pointer} ${d.rule}: ${d.message}`);
}

describe('semantic checks on crowded fleets', () => {
  it('report what they reported before they were made fast', () => {
    const actual = Object.fromEntries([1, 2, 3].map((seed) => [`seed ${seed}`, diagnosticsOf(seed)]));
    if (process.env.UPDATE_FIXTURES) writeFileSync(EXPECTED, `${JSON.stringify(actual, null, 1)}\n`);
    const expected = JSON.parse(readFileSync(EXPECTED, 'utf8')) as Record<string, string[]>;
    expect(actual).toEqual(expected);
    // Not vacuous: hundreds of findings, of the address rules the work touched.
    const rules = new Set(Object.values(expected).flat().map((l) => l.split(' ')[3]!.replace(/:$/, '')));
    for (const rule of ['net/duplicate-address', 'names/duplicate-node', 'bgp/duplicate-peer', 'bgp/peer-is-node', 'bgp/route-via-off-link', 'mesh/apiserver-address-taken', 'mesh/lb-pool-overlap', 'anycast/address-taken', 'anycast/duplicate-address', 'anycast/in-lb-pool', 'anycast/in-cluster-network', 'net/reserved-host-address', 'net/gateway-is-node']) {
      expect(rules, rule).toContain(rule);
    }
    expect(Object.values(expected).flat().length).toBeGreaterThan(300);
  });
});
