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

/** A pool's addresses as Cilium blocks: a CIDR, or an inclusive start/stop range. */
function ciliumBlock(address: string): Record<string, string> {
  if (address.includes('/')) return { cidr: address };
  const r = parseRange(address)!;
  return { start: formatAddress(r.family, r.first), stop: formatAddress(r.family, r.last) };
}

const LB_ADVERTISE = { 'orrery.dev/bgp': 'load-balancer-ips' };

/** Cilium LB IPAM: pools, the L2 announcement policy and the BGP control plane's configuration. */
export function ciliumLoadBalancing(cluster: ClusterModel): KubeObject[] {
  const lb = cluster.loadBalancing;
  const pools = resolvePools(cluster);
  const objects: KubeObject[] = pools.map((p) => ({
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumLoadBalancerIPPool',
    metadata: { name: p.name },
    spec: {
      blocks: p.addresses.map(ciliumBlock),
      ...(p.service
        ? { serviceSelector: { matchLabels: { 'io.kubernetes.service.namespace': p.service.namespace, 'io.kubernetes.service.name': p.service.name } } }
        : !p.autoAssign
          ? { serviceSelector: { matchLabels: { 'orrery.dev/lb-pool': p.name } } }
          : {}),
    },
  }));
  if (lb.l2?.enabled) {
    objects.push({
      apiVersion: 'cilium.io/v2alpha1',
      kind: 'CiliumL2AnnouncementPolicy',
      metadata: { name: 'load-balancer-ips' },
      spec: { loadBalancerIPs: true, ...(lb.l2.interfaces?.length ? { interfaces: [...lb.l2.interfaces] } : {}) },
    });
  }
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
          ...(p.ebgpMultiHop ? { ebgpMultihop: p.ebgpMultiHop } : {}),
          ...(p.password ? { authSecretRef: p.password.secret } : {}),
          gracefulRestart: { enabled: true },
        },
      })),
      {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumBGPAdvertisement',
        metadata: { name: 'load-balancer-ips', labels: { ...LB_ADVERTISE } },
        spec: {
          // Every LoadBalancer IP (an anycast address included): selects all Services.
          advertisements: [{ advertisementType: 'Service', service: { addresses: ['LoadBalancerIP'] }, selector: { matchExpressions: [{ key: 'orrery.dev/no-bgp', operator: 'DoesNotExist' }] } }],
        },
      },
    );
  }
  return objects;
}
