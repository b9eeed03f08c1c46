import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckMemo } from '../../lib/check/check-memo.ts';
import { checkSemantics } from '../../lib/check/check-semantics.ts';
import type { Diagnostic } from '../../lib/diagnostics/diagnostic.ts';
import { collectSpecSet } from '../../lib/pipeline.ts';
import { parseSpecText, readSpecDir } from '../../lib/read/read-spec.ts';
import { loadSpecCache, saveSpecCache, specCacheFileFor } from '../../lib/read/spec-cache.ts';
import { removeDir, tempDir } from '../helpers.ts';
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

const line = (d: Diagnostic): string => `${d.file}:${d.line}:${d.col} ${d.severity} ${d.pointer} ${d.rule}: ${d.message}`;

function diagnosticsOf(seed: number): string[] {
  const files = crowdedFleet(seed, 40).flatMap((f) => parseSpecText(f.text, `clusters/${f.name}`, `clusters/${f.name}`).files);
  expect(files.flatMap((f) => validateSchema(f))).toEqual([]); // schema-valid: only the semantic rules speak
  const { set } = collectSpecSet(files, 'clusters');
  return checkSemantics(set!, { invalidClusters: new Set() }).map(line);
}

/** The same fleet as synth reads it twice: the second check takes every cluster's findings from the spec cache (lib/check/check-memo.ts). */
async function diagnosticsWithWarmMemo(seed: number): Promise<{ lines: string[]; hits: number }> {
  const root = await tempDir('orrery-crowded-memo-');
  try {
    const specDir = path.join(root, 'clusters');
    await mkdir(specDir);
    for (const f of crowdedFleet(seed, 40)) await writeFile(path.join(specDir, f.name), f.text);
    const cacheFile = specCacheFileFor(specDir, path.join(root, 'cache'));
    let hits = 0;
    let lines: string[] = [];
    for (let run = 0; run < 2; run++) {
      const cache = await loadSpecCache(cacheFile, 'fp');
      const read = await readSpecDir(specDir, root, { cache });
      const memo: CheckMemo = { ...cache.checkMemo, get: (k) => { const v = cache.checkMemo.get(k); if (v) hits++; return v; } };
      lines = checkSemantics(collectSpecSet(read.files, 'clusters').set!, { invalidClusters: new Set(), memo }).map(line);
      await saveSpecCache(cacheFile, cache);
    }
    return { lines, hits };
  } finally {
    await removeDir(root);
  }
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

  it('report the same with the findings of a previous run (a warm check memo)', async () => {
    const expected = JSON.parse(readFileSync(EXPECTED, 'utf8')) as Record<string, string[]>;
    for (const seed of [1, 2, 3]) {
      const warm = await diagnosticsWithWarmMemo(seed);
      expect(warm.hits, `seed ${seed}: every cluster's findings from the memo`).toBe(40);
      expect(warm.lines, `seed ${seed}`).toEqual(expected[`seed ${seed}`]);
    }
  });
});
