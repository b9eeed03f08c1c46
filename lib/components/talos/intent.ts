import type { ClusterModel, NodeModel, TalosPatchModel } from '../../model/model.ts';
import type { DiskSelector } from '../../spec/types.generated.ts';
import { DEFAULTS } from '../../model/defaults.ts';
import { installerImage, resolveSchematic, type ResolvedSchematic } from './schematic.ts';
import { extraDiskDevices } from '../../model/facts/proxmox-disks.ts';
import { bondMemberAlias } from '../../model/facts/links.ts';
import { clusterPatchesFor, nodePatchFiles } from '../../model/facts/talos-patches.ts';
import { containsAddress, parseCidr, parseIp } from '../../net/ip.ts';

/**
 * What the operator wants on the machines, independent of the Talos config contract. The
 * contract renderers turn these into the documents each Talos version defines.
 */
export interface ClusterIntent {
  readonly clusterName: string;
  readonly endpoint?: string;
  readonly podSubnets: readonly string[];
  readonly serviceSubnets: readonly string[];
  /** No CNI from Talos (Cilium or another CNI is installed through GitOps). */
  readonly cniNone: boolean;
  /** kube-proxy off: Cilium's kube-proxy replacement takes over. */
  readonly proxyDisabled: boolean;
  /** KubePrism stays on: Cilium reaches the API through it (k8sServiceHost localhost). */
  readonly kubePrismPort: number;
  readonly allowSchedulingOnControlPlanes: boolean;
  /** Kubelet serving certificates signed by the cluster CA (metrics-server talks TLS to kubelets). */
  readonly kubeletServingCertRotation: boolean;
  readonly kubespan: boolean;
  readonly sysctls: Readonly<Record<string, string>>;
  readonly kernelModules: readonly { readonly name: string; readonly parameters?: readonly string[] }[];
  readonly registryMirrors: Readonly<Record<string, readonly string[]>>;
  readonly timeServers: readonly string[];
  /** kubelet --cloud-provider=external and the cloud controller manager Talos deploys at bootstrap. */
  readonly externalCloudProvider?: { readonly manifests: readonly string[] };
}

export interface ControlPlaneIntent {
  readonly certSANs: readonly string[];
  /** Talos API access from pods (the Talos CCM reads each node's platform metadata with it). */
  readonly talosApiAccess?: { readonly roles: readonly string[]; readonly namespaces: readonly string[] };
}

export interface RouteIntent {
  readonly destination?: string;
  readonly gateway?: string;
  readonly metric?: number;
}

export interface LinkIntent {
  /** The name documents use: the kernel name, an alias bound by a selector, the bond's or a VLAN's name. */
  readonly name: string;
  /** CEL expression of a LinkAliasConfig when the link is chosen by selector. */
  readonly aliasMatch?: string;
  readonly addresses: readonly string[];
  readonly routes: readonly RouteIntent[];
  readonly dhcp: boolean;
}

/** A bond the machine creates (Talos BondConfig); its members by kernel name or by alias. */
export interface BondIntent {
  readonly name: string;
  /** Member link names as BondConfig.links takes them (kernel names or aliases). */
  readonly links: readonly string[];
  /** LinkAliasConfig documents for members chosen by selector. */
  readonly aliases: readonly { readonly name: string; readonly match: string }[];
  readonly mode: string;
  readonly lacpRate?: string;
  readonly xmitHashPolicy?: string;
  readonly miimon?: number;
  readonly updelay?: number;
  readonly downdelay?: number;
  readonly mtu?: number;
}

/** A VLAN link the machine creates (Talos VLANConfig): its own addresses, routes and DHCP when it is not the machine's link. */
export interface VlanIntent {
  readonly name: string;
  readonly id: number;
  readonly parent: string;
  readonly mtu?: number;
  readonly addresses: readonly string[];
  readonly routes: readonly RouteIntent[];
  readonly dhcp: boolean;
}

export interface InstallIntent {
  readonly disk?: string;
  readonly diskSelector?: DiskSelector;
  readonly image: string;
}

export interface VolumeIntent {
  readonly name: string;
  /** CEL expression selecting the disk. */
  readonly match: string;
}

/** What one machine carries: a talosctl node, or every machine of a Cluster API pool. */
export interface MachineIntent {
  readonly role: 'controlplane' | 'worker';
  /** Cluster API machines have none: CABPT names them after their Machine (hostname.source MachineName). */
  readonly hostname?: string;
  readonly link?: LinkIntent;
  readonly bond?: BondIntent;
  readonly vlans: readonly VlanIntent[];
  /** Shared L2 address announced from this node's link (control planes only). */
  readonly vip?: string;
  readonly nameservers: readonly string[];
  readonly install: InstallIntent;
  readonly volumes: readonly VolumeIntent[];
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly { readonly key: string; readonly value?: string; readonly effect: string }[];
  readonly schematic: ResolvedSchematic;
  /** The operator's patches, merged after orrery's documents in this order (the cluster's, then the machine's own). */
  readonly patches: readonly TalosPatchModel[];
}

export interface NodeIntent extends MachineIntent {
  readonly name: string;
  readonly hostname: string;
}

/** A Cluster API machine pool: one template, `replicas` machines; addresses come from the provider. */
export interface PoolIntent extends MachineIntent {
  readonly name: string;
  readonly replicas: number;
}

export interface TalosIntent {
  readonly cluster: ClusterIntent;
  readonly controlPlane: ControlPlaneIntent;
  /** talosctl clusters. */
  readonly nodes: readonly NodeIntent[];
  /** Cluster API clusters. */
  readonly pools: readonly PoolIntent[];
}

/** The alias orrery gives a link chosen by selector (Talos forbids kernel-like names such as eth0). */
export const SELECTED_LINK_ALIAS = 'uplink';

function celString(value: string): string {
  return JSON.stringify(value);
}

/** CEL for a link selector; fields are those of Talos's LinkStatus spec. */
export function linkMatch(selector: NonNullable<NodeModel['interfaceSelector']>): string {
  const terms: string[] = [];
  if (selector.hardwareAddr) {
    const mac = selector.hardwareAddr.toLowerCase();
    terms.push(mac.includes('*') ? `glob(${celString(mac)}, mac(link.permanent_addr))` : `mac(link.permanent_addr) == ${celString(mac)}`);
  }
  if (selector.driver) terms.push(`link.driver == ${celString(selector.driver)}`);
  if (selector.busPath) terms.push(selector.busPath.includes('*') ? `glob(${celString(selector.busPath)}, link.bus_path)` : `link.bus_path == ${celString(selector.busPath)}`);
  return terms.join(' && ');
}

const SIZE_UNITS: Record<string, bigint> = {
  B: 1n, kB: 1000n, KB: 1000n, MB: 1000n ** 2n, GB: 1000n ** 3n, TB: 1000n ** 4n,
  KiB: 1024n, MiB: 1024n ** 2n, GiB: 1024n ** 3n, TiB: 1024n ** 4n,
};

/** A size as CEL's unsigned integer literal in bytes (CEL has no `1.5u`): `1.5TB` → `1500000000000u`. */
export function sizeLiteral(amount: string, unit: string): string {
  const [whole, frac = ''] = amount.split('.');
  const scale = 10n ** BigInt(frac.length);
  const bytes = (BigInt(`${whole}${frac}`) * SIZE_UNITS[unit]!) / scale;
  return `${bytes}u`;
}

/**
 * CEL for a disk; fields are those of Talos's Disk resource. Volumes exclude the system disk;
 * the install disk selector cannot (there is no system disk before the install).
 */
export function diskMatch(disk: { path?: string; selector?: DiskSelector }, options: { excludeSystemDisk: boolean }): string {
  if (disk.path) return `disk.dev_path == ${celString(disk.path)}`;
  const s = disk.selector ?? {};
  const terms: string[] = options.excludeSystemDisk ? ['!system_disk'] : [];
  if (s.model) terms.push(`disk.model == ${celString(s.model)}`);
  if (s.serial) terms.push(`disk.serial == ${celString(s.serial)}`);
  if (s.wwid) terms.push(`disk.wwid == ${celString(s.wwid)}`);
  if (s.busPath) terms.push(`disk.bus_path == ${celString(s.busPath)}`);
  if (s.type === 'hdd') terms.push('disk.rotational');
  if (s.type === 'ssd') terms.push('!disk.rotational && disk.transport != "nvme"');
  if (s.type === 'nvme') terms.push('disk.transport == "nvme"');
  if (s.type === 'sd') terms.push('disk.transport == "mmc"');
  if (s.size) {
    const m = /^(<=|>=|<|>|==)?\s*([0-9.]+)\s*([A-Za-z]+)$/.exec(s.size)!;
    terms.push(`disk.size ${m[1] ?? '=='} ${sizeLiteral(m[2]!, m[3]!)}`);
  }
  return terms.join(' && ');
}

/** Static routes to BGP peers that are not on-link (seed 000 patched these in by hand). */
function peerRoutes(cluster: ClusterModel, nodeGateway: string | undefined): LinkIntent['routes'][number][] {
  const routes: LinkIntent['routes'][number][] = [];
  for (const peer of cluster.loadBalancing.bgp?.peers ?? []) {
    if (!peer.routeVia) continue;
    const gateway = peer.routeVia === 'node-gateway' ? nodeGateway : peer.routeVia;
    if (gateway) routes.push({ destination: `${peer.address}/${peer.address.includes(':') ? 128 : 32}`, gateway });
  }
  return routes;
}

/**
 * A node's links: the one that carries its addresses (with the default route and the VIP), its
 * bond and its VLANs. A route goes on the VLAN whose own subnet holds its gateway (the kernel
 * installs a route only through an on-link gateway), every other route on the node's link.
 */
function nodeLinks(cluster: ClusterModel, node: NodeModel): Pick<MachineIntent, 'link' | 'bond' | 'vlans'> {
  const name = node.interface ?? (node.interfaceSelector ? SELECTED_LINK_ALIAS : undefined);
  const secondary = node.vlans.filter((v) => v.name !== name);
  const routeLink = (gateway: string | undefined): string | undefined => {
    // Without a VLAN of its own subnet every route is the link's: no address to parse.
    const ip = gateway && secondary.length > 0 ? parseIp(gateway) : undefined;
    return ip ? secondary.find((v) => v.addresses.some((a) => { const net = parseCidr(a); return net !== undefined && containsAddress(net, ip); }))?.name : undefined;
  };
  const routes: RouteIntent[] = [];
  if (node.gateway && node.addresses.length > 0) routes.push({ gateway: node.gateway });
  for (const r of node.routes) routes.push({ destination: r.network, ...(r.gateway ? { gateway: r.gateway } : {}), ...(r.metric !== undefined ? { metric: r.metric } : {}) });
  routes.push(...peerRoutes(cluster, node.gateway));
  // Each route's link, decided once (the link and every VLAN filter on it).
  const linkOf = new Map(routes.map((r) => [r, routeLink(r.gateway)]));
  const bond = node.bond;
  return {
    ...(name
      ? {
          link: {
            name,
            ...(node.interfaceSelector ? { aliasMatch: linkMatch(node.interfaceSelector) } : {}),
            addresses: node.addresses,
            routes: routes.filter((r) => linkOf.get(r) === undefined),
            dhcp: node.dhcp,
          },
        }
      : {}),
    ...(bond
      ? {
          bond: {
            name: bond.name,
            links: bond.interfaces.length > 0 ? bond.interfaces : bond.interfaceSelectors.map((_, i) => bondMemberAlias(bond.name, i)),
            aliases: bond.interfaceSelectors.map((sel, i) => ({ name: bondMemberAlias(bond.name, i), match: linkMatch(sel) })),
            mode: bond.mode,
            ...(bond.lacpRate ? { lacpRate: bond.lacpRate } : {}),
            ...(bond.xmitHashPolicy ? { xmitHashPolicy: bond.xmitHashPolicy } : {}),
            ...(bond.miimon !== undefined ? { miimon: bond.miimon } : {}),
            ...(bond.updelay !== undefined ? { updelay: bond.updelay } : {}),
            ...(bond.downdelay !== undefined ? { downdelay: bond.downdelay } : {}),
            ...(bond.mtu !== undefined ? { mtu: bond.mtu } : {}),
          },
        }
      : {}),
    vlans: node.vlans.map((v) => ({
      name: v.name,
      id: v.id,
      parent: v.parent,
      ...(v.mtu !== undefined ? { mtu: v.mtu } : {}),
      addresses: v.addresses,
      routes: routes.filter((r) => linkOf.get(r) === v.name),
      dhcp: v.dhcp,
    })),
  };
}

/**
 * CAPMOX machines have one network device, net0 with the virtio model (orrery sets it), and
 * get their addresses from the NoCloud network config: the link is found by its driver and
 * aliased, so the VIP and routes name it without knowing the kernel's name for it. A fixed
 * alias needs exactly one matching link (talos@v1.13.9 link_alias_config.go skips ambiguous ones).
 */
export const PROXMOX_LINK_MATCH = 'link.driver == "virtio_net"';

/**
 * The Talos cloud controller manager manifest of a release, as Talos applies it at bootstrap
 * (talos-cloud-controller-manager docs/install.md "Method 1"); pinned to the release tag.
 */
export function talosCcmManifest(version: string): string {
  return `https://raw.githubusercontent.com/siderolabs/talos-cloud-controller-manager/${version}/docs/deploy/cloud-controller-manager.yml`;
}

function installIntent(cluster: ClusterModel): InstallIntent {
  const disk = cluster.talos.installDisk;
  return {
    ...(disk?.path ? { disk: disk.path } : {}),
    ...(disk?.selector ? { diskSelector: disk.selector } : {}),
    image: installerImage(resolveSchematic(cluster.talos.schematic).id, cluster.talos.version),
  };
}

function poolIntents(cluster: ClusterModel): PoolIntent[] {
  const capi = cluster.clusterApi;
  if (!capi || capi.provider === 'packet') return [];
  const schematic = resolveSchematic(cluster.talos.schematic);
  const install = installIntent(cluster);
  return capi.pools.map((pool) => {
    const vip = pool.role === 'controlplane' && cluster.endpoint.mode === 'vip' ? cluster.endpoint.vip : undefined;
    const gateway = capi.proxmox?.ipv4Pool.gateway ?? cluster.network.gateway;
    const routes = peerRoutes(cluster, gateway);
    // Only Proxmox machines have a link orrery can name; checks reject a VIP or routes elsewhere.
    const link: LinkIntent | undefined =
      capi.proxmox && (vip || routes.length > 0) ? { name: SELECTED_LINK_ALIAS, aliasMatch: PROXMOX_LINK_MATCH, addresses: [], routes, dhcp: false } : undefined;
    return {
      name: pool.name,
      role: pool.role,
      replicas: pool.replicas,
      ...(link ? { link } : {}),
      vlans: [],
      ...(vip ? { vip } : {}),
      // CAPMOX writes the name servers into the NoCloud network config (ProxmoxCluster.spec.dnsServers).
      nameservers: capi.proxmox ? [] : cluster.network.nameservers,
      install,
      volumes: capi.proxmox ? extraDiskVolumes(pool.machine.extraDisks, capi.proxmox.template.bootDisk) : [],
      labels: pool.labels,
      taints: pool.taints,
      schematic,
      patches: [...clusterPatchesFor(cluster, pool.role), ...pool.patches],
    };
  });
}

/** Talos formats and mounts the extra disks of purpose volume; those for Ceph stay raw. */
function extraDiskVolumes(disks: readonly { slot: string; purpose: 'ceph' | 'volume' }[], bootDisk: string): VolumeIntent[] {
  const devices = extraDiskDevices(disks.map((d) => d.slot), bootDisk);
  return disks.flatMap((d, i) => (d.purpose === 'volume' ? [devices[i]!.match] : [])).map((match, i) => ({ name: `data${i}`, match }));
}

/** Builds the intent of a cluster from the model: talosctl nodes or Cluster API pools. Pure. */
export function talosIntent(cluster: ClusterModel): TalosIntent {
  const cilium = cluster.cni.name === 'cilium' ? cluster.cni.cilium : undefined;
  const proxmox = cluster.clusterApi?.provider === 'proxmox';
  const certSANs = [cluster.endpoint.vip, cluster.endpoint.host, cluster.endpoint.address, ...cluster.endpoint.extraCertSANs].filter(
    (s, i, all): s is string => typeof s === 'string' && all.indexOf(s) === i,
  );
  return {
    cluster: {
      clusterName: cluster.name,
      ...(cluster.endpoint.url ? { endpoint: cluster.endpoint.url } : {}),
      podSubnets: [cluster.network.podCidr],
      serviceSubnets: [cluster.network.serviceCidr],
      cniNone: cluster.cni.name !== 'flannel',
      proxyDisabled: cilium !== undefined && (cilium.kubeProxyReplacement ?? DEFAULTS.cilium.kubeProxyReplacement),
      kubePrismPort: DEFAULTS.kubePrismPort,
      allowSchedulingOnControlPlanes: cluster.kubernetes.allowSchedulingOnControlPlanes,
      kubeletServingCertRotation: cluster.components.metricsServer?.enabled === true,
      kubespan: cluster.talos.kubespan,
      sysctls: cluster.talos.sysctls,
      kernelModules: cluster.talos.kernelModules,
      registryMirrors: cluster.talos.registryMirrors,
      timeServers: cluster.network.timeServers,
      // Talos does not pass CAPMOX's provider-id to the kubelet; without Node.spec.providerID
      // a Machine gets no nodeRef and clusterctl move refuses (CAPMOX#400). The Talos CCM sets it
      // from the platform metadata, where Talos's nocloud platform puts meta-data provider-id
      // (talos@v1.13.9 platform/nocloud: ProviderID: metadata.ProviderID; CCM v1.12.0 pkg/talos/instances.go).
      ...(proxmox ? { externalCloudProvider: { manifests: [talosCcmManifest(cluster.versions.talosCcm)] } } : {}),
    },
    controlPlane: {
      certSANs,
      // The CCM runs on control planes and reads node metadata as os:reader (its docs/install.md).
      ...(proxmox ? { talosApiAccess: { roles: ['os:reader'], namespaces: ['kube-system'] } } : {}),
    },
    nodes: cluster.nodes.map((node) => {
      const schematic = resolveSchematic(node.schematic);
      return {
        name: node.name,
        role: node.role,
        hostname: node.name,
        ...nodeLinks(cluster, node),
        ...(node.role === 'controlplane' && cluster.endpoint.mode === 'vip' && cluster.endpoint.vip ? { vip: cluster.endpoint.vip } : {}),
        nameservers: node.nameservers,
        install: {
          ...(node.installDisk?.path ? { disk: node.installDisk.path } : {}),
          ...(node.installDisk?.selector ? { diskSelector: node.installDisk.selector } : {}),
          image: installerImage(schematic.id, cluster.talos.version),
        },
        volumes: node.dataDisks
          .filter((d) => d.purpose === 'volume')
          .map((d, i) => ({ name: `data${i}`, match: diskMatch(d, { excludeSystemDisk: true }) })),
        labels: node.labels,
        taints: node.taints,
        schematic,
        patches: nodePatchFiles(cluster, node.name).map((a) => a.patch),
      };
    }),
    pools: poolIntents(cluster),
  };
}
