import { quote } from '../../diagnostics/diagnostic.ts';
import { talosMinor } from '../../data/talos-kubernetes.ts';
import { containsAddress, overlaps, parseIp, parseRange } from '../../net/ip.ts';
import type { ClusterFacts } from '../context.ts';

/** Load-balancer pools, their announcers (MetalLB or Cilium, L2 or BGP) and references to pools. */
export function checkLoadBalancing({ c, file, emit, nodeAddrs, nodeNet, nets, cilium }: ClusterFacts): void {
  // Load-balancer pools and references to them.
  const lb = c.loadBalancing;
  const poolIndex = new Map<string, number>();
  (lb?.pools ?? []).forEach((p, i) => {
    if (poolIndex.has(p.name)) emit(file, `/loadBalancing/pools/${i}/name`, 'names/duplicate-lb-pool', `load-balancer pool ${quote(p.name)} is declared twice`);
    poolIndex.set(p.name, i);
    if (!p.addresses && !p.anycast) emit(file, `/loadBalancing/pools/${i}`, 'lb/pool-empty', `pool ${quote(p.name)} needs addresses or anycast`);
    // A pool announced over L2 (ARP/NDP) must sit on the node subnet; it may not hold a node's
    // address, the VIP or the gateway. Every other pool stays clear of the node network.
    const l2 = lb?.l2?.enabled === true && (lb.l2.pools === undefined || lb.l2.pools.includes(p.name));
    const bgp = lb?.bgp !== undefined && (lb.bgp.pools === undefined || lb.bgp.pools.includes(p.name));
    (p.addresses ?? []).forEach((r, k) => {
      const range = parseRange(r);
      const ptr = `/loadBalancing/pools/${i}/addresses/${k}`;
      if (!range) return;
      // ARP and NDP reach the node's own segment only: a host sends for an address outside its
      // subnet to its router, which has no route to an L2-announced pool (BGP would give it one).
      if (l2 && !bgp && nodeNet && range.family === nodeNet.family && !(nodeNet.first <= range.first && range.last <= nodeNet.last)) {
        emit(file, ptr, 'lb/l2-pool-off-subnet', `${quote(r)} is announced over L2 (ARP/NDP), which reaches only the node subnet ${quote(nodeNet.text)}, but it is ${overlaps(range, nodeNet) ? 'not wholly' : 'not'} inside it: no client off the segment could reach these addresses; take free addresses of ${quote(nodeNet.text)}, or announce the pool over BGP`);
      }
      for (const net of nets) {
        if (!net.cidr || !overlaps(range, net.cidr)) continue;
        if (l2 && net.name === 'the node network') continue;
        emit(file, ptr, 'lb/pool-overlap', `${quote(r)} overlaps ${net.name} ${quote(net.cidr.text)}${net.name === 'the node network' ? ' (only a pool announced over L2 may share the node subnet)' : ''}`);
      }
      if (l2) {
        const taken: [string, string][] = [
          ...[...nodeAddrs].map((a) => [a, `node address ${quote(a)}`] as [string, string]),
          ...(c.endpoint.vip ? [[c.endpoint.vip, `the VIP ${quote(c.endpoint.vip)}`] as [string, string]] : []),
          ...(c.network.gateway ? [[c.network.gateway, `the gateway ${quote(c.network.gateway)}`] as [string, string]] : []),
        ];
        for (const [a, what] of taken) {
          const ip = parseIp(a);
          if (ip && containsAddress(range, ip)) emit(file, ptr, 'lb/pool-holds-taken-address', `${quote(r)} contains ${what}; a load-balancer pool needs free addresses`);
        }
      }
    });
  });
  if (lb && lb.provider === 'none' && ((lb.pools ?? []).length > 0 || lb.bgp || lb.l2?.enabled)) {
    emit(file, '/loadBalancing/provider', 'lb/no-provider', 'pools, L2 or BGP are configured but provider is "none"; choose cilium or metallb');
  }
  if (lb?.provider === 'cilium' && c.cni?.name !== undefined && c.cni.name !== 'cilium') {
    emit(file, '/loadBalancing/provider', 'lb/cilium-without-cilium', `Cilium LB IPAM needs Cilium as the CNI (cni.name is ${quote(c.cni.name)})`);
  }
  const refPool = (name: string, ptr: string): void => {
    if (!poolIndex.has(name)) emit(file, ptr, 'refs/lb-pool', `unknown load-balancer pool ${quote(name)}${poolIndex.size ? ` (pools: ${[...poolIndex.keys()].join(', ')})` : ''}`);
  };
  (lb?.bgp?.pools ?? []).forEach((p, i) => refPool(p, `/loadBalancing/bgp/pools/${i}`));
  (lb?.l2?.pools ?? []).forEach((p, i) => refPool(p, `/loadBalancing/l2/pools/${i}`));
  // Cilium LB IPAM gives a Service without a pool label an address from any auto-assigned pool,
  // and its announcements select Services, not pools: auto-assigned pools can only be announced alike.
  if (lb?.provider === 'cilium') {
    const auto = (lb.pools ?? []).filter((p) => !p.anycast && p.autoAssign !== false);
    for (const [via, names, on] of [['BGP', lb.bgp?.pools, lb.bgp !== undefined], ['L2', lb.l2?.pools, lb.l2?.enabled === true]] as const) {
      if (!on || names === undefined) continue;
      const inList = auto.filter((p) => names.includes(p.name)).map((p) => p.name);
      const outList = auto.filter((p) => !names.includes(p.name)).map((p) => p.name);
      if (inList.length > 0 && outList.length > 0) {
        emit(file, `/loadBalancing/${via === 'BGP' ? 'bgp' : 'l2'}/pools`, 'lb/cilium-ambiguous-announcement', `Cilium can hand any Service an address from any auto-assigned pool, so ${inList.map(quote).join(', ')} (announced over ${via}) and ${outList.map(quote).join(', ')} (not announced) cannot be told apart; set autoAssign: false on the pools announced selectively (a Service then asks for one with the label orrery.dev/lb-pool: <pool>)`);
      }
    }
  }
  if (c.components?.ingress?.loadBalancerPool) refPool(c.components.ingress.loadBalancerPool, '/components/ingress/loadBalancerPool');
  if (lb?.bgp) {
    if (lb.bgp.localASN === undefined) emit(file, '/loadBalancing/bgp', 'bgp/incomplete', 'BGP needs localASN');
    lb.bgp.peers?.forEach((p, i) => {
      if (p.asn === undefined) emit(file, `/loadBalancing/bgp/peers/${i}`, 'bgp/incomplete', `BGP peer ${quote(p.name)} needs asn`);
    });
  }

  if (cilium?.version && !['1.18', '1.19'].includes(talosMinor(cilium.version))) {
    emit(file, '/cni/cilium/version', 'versions/cilium-unsupported', `Cilium ${cilium.version}: orrery builds values for the 1.19 (default) and 1.18 charts`);
  }
  const ciliumL2 = cilium && lb?.provider === 'cilium' && lb.l2?.enabled;
  if (ciliumL2 && cilium.kubeProxyReplacement === false) {
    emit(file, '/cni/cilium/kubeProxyReplacement', 'lb/l2-needs-kube-proxy-replacement', "Cilium's L2 announcements need its kube-proxy replacement (kubeProxyReplacement: true)");
  }
  if (lb?.provider === 'cilium') {
    lb.bgp?.peers?.forEach((p, i) => {
      if (p.bfd) emit(file, `/loadBalancing/bgp/peers/${i}/bfd`, 'bgp/bfd-needs-metallb', "Cilium's BGP control plane has no BFD; use provider: metallb for BFD");
    });
  }

}
