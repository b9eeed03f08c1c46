import type { ClusterModel } from '../../model/model.ts';

/**
 * Where orrery takes each of its Talos settings from, per document kind and path (the longest
 * matching prefix wins), for messages about a patch that overrides one. `m` is the machine's
 * place in the spec (`/nodes/0`, a pool's pointer, or `/nodes/*` for several machines).
 */
type Source = (m: string, cluster: ClusterModel) => string;

const MACHINE: Source = (m) => m;
const ONE = (where: string): Source => () => where;
const OF_MACHINE = (key: string, fallback: string): Source => (m) => (m.startsWith('/nodes/') ? `${m}/${key} (or ${fallback})` : fallback);
const INSTALLER: Source = () => 'the installer image of /talos/schematic and the Talos version (the Image Factory schematic)';
const INSTALL_DISK = OF_MACHINE('installDisk', '/talos/installDisk');
const LINKS: Source = (m) => (m.startsWith('/nodes/') ? `${m} (interface, addresses, gateway, routes, bond, vlans)` : 'the Proxmox machines\' one network device (selected by driver) and BGP peer routes');
const CNI = ONE('/cni/name (GitOps installs the CNI, so Talos deploys none)');
const PROXY = ONE('/cni/cilium/kubeProxyReplacement (Cilium replaces kube-proxy)');
const KUBEPRISM = ONE('the KubePrism endpoint Cilium reaches the API through (k8sServiceHost: localhost)');
const CCM = ONE('/provisioning/clusterApi/provider: the Talos CCM sets each Node\'s providerID for Cluster API');
const METRICS = ONE('/components/metricsServer (kubelet serving certificates signed by the cluster CA)');

const TABLE: Readonly<Record<string, Readonly<Record<string, Source>>>> = {
  v1alpha1: {
    'cluster.clusterName': ONE('/name'),
    'cluster.controlPlane': ONE('/endpoint'),
    'cluster.network.cni': CNI,
    'cluster.network.podSubnets': ONE('/network/podCidr'),
    'cluster.network.serviceSubnets': ONE('/network/serviceCidr'),
    'cluster.proxy': PROXY,
    'cluster.allowSchedulingOnControlPlanes': ONE('/kubernetes/allowSchedulingOnControlPlanes'),
    'cluster.apiServer': ONE('/endpoint (the API server certificate names)'),
    'cluster.externalCloudProvider': CCM,
    'machine.install.image': INSTALLER,
    'machine.install': INSTALL_DISK,
    'machine.nodeLabels': OF_MACHINE('labels', 'the pool\'s labels'),
    'machine.nodeTaints': OF_MACHINE('taints', 'the pool\'s taints'),
    'machine.sysctls': ONE('/talos/sysctls'),
    'machine.kernel': ONE('/talos/kernelModules'),
    'machine.kubelet': METRICS,
    'machine.features.kubePrism': KUBEPRISM,
    'machine.features.kubernetesTalosAPIAccess': CCM,
    'machine.network.kubespan': ONE('/talos/kubespan'),
  },
  HostnameConfig: { '': (m) => `${m}/name (a node's name is its hostname)` },
  LinkAliasConfig: { '': LINKS },
  LinkConfig: { '': LINKS },
  BondConfig: { '': (m) => `${m}/bond` },
  VLANConfig: { '': (m) => `${m}/vlans` },
  DHCPv4Config: { '': (m) => `${m}/dhcp` },
  Layer2VIPConfig: { '': ONE('/endpoint/vip'), link: (m) => `${m}/interface (the link that carries the VIP)` },
  ResolverConfig: { '': OF_MACHINE('nameservers', '/network/nameservers') },
  TimeSyncConfig: { '': ONE('/network/timeServers') },
  RegistryMirrorConfig: { '': ONE('/talos/registryMirrors') },
  UserVolumeConfig: { '': (m) => (m.startsWith('/nodes/') ? `${m}/dataDisks` : `${m}/machine/extraDisks`) },
  KubeSpanConfig: { '': ONE('/talos/kubespan') },
  KubeClusterConfig: { clusterName: ONE('/name'), endpoint: ONE('/endpoint') },
  KubeNetworkConfig: { podSubnets: ONE('/network/podCidr'), serviceSubnets: ONE('/network/serviceCidr') },
  KubePrismConfig: { '': KUBEPRISM },
  KubeletConfig: { '': METRICS },
  SysctlConfig: { '': ONE('/talos/sysctls') },
  KernelModuleConfig: { '': ONE('/talos/kernelModules') },
  UnattendedInstallConfig: { installer: INSTALLER, provisioning: INSTALL_DISK },
  KubeNodeConfig: {
    labels: OF_MACHINE('labels', 'the pool\'s labels'),
    taints: (m, c) => `${OF_MACHINE('taints', 'the pool\'s taints')(m, c)} and /kubernetes/allowSchedulingOnControlPlanes`,
  },
  KubeFlannelCNIConfig: { '': CNI },
  KubeProxyConfig: { '': PROXY },
  KubeAPIServerConfig: { '': ONE('/endpoint (the API server certificate names)') },
  KubeTalosAPIAccessConfig: { '': CCM },
};

export function derivedFrom(cluster: ClusterModel, kind: string, path: readonly string[], machine: string): string {
  const entries = Object.entries(TABLE[kind] ?? {});
  const dotted = path.join('.');
  const hits = entries.filter(([prefix]) => prefix === '' || dotted === prefix || dotted.startsWith(`${prefix}.`));
  if (hits.length > 0) {
    const [, source] = hits.reduce((a, b) => (b[0].length > a[0].length ? b : a));
    return source(machine, cluster);
  }
  // A whole document (deleted): everything it was derived from.
  if (dotted === '' && entries.length > 0) return [...new Set(entries.map(([, source]) => source(machine, cluster)))].join(' and ');
  return `the spec (orrery's ${kind === 'v1alpha1' ? 'v1alpha1 document' : `${kind} document`} for ${MACHINE(machine, cluster)})`;
}
