import { containsAddress, parseCidr, parseIp, parseRange, type Address, type AddressInterval, type Cidr, type Family } from '../net/ip.ts';
import type { Cluster } from '../spec/types.generated.ts';

/** A load-balancer pool's ranges, parsed, with where they are in the spec. */
export interface PoolRange {
  readonly pool: string;
  readonly text: string;
  readonly ptr: string;
  readonly range: AddressInterval;
  /** Announced over L2 on the node subnet. */
  readonly l2: boolean;
}

export function poolRanges(c: Cluster): PoolRange[] {
  const lb = c.loadBalancing;
  const out: PoolRange[] = [];
  (lb?.pools ?? []).forEach((p, i) => {
    const l2 = lb?.l2?.enabled === true && (lb.l2.pools === undefined || lb.l2.pools.includes(p.name));
    (p.addresses ?? []).forEach((text, k) => {
      const range = parseRange(text);
      if (range) out.push({ pool: p.name, text, ptr: `/loadBalancing/pools/${i}/addresses/${k}`, range, l2 });
    });
  });
  return out;
}

/** The subnets of a node's static addresses (its interface's and its VLANs' own): the subnets it is on-link in. */
export function nodeSubnets(node: Node): Cidr[] {
  const out: Cidr[] = [];
  const add = (list: readonly string[] | undefined): void => {
    for (const a of list ?? []) {
      const c = parseCidr(a);
      if (c) out.push(c);
    }
  };
  add(node.addresses);
  for (const v of node.vlans ?? []) add(v.addresses);
  return out;
}

/** A node's own addresses: its static addresses without prefix, then its DHCP reservation; malformed ones left out. */
export function nodeIps(node: Node): Address[] {
  const out: Address[] = [];
  for (const a of node.addresses ?? []) {
    const ip = parseIp(a.split('/')[0]!);
    if (ip) out.push(ip);
  }
  const r = node.reservedAddress ? parseIp(node.reservedAddress) : undefined;
  if (r) out.push(r);
  return out;
}

type Node = NonNullable<Cluster['nodes']>[number];

/** Address families the cluster's nodes have (static addresses, DHCP reservations, the node network); empty when unknown. */
export function nodeFamilies(c: Cluster, subnetsOf: (n: Node) => readonly Cidr[] = nodeSubnets): Set<Family> {
  const out = new Set<Family>();
  for (const n of c.nodes ?? []) {
    for (const s of subnetsOf(n)) out.add(s.family);
    const r = n.reservedAddress ? parseIp(n.reservedAddress) : undefined;
    if (r) out.add(r.family);
  }
  const net = c.network.nodeCidr ? parseCidr(c.network.nodeCidr) : undefined;
  if (net) out.add(net.family);
  return out;
}

export const familyName = (f: Family): string => `IPv${f}`;

/**
 * Whether an address is the network or broadcast address of a subnet (IPv4, /30 and wider), or
 * the Subnet-Router anycast address of an IPv6 subnet (host bits all zero, RFC 4291 §2.6.1, /126
 * and wider): such an address is never a usable host address.
 */
export function reservedInSubnet(ip: { family: Family; value: bigint }, net: Cidr): 'network' | 'broadcast' | 'subnet-router anycast' | undefined {
  if (!containsAddress(net, ip)) return undefined;
  if (net.family === 4) {
    if (net.prefix > 30) return undefined;
    return ip.value === net.first ? 'network' : ip.value === net.last ? 'broadcast' : undefined;
  }
  return net.prefix <= 126 && ip.value === net.first ? 'subnet-router anycast' : undefined;
}

/** An address of the spec and where it is. */
export interface PlacedAddress {
  readonly text: string;
  readonly ptr: string;
  readonly ip: Address;
}

/** The API endpoint addresses a cluster has (VIP, fixed address), with their pointers. */
export function endpointAddresses(c: Cluster): { text: string; ptr: string; ip: { family: Family; value: bigint } }[] {
  const out: { text: string; ptr: string; ip: { family: Family; value: bigint } }[] = [];
  for (const [text, ptr] of [
    [c.endpoint.mode === 'vip' ? c.endpoint.vip : undefined, '/endpoint/vip'],
    [c.endpoint.mode === 'address' ? c.endpoint.address : undefined, '/endpoint/address'],
  ] as const) {
    const ip = text ? parseIp(text) : undefined;
    if (text && ip) out.push({ text, ptr, ip });
  }
  return out;
}

/** The fixed clustermesh-apiserver LoadBalancer address, when there is one. */
export function meshApiserverAddress(c: Cluster): { text: string; ptr: string; ip: { family: Family; value: bigint } } | undefined {
  const api = c.cni?.cilium?.clusterMesh?.apiserver;
  if ((c.cni?.name ?? 'cilium') !== 'cilium' || (api?.serviceType ?? 'LoadBalancer') !== 'LoadBalancer' || !api?.loadBalancerIP) return undefined;
  const ip = parseIp(api.loadBalancerIP);
  return ip ? { text: api.loadBalancerIP, ptr: '/cni/cilium/clusterMesh/apiserver/loadBalancerIP', ip } : undefined;
}

export const sameAddress = (a: { family: Family; value: bigint }, b: { family: Family; value: bigint }): boolean => a.family === b.family && a.value === b.value;

/**
 * The facts above, each computed once per spec object in one check run (the rules ask for the
 * same cluster's pools, node subnets and addresses many times over). Made afresh by every
 * checkSemantics call, so nothing outlives the run; the lists are frozen, as callers share them.
 */
export interface AddressFacts {
  readonly pools: (c: Cluster) => readonly PoolRange[];
  /** Pools that are not anycast pools (a pool name means its first declaration). */
  readonly regularPools: (c: Cluster) => readonly PoolRange[];
  readonly endpoints: (c: Cluster) => readonly PlacedAddress[];
  readonly meshApiserver: (c: Cluster) => PlacedAddress | undefined;
  readonly families: (c: Cluster) => ReadonlySet<Family>;
  readonly subnets: (n: Node) => readonly Cidr[];
  readonly ips: (n: Node) => readonly Address[];
}

function once<K extends object, V>(fn: (key: K) => V): (key: K) => V {
  const memo = new WeakMap<K, V>();
  return (key) => {
    const hit = memo.get(key);
    // An undefined result (no clustermesh-apiserver address) is remembered too, hence `has`.
    if (hit !== undefined || memo.has(key)) return hit as V;
    const v = fn(key);
    memo.set(key, v);
    return v;
  };
}

export function addressFacts(): AddressFacts {
  const pools = once((c: Cluster) => Object.freeze(poolRanges(c)));
  const subnets = once((n: Node) => Object.freeze(nodeSubnets(n)));
  return {
    pools,
    regularPools: once((c: Cluster) => {
      const anycast = new Map<string, boolean>();
      for (const x of c.loadBalancing?.pools ?? []) if (!anycast.has(x.name)) anycast.set(x.name, Boolean(x.anycast));
      return Object.freeze(pools(c).filter((p) => !anycast.get(p.pool)));
    }),
    endpoints: once((c: Cluster) => Object.freeze(endpointAddresses(c))),
    meshApiserver: once(meshApiserverAddress),
    families: once((c: Cluster) => nodeFamilies(c, subnets)),
    subnets,
    ips: once((n: Node) => Object.freeze(nodeIps(n))),
  };
}
