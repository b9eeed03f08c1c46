import { DEFAULTS } from '../defaults.ts';
import type { Node, Vlan } from '../../spec/types.generated.ts';

/**
 * Facts about a node's links (bond, VLANs, the interface that carries its addresses) that the
 * semantic rules and resolve both need, over the spec shape. Pure.
 */

export function bondName(node: Node): string | undefined {
  return node.bond ? (node.bond.name ?? DEFAULTS.bondName) : undefined;
}

/**
 * The parent a VLAN without `link` sits on: the node's bond, else the parent its name implies
 * when the node's interface is `<parent>.<id>` (e.g. eno1.42). Checks reject a VLAN with neither.
 */
export function vlanParent(node: Node, vlan: Vlan): string | undefined {
  if (vlan.link) return vlan.link;
  const bond = bondName(node);
  if (bond) return bond;
  const m = node.interface ? /^(.+)\.(\d+)$/.exec(node.interface) : null;
  return m && Number(m[2]) === vlan.id ? m[1] : undefined;
}

/** A VLAN link's name: its own, else `<parent>.<id>` (the kernel's convention, e.g. bond0.42). */
export function vlanName(node: Node, vlan: Vlan): string | undefined {
  if (vlan.name) return vlan.name;
  const parent = vlanParent(node, vlan);
  return parent === undefined ? undefined : `${parent}.${vlan.id}`;
}

/** The link a node's addresses, routes and VIP go on: its interface, else its bond (without a selector). */
export function primaryInterface(node: Node): string | undefined {
  return node.interface ?? (node.interfaceSelector ? undefined : bondName(node));
}

/** The alias orrery gives a bond member chosen by selector (Talos resolves aliases in BondConfig.links). */
export function bondMemberAlias(bond: string, index: number): string {
  return `${bond}-link${index}`;
}
