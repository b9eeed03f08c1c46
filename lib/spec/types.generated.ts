/* Generated from schemas/orrery.schema.json by `npm run gen:types`. Do not edit: change the schema. */

export type SpecDocument = Constellation | Cluster;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name1 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name2 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name3 = string;
/**
 * A Talos release, e.g. v1.13.9.
 */
export type TalosVersion = string;
/**
 * A Kubernetes release, e.g. 1.36.2 (no leading v).
 */
export type KubernetesVersion = string;
/**
 * A Helm chart version as its repository publishes it.
 */
export type ChartVersion = string;
/**
 * An IPv4 or IPv6 address.
 */
export type IpAddress = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name4 = string;
/**
 * A CIDR (10.0.0.0/28) or an inclusive range (10.0.0.10-10.0.0.20).
 */
export type AddressRange = string;
/**
 * An IPv4 address.
 */
export type Ipv4 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name5 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name6 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name7 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name8 = string;
/**
 * Talos machine-config documents as talosctl --config-patch takes them: at most one v1alpha1 partial (machine:, cluster:) and typed documents (apiVersion: v1alpha1, kind: ..., name: ...), each kind known to the cluster's config contract. Talos merges each into the document of the same kind and name, or adds it.
 *
 * @minItems 1
 */
export type TalosPatchDocuments = [{}, ...{}[]];
/**
 * A YAML file of Talos documents (one or more, separated by ---), relative to this spec file's directory and inside it.
 */
export type TalosPatchFile = string;
/**
 * A DNS name.
 */
export type Hostname = string;
/**
 * An IPv4 or IPv6 network in CIDR notation, e.g. 10.244.0.0/16.
 */
export type Cidr = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name9 = string;
/**
 * An address with its prefix length, e.g. 192.168.42.201/24.
 */
export type InterfaceAddress = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name10 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name11 = string;

/**
 * The fleet: GitOps repository, default versions, secrets recipients and cross-cluster wiring.
 */
export interface Constellation {
  apiVersion: 'orrery.dev/v1alpha1';
  kind: 'Constellation';
  name: Name;
  /**
   * Free text shown in the generated docs.
   */
  description?: string;
  gitops: GitOps;
  versions?: Versions;
  sops?: Sops;
  /**
   * Cilium ClusterMesh groups.
   */
  meshGroups?: MeshGroup[];
  /**
   * Shared anycast addresses.
   */
  anycast?: Anycast[];
  /**
   * Which cluster manages which through Cluster API.
   */
  management?: Management[];
}
export interface GitOps {
  /**
   * The GitOps engine that reconciles the output.
   */
  engine?: 'flux' | 'argocd';
  repository: GitRepository;
  argocd?: ArgoCd;
  flux?: Flux;
}
export interface GitRepository {
  /**
   * Git URL the GitOps engine clones (ssh://, https://).
   */
  url: string;
  /**
   * Branch to reconcile.
   */
  branch?: string;
  /**
   * Where orrery's output directory sits inside the repository.
   */
  path?: string;
}
/**
 * Argo CD settings (gitops.engine: argocd).
 */
export interface ArgoCd {
  namespace?: Name1;
  project?: Name2;
  /**
   * Sync automatically.
   */
  automated?: boolean;
  /**
   * Automated sync deletes what left git.
   */
  prune?: boolean;
  /**
   * Automated sync reverts drift.
   */
  selfHeal?: boolean;
}
/**
 * Flux settings (gitops.engine: flux).
 */
export interface Flux {
  /**
   * Reconcile each Cluster API workload cluster from its management cluster's Flux, through the kubeconfig Secret Cluster API writes (<cluster>-kubeconfig), instead of a Flux of its own.
   */
  workloadsFromManagement?: boolean;
  /**
   * Opt-in: a notification-controller Provider and Alert per cluster (in flux-system) that report every failed reconciliation (severity error) of the cluster's Kustomizations, HelmReleases and sources.
   */
  alerts?: {
    /**
     * Provider spec.type (notification-controller v1.9 Provider API v1beta3).
     */
    provider:
      | 'slack'
      | 'discord'
      | 'msteams'
      | 'rocket'
      | 'generic'
      | 'generic-hmac'
      | 'github'
      | 'gitlab'
      | 'gitea'
      | 'giteapullrequestcomment'
      | 'bitbucketserver'
      | 'bitbucket'
      | 'azuredevops'
      | 'googlechat'
      | 'googlepubsub'
      | 'webex'
      | 'sentry'
      | 'azureeventhub'
      | 'telegram'
      | 'lark'
      | 'matrix'
      | 'opsgenie'
      | 'alertmanager'
      | 'grafana'
      | 'githubdispatch'
      | 'githubpullrequestcomment'
      | 'gitlabmergerequestcomment'
      | 'pagerduty'
      | 'datadog'
      | 'nats'
      | 'zulip'
      | 'otel';
    /**
     * Provider spec.channel (Slack channel, Teams/Discord name, …).
     */
    channel?: string;
    /**
     * Provider spec.address (webhook or API URL); may instead be the `address` key of the Secret.
     */
    address?: string;
    secret?: Name3;
  };
}
/**
 * Versions of Talos, Kubernetes and the platform components. Any version left out takes orrery's default. Pin them here, not in dist/: a `# renovate: datasource=… depName=…` comment above a pin lets Renovate's regex manager bump it (README "Renovate").
 */
export interface Versions {
  talos?: TalosVersion;
  kubernetes?: KubernetesVersion;
  cilium?: ChartVersion;
  metallb?: ChartVersion;
  certManager?: ChartVersion;
  externalDns?: ChartVersion;
  metricsServer?: ChartVersion;
  rookCeph?: ChartVersion;
  linkerd?: ChartVersion;
  gatewayApi?: ChartVersion;
  contour?: ChartVersion;
  envoyGateway?: ChartVersion;
  kubeletServingCertApprover?: ChartVersion;
  /**
   * Cluster API core provider (clusterctl: cluster-api), installed on the management cluster and the bootstrap cluster. Default v1.12.11.
   */
  clusterApi?: string;
  /**
   * Talos bootstrap provider, CABPT (clusterctl: talos, bootstrap). Default v0.6.13.
   */
  cabpt?: string;
  /**
   * Talos control-plane provider, CACPPT (clusterctl: talos, control-plane). Default v0.5.14.
   */
  cacppt?: string;
  /**
   * Proxmox infrastructure provider, CAPMOX (clusterctl: proxmox). Default v0.9.0.
   */
  capmox?: string;
  /**
   * In-cluster IPAM provider CAPMOX allocates machine addresses with (clusterctl: in-cluster). Default v1.1.0.
   */
  ipamInCluster?: string;
  /**
   * Sidero Metal infrastructure provider (clusterctl: sidero; maintenance mode). Default v0.6.13.
   */
  sidero?: string;
  /**
   * Talos cloud controller manager delivered to every Proxmox cluster (sets each Node's providerID from the machine's metadata). Default v1.12.0.
   */
  talosCcm?: string;
}
export interface Sops {
  /**
   * Who can decrypt the secrets orrery stores: age public keys.
   *
   * @minItems 1
   *
   * Items: An age X25519 public key (its bech32 checksum is checked).
   */
  ageRecipients: [string, ...string[]];
}
/**
 * A Cilium ClusterMesh: members share a CA and must have disjoint pod CIDRs.
 */
export interface MeshGroup {
  name: Name;
  /**
   * Clusters meshed with each other; every pair of members connects.
   *
   * @minItems 2
   */
  members: [MeshMember, MeshMember, ...MeshMember[]];
}
export interface MeshMember {
  cluster: Name;
  /**
   * Cilium ClusterMesh cluster.id (1-255). Pin it; orrery allocates and reports one otherwise.
   */
  id?: number;
}
/**
 * One address announced by several clusters (global anycast ingress).
 */
export interface Anycast {
  name: Name;
  address: IpAddress;
  /**
   * Clusters that announce this address over BGP.
   *
   * @minItems 1
   */
  clusters: [Name, ...Name[]];
  /**
   * The LoadBalancer Service that gets the address (default: the ingress controller).
   */
  service?: {
    namespace: Name;
    name: Name;
  };
}
export interface Management {
  cluster: Name;
  /**
   * Workload clusters whose Cluster API objects live on this management cluster.
   *
   * @minItems 1
   */
  manages: [Name, ...Name[]];
}
/**
 * One Talos Kubernetes cluster.
 */
export interface Cluster {
  apiVersion: 'orrery.dev/v1alpha1';
  kind: 'Cluster';
  name: Name;
  description?: string;
  role: 'management' | 'workload' | 'standalone';
  /**
   * Where the cluster runs (free text shown in docs).
   */
  site?: string;
  provisioning: Provisioning;
  endpoint: Endpoint;
  network: Network;
  versions?: Versions;
  talos?: Talos;
  kubernetes?: Kubernetes;
  /**
   * Machines provisioned with talosctl.
   */
  nodes?: Node[];
  cni?: Cni;
  loadBalancing?: LoadBalancing;
  components?: Components;
  namespaces?: Namespace[];
  networkPolicies?: NetworkPolicy[];
}
export interface Provisioning {
  /**
   * talosctl: existing machines receive their config with talosctl. cluster-api: a management cluster creates the machines.
   */
  method: 'talosctl' | 'cluster-api';
  clusterApi?: ClusterApi;
}
export interface ClusterApi {
  provider: 'proxmox' | 'packet' | 'sidero';
  namespace?: Name;
  proxmox?: ProxmoxProvider;
  packet?: PacketProvider;
  sidero?: SideroProvider;
  /**
   * Control-plane and worker pools.
   *
   * @minItems 1
   */
  machinePools: [MachinePool, ...MachinePool[]];
}
export interface ProxmoxProvider {
  credentialsSecret?: Name4;
  /**
   * Proxmox nodes VMs may be placed on.
   *
   * @minItems 1
   *
   * Items: A Proxmox node name.
   */
  allowedNodes: [string, ...string[]];
  /**
   * The VM template cloned for each machine.
   */
  template: {
    /**
     * Proxmox node that holds the template.
     */
    sourceNode: string;
    /**
     * VM template id.
     */
    templateId: number;
    /**
     * The template's boot disk slot, which CAPMOX resizes to machine.diskGiB.
     */
    bootDisk?: string;
  };
  /**
   * Addresses CAPMOX hands to machines.
   */
  ipv4Pool: {
    /**
     * @minItems 1
     */
    addresses: [AddressRange, ...AddressRange[]];
    prefix: number;
    gateway: Ipv4;
  };
  /**
   * Name servers CAPMOX writes into each machine's network config (default: network.nameservers).
   */
  dnsServers?: IpAddress[];
  /**
   * Network bridge of the machines' one network device (net0), e.g. vmbr0 (default: the template's).
   */
  bridge?: string;
  /**
   * VLAN tag of the machines' network device on the Proxmox bridge (CAPMOX networkDevices[].vlan, Proxmox tag=): Proxmox tags and untags the frames, so Talos sees a plain link and needs no VLANConfig. Needs bridge. Bonds belong to the Proxmox host, under its bridge.
   */
  vlan?: number;
}
/**
 * Retired: Equinix Metal shut down on 2026-06-30. Accepted so old specs still parse; synth refuses to generate for it.
 */
export interface PacketProvider {
  /**
   * Equinix Metal project id.
   */
  projectId: string;
  /**
   * Metro code, e.g. ams.
   */
  metro: string;
  /**
   * Who manages the control-plane VIP.
   */
  vipManager?: 'CPEM' | 'KUBE_VIP' | 'EMLB';
}
/**
 * Sidero Metal (maintenance mode): machines bound to registered servers by server class.
 */
export interface SideroProvider {
  serverClass?: Name5;
  environment?: Name6;
  /**
   * Where machines fetch their Talos config (the kernel argument talos.config=<url>/configdata?uuid=).
   */
  metadataServerUrl?: string;
  /**
   * Arges (2019) only: Sidero v0.6 servers register through Sidero's own API, so this is rejected; use metadataServerUrl.
   */
  discoveryKubeconfigUrl?: string;
}
export interface MachinePool {
  name: Name;
  role: 'controlplane' | 'worker';
  replicas: number;
  machine?: MachineTemplate;
  labels?: Labels;
  taints?: Taint[];
  /**
   * Sidero: pin machines to registered servers (otherwise any server of the class is used).
   */
  servers?: BoundServer[];
  /**
   * Your own Talos patches for this pool's machines, merged after orrery's documents and the cluster's talos.patches (one strategicPatches entry each).
   */
  patches?: TalosPatch[];
}
/**
 * Provider machine settings; unset fields take the provider's defaults.
 */
export interface MachineTemplate {
  /**
   * Proxmox: cores per socket.
   */
  cores?: number;
  /**
   * Proxmox: CPU sockets.
   */
  sockets?: number;
  /**
   * Proxmox: memory in MiB (a multiple of 8).
   */
  memoryMiB?: number;
  /**
   * Proxmox: boot disk size in GB (at least 5, never smaller than the template's).
   */
  diskGiB?: number;
  /**
   * Packet: machine plan (e.g. c3.small.x86). Packet is retired: nothing is generated.
   */
  plan?: string;
  serverClass?: Name7;
  /**
   * Proxmox: disks beyond the boot disk. CAPMOX v0.9 cannot attach disks (its Storage type has only bootVolume), so the VM template must carry them; a full clone copies them.
   *
   * @minItems 1
   */
  extraDisks?: [
    {
      /**
       * The Proxmox disk slot the VM template carries the disk on (scsiN or virtioN).
       */
      slot: string;
      /**
       * ceph: left raw for Rook Ceph OSDs. volume: formatted and mounted by Talos (a UserVolumeConfig).
       */
      purpose?: 'ceph' | 'volume';
    },
    ...{
      /**
       * The Proxmox disk slot the VM template carries the disk on (scsiN or virtioN).
       */
      slot: string;
      /**
       * ceph: left raw for Rook Ceph OSDs. volume: formatted and mounted by Talos (a UserVolumeConfig).
       */
      purpose?: 'ceph' | 'volume';
    }[]
  ];
}
/**
 * Kubernetes labels.
 */
export interface Labels {
  [k: string]: string | undefined;
}
export interface Taint {
  /**
   * Taint key.
   */
  key: string;
  /**
   * Taint value.
   */
  value?: string;
  /**
   * Taint effect.
   */
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}
/**
 * A registered bare-metal server bound to one machine of the pool.
 */
export interface BoundServer {
  /**
   * The Server resource's name (its SMBIOS UUID).
   */
  uuid: string;
  bmc?: {
    /**
     * BMC (IPMI/Redfish) address.
     */
    endpoint: string;
    credentialsSecret: Name;
  };
}
/**
 * One Talos patch: documents inline, or a file of them (one of the two).
 */
export interface TalosPatch {
  name: Name8;
  documents?: TalosPatchDocuments;
  file?: TalosPatchFile;
}
/**
 * How clients reach the Kubernetes API.
 */
export interface Endpoint {
  /**
   * vip: a shared L2 address on the control planes. dns: a name that resolves to the control planes or a load balancer. address: a fixed address (a single control plane, an external load balancer, or an address announced over BGP). provider: the infrastructure provider assigns it.
   */
  mode: 'vip' | 'dns' | 'address' | 'provider';
  vip?: Ipv4;
  host?: Hostname;
  /**
   * API server port.
   */
  port?: number;
  /**
   * Extra names and addresses in the API server certificate.
   */
  extraCertSANs?: string[];
  address?: IpAddress;
}
/**
 * Cluster networks; gateway, nameservers and time servers are defaults for every node.
 */
export interface Network {
  nodeCidr?: Cidr;
  podCidr: Cidr;
  serviceCidr: Cidr;
  gateway?: IpAddress;
  nameservers?: IpAddress[];
  timeServers?: string[];
}
/**
 * Talos settings for every node of the cluster.
 */
export interface Talos {
  version?: TalosVersion;
  /**
   * Machine-config contract version (default: the Talos minor).
   */
  contract?: string;
  schematic?: Schematic;
  installDisk?: Disk;
  kubespan?: {
    enabled: boolean;
  };
  /**
   * Registry host → mirror endpoints.
   */
  registryMirrors?: {
    /**
     * @minItems 1
     */
    [k: string]: [string, ...string[]] | undefined;
  };
  sysctls?: {
    [k: string]: string | undefined;
  };
  kernelModules?: KernelModule[];
  /**
   * Your own Talos patches (the escape hatch for what the spec does not model), for every machine or, with role, for control planes or workers only. Merged in this order after all of orrery's documents, then each node's or pool's own patches.
   */
  patches?: TalosClusterPatch[];
}
/**
 * Image Factory schematic: what goes into the installer image.
 */
export interface Schematic {
  /**
   * Official system extensions.
   */
  extensions?: string[];
  extraKernelArgs?: string[];
  overlay?: {
    name: string;
    /**
     * Overlay image, e.g. siderolabs/sbc-raspberrypi.
     */
    image: string;
  };
}
/**
 * A disk by path or by selector.
 */
export interface Disk {
  /**
   * Device path, e.g. /dev/sda.
   */
  path?: string;
  selector?: DiskSelector;
}
/**
 * Match a disk by its properties instead of its path.
 */
export interface DiskSelector {
  /**
   * Size match, e.g. '>= 100GB', '<= 2TB' or '500GB'.
   */
  size?: string;
  model?: string;
  serial?: string;
  wwid?: string;
  type?: 'ssd' | 'hdd' | 'nvme' | 'sd';
  busPath?: string;
}
export interface KernelModule {
  name: string;
  parameters?: string[];
}
/**
 * One Talos patch for the cluster's machines: documents inline, or a file of them (one of the two).
 */
export interface TalosClusterPatch {
  name: Name9;
  /**
   * Only for machines of this role (default: every machine).
   */
  role?: 'controlplane' | 'worker';
  documents?: TalosPatchDocuments;
  file?: TalosPatchFile;
}
export interface Kubernetes {
  version?: KubernetesVersion;
  allowSchedulingOnControlPlanes?: boolean;
}
/**
 * A machine provisioned with talosctl. maintenanceAddress: where the node listens before its config is applied (talosctl apply-config --insecure), when that differs from its configured address. reservedAddress: with dhcp, the address the DHCP server reserves for it. schematic, installDisk: replace the cluster's talos.schematic / talos.installDisk for this node.
 */
export interface Node {
  name: Name;
  role: 'controlplane' | 'worker';
  /**
   * The link that carries the node's addresses, default route and (control planes) the API VIP, by name: a physical link (enp0s17), the bond, or a declared VLAN (bond0.42). Default with a bond: the bond.
   */
  interface?: string;
  interfaceSelector?: InterfaceSelector;
  dhcp?: boolean;
  reservedAddress?: IpAddress;
  /**
   * Static addresses with prefix.
   */
  addresses?: InterfaceAddress[];
  maintenanceAddress?: IpAddress;
  gateway?: IpAddress;
  routes?: Route[];
  nameservers?: IpAddress[];
  installDisk?: Disk;
  dataDisks?: DataDisk[];
  schematic?: Schematic;
  labels?: Labels;
  taints?: Taint[];
  bond?: Bond;
  vlans?: Vlan[];
  /**
   * Your own Talos patches for this node, merged last (after orrery's documents and the cluster's talos.patches).
   */
  patches?: TalosPatch[];
}
export interface InterfaceSelector {
  hardwareAddr?: string;
  driver?: string;
  busPath?: string;
}
export interface Route {
  network: Cidr;
  gateway?: IpAddress;
  metric?: number;
}
/**
 * A disk other than the install disk.
 */
export interface DataDisk {
  path?: string;
  selector?: DiskSelector;
  /**
   * ceph: left raw for Rook Ceph OSDs. volume: formatted and mounted by Talos.
   */
  purpose?: 'ceph' | 'volume';
  /**
   * Wipe the disk once before first use (a runner step).
   */
  wipe?: boolean;
}
/**
 * A bond (link aggregation) of the node's links: one of interfaces or interfaceSelectors. The node's addresses go on the bond (the default interface) or on a VLAN on it, never on a member.
 */
export interface Bond {
  /**
   * The bond link's name (a kernel name: at most 15 characters, no dot).
   */
  name?: string;
  /**
   * Member links by name, e.g. [eno1, eno2].
   *
   * @minItems 1
   */
  interfaces?: [string, ...string[]];
  /**
   * Member links by hardware; each selector must match exactly one link (a Talos LinkAliasConfig per member).
   *
   * @minItems 1
   */
  interfaceSelectors?: [InterfaceSelector, ...InterfaceSelector[]];
  /**
   * Bonding mode, e.g. 802.3ad (LACP: the switch ports form a link aggregation group) or active-backup (no switch configuration).
   */
  mode:
    'balance-rr' | 'active-backup' | 'balance-xor' | 'broadcast' | '802.3ad' | 'balance-tlb' | 'balance-alb';
  lacpRate?: 'slow' | 'fast';
  xmitHashPolicy?: 'layer2' | 'layer3+4' | 'layer2+3' | 'encap2+3' | 'encap3+4';
  /**
   * Link monitoring interval in ms (802.3ad default: 100).
   */
  miimon?: number;
  /**
   * ms before a recovered member is used (802.3ad default: 200).
   */
  updelay?: number;
  /**
   * ms before a failed member is dropped (802.3ad default: 200).
   */
  downdelay?: number;
  mtu?: number;
}
/**
 * A tagged VLAN link on a parent link. Name it in interface (e.g. bond0.42) to carry the node's addresses, default route and, on control planes, the API VIP.
 */
export interface Vlan {
  /**
   * VLAN id (802.1Q: 1-4094).
   */
  id: number;
  /**
   * The parent link (default: the node's bond).
   */
  link?: string;
  /**
   * The VLAN link's name (default: <link>.<id>, e.g. bond0.42; at most 15 characters).
   */
  name?: string;
  /**
   * Static addresses of a VLAN that is not the node's interface (the interface's are the node's addresses).
   */
  addresses?: InterfaceAddress[];
  /**
   * DHCPv4 on a VLAN that is not the node's interface.
   */
  dhcp?: boolean;
  mtu?: number;
}
export interface Cni {
  /**
   * cilium: orrery installs it. flannel: Talos's default CNI. none: bring your own.
   */
  name: 'cilium' | 'flannel' | 'none';
  cilium?: Cilium;
}
/**
 * Cilium as the CNI. The Talos-specific settings (KubePrism host/port, cgroup, capabilities, IPAM mode) are derived, not configured. namespace defaults to kube-system.
 */
export interface Cilium {
  namespace?: Name;
  version?: ChartVersion;
  kubeProxyReplacement?: boolean;
  hubble?: {
    relay?: boolean;
    ui?: boolean;
  };
  ingressController?: {
    enabled?: boolean;
    loadbalancerMode?: 'dedicated' | 'shared';
  };
  /**
   * Cilium as a Gateway API controller.
   */
  gatewayApi?: boolean;
  l2Announcements?: boolean;
  bgpControlPlane?: boolean;
  k8sClientRateLimit?: {
    qps?: number;
    burst?: number;
  };
  /**
   * How this cluster's clustermesh-apiserver is exposed (when it is in a mesh group).
   */
  clusterMesh?: {
    apiserver?: {
      serviceType?: 'LoadBalancer' | 'NodePort';
      loadBalancerIP?: IpAddress;
      nodePort?: number;
    };
  };
}
/**
 * LoadBalancer Services: Cilium LB IPAM or MetalLB, announced over L2 and/or BGP.
 */
export interface LoadBalancing {
  provider: 'cilium' | 'metallb' | 'none';
  pools?: LbPool[];
  l2?: {
    enabled?: boolean;
    interfaces?: string[];
    pools?: Name[];
  };
  bgp?: Bgp;
}
/**
 * Addresses for LoadBalancer Services; anycast names a constellation anycast address instead.
 */
export interface LbPool {
  name: Name;
  /**
   * @minItems 1
   */
  addresses?: [AddressRange, ...AddressRange[]];
  anycast?: Name;
  autoAssign?: boolean;
}
export interface Bgp {
  localASN?: number;
  /**
   * @minItems 1
   */
  peers?: [BgpPeer, ...BgpPeer[]];
  /**
   * Pools announced (default: all).
   */
  pools?: Name[];
  nodeSelector?: Labels;
}
/**
 * A BGP neighbour. routeVia adds a Talos static route to the peer through that gateway (peers that are not on-link).
 */
export interface BgpPeer {
  name: Name;
  address: IpAddress;
  asn?: number;
  /**
   * Where the BGP session password lives (a SOPS-encrypted Secret).
   */
  password?: {
    secret: Name;
    key?: string;
  };
  bfd?: boolean;
  ebgpMultiHop?: number;
  /**
   * Add a Talos static route to the peer (for peers that are not on-link): through this gateway address, or `node-gateway` for each node's own default gateway.
   */
  routeVia?: string;
}
/**
 * Platform components installed through the GitOps engine.
 */
export interface Components {
  certManager?: CertManager;
  externalDns?: ExternalDns;
  metricsServer?: Toggle;
  rookCeph?: RookCeph;
  linkerd?: Linkerd;
  gatewayApi?: GatewayApi;
  ingress?: Ingress;
}
export interface CertManager {
  enabled?: boolean;
  version?: ChartVersion;
  acme?: {
    email: string;
    server?: string;
    dns01?: {
      provider: 'google' | 'cloudflare' | 'route53';
      project?: string;
      credentialsSecret?: Name;
    };
  };
  namespace?: Name;
  releaseName?: Name;
  /**
   * Extra Helm values merged over orrery's; every key is checked against the chart's values.yaml when the component is compiled.
   */
  values?: {};
}
/**
 * external-dns: records for Services and Gateway/Ingress routes in the provider's zones, owned through TXT records by the cluster name.
 */
export interface ExternalDns {
  enabled?: boolean;
  version?: ChartVersion;
  /**
   * DNS provider: Google Cloud DNS, Cloudflare, or AWS Route 53.
   */
  provider?: 'google' | 'cloudflare' | 'route53';
  /**
   * google: the Cloud DNS project (--google-project), required outside Google Cloud.
   */
  project?: string;
  /**
   * route53: the AWS region the SDK signs requests for (AWS_DEFAULT_REGION, default us-east-1).
   */
  region?: string;
  domainFilters?: Hostname[];
  /**
   * Kubernetes objects external-dns makes records for (default: service and ingress, plus gateway-httproute and gateway-grpcroute when components.gatewayApi is enabled).
   *
   * @minItems 1
   */
  sources?: [
    'service' | 'ingress' | 'gateway-httproute' | 'gateway-grpcroute' | 'gateway-tlsroute',
    ...('service' | 'ingress' | 'gateway-httproute' | 'gateway-grpcroute' | 'gateway-tlsroute')[]
  ];
  credentialsSecret?: Name10;
  namespace?: Name;
  releaseName?: Name;
  /**
   * Extra Helm values merged over orrery's; every key is checked against the chart's values.yaml when the component is compiled.
   */
  values?: {};
}
/**
 * A component that is on or off (metrics-server: with Talos's kubelet serving-certificate rotation and a CSR approver).
 */
export interface Toggle {
  enabled?: boolean;
  version?: ChartVersion;
  namespace?: Name;
  releaseName?: Name;
  /**
   * Extra Helm values merged over orrery's; every key is checked against the chart's values.yaml when the component is compiled.
   */
  values?: {};
}
/**
 * Rook Ceph: the operator and the cluster charts, OSDs on the disks with purpose ceph, a replicated block pool and its StorageClass.
 */
export interface RookCeph {
  enabled?: boolean;
  version?: ChartVersion;
  cluster?: {
    /**
     * false: only the nodes that declare disks with purpose ceph, each with those disks. true: every node, with the same ceph disks (Cluster API clusters: their extra disks).
     */
    useAllNodes?: boolean;
    /**
     * Ceph monitors (default 3, or 1 when fewer than 3 nodes can hold one); at most one per node.
     */
    monCount?: number;
    /**
     * Replicas of the block pool (failure domain host; default 3, or the number of OSD hosts when fewer).
     */
    replicas?: number;
    dashboard?: boolean;
    /**
     * The block pool's StorageClass (ceph-block) is the cluster's default class.
     */
    defaultStorageClass?: boolean;
  };
  namespace?: Name;
  releaseName?: Name;
  /**
   * Extra Helm values merged over orrery's; every key is checked against the chart's values.yaml when the component is compiled.
   */
  values?: {};
}
export interface Linkerd {
  enabled?: boolean;
  version?: ChartVersion;
  highAvailability?: boolean;
  proxyInitRunAsRoot?: boolean;
  /**
   * The linkerd-viz extension (dashboard, tap, metrics) after the control plane.
   */
  viz?: boolean;
  namespace?: Name;
  releaseName?: Name;
  /**
   * Extra Helm values merged over orrery's; every key is checked against the chart's values.yaml when the component is compiled.
   */
  values?: {};
}
/**
 * The Gateway API CRDs, from the upstream repository at a pinned tag, applied before every controller that needs them (Linkerd, Cilium gatewayAPI, Envoy Gateway, Contour, external-dns Gateway sources).
 */
export interface GatewayApi {
  enabled?: boolean;
  /**
   * The kubernetes-sigs/gateway-api release tag whose CRDs are applied (default v1.6.1).
   */
  version?: string;
  /**
   * standard: the GA resources (config/crd). experimental: also the alpha resources (config/crd/experimental); upstream refuses to install experimental CRDs over standard ones.
   */
  channel?: 'standard' | 'experimental';
}
export interface Ingress {
  /**
   * The controller that takes traffic into the cluster; orrery emits its GatewayClass and a Gateway named "ingress" whose Service takes its address from loadBalancerPool. cilium: Cilium's Gateway API (with components.gatewayApi) or else its Ingress controller. ingress-nginx was retired in March 2026 and is refused.
   */
  controller: 'cilium' | 'envoy-gateway' | 'contour' | 'ingress-nginx' | 'none';
  version?: ChartVersion;
  loadBalancerPool?: Name11;
  namespace?: Name;
  releaseName?: Name;
  /**
   * Extra Helm values merged over orrery's; every key is checked against the chart's values.yaml when the component is compiled.
   */
  values?: {};
}
export interface Namespace {
  name: Name;
  /**
   * Pod Security Admission levels (labels pod-security.kubernetes.io/*).
   */
  podSecurity?: {
    enforce?: 'privileged' | 'baseline' | 'restricted';
    audit?: 'privileged' | 'baseline' | 'restricted';
    warn?: 'privileged' | 'baseline' | 'restricted';
  };
  labels?: Labels;
  annotations?: {
    [k: string]: string | undefined;
  };
}
/**
 * Network-policy intent for one namespace.
 */
export interface NetworkPolicy {
  namespace: Name;
  defaultDeny?: ('ingress' | 'egress')[];
  /**
   * Allow egress to CoreDNS on 53/udp and 53/tcp.
   */
  allowDns?: boolean;
  allow?: PolicyRule[];
}
/**
 * Allow traffic to (ingress) or from (egress) the selected pods.
 */
export interface PolicyRule {
  name: Name;
  direction: 'ingress' | 'egress';
  pods?: Labels;
  /**
   * Empty or absent: any peer.
   */
  peers?: Peer[];
  ports?: Port[];
}
/**
 * Who is on the other side. Empty: anywhere.
 */
export interface Peer {
  namespace?: Name;
  pods?: Labels;
  cidr?: Cidr;
  /**
   * DNS name (Cilium only).
   */
  fqdn?: string;
  cluster?: Name;
}
export interface Port {
  /**
   * Port number or named port.
   */
  port: number | string;
  endPort?: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}
