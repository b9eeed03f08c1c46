import { quote } from '../../diagnostics/diagnostic.ts';
import { containsAddress, overlaps, parseIp } from '../../net/ip.ts';
import { sameAddress } from '../address-facts.ts';
import type { ClusterFacts } from '../context.ts';

/**
 * Addresses of different kinds in one cluster, compared with each other: load-balancer pools
 * with each other, the API endpoint with the pod and service CIDRs and the pools, the fixed
 * clustermesh-apiserver address with the nodes, the endpoint, the cluster's networks and pools.
 */
export function checkAddressSpace({ c, file, emit, addr, nodeAddrs, nets }: ClusterFacts): void {
  const pools = addr.pools(c);
  const podAndService = nets.filter((n) => n.name !== 'the node network' && n.cidr);

  // MetalLB refuses overlapping pools ("CIDR … in pool … overlaps with already defined CIDR",
  // metallb internal/config); Cilium LB IPAM marks the later pool Conflicting and allocates
  // nothing from it (docs.cilium.io network/lb-ipam). Either way one pool silently does not work.
  for (let i = 0; i < pools.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = pools[j]!;
      const b = pools[i]!;
      if (overlaps(a.range, b.range)) {
        emit(file, b.ptr, 'lb/pools-overlap', `${quote(b.text)} of pool ${quote(b.pool)} overlaps ${quote(a.text)} of pool ${quote(a.pool)}; an address belongs to one pool only (MetalLB refuses overlapping pools, Cilium disables the later one)`);
      }
    }
  }

  // The API endpoint: never inside the pod or service CIDR (those are routed to pods and Services),
  // never handed to a Service by a pool.
  for (const ep of addr.endpoints(c)) {
    for (const net of podAndService) {
      if (containsAddress(net.cidr!, ep.ip)) emit(file, ep.ptr, 'endpoint/in-cluster-network', `the API endpoint ${quote(ep.text)} is inside ${net.name} ${quote(net.cidr!.text)}; nodes would route it to pods or Services, not to the control plane`);
    }
    for (const p of pools) {
      // An L2 pool holding the VIP is reported by the load-balancing rules already.
      if (p.l2 && ep.ptr === '/endpoint/vip') continue;
      if (containsAddress(p.range, ep.ip)) emit(file, ep.ptr, 'endpoint/in-lb-pool', `the API endpoint ${quote(ep.text)} is inside load-balancer pool ${quote(p.pool)} (${quote(p.text)}), which could give it to a Service`);
    }
  }

  // The clustermesh-apiserver's fixed LoadBalancer address.
  const api = addr.meshApiserver(c);
  if (api) {
    const taken: [string, string][] = [...[...nodeAddrs].map((a) => [a, `node address ${quote(a)}`] as [string, string]), ...addr.endpoints(c).map((e) => [e.text, `the API endpoint ${quote(e.text)}`] as [string, string])];
    if (c.network.gateway) taken.push([c.network.gateway, `the gateway ${quote(c.network.gateway)}`]);
    for (const [text, what] of taken) {
      const ip = parseIp(text);
      if (ip && sameAddress(ip, api.ip)) emit(file, api.ptr, 'mesh/apiserver-address-taken', `the clustermesh-apiserver address ${quote(api.text)} is also ${what}; give it a free address from a load-balancer pool`);
    }
    for (const net of podAndService) {
      if (containsAddress(net.cidr!, api.ip)) emit(file, api.ptr, 'mesh/apiserver-address-in-cluster-network', `the clustermesh-apiserver address ${quote(api.text)} is inside ${net.name} ${quote(net.cidr!.text)}; peers in other clusters could not reach it`);
    }
    // With MetalLB or Cilium LB IPAM, a requested loadBalancerIP outside every pool is never
    // assigned: the Service stays <pending> and no peer can connect.
    const provider = c.loadBalancing?.provider ?? 'none';
    if (provider !== 'none' && pools.length > 0 && !pools.some((p) => containsAddress(p.range, api.ip))) {
      emit(file, api.ptr, 'mesh/apiserver-address-outside-pools', `the clustermesh-apiserver address ${quote(api.text)} is in no load-balancer pool of this cluster (${[...new Set(pools.map((p) => p.pool))].join(', ')}), so ${provider === 'metallb' ? 'MetalLB' : 'Cilium LB IPAM'} never assigns it and the Service stays pending; pick an address from a pool`);
    }
  }
}
