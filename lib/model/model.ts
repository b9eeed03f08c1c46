import type * as spec from '../spec/types.generated.ts';
import type { ComponentVersions } from './defaults.ts';

/**
 * The resolved model: fully defaulted, cross-cluster facts derived, deeply frozen.
 * Builders read only this; they never look at the raw spec or apply defaults themselves.
 */
export interface Model {
  readonly constellation: ConstellationModel;
  readonly clusters: readonly ClusterModel[];
}

export interface ConstellationModel {
  readonly name: string;
  readonly description?: string;
  readonly source: string;
  readonly gitops: {
    readonly engine: 'flux' | 'argocd';
    readonly url: string;
    readonly branch: string;
    readonly path: string;
    readonly argocd: { readonly namespace: string; readonly project: string; readonly automated: boolean; readonly prune: boolean; readonly selfHeal: boolean };
    readonly flux: { readonly workloadsFromManagement: boolean; readonly alerts?: FluxAlertsModel };
  };
  readonly sopsRecipients: readonly string[];
  readonly meshGroups: readonly MeshGroupModel[];
  readonly anycast: readonly AnycastModel[];
}

/** Opt-in notification-controller Provider + Alert (gitops.flux.alerts). */
export interface FluxAlertsModel {
  readonly provider: string;
  readonly channel?: string;
  readonly address?: string;
  readonly secret?: string;
}

export interface MeshGroupModel {
  readonly name: string;
  readonly members: readonly { readonly cluster: string; readonly id: number; readonly pinned: boolean }[];
}

export interface AnycastModel {
  readonly name: string;
  readonly address: string;
  readonly clusters: readonly string[];
  readonly service?: { readonly namespace: string; readonly name: string };
}

export interface NodeModel {
  readonly name: string;
  readonly role: 'controlplane' | 'worker';
  readonly interface?: string;
  readonly interfaceSelector?: spec.InterfaceSelector;
  readonly dhcp: boolean;
  readonly reservedAddress?: string;
  readonly addresses: readonly string[];
  /** Where talosctl reaches the node before its config is applied (apply-config --insecure). */
  readonly maintenanceAddress?: string;
  /** First static address without its prefix (or the DHCP reservation): how talosctl reaches the configured node. */
  readonly primaryAddress?: string;
  readonly gateway?: string;
  readonly routes: readonly spec.Route[];
  readonly nameservers: readonly string[];
  readonly installDisk?: spec.Disk;
  readonly dataDisks: readonly (spec.DataDisk & { readonly purpose: 'ceph' | 'volume'; readonly wipe: boolean })[];
  readonly schematic?: spec.Schematic;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly spec.Taint[];
  /** A bond of the node's links; `interface` defaults to its name. */
  readonly bond?: BondModel;
  readonly vlans: readonly VlanModel[];
  readonly patches: readonly TalosPatchModel[];
}

/** A node's bond: members by name or by selector (one of the two), Talos BondConfig settings. */
export interface BondModel {
  readonly name: string;
  readonly interfaces: readonly string[];
  readonly interfaceSelectors: readonly spec.InterfaceSelector[];
  readonly mode: NonNullable<spec.Bond['mode']>;
  readonly lacpRate?: spec.Bond['lacpRate'];
  readonly xmitHashPolicy?: spec.Bond['xmitHashPolicy'];
  readonly miimon?: number;
  readonly updelay?: number;
  readonly downdelay?: number;
  readonly mtu?: number;
}

/** A VLAN link, resolved: its name and parent are always known. */
export interface VlanModel {
  readonly id: number;
  readonly name: string;
  readonly parent: string;
  readonly addresses: readonly string[];
  readonly dhcp: boolean;
  readonly mtu?: number;
}

/** One of the operator's Talos patches (talos.patches, a node's or a pool's patches). */
export interface TalosPatchModel {
  readonly name: string;
  /** Cluster-level patches: only machines of this role (absent: every machine). */
  readonly role?: 'controlplane' | 'worker';
  /** The Talos documents, in order, as plain data. */
  readonly documents: readonly Readonly<Record<string, unknown>>[];
  /** Where the operator wrote it: the spec file and the patch entry's pointer, and its file when it has one. */
  readonly origin: { readonly spec: string; readonly pointer: string; readonly file?: string };
}

export interface ClusterModel {
  readonly name: string;
  readonly description?: string;
  readonly source: string;
  readonly role: 'management' | 'workload' | 'standalone';
  readonly site?: string;
  readonly provisioning: spec.Provisioning;
  readonly managedBy?: string;
  readonly manages: readonly string[];
  readonly endpoint: {
    readonly mode: 'vip' | 'dns' | 'address' | 'provider';
    readonly vip?: string;
    readonly address?: string;
    readonly host?: string;
    readonly port: number;
    /** https://host:port, or undefined when the provider assigns the address. */
    readonly url?: string;
    readonly extraCertSANs: readonly string[];
  };
  readonly network: spec.Network & { readonly nameservers: readonly string[]; readonly timeServers: readonly string[] };
  readonly versions: Readonly<ComponentVersions>;
  readonly talos: {
    readonly version: string;
    readonly contract: string;
    readonly schematic?: spec.Schematic;
    readonly installDisk?: spec.Disk;
    readonly kubespan: boolean;
    readonly registryMirrors: Readonly<Record<string, readonly string[]>>;
    readonly sysctls: Readonly<Record<string, string>>;
    readonly kernelModules: readonly spec.KernelModule[];
    /** The operator's cluster-level patches, in order (each possibly for one role). */
    readonly patches: readonly TalosPatchModel[];
  };
  readonly kubernetes: { readonly version: string; readonly allowSchedulingOnControlPlanes: boolean };
  readonly nodes: readonly NodeModel[];
  readonly machinePools: readonly spec.MachinePool[];
  /** Cluster API facts, resolved (absent for talosctl clusters). */
  readonly clusterApi?: ClusterApiModel;
  readonly cni: { readonly name: 'cilium' | 'flannel' | 'none'; readonly cilium?: spec.Cilium };
  readonly loadBalancing: spec.LoadBalancing;
  readonly components: spec.Components;
  readonly namespaces: readonly NamespaceModel[];
  readonly networkPolicies: readonly spec.NetworkPolicy[];
  /** The operator's own kustomize directories, reconciled in the apps layer. */
  readonly apps: readonly spec.App[];
  readonly meshGroups: readonly { readonly group: string; readonly id: number }[];
  readonly anycast: readonly AnycastModel[];
  /** Spec sections present in this cluster that no generator compiles yet. */
  readonly pending: readonly string[];
}

/** A Cluster API cluster as its management cluster reconciles it. */
export interface ClusterApiModel {
  readonly provider: 'proxmox' | 'sidero' | 'packet';
  /** Namespace of its Cluster API objects on the management cluster. */
  readonly namespace: string;
  /** The cluster whose controllers reconcile it: its manager, or itself after the pivot (a management cluster). */
  readonly manager: string;
  /** A management cluster that manages itself: created from a bootstrap cluster, then pivoted. */
  readonly selfManaged: boolean;
  readonly pools: readonly MachinePoolModel[];
  readonly proxmox?: ProxmoxModel;
  readonly sidero?: spec.SideroProvider & { readonly environment: string };
}

export interface MachinePoolModel {
  readonly name: string;
  readonly role: 'controlplane' | 'worker';
  readonly replicas: number;
  readonly machine: Omit<spec.MachineTemplate, 'extraDisks'> & {
    readonly extraDisks: readonly { readonly slot: string; readonly purpose: 'ceph' | 'volume' }[];
  };
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly spec.Taint[];
  readonly servers: readonly spec.BoundServer[];
  readonly patches: readonly TalosPatchModel[];
}

export interface ProxmoxModel {
  readonly credentialsSecret?: string;
  readonly allowedNodes: readonly string[];
  readonly template: { readonly sourceNode: string; readonly templateId: number; readonly bootDisk: string };
  readonly ipv4Pool: { readonly addresses: readonly string[]; readonly prefix: number; readonly gateway: string };
  /** Resolved: the provider's, else the cluster's name servers. */
  readonly dnsServers: readonly string[];
  readonly bridge?: string;
  /** VLAN tag of the machines' network device on the Proxmox bridge. */
  readonly vlan?: number;
}

export interface NamespaceModel {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}
