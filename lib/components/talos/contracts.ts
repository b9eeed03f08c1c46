import type { ClusterIntent, ControlPlaneIntent, MachineIntent, RouteIntent, TalosIntent } from './intent.ts';
import { diskMatch, SELECTED_LINK_ALIAS } from './intent.ts';
import { compareCodePoints } from '../../util/order.ts';

/** One Talos config document (the v1alpha1 document has no kind) as plain data. */
export type TalosDocument = Record<string, unknown>;

export interface TalosLayers {
  readonly cluster: readonly TalosDocument[];
  readonly controlplane: readonly TalosDocument[];
  readonly nodes: ReadonlyMap<string, readonly TalosDocument[]>;
}

/**
 * Where the documents go. talosctl: `talosctl gen config` knows nothing of the cluster, so the
 * patches carry its name, endpoint and networks. cluster-api: CABPT generates the config from
 * the Cluster object (name, `https://` + controlPlaneEndpoint, clusterNetwork pod and service
 * CIDR blocks — cluster-api-bootstrap-provider-talos@v0.6.12 controllers/talosconfig_controller.go
 * genConfigs), so the patches leave those to the Cluster object that carries them.
 */
export type Destination = 'talosctl' | 'cluster-api';

export type Contract = '1.12' | '1.13' | '1.14';

const doc = (kind: string, body: Record<string, unknown> = {}): TalosDocument => ({ apiVersion: 'v1alpha1', kind, ...body });

/** Drops undefined values and empty objects so patches carry only what was asked for. */
function prune<T>(value: T): T {
  if (Array.isArray(value)) return value.map(prune) as T;
  if (value && typeof value === 'object') {
    // Object.fromEntries defines own properties: a user key such as a `__proto__` sysctl stays a key
    // (an assignment `out[k] = …` would set the prototype and drop it).
    const out: [string, unknown][] = [];
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p === undefined) continue;
      if (p && typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 0) continue;
      out.push([k, p]);
    }
    return Object.fromEntries(out) as T;
  }
  return value;
}

function v1alpha1(body: { machine?: Record<string, unknown>; cluster?: Record<string, unknown> }): TalosDocument[] {
  const pruned = prune(body);
  return Object.keys(pruned).length > 0 ? [pruned] : [];
}

const taintValue = (t: MachineIntent['taints'][number]): string => `${t.value ?? ''}:${t.effect}`;

const externalCloudProvider = (c: ClusterIntent): Record<string, unknown> | undefined =>
  c.externalCloudProvider ? { enabled: true, manifests: [...c.externalCloudProvider.manifests] } : undefined;

/** Documents every contract shares: networking, time, registries, volumes (typed since 1.12). */
function sharedClusterDocs(c: ClusterIntent): TalosDocument[] {
  const docs: TalosDocument[] = [];
  if (c.timeServers.length > 0) docs.push(doc('TimeSyncConfig', { ntp: { servers: [...c.timeServers] } }));
  for (const [registry, endpoints] of Object.entries(c.registryMirrors).sort(([a], [b]) => compareCodePoints(a, b))) {
    docs.push(doc('RegistryMirrorConfig', { name: registry, endpoints: endpoints.map((url) => ({ url })) }));
  }
  return docs;
}

function sharedMachineDocs(n: MachineIntent): TalosDocument[] {
  // gen config (1.12+) writes HostnameConfig{auto: stable}; a patch that only sets hostname
  // leaves both set, which Talos rejects (siderolabs/talos#12891): turn auto off explicitly.
  const docs: TalosDocument[] = n.hostname !== undefined ? [doc('HostnameConfig', { auto: 'off', hostname: n.hostname })] : [];
  const link = n.link;
  if (link?.aliasMatch) docs.push(doc('LinkAliasConfig', { name: SELECTED_LINK_ALIAS, selector: { match: link.aliasMatch } }));
  // The machine's link is the bond, a VLAN or a physical link: its addresses and routes go on the
  // one document that names it. LinkConfig, BondConfig and VLANConfig share one namespace of link
  // names — two of them with the same name are "conflicting documents" (talos@v1.13.9
  // pkg/machinery/config/types/network/link.go conflictingLinkKinds).
  const onLink = (name: string, own: { addresses: readonly string[]; routes: readonly RouteIntent[] }): Record<string, unknown> => {
    const carried = link?.name === name ? link : own;
    return {
      addresses: carried.addresses.length > 0 ? carried.addresses.map((address) => ({ address })) : undefined,
      routes: carried.routes.length > 0 ? carried.routes.map((r) => ({ ...r })) : undefined,
    };
  };
  const bond = n.bond;
  if (bond) {
    for (const a of bond.aliases) docs.push(doc('LinkAliasConfig', { name: a.name, selector: { match: a.match } }));
    docs.push(
      doc('BondConfig', prune({
        name: bond.name,
        links: [...bond.links],
        bondMode: bond.mode,
        lacpRate: bond.lacpRate,
        xmitHashPolicy: bond.xmitHashPolicy,
        miimon: bond.miimon,
        updelay: bond.updelay,
        downdelay: bond.downdelay,
        mtu: bond.mtu,
        ...onLink(bond.name, { addresses: [], routes: [] }),
      })),
    );
  }
  for (const v of n.vlans) docs.push(doc('VLANConfig', prune({ name: v.name, vlanID: v.id, parent: v.parent, mtu: v.mtu, ...onLink(v.name, v) })));
  const logical = new Set([...(bond ? [bond.name] : []), ...n.vlans.map((v) => v.name)]);
  if (link && !logical.has(link.name) && (link.addresses.length > 0 || link.routes.length > 0)) {
    docs.push(doc('LinkConfig', prune({ name: link.name, up: true, ...onLink(link.name, link) })));
  }
  if (link?.dhcp) docs.push(doc('DHCPv4Config', { name: link.name }));
  for (const v of n.vlans) if (v.dhcp && v.name !== link?.name) docs.push(doc('DHCPv4Config', { name: v.name }));
  if (n.vip && link) docs.push(doc('Layer2VIPConfig', { name: n.vip, link: link.name }));
  if (n.nameservers.length > 0) docs.push(doc('ResolverConfig', { nameservers: n.nameservers.map((address) => ({ address })) }));
  for (const v of n.volumes) docs.push(doc('UserVolumeConfig', { name: v.name, provisioning: { diskSelector: { match: v.match } } }));
  return docs;
}

/** The documents for every machine of the cluster. */
export function clusterDocuments(c: ClusterIntent, contract: Contract, destination: Destination): TalosDocument[] {
  const own = destination === 'talosctl';
  if (contract === '1.14') {
    return [
      ...(own ? [doc('KubeClusterConfig', prune({ clusterName: c.clusterName, endpoint: c.endpoint }))] : []),
      ...(own ? [doc('KubeNetworkConfig', { podSubnets: [...c.podSubnets], serviceSubnets: [...c.serviceSubnets] })] : []),
      doc('KubePrismConfig', { port: c.kubePrismPort }),
      ...(c.kubeletServingCertRotation ? [doc('KubeletConfig', { extraArgs: { 'rotate-server-certificates': 'true' } })] : []),
      ...(Object.keys(c.sysctls).length > 0 ? [doc('SysctlConfig', { params: { ...c.sysctls } })] : []),
      ...c.kernelModules.map((m) => doc('KernelModuleConfig', prune({ name: m.name, parameters: m.parameters ? [...m.parameters] : undefined }))),
      ...(c.kubespan ? [doc('KubeSpanConfig', { enabled: true })] : []),
      // 1.14 keeps the external cloud provider in v1alpha1 (one of its last four cluster fields).
      ...v1alpha1({ cluster: { externalCloudProvider: externalCloudProvider(c) } }),
      ...sharedClusterDocs(c),
    ];
  }
  // Talos 1.12 and 1.13: Kubernetes, install and kubelet settings are still v1alpha1 fields.
  return [
    ...v1alpha1({
      machine: {
        features: { kubePrism: { enabled: true, port: c.kubePrismPort } },
        kubelet: c.kubeletServingCertRotation ? { extraArgs: { 'rotate-server-certificates': 'true' } } : undefined,
        sysctls: Object.keys(c.sysctls).length > 0 ? { ...c.sysctls } : undefined,
        kernel: c.kernelModules.length > 0 ? { modules: c.kernelModules.map((m) => ({ ...m })) } : undefined,
        // 1.12 still carries KubeSpan in v1alpha1; 1.13 has the KubeSpanConfig document.
        network: contract === '1.12' && c.kubespan ? { kubespan: { enabled: true } } : undefined,
      },
      cluster: {
        clusterName: own ? c.clusterName : undefined,
        controlPlane: own && c.endpoint ? { endpoint: c.endpoint } : undefined,
        network: {
          podSubnets: own ? [...c.podSubnets] : undefined,
          serviceSubnets: own ? [...c.serviceSubnets] : undefined,
          cni: c.cniNone ? { name: 'none' } : undefined,
        },
        proxy: c.proxyDisabled ? { disabled: true } : undefined,
        allowSchedulingOnControlPlanes: c.allowSchedulingOnControlPlanes ? true : undefined,
        externalCloudProvider: externalCloudProvider(c),
      },
    }),
    ...(contract === '1.13' && c.kubespan ? [doc('KubeSpanConfig', { enabled: true })] : []),
    ...sharedClusterDocs(c),
  ];
}

/**
 * The documents for control planes only. In 1.14 the documents that exist only on control
 * planes (KubeProxyConfig, KubeFlannelCNIConfig, KubeAPIServerConfig) go here.
 */
export function controlPlaneDocuments(cp: ControlPlaneIntent, c: ClusterIntent, contract: Contract): TalosDocument[] {
  if (contract === '1.14') {
    return [
      ...(c.cniNone ? [doc('KubeFlannelCNIConfig', { $patch: 'delete' })] : []),
      ...(c.proxyDisabled ? [doc('KubeProxyConfig', { enabled: false })] : []),
      ...(cp.certSANs.length > 0 ? [doc('KubeAPIServerConfig', { certExtraSANs: [...cp.certSANs] })] : []),
      // The generated control-plane KubeNodeConfig carries the control-plane NoSchedule taint.
      ...(c.allowSchedulingOnControlPlanes ? [doc('KubeNodeConfig', { taints: { 'node-role.kubernetes.io/control-plane': { $patch: 'delete' } } })] : []),
      ...(cp.talosApiAccess ? [doc('KubeTalosAPIAccessConfig', { allowedRoles: [...cp.talosApiAccess.roles], allowedKubernetesNamespaces: [...cp.talosApiAccess.namespaces] })] : []),
    ];
  }
  return v1alpha1({
    machine: {
      features: cp.talosApiAccess
        ? { kubernetesTalosAPIAccess: { enabled: true, allowedRoles: [...cp.talosApiAccess.roles], allowedKubernetesNamespaces: [...cp.talosApiAccess.namespaces] } }
        : undefined,
    },
    cluster: { apiServer: cp.certSANs.length > 0 ? { certSANs: [...cp.certSANs] } : undefined },
  });
}

/** The documents for one machine (a node, or every machine of a pool). */
export function machineDocuments(n: MachineIntent, contract: Contract): TalosDocument[] {
  if (contract === '1.14') {
    // Talos 1.14: install, node labels and taints are typed documents; the v1alpha1 fields are gone.
    const hasDisk = n.install.disk !== undefined || n.install.diskSelector !== undefined;
    const disk = hasDisk ? diskMatch({ path: n.install.disk, selector: n.install.diskSelector }, { excludeSystemDisk: false }) : undefined;
    return [
      doc('UnattendedInstallConfig', prune({ installer: { image: n.install.image }, provisioning: disk ? { diskSelector: { match: disk } } : undefined })),
      ...(Object.keys(n.labels).length > 0 || n.taints.length > 0
        ? [doc('KubeNodeConfig', prune({
            labels: Object.keys(n.labels).length > 0 ? { ...n.labels } : undefined,
            taints: n.taints.length > 0 ? Object.fromEntries(n.taints.map((t) => [t.key, taintValue(t)])) : undefined,
          }))]
        : []),
      ...sharedMachineDocs(n),
    ];
  }
  return [
    ...v1alpha1({
      machine: {
        install: { disk: n.install.disk, diskSelector: n.install.diskSelector ? { ...n.install.diskSelector } : undefined, image: n.install.image },
        nodeLabels: Object.keys(n.labels).length > 0 ? { ...n.labels } : undefined,
        nodeTaints: n.taints.length > 0 ? Object.fromEntries(n.taints.map((t) => [t.key, taintValue(t)])) : undefined,
      },
    }),
    ...sharedMachineDocs(n),
  ];
}

export function isContract(contract: string): contract is Contract {
  return contract === '1.12' || contract === '1.13' || contract === '1.14';
}

/** The talosctl layers: `--config-patch`, `--config-patch-control-plane`, one patch per node. */
export function renderContract(intent: TalosIntent, contract: string): TalosLayers {
  if (!isContract(contract)) throw new Error(`no renderer for Talos config contract ${contract}`);
  return {
    cluster: clusterDocuments(intent.cluster, contract, 'talosctl'),
    controlplane: controlPlaneDocuments(intent.controlPlane, intent.cluster, contract),
    nodes: new Map(intent.nodes.map((n) => [n.name, machineDocuments(n, contract)])),
  };
}
