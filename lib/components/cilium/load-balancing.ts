import type { KubeObject } from '../../build/artifacts.ts';
import type { ClusterModel } from '../../model/model.ts';
import { parseRange, formatAddress } from '../../net/ip.ts';

/** One resolved pool: its addresses (CIDRs or ranges), and the Service it is reserved for. */
export interface ResolvedPool {
  readonly name: string;
  readonly addresses: readonly string[];
  readonly autoAssign: boolean;
  /** An anycast pool serves one Service (default: any Service that asks for the address). */
  readonly service?: { readonly namespace: string; readonly name: string };
  readonly bgp: boolean;
  readonly l2: boolean;
}

/** The cluster's pools with anycast names resolved to their shared /32 (or /128). */
export function resolvePools(cluster: ClusterModel): ResolvedPool[] {
  const lb = cluster.loadBalancing;
  return (lb.pools ?? []).map((p) => {
    const anycast = p.anycast ? cluster.anycast.find((a) => a.name === p.anycast) : undefined;
    const addresses = anycast ? [`${anycast.address}/${anycast.address.includes(':') ? 128 : 32}`] : [...(p.addresses ?? [])];
    return {
      name: p.name,
      addresses,
      // An anycast address is never handed out by chance: only to the Service that asks for it.
      autoAssign: anycast ? false : (p.autoAssign ?? true),
      ...(anycast?.service ? { service: anycast.service } : {}),
      bgp: lb.bgp !== undefined && (lb.bgp.pools === undefined || lb.bgp.pools.includes(p.name) || anycast !== undefined),
      l2: lb.l2?.enabled === true && (lb.l2.pools === undefined || lb.l2.pools.includes(p.name)) && anycast === undefined,
    };
  });
}

/**
 * The eBGP TTL a peer needs. A peer reached through `routeVia` is not on-link, and an eBGP
 * session to a non-connected neighbour stays down without multihop: MetalLB's BGPPeer
 * `ebgpMultiHop` is "Needed for FRR-based modes (FRR-K8s, FRR)" (metallb v0.16.1
 * config/crd/bases/metallb.io_bgppeers.yaml) and its webhook rejects it for iBGP ("Invalid
 * EBGPMultiHop parameter set for an ibgp peer"); Cilium's CiliumBGPPeerConfig `ebgpMultihop`
 * defaults to 1. A routed peer is at least 2 hops away; an explicit `ebgpMultiHop` wins.
 */
export function multihopTtl(peer: { readonly asn?: number; readonly ebgpMultiHop?: number; readonly routeVia?: string }, localASN: number): number | undefined {
  if (peer.asn === localASN) return undefined;
  return peer.ebgpMultiHop ?? (peer.routeVia !== undefined ? 2 : undefined);
}

/** A pool's addresses as Cilium blocks: a CIDR, or an inclusive start/stop range. */
function ciliumBlock(address: string): Record<string, string> {
  if (address.includes('/')) return { cidr: address };
  const r = parseRange(address)!;
  return { start: formatAddress(r.family, r.first), stop: formatAddress(r.family, r.last) };
}

const LB_ADVERTISE = { 'orrery.dev/bgp': 'load-balancer-ips' };
/** The label a Service carries to draw from a pool with `autoAssign: false`; pools carry it too. */
export const POOL_LABEL = 'orrery.dev/lb-pool';

type Selector = Record<string, unknown>;
type Pools = readonly ResolvedPool[];

/**
 * Which Services an announcement (BGP advertisement, L2 policy) selects, so that it announces
 * exactly the addresses of `announced` pools. Cilium selects Services by label, not pools
 * (CiliumBGPAdvertisement `selector`, CiliumL2AnnouncementPolicy `serviceSelector`, CRDs of
 * Cilium 1.19): a Service of a labelled pool carries POOL_LABEL, an anycast Service is known by
 * Cilium's own `io.kubernetes.service.{namespace,name}` labels, and a Service without either
 * draws from the auto-assigned pools (which check rule lb/cilium-ambiguous-announcement keeps
 * announced alike). Returns one selector per announcement entry; none when nothing is announced.
 */
export function announcementSelectors(pools: Pools, announced: (p: ResolvedPool) => boolean): Selector[] {
  const auto = pools.filter((p) => p.autoAssign && !p.service);
  const labelled = pools.filter((p) => !p.autoAssign && !p.service);
  const anycast = pools.filter((p) => p.service);
  const serviceOf = (p: ResolvedPool): Selector => ({ matchLabels: { 'io.kubernetes.service.namespace': p.service!.namespace, 'io.kubernetes.service.name': p.service!.name } });
  if (auto.length > 0 && auto.every(announced)) {
    // Everything but the Services of labelled or anycast pools this announcement leaves out.
    const out = [...labelled.filter((p) => !announced(p)), ...anycast.filter((p) => !announced(p))];
    if (out.length === 0) return [{ matchExpressions: [{ key: 'orrery.dev/no-announce', operator: 'DoesNotExist' }] }];
    const labels = labelled.filter((p) => !announced(p)).map((p) => p.name);
    const excluded = anycast.filter((p) => !announced(p));
    return [
      {
        matchExpressions: [
          { key: POOL_LABEL, operator: 'NotIn', values: labels.length > 0 ? labels : ['-'] },
          // An anycast Service left out is excluded by name (NotIn on Cilium's service-name label).
          ...(excluded.length > 0 ? [{ key: 'io.kubernetes.service.name', operator: 'NotIn', values: excluded.map((p) => p.service!.name) }] : []),
        ],
      },
    ];
  }
  const picked = labelled.filter(announced).map((p) => p.name);
  return [...(picked.length > 0 ? [{ matchExpressions: [{ key: POOL_LABEL, operator: 'In', values: picked }] }] : []), ...anycast.filter(announced).map(serviceOf)];
}

/** Cilium LB IPAM: pools, the L2 announcement policy and the BGP control plane's configuration. */
export function ciliumLoadBalancing(cluster: ClusterModel): KubeObject[] {
  const lb = cluster.loadBalancing;
  const pools = resolvePools(cluster);
  const objects: KubeObject[] = pools.map((p) => ({
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumLoadBalancerIPPool',
    metadata: { name: p.name, labels: { [POOL_LABEL]: p.name } },
    spec: {
      blocks: p.addresses.map(ciliumBlock),
      ...(p.service
        ? { serviceSelector: { matchLabels: { 'io.kubernetes.service.namespace': p.service.namespace, 'io.kubernetes.service.name': p.service.name } } }
        : !p.autoAssign
          ? { serviceSelector: { matchLabels: { [POOL_LABEL]: p.name } } }
          : {}),
    },
  }));
  // One L2 policy per selector: a policy has a single serviceSelector (unset: every Service).
  const l2 = lb.l2?.enabled ? announcementSelectors(pools, (p) => p.l2) : [];
  l2.forEach((serviceSelector, i) => {
    objects.push({
      apiVersion: 'cilium.io/v2alpha1',
      kind: 'CiliumL2AnnouncementPolicy',
      metadata: { name: i === 0 ? 'load-balancer-ips' : `load-balancer-ips-${i}` },
      spec: { serviceSelector, loadBalancerIPs: true, ...(lb.l2!.interfaces?.length ? { interfaces: [...lb.l2!.interfaces] } : {}) },
    });
  });
  const bgp = lb.bgp;
  if (bgp?.localASN !== undefined && bgp.peers?.length) {
    objects.push(
      {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumBGPClusterConfig',
        metadata: { name: 'bgp' },
        spec: {
          ...(bgp.nodeSelector ? { nodeSelector: { matchLabels: { ...bgp.nodeSelector } } } : {}),
          bgpInstances: [
            {
              name: `asn-${bgp.localASN}`,
              localASN: bgp.localASN,
              peers: bgp.peers.map((p) => ({ name: p.name, peerASN: p.asn, peerAddress: p.address, peerConfigRef: { name: `peer-${p.name}` } })),
            },
          ],
        },
      },
      ...bgp.peers.map((p) => ({
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumBGPPeerConfig',
        metadata: { name: `peer-${p.name}` },
        spec: {
          families: [{ afi: p.address.includes(':') ? 'ipv6' : 'ipv4', safi: 'unicast', advertisements: { matchLabels: { ...LB_ADVERTISE } } }],
          ...(multihopTtl(p, bgp.localASN!) !== undefined ? { ebgpMultihop: multihopTtl(p, bgp.localASN!) } : {}),
          ...(p.password ? { authSecretRef: p.password.secret } : {}),
          gracefulRestart: { enabled: true },
        },
      })),
      {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumBGPAdvertisement',
        metadata: { name: 'load-balancer-ips', labels: { ...LB_ADVERTISE } },
        spec: {
          // The LoadBalancer IPs of the pools bgp.pools names (default all; anycast always).
          advertisements: announcementSelectors(pools, (p) => p.bgp).map((selector) => ({ advertisementType: 'Service', service: { addresses: ['LoadBalancerIP'] }, selector })),
        },
      },
    );
  }
  return objects;
}
