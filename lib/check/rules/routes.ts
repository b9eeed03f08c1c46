import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import { containsAddress, parseCidr, parseIp } from '../../net/ip.ts';
import { familyName } from '../address-facts.ts';
import type { ClusterFacts } from '../context.ts';

/**
 * A static route's gateway must be on-link: the kernel refuses a route through a gateway that no
 * interface's subnet holds ("Network is unreachable", as for `ip route add … via`), and Talos
 * installs its LinkConfig routes through netlink the same way. The same for a BGP peer's
 * routeVia, which becomes such a route on every node; and a route and its gateway are of one
 * family.
 */
export function checkRoutes({ c, file, emit, addr, nodes }: ClusterFacts): void {
  nodes.forEach((n, i) => {
    const subnets = addr.subnets(n);
    (n.routes ?? []).forEach((r, k) => {
      if (!r.gateway) return;
      const ptr = pointer('nodes', i, 'routes', k, 'gateway');
      const gw = parseIp(r.gateway);
      const net = parseCidr(r.network);
      if (!gw) return;
      if (net && net.family !== gw.family) {
        emit(file, ptr, 'net/route-family-mismatch', `route to ${quote(r.network)} (${familyName(net.family)}) goes via ${quote(r.gateway)} (${familyName(gw.family)}); a route and its gateway are of one family`);
      } else if (subnets.some((s) => s.family === gw.family && s.address === gw.value)) {
        emit(file, ptr, 'net/route-gateway-is-node', `route gateway ${quote(r.gateway)} is node ${quote(n.name)}'s own address`);
      } else if (subnets.length > 0 && !subnets.some((s) => containsAddress(s, gw))) {
        emit(file, ptr, 'net/route-gateway-off-link', `route gateway ${quote(r.gateway)} is not in any subnet of node ${quote(n.name)} (${(n.addresses ?? []).join(', ')}); Talos cannot install a route through an unreachable gateway`);
      }
    });
  });
  (c.loadBalancing?.bgp?.peers ?? []).forEach((p, i) => {
    if (!p.routeVia || p.routeVia === 'node-gateway') return;
    const gw = parseIp(p.routeVia);
    if (!gw) return;
    const off = nodes.filter((n) => addr.subnets(n).length > 0 && !addr.subnets(n).some((s) => containsAddress(s, gw))).map((n) => n.name);
    if (off.length > 0) {
      emit(file, pointer('loadBalancing', 'bgp', 'peers', i, 'routeVia'), 'bgp/route-via-off-link', `routeVia ${quote(p.routeVia)} of BGP peer ${quote(p.name)} is not on a subnet of node(s) ${off.map((x) => quote(x)).join(', ')}; the route to the peer would be refused there`);
    }
  });
}
