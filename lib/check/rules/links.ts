import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import { bondName, primaryInterface, vlanName, vlanParent } from '../../model/facts/links.ts';
import { containsAddress, overlaps, parseCidr } from '../../net/ip.ts';
import type { Node } from '../../spec/types.generated.ts';
import type { ClusterFacts } from '../context.ts';

/** Linux interface names are at most 15 characters (IFNAMSIZ 16 with the terminating NUL). */
const IFNAME_MAX = 15;

/** Names that only a bond or a VLAN document creates (no NIC is named like that by the kernel or udev). */
const looksLikeVlan = (name: string): boolean => /^.+\.\d+$/.test(name);
const looksLikeBond = (name: string): boolean => /^bond\d*$/.test(name);

/**
 * A node's bond and VLANs: every link the node's addresses, VIP and VLANs name must be one the
 * node has — a physical link, the declared bond, or a declared VLAN — and a bond member carries
 * nothing of its own (the bonding driver takes its frames: Talos enslaves it,
 * talos@v1.13.9 internal/app/machined/pkg/controllers/network/link_config.go SetBondSlave).
 */
export function checkLinks({ c, file, emit, method, nodes }: ClusterFacts): void {
  nodes.forEach((n, i) => checkNode(n, i));
  checkProxmoxVlan();

  function checkNode(n: Node, i: number): void {
    const base = pointer('nodes', i);
    const bond = bondName(n);
    const vlans = (n.vlans ?? []).map((v, k) => ({ v, k, name: vlanName(n, v), parent: vlanParent(n, v) }));
    const vlanNames = new Set(vlans.flatMap((x) => (x.name ? [x.name] : [])));
    const listed: readonly string[] = n.bond?.interfaces ?? [];
    // A member that names the bond or a VLAN is reported once (bond-member-is-logical), not again
    // by every rule about members.
    const logical = (m: string): boolean => m === bond || vlanNames.has(m);
    const members = listed.filter((m) => !logical(m));
    const primary = primaryInterface(n);
    const vipHere = n.role === 'controlplane' && c.endpoint.mode === 'vip' && c.endpoint.vip !== undefined && method === 'talosctl';
    const vipNote = (): string => (vipHere ? `; the API VIP ${quote(c.endpoint.vip)} would be announced on a link this node does not have` : '');

    if (n.bond) {
      const b = n.bond;
      const count = (b.interfaces?.length ?? 0) + (b.interfaceSelectors?.length ?? 0);
      if ((b.interfaces === undefined) === (b.interfaceSelectors === undefined)) {
        emit(file, `${base}/bond`, 'links/bond-members', `bond ${quote(bond)}: list its members in interfaces (e.g. [eno1, eno2]) or in interfaceSelectors, one of the two`);
      } else if (count === 1) {
        emit(file, `${base}/bond`, 'links/bond-single-member', `bond ${quote(bond)} has one member: it adds no redundancy; add the second link, or drop the bond and set interface`, 'warning');
      }
      listed.forEach((m, k) => {
        if (logical(m)) emit(file, `${base}/bond/interfaces/${k}`, 'links/bond-member-is-logical', `${quote(m)} is ${m === bond ? 'the bond itself' : 'a VLAN of this node'}; a bond's members are physical links`);
      });
      if (n.interfaceSelector) {
        emit(file, `${base}/interfaceSelector`, 'links/selector-with-bond', `with a bond the node's link is the bond (or a VLAN on it): select the members with bond.interfaceSelectors and drop interfaceSelector`);
      }
    }

    // The link that carries the node's addresses (and, on control planes, the VIP).
    if (primary && n.interface !== undefined) {
      const ptr = `${base}/interface`;
      if (members.includes(primary)) {
        emit(file, ptr, 'links/address-on-bond-member', `${quote(primary)} is a member of bond ${quote(bond)}: a member carries no addresses of its own${vipHere ? ' and cannot hold the API VIP' : ''}; set interface: ${bond} or a VLAN on it`);
      } else if (!vlanNames.has(primary) && primary !== bond && looksLikeVlan(primary)) {
        const [parent, id] = [primary.slice(0, primary.lastIndexOf('.')), primary.slice(primary.lastIndexOf('.') + 1)];
        const needsBond = looksLikeBond(parent) && parent !== bond;
        emit(file, ptr, 'links/undeclared-link', `interface ${quote(primary)} is a VLAN link that nothing creates${vipNote()}: declare it, e.g. vlans: [{id: ${id}, link: ${parent}}]${needsBond ? `, and the bond ${parent} (bond: {interfaces: [...], mode: ...})` : ''}`);
      } else if (primary !== bond && !vlanNames.has(primary) && looksLikeBond(primary)) {
        emit(file, ptr, 'links/undeclared-link', `interface ${quote(primary)} is a bond that nothing creates${vipNote()}: declare it, e.g. bond: {name: ${primary}, interfaces: [eno1, eno2], mode: active-backup}`);
      }
    }

    const seen = new Map<string, number>();
    for (const { v, k, name, parent } of vlans) {
      const ptr = `${base}/vlans/${k}`;
      if (parent === undefined || name === undefined) {
        emit(file, ptr, 'links/vlan-without-parent', `VLAN ${v.id} needs link: the parent link it is tagged on (this node has no bond to default to)`);
        continue;
      }
      const parentPtr = v.link !== undefined ? `${ptr}/link` : ptr;
      if (members.includes(parent)) {
        emit(file, parentPtr, 'links/vlan-on-bond-member', `VLAN ${v.id} is on ${quote(parent)}, a member of bond ${quote(bond)}: the bond takes the member's frames; put the VLAN on ${bond}`);
      } else if (parent !== bond && !vlanNames.has(parent) && (looksLikeVlan(parent) || looksLikeBond(parent))) {
        emit(file, parentPtr, 'links/vlan-unknown-parent', `VLAN ${v.id} is on ${quote(parent)}, a ${looksLikeBond(parent) ? 'bond' : 'VLAN'} this node does not declare${bond ? ` (its bond is ${quote(bond)})` : ''}`);
      } else if (parent === name) {
        emit(file, parentPtr, 'links/vlan-unknown-parent', `VLAN ${v.id} cannot be its own parent ${quote(parent)}`);
      }
      if (name.length > IFNAME_MAX) {
        emit(file, v.name !== undefined ? `${ptr}/name` : ptr, 'links/name-too-long', `the VLAN link's name ${quote(name)} has ${name.length} characters; Linux allows ${IFNAME_MAX}: set name (e.g. vlan${v.id})`);
      }
      const twin = seen.get(name) ?? seen.get(`${parent}#${v.id}`);
      if (twin !== undefined) emit(file, ptr, 'links/vlan-duplicate', `VLAN ${v.id} on ${quote(parent)} (${quote(name)}) is declared twice (also vlans[${twin}])`);
      seen.set(name, k);
      seen.set(`${parent}#${v.id}`, k);
      if (name === bond || members.includes(name)) emit(file, ptr, 'links/vlan-duplicate', `the VLAN link's name ${quote(name)} is already the ${name === bond ? 'bond' : 'name of a bond member'}`);
      if (name === primary) {
        if ((v.addresses?.length ?? 0) > 0) emit(file, `${ptr}/addresses`, 'links/vlan-addresses-on-interface', `VLAN ${quote(name)} is the node's interface: its addresses are the node's addresses; move them to addresses`);
        if (v.dhcp) emit(file, `${ptr}/dhcp`, 'links/vlan-addresses-on-interface', `VLAN ${quote(name)} is the node's interface: set dhcp on the node instead`);
      }
      checkVlanAddresses(n, i, v, k, name === primary);
    }
  }

  /** A VLAN's own addresses are on another subnet than the node's link, and nobody else's. */
  function checkVlanAddresses(n: Node, i: number, v: NonNullable<Node['vlans']>[number], k: number, isPrimary: boolean): void {
    if (isPrimary) return;
    const own = (n.addresses ?? []).flatMap((a) => parseCidr(a) ?? []);
    const nodeNet = c.network.nodeCidr ? parseCidr(c.network.nodeCidr) : undefined;
    (v.addresses ?? []).forEach((a, j) => {
      const net = parseCidr(a);
      if (!net) return;
      const ptr = pointer('nodes', i, 'vlans', k, 'addresses', j);
      const clash = own.find((o) => overlaps(o, net));
      if (clash || (nodeNet && containsAddress(nodeNet, { family: net.family, value: net.address }))) {
        emit(file, ptr, 'links/vlan-address-on-node-network', `${quote(a)} is on ${clash ? `the subnet of the node's address ${quote(clash.text)}` : `the node network ${quote(nodeNet!.text)}`}, which the node's interface carries; a VLAN's own addresses are on its own subnet`);
      }
      const ip = a.split('/')[0]!;
      nodes.forEach((m, mi) => {
        const taken = [...(m.addresses ?? []), ...(m.vlans ?? []).filter((_, vk) => !(mi === i && vk === k)).flatMap((x) => x.addresses ?? [])].some((x) => x.split('/')[0] === ip);
        if (taken) emit(file, ptr, 'nodes/duplicate-address', `${quote(ip)} is also an address of node ${quote(m.name)}`);
      });
      if (c.endpoint.vip === ip) emit(file, ptr, 'endpoint/vip-is-node-address', `${quote(ip)} is the API VIP`);
    });
  }

  /** CAPMOX writes net0 as `<model>,bridge=<bridge>,tag=<vlan>` (cluster-api-provider-proxmox@v0.9.0 internal/service/vmservice/utils.go formatNetworkDevice). */
  function checkProxmoxVlan(): void {
    const px = c.provisioning.clusterApi?.proxmox;
    if (px?.vlan !== undefined && !px.bridge) {
      emit(file, '/provisioning/clusterApi/proxmox/vlan', 'cluster-api/vlan-without-bridge', `a VLAN tag needs the bridge it is set on: CAPMOX rewrites the machines' network device as "virtio,bridge=<bridge>,tag=${px.vlan}"; set proxmox.bridge (e.g. vmbr0)`);
    }
  }
}
