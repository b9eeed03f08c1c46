import type { Model } from '../../model/model.ts';
import type { ComponentContext, PlatformComponent } from '../../gitops/component.ts';
import { DEFAULTS } from '../../model/defaults.ts';
import { talosMinor } from '../../data/talos-kubernetes.ts';
import { ciliumLoadBalancing } from './load-balancing.ts';
import { bgpPasswordSecrets } from './bgp-passwords.ts';
import { ciliumIngressValues } from '../ingress/cilium-ingress.ts';
import { compareCodePoints } from '../../util/order.ts';

const REPOSITORY = { name: 'cilium', url: 'https://helm.cilium.io' };

/** Chart versions whose values files the tests check against (../shared/schemas/charts/cilium). */
export const CILIUM_CHARTS: Readonly<Record<string, string>> = { '1.19': '1.19.5', '1.18': '1.18.11' };

/** What Talos needs from Cilium (Talos docs "Deploying Cilium"; seed 003 sets exactly these). */
const TALOS_CAPABILITIES = {
  ciliumAgent: ['CHOWN', 'KILL', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'SYS_ADMIN', 'SYS_RESOURCE', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'],
  cleanCiliumState: ['NET_ADMIN', 'SYS_ADMIN', 'SYS_RESOURCE'],
};

export const CLUSTERMESH_PORT = 2379;
export const CLUSTERMESH_NODE_PORT = 32379;

type MeshGroup = Model['constellation']['meshGroups'][number];
const MESH_INDEX = new WeakMap<Model, { groupsOf: Map<string, MeshGroup[]>; byName: Map<string, Model['clusters'][number]> }>();

/**
 * Each cluster's mesh groups and the clusters by name, once per model: every cluster asks for its
 * peers, and scanning all groups and all clusters each time made the fleet's peer lists
 * clusters² work; now each cluster costs its own groups' members.
 */
function meshIndex(model: Model): { groupsOf: Map<string, MeshGroup[]>; byName: Map<string, Model['clusters'][number]> } {
  let index = MESH_INDEX.get(model);
  if (!index) {
    const groupsOf = new Map<string, MeshGroup[]>();
    for (const g of model.constellation.meshGroups) {
      for (const m of g.members) groupsOf.set(m.cluster, [...(groupsOf.get(m.cluster) ?? []).filter((x) => x !== g), g]);
    }
    index = { groupsOf, byName: new Map(model.clusters.map((c) => [c.name, c])) };
    MESH_INDEX.set(model, index);
  }
  return index;
}

/**
 * The static ClusterMesh peers of a cluster, declared in git (no `cilium clustermesh connect`):
 * every other member of every mesh group it is in, with the address its clustermesh-apiserver
 * is exposed on (a fixed LoadBalancer IP, or the control planes' addresses and the NodePort).
 */
export function meshPeers(model: Model, clusterName: string): { name: string; port: number; ips: string[] }[] {
  const peers = new Map<string, { name: string; port: number; ips: string[] }>();
  const { groupsOf, byName } = meshIndex(model);
  for (const g of groupsOf.get(clusterName) ?? []) {
    for (const m of g.members) {
      if (m.cluster === clusterName || peers.has(m.cluster)) continue;
      const peer = byName.get(m.cluster)!;
      const api = peer.cni.cilium?.clusterMesh?.apiserver;
      if ((api?.serviceType ?? 'LoadBalancer') === 'LoadBalancer') {
        peers.set(m.cluster, { name: m.cluster, port: CLUSTERMESH_PORT, ips: api?.loadBalancerIP ? [api.loadBalancerIP] : [] });
      } else {
        const ips = peer.nodes.filter((n) => n.role === 'controlplane').map((n) => n.primaryAddress).filter((a): a is string => !!a);
        peers.set(m.cluster, { name: m.cluster, port: api?.nodePort ?? CLUSTERMESH_NODE_PORT, ips });
      }
    }
  }
  return [...peers.values()].sort((a, b) => compareCodePoints(a.name, b.name));
}

/**
 * Cilium's TLS certificates (Hubble, ClusterMesh) come from the chart's certgen Job, not from
 * Helm templates. With `method: helm` the chart renders the `cilium-ca` Secret itself
 * (templates/cilium-ca-secret.yaml, 1.18.11 and 1.19.5): `helm install` then refuses the
 * pre-applied mesh CA ("exists and cannot be imported into the current release"), and Argo CD,
 * which renders with `helm template` (no `lookup`), would mint a new random CA on every render.
 * With `cronJob` the chart renders no CA and no certificate: certgen runs in the cluster with
 * `--ca-reuse-secret --ca-secret-name=cilium-ca` (templates/{hubble,clustermesh-apiserver}/
 * tls-cronjob/_job-spec.tpl), so the one owner of `cilium-ca` is orrery's secrets/.
 */
const CERTGEN = { enabled: true, method: 'cronJob' } as const;

/** Cilium's Helm values, from the model (the same values the bootstrap install uses). */
export function ciliumValues(ctx: ComponentContext): Record<string, unknown> {
  const { model, cluster: c } = ctx;
  const s = c.cni.cilium ?? {};
  const lb = c.loadBalancing;
  const mesh = c.meshGroups[0];
  const api = s.clusterMesh?.apiserver;
  const kpr = s.kubeProxyReplacement ?? DEFAULTS.cilium.kubeProxyReplacement;
  return {
    ipam: { mode: 'kubernetes' },
    kubeProxyReplacement: kpr,
    // KubePrism: Talos's local API load balancer, on every node.
    k8sServiceHost: 'localhost',
    k8sServicePort: DEFAULTS.kubePrismPort,
    securityContext: { capabilities: TALOS_CAPABILITIES },
    cgroup: { autoMount: { enabled: false }, hostRoot: '/sys/fs/cgroup' },
    hubble: {
      relay: { enabled: s.hubble?.relay ?? DEFAULTS.cilium.hubble.relay },
      ui: { enabled: s.hubble?.ui ?? DEFAULTS.cilium.hubble.ui },
      tls: { auto: { ...CERTGEN } },
    },
    // Mesh members share one CA (the cilium-ca Secret orrery delivers): certgen must load it,
    // never mint one. cilium/certgen v0.4.5 cmd/certgen.go: with --ca-generate=false and
    // --ca-reuse-secret it only loads the Secret ("failed to load CA from secret" otherwise,
    // so the Job retries until the Secret is there instead of diverging).
    ...(mesh ? { certgen: { generateCA: false } } : {}),
    // One switch each, in loadBalancing: the feature is on exactly when orrery emits what it acts on
    // (a CiliumL2AnnouncementPolicy, a CiliumBGPClusterConfig); the spec has no second switch to disagree.
    ...(lb.provider === 'cilium' && lb.l2?.enabled ? { l2announcements: { enabled: true } } : {}),
    ...(lb.provider === 'cilium' && lb.bgp ? { bgpControlPlane: { enabled: true } } : {}),
    ...(s.k8sClientRateLimit ? { k8sClientRateLimit: { ...s.k8sClientRateLimit } } : {}),
    // Ingress controller / Gateway API and the ingress Service's pool binding (lib/components/ingress).
    ...ciliumIngressValues(c, DEFAULTS.cilium.ingressController.loadbalancerMode),
    ...(mesh
      ? {
          cluster: { name: c.name, id: mesh.id },
          clustermesh: {
            useAPIServer: true,
            config: { enabled: true, clusters: meshPeers(model, c.name) },
            apiserver: {
              service: {
                type: api?.serviceType ?? DEFAULTS.cilium.clusterMeshServiceType,
                ...(api?.loadBalancerIP ? { loadBalancerIP: api.loadBalancerIP } : {}),
                ...(api?.serviceType === 'NodePort' ? { nodePort: api.nodePort ?? CLUSTERMESH_NODE_PORT } : {}),
              },
              // Server and client certificates are made in the cluster from the shared CA (cilium-ca).
              tls: { auto: { ...CERTGEN } },
            },
          },
        }
      : {}),
  };
}

/** Cilium as the CNI: the chart, its values, and Cilium LB IPAM when it announces the pools. */
export const ciliumComponent: PlatformComponent = {
    name: 'cilium',
    enabled: (c) => c.cni.name === 'cilium',
    build(ctx) {
      const c = ctx.cluster;
      const version = c.cni.cilium?.version ?? c.versions.cilium;
      const namespace = c.cni.cilium?.namespace ?? 'kube-system';
      return {
        namespace: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
        secrets: c.meshGroups.length > 0 ? ['cilium-ca'] : [],
        releases: [
          {
            name: 'cilium',
            namespace,
            repository: REPOSITORY,
            chart: 'cilium',
            version,
            values: ciliumValues(ctx),
            // No pod runs before a CNI: installed once with helm, then the GitOps engine adopts it.
            bootstrap: true,
            valuesRef: { chart: 'cilium', version: CILIUM_CHARTS[talosMinor(version)] ?? version },
          },
        ],
        objects: { configs: c.loadBalancing.provider === 'cilium' ? ciliumLoadBalancing(c) : [] },
        // authSecretRef "should reference the name of a secret in the BGP secrets namespace (if using
        // the Helm chart this is kube-system by default). The secret should contain a key with a name of
        // password"; a missing one means an empty password (cilium/cilium Documentation/network/
        // bgp-control-plane/bgp-control-plane-configuration.rst, "MD5 Password"; chart 1.19.5
        // bgpControlPlane.secretsNamespace.name: kube-system, which orrery leaves as it is).
        operatorSecrets: c.loadBalancing.provider === 'cilium' ? bgpPasswordSecrets(c, { namespace: 'kube-system', consumer: (peer) => `Cilium's BGP session with ${peer}` }) : [],
      };
    },
};
