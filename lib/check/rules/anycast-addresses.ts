import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import { containsAddress, parseCidr, parseIp, type Address } from '../../net/ip.ts';
import { AddressMap } from '../../net/address-map.ts';
import { IntervalIndex } from '../../net/interval-index.ts';
import type { Cluster } from '../../spec/types.generated.ts';
import { familyName, type AddressFacts } from '../address-facts.ts';
import type { ConstellationFacts } from '../context.ts';

/** A place in the fleet an anycast address must not be; `seq` is the order the findings are reported in. */
interface Taken {
  readonly seq: number;
  readonly message: (name: string, address: string) => string;
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
  const take = (ip: Address, message: Taken['message']): void => {
    const list = byAddress.get(ip);
    const taken = { seq: seq++, message };
    if (list) list.push(taken);
    else byAddress.set(ip, [taken]);
  };
  for (const { spec } of clusters) {
    const cluster = quote(spec.name);
    for (const n of spec.nodes ?? []) {
      // One finding per node, however many of its addresses are the anycast address.
      const own = new AddressMap<Address>();
      for (const ip of addr.ips(n)) own.set(ip, ip);
      const message: Taken['message'] = (name, address) => `anycast ${name} (${address}) is node ${quote(n.name)}'s address in cluster ${cluster}`;
      for (const ip of own.values()) take(ip, message);
    }
    for (const ep of addr.endpoints(spec)) take(ep.ip, (name, address) => `anycast ${name} (${address}) is the API endpoint of cluster ${cluster}`);
    const api = addr.meshApiserver(spec);
    if (api) take(api.ip, (name, address) => `anycast ${name} (${address}) is the clustermesh-apiserver address of cluster ${cluster}`);
    // Anycast pools are shared on purpose.
    for (const p of addr.regularPools(spec)) {
      pools.add(p.range, { seq: seq++, message: (name, address) => `anycast ${name} (${address}) is inside load-balancer pool ${quote(p.pool)} of cluster ${cluster} (${quote(p.text)}), which could give it to another Service` });
    }
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
    const found = [...addressTaken.map((t) => ({ t, rule: 'anycast/address-taken' })), ...inPools.map((t) => ({ t, rule: 'anycast/in-lb-pool' }))];
    if (inPools.length > 0) found.sort((x, y) => x.t.seq - y.t.seq);
    for (const { t, rule } of found) emit(cfile, ptr, rule, t.message(quote(a.name), quote(a.address)));
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
