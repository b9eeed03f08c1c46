import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import { containsAddress, overlaps, parseCidr, parseIp } from '../../net/ip.ts';
import type { ClusterFacts } from '../context.ts';
import { primaryInterface } from '../../model/facts/links.ts';

/** A cluster's own networks, its nodes' addresses and gateways, and the API endpoint VIP. */
export function checkNetwork({ c, file, emit, method, nodes, nodeNet, nodeAddrs, nets }: ClusterFacts): void {
  // Networks of the cluster must be disjoint.
  for (let i = 0; i < nets.length; i++) {
    for (let j = i + 1; j < nets.length; j++) {
      const a = nets[i]!;
      const b = nets[j]!;
      if (a.cidr && b.cidr && overlaps(a.cidr, b.cidr)) {
        emit(file, b.ptr, 'net/cluster-overlap', `${quote(b.cidr.text)} (${b.name}) overlaps ${quote(a.cidr.text)} (${a.name}); pick disjoint ranges`);
      }
    }
  }

  // Nodes: addresses in the node network, interface choice, gateways.
  nodes.forEach((n, i) => {
    const base = pointer('nodes', i);
    (n.addresses ?? []).forEach((a, k) => {
      const addr = parseCidr(a);
      if (!addr) return;
      const ip = { family: addr.family, value: addr.address };
      // The node network is one family; a dual-stack node's other-family address is not outside it.
      if (nodeNet && c.network.nodeCidr && nodeNet.family === addr.family && !containsAddress(nodeNet, ip)) {
        emit(file, `${base}/addresses/${k}`, 'net/node-outside-network', `${quote(a)} is outside the node network ${quote(nodeNet.text)}`);
      } else if (nodeNet && c.network.nodeCidr && nodeNet.family === addr.family && addr.prefix !== nodeNet.prefix) {
        // Talos puts the address on the link with this prefix: the kernel then treats that whole
        // prefix as on-link, which is not the node network the rest of the spec is checked against.
        emit(file, `${base}/addresses/${k}`, 'net/node-prefix-mismatch', `${quote(a)} has prefix /${addr.prefix}, but the node network is ${quote(nodeNet.text)}: the node would take ${addr.prefix < nodeNet.prefix ? 'a wider' : 'a narrower'} subnet as on-link than its neighbours; write ${quote(`${a.split('/')[0]}/${nodeNet.prefix}`)}`);
      }
    });
    if ((n.addresses ?? []).length > 0 && !primaryInterface(n) && !n.interfaceSelector) {
      emit(file, `${base}/addresses`, 'nodes/address-without-interface', 'static addresses need a link: set interface (e.g. enp0s3) or interfaceSelector (hardwareAddr, driver or busPath)');
    }
    if (n.interface && n.interfaceSelector) {
      emit(file, `${base}/interfaceSelector`, 'nodes/interface-and-selector', 'set interface or interfaceSelector, not both');
    }
    if (n.reservedAddress) {
      const ip = parseIp(n.reservedAddress);
      if (!n.dhcp) emit(file, `${base}/reservedAddress`, 'nodes/reserved-without-dhcp', 'reservedAddress is the address a DHCP server reserves for the node; set dhcp: true or use addresses for a static address');
      if (ip && nodeNet && c.network.nodeCidr && !containsAddress(nodeNet, ip)) emit(file, `${base}/reservedAddress`, 'net/node-outside-network', `${quote(n.reservedAddress)} is outside the node network ${quote(nodeNet.text)}`);
    }
    if ((n.addresses ?? []).length === 0 && !n.dhcp) {
      emit(file, base, 'nodes/no-address', `node ${quote(n.name)} has neither static addresses nor dhcp: true; orrery cannot tell how to reach it`);
    }
    const gw = n.gateway ?? c.network.gateway;
    if (gw && (n.addresses ?? []).length > 0) {
      const ip = parseIp(gw);
      const onLink = (n.addresses ?? []).some((a) => {
        const net = parseCidr(a);
        return net && ip && containsAddress(net, ip);
      });
      if (ip && (n.addresses ?? []).some((a) => parseIp(a.split('/')[0]!)?.value === ip.value) ) {
        emit(file, n.gateway ? `${base}/gateway` : '/network/gateway', 'net/gateway-is-node', `gateway ${quote(gw)} is node ${quote(n.name)}'s own address`);
      } else if (ip && c.endpoint.vip && parseIp(c.endpoint.vip)?.value === ip.value) {
        emit(file, n.gateway ? `${base}/gateway` : '/network/gateway', 'net/gateway-is-vip', `gateway ${quote(gw)} is the API VIP; the gateway is the router`);
      }
      if (ip && !onLink) {
        emit(file, n.gateway ? `${base}/gateway` : '/network/gateway', 'net/gateway-off-link', `gateway ${quote(gw)} is not in any subnet of node ${quote(n.name)} (${(n.addresses ?? []).join(', ')})`);
      }
    }
  });

  // The API endpoint VIP.
  if (c.endpoint.mode === 'vip' && c.endpoint.vip) {
    const vip = parseIp(c.endpoint.vip)!;
    if (nodeNet && !containsAddress(nodeNet, vip)) {
      emit(file, '/endpoint/vip', 'endpoint/vip-outside-subnet', `VIP ${quote(c.endpoint.vip)} is outside the node network ${quote(nodeNet.text)}; a shared L2 address must be on the control planes' subnet`);
    } else if (!nodeNet && method === 'talosctl') {
      emit(file, '/endpoint/vip', 'endpoint/vip-unknown-subnet', 'cannot tell the node network: set network.nodeCidr so the VIP can be checked', 'warning');
    }
    if (method === 'talosctl') {
      nodes.forEach((n, i) => {
        if (n.role === 'controlplane' && !primaryInterface(n) && !n.interfaceSelector) {
          emit(file, pointer('nodes', i), 'endpoint/vip-without-link', `control plane ${quote(n.name)} has no interface or interfaceSelector to announce the VIP ${quote(c.endpoint.vip)} on`);
        }
      });
    }
    if (nodeNet && containsAddress(nodeNet, vip) && nodeNet.family === 4 && nodeNet.prefix < 31 && (vip.value === nodeNet.first || vip.value === nodeNet.last)) {
      emit(file, '/endpoint/vip', 'endpoint/vip-reserved-address', `VIP ${quote(c.endpoint.vip)} is the ${vip.value === nodeNet.first ? 'network' : 'broadcast'} address of ${quote(nodeNet.text)}; pick a host address`);
    }
    if (nodeAddrs.has(c.endpoint.vip)) {
      emit(file, '/endpoint/vip', 'endpoint/vip-is-node-address', `VIP ${quote(c.endpoint.vip)} is also a node address; pick a free address in the node network`);
    }
  }
}
