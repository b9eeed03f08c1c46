import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import { containsAddress, networkOf, parseCidr, parseIp, type Cidr } from '../../net/ip.ts';
import { reservedInSubnet } from '../address-facts.ts';
import type { ClusterFacts } from '../context.ts';

/**
 * Network and broadcast addresses (and IPv6's Subnet-Router anycast address) are not host
 * addresses: a node, a gateway, a BGP peer or a load-balancer address on one is unreachable or
 * answered by every host. (The VIP has its own rule, endpoint/vip-reserved-address.)
 */
export function checkHostAddresses({ c, file, emit, addr, nodeNet }: ClusterFacts): void {
  const check = (text: string, ptr: string, net: Cidr | undefined, what: string): void => {
    const ip = parseIp(text);
    const kind = ip && net ? reservedInSubnet(ip, net) : undefined;
    if (kind) emit(file, ptr, 'net/reserved-host-address', `${what} ${quote(text)} is the ${kind} address of ${quote(networkOf(net!))}, not a host address; pick another`);
  };
  const declared = c.network.nodeCidr ? parseCidr(c.network.nodeCidr) : undefined;
  (c.nodes ?? []).forEach((n, i) => {
    (n.addresses ?? []).forEach((a, k) => {
      const own = parseCidr(a);
      if (own) check(a.split('/')[0]!, pointer('nodes', i, 'addresses', k), own, `node ${quote(n.name)}'s address`);
    });
    if (n.reservedAddress) check(n.reservedAddress, pointer('nodes', i, 'reservedAddress'), declared, `node ${quote(n.name)}'s reserved address`);
    if (n.gateway) {
      const subnet = addr.subnets(n).find((s) => { const g = parseIp(n.gateway!); return g !== undefined && containsAddress(s, g); });
      check(n.gateway, pointer('nodes', i, 'gateway'), subnet ?? declared, 'the gateway');
    }
  });
  if (c.network.gateway) check(c.network.gateway, '/network/gateway', nodeNet, 'the gateway');
  (c.loadBalancing?.bgp?.peers ?? []).forEach((p, i) => check(p.address, pointer('loadBalancing', 'bgp', 'peers', i, 'address'), nodeNet, `BGP peer ${quote(p.name)}`));
  const api = addr.meshApiserver(c);
  if (api) check(api.text, api.ptr, nodeNet, 'the clustermesh-apiserver address');
  // A pool announced over L2 sits on the node subnet: its network and broadcast addresses are not free.
  if (nodeNet) {
    for (const p of addr.pools(c).filter((x) => x.l2)) {
      for (const [value, kind] of nodeNet.family === 4 && nodeNet.prefix <= 30 ? ([[nodeNet.first, 'network'], [nodeNet.last, 'broadcast']] as const) : ([] as const)) {
        if (containsAddress(p.range, { family: 4, value })) emit(file, p.ptr, 'net/reserved-host-address', `${quote(p.text)} of pool ${quote(p.pool)} holds the ${kind} address of the node network ${quote(nodeNet.text)}, which is not a host address; shrink the range`);
      }
    }
  }
}
