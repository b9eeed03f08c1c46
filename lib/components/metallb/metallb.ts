import type { KubeObject } from '../../build/artifacts.ts';
import type { PlatformComponent } from '../../gitops/component.ts';
import { multihopTtl, resolvePools } from '../cilium/load-balancing.ts';
import { bgpPasswordSecrets } from '../cilium/bgp-passwords.ts';

const REPOSITORY = { name: 'metallb', url: 'https://metallb.github.io/metallb' };
const BFD_PROFILE = 'orrery';

/**
 * MetalLB as seed 000 used it: the chart (frr-k8s backend, BGP and BFD), and its pools, L2 and
 * BGP advertisements and peers (anycast pools reserved for their Service, announced over BGP).
 */
export const metallbComponent: PlatformComponent = {
  name: 'metallb',
  enabled: (c) => c.loadBalancing.provider === 'metallb',
  build({ cluster }) {
    const namespace = 'metallb-system';
    const lb = cluster.loadBalancing;
    const pools = resolvePools(cluster);
    const bfd = (lb.bgp?.peers ?? []).some((p) => p.bfd);
    const configs: KubeObject[] = pools.map((p) => ({
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: p.name, namespace },
      spec: {
        addresses: [...p.addresses],
        autoAssign: p.autoAssign,
        ...(p.service ? { serviceAllocation: { namespaces: [p.service.namespace] } } : {}),
      },
    }));
    const l2Pools = pools.filter((p) => p.l2).map((p) => p.name);
    if (l2Pools.length > 0) {
      configs.push({
        apiVersion: 'metallb.io/v1beta1',
        kind: 'L2Advertisement',
        metadata: { name: 'l2', namespace },
        spec: { ipAddressPools: l2Pools, ...(lb.l2?.interfaces?.length ? { interfaces: [...lb.l2.interfaces] } : {}) },
      });
    }
    const bgp = lb.bgp;
    if (bgp?.localASN !== undefined && bgp.peers?.length) {
      if (bfd) configs.push({ apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile', metadata: { name: BFD_PROFILE, namespace }, spec: { receiveInterval: 300, transmitInterval: 300, detectMultiplier: 3 } });
      for (const p of bgp.peers) {
        configs.push({
          apiVersion: 'metallb.io/v1beta2',
          kind: 'BGPPeer',
          metadata: { name: p.name, namespace },
          spec: {
            myASN: bgp.localASN,
            peerASN: p.asn,
            peerAddress: p.address,
            // A routed (routeVia) eBGP peer needs multihop: see multihopTtl.
            ...((multihopTtl(p, bgp.localASN) ?? 1) > 1 ? { ebgpMultiHop: true } : {}),
            ...(p.bfd ? { bfdProfile: BFD_PROFILE } : {}),
            ...(p.password ? { passwordSecret: { name: p.password.secret, namespace } } : {}),
            ...(bgp.nodeSelector ? { nodeSelectors: [{ matchLabels: { ...bgp.nodeSelector } }] } : {}),
          },
        });
      }
      configs.push({
        apiVersion: 'metallb.io/v1beta1',
        kind: 'BGPAdvertisement',
        metadata: { name: 'bgp', namespace },
        spec: { ipAddressPools: pools.filter((p) => p.bgp).map((p) => p.name) },
      });
    }
    return {
      // The speakers run on the host network.
      namespace: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
      releases: [
        {
          name: 'metallb',
          namespace,
          repository: REPOSITORY,
          chart: 'metallb',
          version: cluster.versions.metallb,
          // The chart's default backend (frr-k8s) speaks BGP and BFD.
          values: {},
          valuesRef: { chart: 'metallb', version: cluster.versions.metallb },
        },
      ],
      objects: { configs },
      // passwordSecret: "the secret must be of type kubernetes.io/basic-auth, and created in the
      // same namespace as the MetalLB deployment. The password is stored in the secret as the key
      // password" (metallb v0.16.1 config/crd/bases/metallb.io_bgppeers.yaml, v1beta2 passwordSecret).
      operatorSecrets: bgpPasswordSecrets(cluster, { namespace, type: 'kubernetes.io/basic-auth', consumer: (peer) => `MetalLB's BGP session with ${peer}` }),
    };
  },
};
