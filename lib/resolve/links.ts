import type { BondModel, VlanModel } from '../model/model.ts';
import { DEFAULTS } from '../model/defaults.ts';
import { bondName, vlanName, vlanParent } from '../model/facts/links.ts';
import type { Node } from '../spec/types.generated.ts';
import { mapOr } from './empty.ts';

export function resolveBond(node: Node): BondModel | undefined {
  const b = node.bond;
  if (!b) return undefined;
  const lacp = b.mode === '802.3ad' ? DEFAULTS.lacpTimers : undefined;
  const optional = { lacpRate: b.lacpRate, xmitHashPolicy: b.xmitHashPolicy, miimon: b.miimon ?? lacp?.miimon, updelay: b.updelay ?? lacp?.updelay, downdelay: b.downdelay ?? lacp?.downdelay, mtu: b.mtu };
  return {
    name: bondName(node)!,
    interfaces: b.interfaces ?? [],
    interfaceSelectors: b.interfaceSelectors ?? [],
    mode: b.mode,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

export function resolveVlans(node: Node): readonly VlanModel[] {
  return mapOr(node.vlans, (v) => ({
    id: v.id,
    name: vlanName(node, v)!,
    parent: vlanParent(node, v)!,
    addresses: v.addresses ?? [],
    dhcp: v.dhcp ?? false,
    ...(v.mtu !== undefined ? { mtu: v.mtu } : {}),
  }));
}
