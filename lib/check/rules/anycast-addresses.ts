import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import { containsAddress, parseCidr, parseIp, type Address } from '../../net/ip.ts';
import { AddressMap } from '../../net/address-map.ts';
import { IntervalIndex } from '../../net/interval-index.ts';
import type { Cluster } from '../../spec/types.generated.ts';
import { familyName, sameAddress, type AddressFacts, type PoolRange } from '../address-facts.ts';
import type { ConstellationFacts } from '../context.ts';

/** A place in the fleet an anycast address must not be; `seq` is the order the findings are reported in. */
type Taken =
  | { readonly seq: number; readonly cluster: string; readonly kind: 'node'; readonly node: string }
  | { readonly seq: number; readonly cluster: string; readonly kind: 'endpoint' | 'api' }
  | { readonly seq: number; readonly cluster: string; readonly kind: 'pool'; readonly pool: PoolRange };

/** The finding's text, made only when there is one. */
function takenMessage(t: Taken, name: string, address: string): string {
  const at = `anycast ${quote(name)} (${quote(address)})`;
  switch (t.kind) {
    case 'node':
      return `${at} is node ${quote(t.node)}'s address in cluster ${quote(t.cluster)}`;
    case 'endpoint':
      return `${at} is the API endpoint of cluster ${quote(t.cluster)}`;
    case 'api':
      return `${at} is the clustermesh-apiserver address of cluster ${quote(t.cluster)}`;
    case 'pool':
      return `${at} is inside load-balancer pool ${quote(t.pool.pool)} of cluster ${quote(t.cluster)} (${quote(t.pool.text)}), which could give it to another Service`;
  }
}

/**
 * Every address the fleet uses, indexed by value, and every regular pool, by interval: each
 * anycast declaration is then looked up, not compared with every cluster (anycasts × clusters
 * was the slowest check at 1000 clusters). Findings keep the order of a walk over the clusters
 * in spec order — per cluster its nodes, API endpoints, clustermesh-apiserver, then pools.
 */
function fleetIndex(clusters: readonly { readonly spec: Cluster }[], addr: AddressFacts): { byAddress: AddressMap<Taken[]>; pools: IntervalIndex<Taken> } {
  const byAddress = new AddressMap<Taken[]>();
  const pools = new IntervalIndex<Taken>();
  let seq = 0;
  const take = (ip: Address, taken: Taken): void => {
    const list = byAddress.get(ip);
    if (list) list.push(taken);
    else byAddress.set(ip, [taken]);
  };
  for (const { spec } of clusters) {
    const cluster = spec.name;
    for (const n of spec.nodes ?? []) {
      const ips = addr.ips(n);
      // One finding per node, however many of its addresses are the anycast address.
      ips.forEach((ip, k) => {
        if (!ips.slice(0, k).some((o) => sameAddress(o, ip))) take(ip, { seq: seq++, cluster, kind: 'node', node: n.name });
      });
    }
    for (const ep of addr.endpoints(spec)) take(ep.ip, { seq: seq++, cluster, kind: 'endpoint' });
    const api = addr.meshApiserver(spec);
    if (api) take(api.ip, { seq: seq++, cluster, kind: 'api' });
    // Anycast pools are shared on purpose.
    for (const pool of addr.regularPools(spec)) pools.add(pool.range, { seq: seq++, cluster, kind: 'pool', pool });
  }
  return { byAddress, pools };
}

/**
 * An anycast address is announced by several clusters and belongs to no one else: not two
 * anycast declarations, not a node or an API endpoint anywhere in the fleet, not inside the pod
 * or service CIDR of a cluster that announces it, not inside a regular load-balancer pool (which
 * could hand it to another Service), not a clustermesh-apiserver address.
 */
export function checkAnycastAddresses({ set, emit, addr, byName }: ConstellationFacts): void {
  const cfile = set.constellation.file;
  const anycasts = set.constellation.spec.anycast ?? [];
  if (anycasts.length === 0) return;
  const seen = new AddressMap<string>();
  const { byAddress, pools } = fleetIndex(set.clusters, addr);
  anycasts.forEach((a, ai) => {
    const ptr = pointer('anycast', ai, 'address');
    const ip = parseIp(a.address);
    if (!ip) return;
    const prior = seen.get(ip);
    if (prior) emit(cfile, ptr, 'anycast/duplicate-address', `anycast ${quote(a.name)} has the address of anycast ${quote(prior)} (${quote(a.address)})`);
    else seen.set(ip, a.name);
    const addressTaken = byAddress.get(ip) ?? [];
    const inPools = pools.containing(ip);
    const found = inPools.length > 0 ? [...addressTaken, ...inPools].sort((x, y) => x.seq - y.seq) : addressTaken;
    for (const t of found) emit(cfile, ptr, t.kind === 'pool' ? 'anycast/in-lb-pool' : 'anycast/address-taken', takenMessage(t, a.name, a.address));
    for (const name of a.clusters) {
      const spec = byName.get(name)?.spec;
      if (!spec) continue;
      for (const [what, text] of [['pod CIDR', spec.network.podCidr], ['service CIDR', spec.network.serviceCidr]] as const) {
        const net = parseCidr(text);
        if (!net) continue;
        if (containsAddress(net, ip)) emit(cfile, ptr, 'anycast/in-cluster-network', `anycast ${quote(a.name)} (${quote(a.address)}) is inside the ${what} ${quote(text)} of cluster ${quote(name)}, which announces it; its own pods would route it inside the cluster`);
        else if (what === 'service CIDR' && net.family !== ip.family) emit(cfile, ptr, 'anycast/family-mismatch', `anycast ${quote(a.name)} (${quote(a.address)}) is ${familyName(ip.family)} but cluster ${quote(name)}'s Services are ${familyName(net.family)}`);
      }
    }
  });
}
