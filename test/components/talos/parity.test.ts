import { describe, expect, it } from 'vitest';
import { compileFiles } from '../../../lib/pipeline.ts';
import { parseSpecText } from '../../../lib/read/read-spec.ts';
import { talosIntent } from '../../../lib/components/talos/intent.ts';
import { renderContract, type TalosDocument } from '../../../lib/components/talos/contracts.ts';
import { clusterApiPatches } from '../../../lib/components/talos/cluster-api-patches.ts';
import { clusterApiObjects } from '../../../lib/components/cluster-api/objects.ts';
import type { ClusterModel } from '../../../lib/model/model.ts';
import { nodePatchFiles } from '../../../lib/model/facts/talos-patches.ts';
import { patchOverrides } from '../../../lib/components/talos/patch-overrides.ts';

/**
 * One intent, two destinations. The same cluster settings are compiled once as a talosctl
 * cluster (nodes) and once as a Cluster API cluster on Proxmox (pools); every Talos setting must
 * reach the machines either way. The differences are only those the destinations impose, each
 * carried by another field of the Cluster API objects:
 * - cluster name, endpoint, pod and service subnets: CABPT generates them from the Cluster object;
 * - hostnames: CABPT names each machine after its Machine (hostname.source MachineName);
 * - addresses, the default route and name servers: CAPMOX's NoCloud network config (IPAM pool, dnsServers);
 * - the link: talosctl names the node's interface, Proxmox machines find theirs by driver (an alias);
 * - Proxmox only: the Talos CCM (external cloud provider, Talos API access for it), which sets the
 *   providerID Cluster API needs.
 */
const CONSTELLATION = `apiVersion: orrery.dev/v1alpha1
kind: Constellation
name: parity
gitops:
  repository: {url: ssh://git@example.com/fleet.git}
sops:
  ageRecipients: [age1ngwfd0dfm602wsxrmhff7p08zyv0f8ehyflzepetac808hz9r4dscg3dj5]
management:
  - {cluster: mgmt, manages: [edge]}
`;
const MGMT = `apiVersion: orrery.dev/v1alpha1
kind: Cluster
name: mgmt
role: management
provisioning: {method: talosctl}
endpoint: {mode: vip, vip: 10.2.0.10}
network: {nodeCidr: 10.2.0.0/24, podCidr: 10.246.0.0/16, serviceCidr: 10.128.0.0/12, gateway: 10.2.0.1}
kubernetes: {allowSchedulingOnControlPlanes: true}
nodes:
  - {name: mgmt-cp-1, role: controlplane, interface: eth0, addresses: [10.2.0.11/24]}
`;
/** Everything the intent knows about a cluster, shared by both variants. */
const SETTINGS = (contract: string): string => `endpoint: {mode: vip, vip: 10.1.0.10, extraCertSANs: [api.example.com]}
network:
  nodeCidr: 10.1.0.0/24
  podCidr: 10.245.0.0/16
  serviceCidr: 10.112.0.0/12
  gateway: 10.1.0.1
  nameservers: [10.1.0.2]
  timeServers: [time.example.com]
talos:
  version: v1.14.0-rc.1
  contract: "${contract}"
  schematic: {extensions: [siderolabs/qemu-guest-agent]}
  installDisk: {path: /dev/sda}
  kubespan: {enabled: true}
  registryMirrors: {docker.io: ['https://mirror.example.com']}
  sysctls: {net.core.somaxconn: '65535'}
  kernelModules: [{name: br_netfilter, parameters: [nf_conntrack]}]
  patches:
    - name: everywhere
      documents: [{machine: {sysctls: {vm.swappiness: "10"}}}]
    - name: cp-only
      role: controlplane
      documents: [{apiVersion: v1alpha1, kind: KmsgLogConfig, name: remote, url: "udp://10.1.0.5:514/"}]
    - name: workers-only
      role: worker
      documents: [{apiVersion: v1alpha1, kind: StaticHostConfig, name: 10.1.0.50, hostnames: [registry.internal]}]
    - name: prism
      documents: [${contract === '1.14' ? '{apiVersion: v1alpha1, kind: KubePrismConfig, port: 7446}' : '{machine: {features: {kubePrism: {port: 7446}}}}'}]
kubernetes: {version: 1.35.0}
cni: {name: cilium, cilium: {kubeProxyReplacement: true}}
loadBalancing:
  provider: metallb
  pools: [{name: services, addresses: [192.0.2.0/28]}]
  bgp:
    localASN: 64512
    peers:
      - {name: tor-1, address: 169.254.255.1, asn: 65000, routeVia: node-gateway}
      - {name: tor-2, address: 169.254.255.2, asn: 65000, routeVia: 10.1.0.254}
components:
  metricsServer: {enabled: true}
`;
const TALOSCTL = (contract: string): string => `apiVersion: orrery.dev/v1alpha1
kind: Cluster
name: edge
role: standalone
provisioning: {method: talosctl}
nodes:
  - {name: cp-1, role: controlplane, interface: eth0, addresses: [10.1.0.21/24], labels: {tier: cp}, patches: [{name: own, documents: [{machine: {sysctls: {vm.dirty_ratio: "5"}}}]}]}
  - {name: w-1, role: worker, interface: eth0, addresses: [10.1.0.31/24], labels: {tier: app}, taints: [{key: dedicated, value: app, effect: NoSchedule}], patches: [{name: own, documents: [{machine: {sysctls: {vm.dirty_ratio: "5"}}}]}]}
${SETTINGS(contract)}`;
const CLUSTER_API = (contract: string): string => `apiVersion: orrery.dev/v1alpha1
kind: Cluster
name: edge
role: workload
provisioning:
  method: cluster-api
  clusterApi:
    provider: proxmox
    proxmox:
      allowedNodes: [pve-1]
      template: {sourceNode: pve-1, templateId: 9000}
      ipv4Pool: {addresses: [10.1.0.20-10.1.0.40], prefix: 24, gateway: 10.1.0.1}
    machinePools:
      - {name: cp, role: controlplane, replicas: 3, labels: {tier: cp}, patches: [{name: own, documents: [{machine: {sysctls: {vm.dirty_ratio: "5"}}}]}]}
      - {name: w, role: worker, replicas: 2, labels: {tier: app}, taints: [{key: dedicated, value: app, effect: NoSchedule}], patches: [{name: own, documents: [{machine: {sysctls: {vm.dirty_ratio: "5"}}}]}]}
${SETTINGS(contract)}`;

function model(files: Record<string, string>): ClusterModel {
  const parsed = Object.entries(files).map(([name, text]) => parseSpecText(text, `clusters/${name}`, `clusters/${name}`).files[0]!);
  const result = compileFiles(parsed, 'clusters', { build: false });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.model!.clusters.find((c) => c.name === 'edge')!;
}

type Leaves = Map<string, string>;

/** Every leaf of the documents, keyed by document (kind and name) and path; lists are leaves. */
function leaves(docs: readonly TalosDocument[]): Leaves {
  const out: Leaves = new Map();
  const walk = (prefix: string, v: unknown): void => {
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, c] of Object.entries(v)) walk(`${prefix}.${k}`, c);
    else out.set(prefix, JSON.stringify(v));
  };
  for (const d of docs) {
    const { apiVersion: _v, kind, name, ...body } = d as Record<string, unknown>;
    walk(kind ? `${kind}${name !== undefined ? `[${String(name)}]` : ''}` : 'v1alpha1', body);
  }
  return out;
}

/** Leaves in a but not in b (or with another value). */
function minus(a: Leaves, b: Leaves): string[] {
  return [...a].filter(([k, v]) => b.get(k) !== v).map(([k, v]) => `${k}=${v}`).sort();
}

describe.each(['1.12', '1.13', '1.14'])('one intent, two destinations: contract %s', (contract) => {
  const talosctl = model({ 'constellation.yaml': CONSTELLATION.replace('management:\n  - {cluster: mgmt, manages: [edge]}\n', ''), 'edge.yaml': TALOSCTL(contract) });
  const capi = model({ 'constellation.yaml': CONSTELLATION, 'mgmt.yaml': MGMT, 'edge.yaml': CLUSTER_API(contract) });
  const layers = renderContract(talosIntent(talosctl), contract);
  const pools = new Map(clusterApiPatches(talosIntent(capi), contract).map((p) => [p.pool.name, p]));
  const objects = clusterApiObjects(capi)!.objects;
  const cluster = objects.find((o) => o.kind === 'Cluster')!.spec as any;
  const proxmox = objects.find((o) => o.kind === 'ProxmoxCluster')!.spec as any;
  const cp = pools.get('cp')!;
  const w = pools.get('w')!;

  it('the cluster layer is the same, but for what CABPT takes from the Cluster object and the Proxmox CCM', () => {
    const a = leaves(layers.cluster);
    const b = leaves(cp.layers[0]!);
    const onlyTalosctl = minus(a, b);
    const onlyCapi = minus(b, a);
    if (contract === '1.14') {
      expect(onlyTalosctl).toEqual([
        'KubeClusterConfig.clusterName="edge"',
        'KubeClusterConfig.endpoint="https://10.1.0.10:6443"',
        'KubeNetworkConfig.podSubnets=["10.245.0.0/16"]',
        'KubeNetworkConfig.serviceSubnets=["10.112.0.0/12"]',
      ]);
    } else {
      expect(onlyTalosctl).toEqual([
        'v1alpha1.cluster.clusterName="edge"',
        'v1alpha1.cluster.controlPlane.endpoint="https://10.1.0.10:6443"',
        'v1alpha1.cluster.network.podSubnets=["10.245.0.0/16"]',
        'v1alpha1.cluster.network.serviceSubnets=["10.112.0.0/12"]',
      ]);
    }
    expect(onlyCapi).toEqual([
      'v1alpha1.cluster.externalCloudProvider.enabled=true',
      'v1alpha1.cluster.externalCloudProvider.manifests=["https://raw.githubusercontent.com/siderolabs/talos-cloud-controller-manager/v1.12.0/docs/deploy/cloud-controller-manager.yml"]',
    ]);
    // What CABPT takes instead: the Cluster object carries the same values.
    expect(objects.find((o) => o.kind === 'Cluster')!.metadata.name).toBe('edge');
    expect(`https://${cluster.controlPlaneEndpoint.host}:${cluster.controlPlaneEndpoint.port}`).toBe(talosctl.endpoint.url);
    expect(cluster.clusterNetwork).toEqual({ pods: { cidrBlocks: ['10.245.0.0/16'] }, services: { cidrBlocks: ['10.112.0.0/12'] } });
    // Both pools share the cluster layer (workers get it too).
    expect(w.layers[0]).toEqual(cp.layers[0]);
  });

  it('the control-plane layer is the same, but for the Talos API access the CCM needs', () => {
    const a = leaves(layers.controlplane);
    const b = leaves(cp.layers[1]!);
    expect(minus(a, b)).toEqual([]);
    expect(minus(b, a)).toEqual(
      contract === '1.14'
        ? ['KubeTalosAPIAccessConfig.allowedKubernetesNamespaces=["kube-system"]', 'KubeTalosAPIAccessConfig.allowedRoles=["os:reader"]']
        : [
            'v1alpha1.machine.features.kubernetesTalosAPIAccess.allowedKubernetesNamespaces=["kube-system"]',
            'v1alpha1.machine.features.kubernetesTalosAPIAccess.allowedRoles=["os:reader"]',
            'v1alpha1.machine.features.kubernetesTalosAPIAccess.enabled=true',
          ],
    );
    // Workers never get control-plane documents.
    expect(w.layers).toHaveLength(2);
  });

  it('a machine gets the same documents, but for what the provider supplies (hostname, addresses, name servers) and how its link is found', () => {
    for (const [node, pool] of [['cp-1', cp], ['w-1', w]] as const) {
      const a = leaves(layers.nodes.get(node)!);
      const b = leaves(pool.layers.at(-1)!);
      const rename = (l: Leaves): Leaves => new Map([...l].map(([k, v]) => [k.replace('[eth0]', '[uplink]'), v.replace('"eth0"', '"uplink"')]));
      const onlyTalosctl = minus(rename(a), b);
      const onlyCapi = minus(b, rename(a));
      const role = node === 'cp-1' ? 21 : 31;
      expect(onlyTalosctl).toEqual([
        'HostnameConfig.auto="off"',
        `HostnameConfig.hostname="${node}"`,
        `LinkConfig[uplink].addresses=[{"address":"10.1.0.${role}/24"}]`,
        'LinkConfig[uplink].routes=[{"gateway":"10.1.0.1"},{"destination":"169.254.255.1/32","gateway":"10.1.0.1"},{"destination":"169.254.255.2/32","gateway":"10.1.0.254"}]',
        'ResolverConfig.nameservers=[{"address":"10.1.0.2"}]',
      ]);
      expect(onlyCapi).toEqual([
        'LinkAliasConfig[uplink].selector.match="link.driver == \\"virtio_net\\""',
        'LinkConfig[uplink].routes=[{"destination":"169.254.255.1/32","gateway":"10.1.0.1"},{"destination":"169.254.255.2/32","gateway":"10.1.0.254"}]',
      ]);
    }
    // What the provider supplies instead, from the same spec values.
    expect(proxmox.dnsServers).toEqual(talosctl.network.nameservers);
    expect(proxmox.ipv4Config).toEqual({ addresses: ['10.1.0.20-10.1.0.40'], prefix: 24, gateway: talosctl.network.gateway });
    const configs = objects.filter((o) => o.kind === 'TalosControlPlane' || o.kind === 'TalosConfigTemplate');
    for (const o of configs) {
      const spec = (o.kind === 'TalosControlPlane' ? (o.spec as any).controlPlaneConfig.controlplane : (o.spec as any).template.spec);
      expect(spec.hostname).toEqual({ source: 'MachineName' });
      expect(spec.talosVersion).toBe(`v${contract}`);
    }
  });

  it('the operator\'s patches reach both: the cluster\'s (by role) then the machine\'s own, after orrery\'s documents, in spec order', () => {
    const names = (ps: readonly { name: string }[]): string[] => ps.map((p) => p.name);
    const talosctlCp = nodePatchFiles(talosctl, 'cp-1');
    const talosctlW = nodePatchFiles(talosctl, 'w-1');
    expect(talosctlCp.map((a) => a.file)).toEqual(['patches/everywhere.yaml', 'patches/cp-only.yaml', 'patches/prism.yaml', 'nodes/cp-1/own.yaml']);
    expect(talosctlW.map((a) => a.file)).toEqual(['patches/everywhere.yaml', 'patches/workers-only.yaml', 'patches/prism.yaml', 'nodes/w-1/own.yaml']);
    expect(names(cp.pool.patches)).toEqual(['everywhere', 'cp-only', 'prism', 'own']);
    expect(names(w.pool.patches)).toEqual(['everywhere', 'workers-only', 'prism', 'own']);
    // The same documents either way, each a strategic patch of its own after orrery's layers.
    expect(cp.operator).toEqual(talosctlCp.map((a) => a.patch.documents));
    expect(w.operator).toEqual(talosctlW.map((a) => a.patch.documents));
    expect(cp.strategicPatches.slice(cp.layers.length)).toHaveLength(4);
    expect(cp.strategicPatches.slice(cp.layers.length)[1]).toContain('kind: KmsgLogConfig');
  });

  it('a patch that overrides what orrery derives is found for both destinations (KubePrism\'s port)', () => {
    const prism = (c: ClusterModel): string[] => patchOverrides(c).filter((f) => f.message.includes('KubePrism')).map((f) => `${f.severity} ${f.at.pointer}`);
    // 1.14 carries KubePrism in the KubePrismConfig document, 1.12 and 1.13 in v1alpha1 machine.features.
    const path = contract === '1.14' ? '/talos/patches/3/documents/0/port' : '/talos/patches/3/documents/0/machine/features/kubePrism/port';
    expect(prism(talosctl)).toEqual([`warning ${path}`]);
    expect(prism(capi)).toEqual([`warning ${path}`]);
  });

  it('the comparison is not vacuous: every setting reached both destinations', () => {
    const all = (docs: readonly TalosDocument[]): string => JSON.stringify(docs);
    const a = all([...layers.cluster, ...layers.controlplane, ...layers.nodes.get('cp-1')!]);
    const b = all(cp.layers.flat());
    for (const needle of ['65535', 'br_netfilter', 'mirror.example.com', 'time.example.com', 'rotate-server-certificates', '169.254.255.2/32', 'api.example.com', '10.1.0.10', 'factory.talos.dev/', '"tier":"cp"', '7445']) {
      expect(a, needle).toContain(needle);
      expect(b, needle).toContain(needle);
    }
    expect(b).toContain(contract === '1.12' ? '"kubespan":{"enabled":true}' : '"kind":"KubeSpanConfig"');
    expect(all(w.layers.flat())).toContain('"dedicated":"app:NoSchedule"');
  });
});
