import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import { parseIp } from '../../net/ip.ts';
import { familyName } from '../address-facts.ts';
import type { ClusterFacts } from '../context.ts';

/**
 * One IP family per cluster (orrery compiles single-stack clusters): the pod and service CIDRs
 * of one family, which the nodes must have (kubelet's node IP, the EndpointSlice controller
 * publishes a Service's endpoints of its own address type only — kubernetes.io EndpointSlice
 * v1 addressType), and every address that talks to them — BGP peers, pools, the API endpoint,
 * nameservers, the clustermesh-apiserver — of a family the cluster has.
 */
export function checkIpFamilies({ c, file, emit, addr, nets }: ClusterFacts): void {
  const pod = nets.find((n) => n.ptr === '/network/podCidr')?.cidr;
  const svc = nets.find((n) => n.ptr === '/network/serviceCidr')?.cidr;
  if (pod && svc && pod.family !== svc.family) {
    emit(file, '/network/serviceCidr', 'net/family-mismatch', `the service CIDR ${quote(svc.text)} is ${familyName(svc.family)} but the pod CIDR ${quote(pod.text)} is ${familyName(pod.family)}: Services could have no endpoints; use one family for both (dual-stack is not supported)`);
  }
  const family = pod?.family;
  const nodes = addr.families(c);
  const has = (f: 4 | 6): boolean => nodes.size === 0 || nodes.has(f);
  const nodeList = (): string => [...nodes].map(familyName).join(' and ');
  if (family && !has(family)) {
    emit(file, '/network/podCidr', 'net/family-mismatch', `the pod CIDR ${quote(pod!.text)} is ${familyName(family)} but the nodes have only ${nodeList()} addresses; kubelet needs a node address of the cluster's family`);
  }
  (c.loadBalancing?.bgp?.peers ?? []).forEach((p, i) => {
    const ip = parseIp(p.address);
    if (ip && !has(ip.family)) emit(file, pointer('loadBalancing', 'bgp', 'peers', i, 'address'), 'bgp/family-mismatch', `BGP peer ${quote(p.name)} (${quote(p.address)}) is ${familyName(ip.family)} but the nodes have only ${nodeList()} addresses: no session can be established`);
  });
  if (family) {
    for (const p of addr.pools(c)) {
      if (p.range.family !== family) emit(file, p.ptr, 'lb/family-mismatch', `${quote(p.text)} of pool ${quote(p.pool)} is ${familyName(p.range.family)} but the cluster's Services are ${familyName(family)}: no Service can get an address from it`);
    }
    const api = addr.meshApiserver(c);
    if (api && api.ip.family !== family) emit(file, api.ptr, 'mesh/family-mismatch', `the clustermesh-apiserver address ${quote(api.text)} is ${familyName(api.ip.family)} but the cluster's Services are ${familyName(family)}`);
  }
  for (const ep of addr.endpoints(c)) {
    if (!has(ep.ip.family)) emit(file, ep.ptr, 'endpoint/family-mismatch', `the API endpoint ${quote(ep.text)} is ${familyName(ep.ip.family)} but the nodes have only ${nodeList()} addresses`);
  }
  const servers = (list: readonly string[] | undefined, base: string, own: ReadonlySet<4 | 6>): void =>
    list?.forEach((s, k) => {
      const ip = parseIp(s);
      if (ip && own.size > 0 && !own.has(ip.family)) emit(file, `${base}/${k}`, 'net/family-mismatch', `nameserver ${quote(s)} is ${familyName(ip.family)} but ${base.startsWith('/nodes') ? 'the node has' : 'the nodes have'} only ${[...own].map(familyName).join(' and ')} addresses: it cannot be reached`);
    });
  servers(c.network.nameservers, '/network/nameservers', nodes);
  (c.nodes ?? []).forEach((n, i) => {
    if (!n.nameservers?.length) return;
    const own = new Set(addr.subnets(n).map((s) => s.family));
    servers(n.nameservers, pointer('nodes', i, 'nameservers'), own.size > 0 ? own : nodes);
  });
}
