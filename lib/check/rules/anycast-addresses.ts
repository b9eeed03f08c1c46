import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import { containsAddress, parseCidr, parseIp } from '../../net/ip.ts';
import { endpointAddresses, familyName, meshApiserverAddress, poolRanges, sameAddress } from '../address-facts.ts';
import type { ConstellationFacts } from '../context.ts';

/**
 * An anycast address is announced by several clusters and belongs to no one else: not two
 * anycast declarations, not a node or an API endpoint anywhere in the fleet, not inside the pod
 * or service CIDR of a cluster that announces it, not inside a regular load-balancer pool (which
 * could hand it to another Service), not a clustermesh-apiserver address.
 */
export function checkAnycastAddresses({ set, emit, byName }: ConstellationFacts): void {
  const cfile = set.constellation.file;
  const seen = new Map<string, string>();
  // Every cluster's addresses parsed once, not once per anycast declaration: the checks below
  // compare each anycast with the whole fleet (anycasts × clusters), which must stay cheap.
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
        if (n.ips.some((o) => sameAddress(o, ip))) {
          emit(cfile, ptr, 'anycast/address-taken', `anycast ${quote(a.name)} (${quote(a.address)}) is node ${quote(n.name)}'s address in cluster ${quote(spec.name)}`);
        }
      }
      for (const ep of endpoints) {
        if (sameAddress(ep.ip, ip)) emit(cfile, ptr, 'anycast/address-taken', `anycast ${quote(a.name)} (${quote(a.address)}) is the API endpoint of cluster ${quote(spec.name)}`);
      }
      if (api && sameAddress(api.ip, ip)) emit(cfile, ptr, 'anycast/address-taken', `anycast ${quote(a.name)} (${quote(a.address)}) is the clustermesh-apiserver address of cluster ${quote(spec.name)}`);
      for (const p of pools) {
        if (containsAddress(p.range, ip)) emit(cfile, ptr, 'anycast/in-lb-pool', `anycast ${quote(a.name)} (${quote(a.address)}) is inside load-balancer pool ${quote(p.pool)} of cluster ${quote(spec.name)} (${quote(p.text)}), which could give it to another Service`);
      }
    }
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
