import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import { AddressMap } from '../../net/address-map.ts';
import { parseIp } from '../../net/ip.ts';
import { sameAddress } from '../address-facts.ts';
import type { ClusterFacts } from '../context.ts';

/** A BGP peer is a router outside the cluster: not one of its own nodes, not its API endpoint, not listed twice. */
export function checkBgpPeers({ c, file, emit, addr, nodes }: ClusterFacts): void {
  const seen = new AddressMap<string>();
  (c.loadBalancing?.bgp?.peers ?? []).forEach((p, i) => {
    const ptr = pointer('loadBalancing', 'bgp', 'peers', i, 'address');
    const ip = parseIp(p.address);
    if (!ip) return;
    const prior = seen.get(ip);
    if (prior) emit(file, ptr, 'bgp/duplicate-peer', `BGP peer ${quote(p.name)} has the address of peer ${quote(prior)} (${quote(p.address)}); one session per neighbour`);
    else seen.set(ip, p.name);
    for (const n of nodes) {
      if (addr.ips(n).some((x) => sameAddress(x, ip))) {
        emit(file, ptr, 'bgp/peer-is-node', `BGP peer ${quote(p.name)} (${quote(p.address)}) is node ${quote(n.name)} of this cluster; a peer is the router the nodes announce to`);
      }
    }
    for (const ep of addr.endpoints(c)) {
      if (sameAddress(ep.ip, ip)) emit(file, ptr, 'bgp/peer-is-node', `BGP peer ${quote(p.name)} (${quote(p.address)}) is this cluster's API endpoint; a peer is the router the nodes announce to`);
    }
  });
}
