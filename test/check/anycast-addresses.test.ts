import { describe, expect, it } from 'vitest';
import { quote } from '../../lib/diagnostics/diagnostic.ts';
import { pointer } from '../../lib/diagnostics/pointer.ts';
import { containsAddress, parseIp } from '../../lib/net/ip.ts';
import { addressFacts, endpointAddresses, meshApiserverAddress, poolRanges, sameAddress } from '../../lib/check/address-facts.ts';
import { checkAnycastAddresses } from '../../lib/check/rules/anycast-addresses.ts';
import type { ConstellationFacts, Emit } from '../../lib/check/context.ts';
import type { SpecSet } from '../../lib/check/spec-set.ts';
import type { SourceFile } from '../../lib/read/source-file.ts';
import type { Cluster, Constellation } from '../../lib/spec/types.generated.ts';
import { rng } from './crowded-fleet.ts';

type Finding = readonly [ptr: string, rule: string, message: string];

/**
 * The rule as it was before it indexed the fleet (every anycast compared with every cluster),
 * kept here as the oracle: the indexed rule must report exactly these findings, in this order.
 * (Its last part, the announcing clusters' pod and service CIDRs, did not change and is left
 * out; test/check/crowded-fleet.test.ts pins it with the rest.)
 */
function referenceRule({ set, emit }: ConstellationFacts): void {
  const cfile = set.constellation.file;
  const seen = new Map<string, string>();
  const fleet = set.clusters.map(({ spec }) => ({
    spec,
    nodes: (spec.nodes ?? []).map((n) => ({
      name: n.name,
      ips: [...(n.addresses ?? []).map((x) => x.split('/')[0]!), ...(n.reservedAddress ? [n.reservedAddress] : [])].flatMap((x) => parseIp(x) ?? []),
    })),
    endpoints: endpointAddresses(spec),
    api: meshApiserverAddress(spec),
    pools: poolRanges(spec).filter((p) => !(spec.loadBalancing?.pools ?? []).find((x) => x.name === p.pool)?.anycast),
  }));
  (set.constellation.spec.anycast ?? []).forEach((a, ai) => {
    const ptr = pointer('anycast', ai, 'address');
    const ip = parseIp(a.address);
    if (!ip) return;
    const key = `${ip.family}:${ip.value}`;
    const prior = seen.get(key);
    if (prior) emit(cfile, ptr, 'anycast/duplicate-address', `anycast ${quote(a.name)} has the address of anycast ${quote(prior)} (${quote(a.address)})`);
    else seen.set(key, a.name);
    for (const { spec, nodes, endpoints, api, pools } of fleet) {
      for (const n of nodes) {
        if (n.ips.some((o) => sameAddress(o, ip))) emit(cfile, ptr, 'anycast/address-taken', `anycast ${quote(a.name)} (${quote(a.address)}) is node ${quote(n.name)}'s address in cluster ${quote(spec.name)}`);
      }
      for (const ep of endpoints) {
        if (sameAddress(ep.ip, ip)) emit(cfile, ptr, 'anycast/address-taken', `anycast ${quote(a.name)} (${quote(a.address)}) is the API endpoint of cluster ${quote(spec.name)}`);
      }
      if (api && sameAddress(api.ip, ip)) emit(cfile, ptr, 'anycast/address-taken', `anycast ${quote(a.name)} (${quote(a.address)}) is the clustermesh-apiserver address of cluster ${quote(spec.name)}`);
      for (const p of pools) {
        if (containsAddress(p.range, ip)) emit(cfile, ptr, 'anycast/in-lb-pool', `anycast ${quote(a.name)} (${quote(a.address)}) is inside load-balancer pool ${quote(p.pool)} of cluster ${quote(spec.name)} (${quote(p.text)}), which could give it to another Service`);
      }
    }
  });
}

/**
 * A crowded fleet: every address comes from a few dozen, so anycasts collide with nodes,
 * endpoints, apiservers, pools (CIDRs, ranges, single addresses, overlapping, shared names,
 * anycast pools), and each other; IPv6 and malformed text mixed in.
 */
function crowdedSet(seed: number, clusters: number, anycasts: number): SpecSet {
  const r = rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const v4 = (): string => `10.0.0.${Math.floor(r() * 40)}`;
  const v6 = (): string => pick(['fd00::1', 'fd00:0::1', 'fd00::2', 'fd00::a']);
  const ip = (): string => (r() < 0.85 ? v4() : v6());
  const pool = (): string => pick([`10.0.0.${Math.floor(r() * 40)}/30`, `10.0.0.${Math.floor(r() * 20)}-10.0.0.${20 + Math.floor(r() * 20)}`, v4(), '10.0.0.0/27', 'fd00::/126', 'not-an-address', '10.0.0.30-10.0.0.10']);
  const file = (name: string): SourceFile => ({ displayPath: `clusters/${name}.yaml` }) as unknown as SourceFile;
  const specs = Array.from({ length: clusters }, (_, i) => {
    const name = `c${i % Math.max(1, clusters - 2)}`; // a duplicate name or two, as a broken spec has
    const mode = pick(['vip', 'address', 'dns'] as const);
    const spec = {
      name,
      network: { podCidr: pick(['10.0.0.0/28', '10.244.0.0/16', 'fd00::/120']), serviceCidr: pick(['10.0.0.16/28', '10.96.0.0/12', 'fd00::/124', 'bad']) },
      endpoint: { mode, vip: mode === 'vip' ? ip() : undefined, address: mode === 'address' ? ip() : undefined, host: mode === 'dns' ? 'api.example.com' : undefined },
      cni: r() < 0.2 ? { name: 'none' } : { name: 'cilium', cilium: { clusterMesh: { apiserver: { loadBalancerIP: r() < 0.5 ? ip() : undefined, serviceType: pick(['LoadBalancer', 'NodePort', undefined]) } } } },
      nodes: Array.from({ length: 1 + Math.floor(r() * 4) }, (_, k) => ({
        name: `${name}-n${k}`,
        addresses: r() < 0.8 ? Array.from({ length: 1 + Math.floor(r() * 2) }, () => `${ip()}/${r() < 0.9 ? 24 : 64}`) : undefined,
        reservedAddress: r() < 0.3 ? ip() : undefined,
      })),
      loadBalancing: {
        l2: { enabled: r() < 0.5 },
        pools: Array.from({ length: Math.floor(r() * 4) }, () => ({ name: pick(['web', 'db', 'edge']), addresses: Array.from({ length: 1 + Math.floor(r() * 2) }, pool), anycast: r() < 0.3 ? 'any' : undefined })),
      },
    };
    return { file: file(name), spec: spec as unknown as Cluster };
  });
  const names = specs.map((s) => s.spec.name);
  const constellation = {
    name: 'crowded',
    anycast: Array.from({ length: anycasts }, (_, i) => ({ name: `a${i}`, address: r() < 0.05 ? '10.0.0.999' : ip(), clusters: Array.from({ length: 1 + Math.floor(r() * 3) }, () => (r() < 0.1 ? 'missing' : pick(names))) })),
  };
  return { constellation: { file: file('constellation'), spec: constellation as unknown as Constellation }, clusters: specs };
}

/** The rules of the part that was indexed. */
const INDEXED = new Set(['anycast/duplicate-address', 'anycast/address-taken', 'anycast/in-lb-pool']);

function run(rule: (facts: ConstellationFacts) => void, set: SpecSet): Finding[] {
  const out: Finding[] = [];
  const emit: Emit = (_file, ptr, ruleName, message) => out.push([ptr, ruleName, message]);
  const byName = new Map<string, { file: SourceFile; spec: Cluster }>();
  for (const c of set.clusters) if (!byName.has(c.spec.name)) byName.set(c.spec.name, c);
  rule({ set, emit, addr: addressFacts(), byName, refCluster: (name) => byName.get(name) });
  return out.filter(([, r]) => INDEXED.has(r));
}

describe('anycast-addresses: the indexed rule finds what comparing every anycast with every cluster found', () => {
  it('the same findings, in the same order, on crowded random fleets', () => {
    const rules = new Map<string, number>();
    for (let seed = 1; seed <= 60; seed++) {
      const set = crowdedSet(seed, 2 + (seed % 9), 1 + (seed % 13));
      const expected = run(referenceRule, set);
      expect(run(checkAnycastAddresses, set), `seed ${seed}`).toEqual(expected);
      for (const [, rule] of expected) rules.set(rule, (rules.get(rule) ?? 0) + 1);
    }
    // Not vacuous: the fleets collide in every way the rule reports, many times over.
    for (const rule of INDEXED) {
      expect(rules.get(rule) ?? 0, rule).toBeGreaterThan(20);
    }
  });

  it('reports a node once however many of its addresses are the anycast address', () => {
    const set = crowdedSet(7, 1, 0);
    const spec = { ...set.clusters[0]!.spec, nodes: [{ name: 'n1', role: 'worker', addresses: ['10.9.9.9/24', '10.9.9.9/16'], reservedAddress: '10.9.9.9' }] } as unknown as Cluster;
    const one: SpecSet = { constellation: { ...set.constellation, spec: { ...set.constellation.spec, anycast: [{ name: 'x', address: '10.9.9.9', clusters: [] }] } as unknown as Constellation }, clusters: [{ file: set.clusters[0]!.file, spec }] };
    const found = run(checkAnycastAddresses, one).filter(([, , m]) => m.includes('node'));
    expect(found).toEqual([['/anycast/0/address', 'anycast/address-taken', `anycast "x" ("10.9.9.9") is node "n1"'s address in cluster "${spec.name}"`]]);
  });
});
