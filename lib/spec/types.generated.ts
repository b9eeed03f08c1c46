/* Generated from schemas/orrery.schema.json by `npm run gen:types`. Do not edit: change the schema. */

export type SpecDocument = Constellation | Cluster;
/**
 * Name of the fleet: shown in the docs; a hub's Argo CD ApplicationSet is named after it.
 */
export type Name = string;
/**
 * Namespace Argo CD runs in (default argocd).
 */
export type Name1 = string;
/**
 * AppProject of the generated Applications (default default).
 */
export type Name2 = string;
/**
 * Name of a Secret in flux-system with the `token` (and/or `address`) that you create; orrery never writes it into git.
 */
export type Name3 = string;
/**
 * Talos release of the installer image; it also picks the machine-config contract unless talos.contract does (default v1.13.9).
 */
export type TalosVersion = string;
/**
 * Kubernetes release; checked against the releases the Talos version supports (default 1.36.2).
 */
export type KubernetesVersion = string;
/**
 * Cilium chart version (the 1.18 charts are supported too) (default 1.19.5).
 */
export type ChartVersion = string;
/**
 * MetalLB chart version (default 0.16.1).
 */
export type ChartVersion1 = string;
/**
 * cert-manager chart version (default v1.21.1).
 */
export type ChartVersion2 = string;
/**
 * external-dns chart version (default 1.21.1).
 */
export type ChartVersion3 = string;
/**
 * metrics-server chart version (default 3.13.1).
 */
export type ChartVersion4 = string;
/**
 * Rook Ceph chart version (the operator and the cluster chart) (default v1.20.6).
 */
export type ChartVersion5 = string;
/**
 * Linkerd chart version (the CRDs, the control plane and viz) (default edge-26.8.3).
 */
export type ChartVersion6 = string;
/**
 * kubernetes-sigs/gateway-api release tag of the CRDs (default v1.6.1).
 */
export type ChartVersion7 = string;
/**
 * Contour chart version (default 0.7.0).
 */
export type ChartVersion8 = string;
/**
 * Envoy Gateway chart version (gateway-helm) (default v1.9.0).
 */
export type ChartVersion9 = string;
/**
 * alex1989hu/kubelet-serving-cert-approver release tag, installed with metrics-server (default v0.11.0).
 */
export type ChartVersion10 = string;
/**
 * Name of the mesh group; the CA its members share is made for it.
 */
export type Name4 = string;
/**
 * A cluster of the constellation (its name).
 */
export type Name5 = string;
/**
 * Name of the address; a load-balancer pool refers to it with anycast: <name>.
 */
export type Name6 = string;
/**
 * The shared address, announced as a host route (/32 or /128) over BGP by every cluster listed.
 */
export type IpAddress = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name7 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name8 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name9 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name10 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name11 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name12 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name13 = string;
/**
 * A CIDR (10.0.0.0/28) or an inclusive range (10.0.0.10-10.0.0.20).
 */
export type AddressRange = string;
/**
 * The machines' default gateway, inside their network and outside the addresses.
 */
export type Ipv4 = string;
/**
 * An IPv4 or IPv6 address.
 */
export type IpAddress1 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name14 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name15 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name16 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name17 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name18 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name19 = string;
/**
 * Talos documents inline (one of documents or file): a v1alpha1 partial (machine:, cluster:) and typed documents (apiVersion: v1alpha1, kind: ...).
 *
 * @minItems 1
 */
export type TalosPatchDocuments = [{}, ...{}[]];
/**
 * A YAML file of Talos documents next to the spec (one of documents or file), e.g. patches/audit.yaml: relative to the spec directory, never outside it.
 */
export type TalosPatchFile = string;
/**
 * mode vip: the shared IPv4 address on the control planes' subnet, free (no node's, not the gateway, not a pool's).
 */
export type Ipv41 = string;
/**
 * mode dns: the DNS name clients use; it resolves to the control planes or a load balancer in front of them.
 */
export type Hostname = string;
/**
 * An IPv4 or IPv6 address.
 */
export type IpAddress2 = string;
/**
 * The nodes' network; node addresses (with this prefix), the VIP, the gateway and L2 pools are checked against it. Derived from the nodes' addresses when they all share one.
 */
export type Cidr = string;
/**
 * The pod network (Kubernetes cluster CIDR); disjoint from the node and service networks and from every mesh peer's pod network.
 */
export type Cidr1 = string;
/**
 * The Service network (service cluster IP range); disjoint from the node and pod networks.
 */
export type Cidr2 = string;
/**
 * An IPv4 or IPv6 address.
 */
export type IpAddress3 = string;
/**
 * Talos release of this cluster (default: versions.talos, then v1.13.9).
 */
export type TalosVersion1 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name20 = string;
/**
 * Talos documents inline (one of documents or file): a v1alpha1 partial (machine:, cluster:) and typed documents (apiVersion: v1alpha1, kind: ...).
 *
 * @minItems 1
 */
export type TalosPatchDocuments1 = [{}, ...{}[]];
/**
 * A YAML file of Talos documents next to the spec (one of documents or file), e.g. patches/audit.yaml: relative to the spec directory, never outside it.
 */
export type TalosPatchFile1 = string;
/**
 * Kubernetes release of this cluster (default: versions.kubernetes, then 1.36.2); one the cluster's Talos supports.
 */
export type KubernetesVersion1 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name21 = string;
/**
 * An IPv4 or IPv6 address.
 */
export type IpAddress4 = string;
/**
 * An address with its prefix length, e.g. 192.168.42.201/24.
 */
export type InterfaceAddress = string;
/**
 * An IPv4 or IPv6 address.
 */
export type IpAddress5 = string;
/**
 * An IPv4 or IPv6 address.
 */
export type IpAddress6 = string;
/**
 * Destination network (0.0.0.0/0 for a default route).
 */
export type Cidr3 = string;
/**
 * An IPv4 or IPv6 address.
 */
export type IpAddress7 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name22 = string;
/**
 * Cilium chart version (default: versions.cilium).
 */
export type ChartVersion11 = string;
/**
 * An IPv4 or IPv6 address.
 */
export type IpAddress8 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name23 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name24 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name25 = string;
/**
 * An IPv4 or IPv6 address.
 */
export type IpAddress9 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name26 = string;
/**
 * Chart version (default: versions.certManager).
 */
export type ChartVersion12 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name27 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name28 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name29 = string;
/**
 * Chart version (default: versions.externalDns).
 */
export type ChartVersion13 = string;
/**
 * A DNS name.
 */
export type Hostname1 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name30 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name31 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name32 = string;
/**
 * Chart version (default: versions.<component>).
 */
export type ChartVersion14 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name33 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name34 = string;
/**
 * Chart version (default: versions.rookCeph).
 */
export type ChartVersion15 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name35 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name36 = string;
/**
 * Chart version (default: versions.linkerd).
 */
export type ChartVersion16 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name37 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name38 = string;
/**
 * Chart version of envoy-gateway or contour (default: versions.<controller>).
 */
export type ChartVersion17 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name39 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name40 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name41 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name42 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name43 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name44 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name45 = string;
/**
 * Addresses in this network.
 */
export type Cidr4 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name46 = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', 1-63 characters, starting and ending with a letter or digit. Names become directory and file names in a repository that is checked out on Linux, macOS and Windows, so '/', '.' and '..' are refused, and so are the Windows device names con, prn, aux, nul, com0-com9 and lpt0-lpt9 (a file or directory of that name, with any extension, cannot exist on Windows).
 */
export type Name47 = string;

/**
 * The fleet: GitOps repository, default versions, secrets recipients and cross-cluster wiring.
 */
export interface Constellation {
  /**
   * Always orrery.dev/v1alpha1.
   */
  apiVersion: 'orrery.dev/v1alpha1';
  /**
   * Constellation: the one fleet-wide file of the spec directory.
   */
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
/**
 * The GitOps engine and the repository it reads.
 */
export interface GitOps {
  /**
   * The GitOps engine that reconciles the output.
   */
  engine?: 'flux' | 'argocd';
  repository: GitRepository;
  argocd?: ArgoCd;
  flux?: Flux;
}
/**
 * The repository the engine clones, its branch, and where orrery's output sits in it.
 */
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
   * Where orrery's output directory sits inside the repository, relative to its root (the Flux Kustomization paths and Argo CD Application paths start here). No `..`: the engine reads only the repository.
   */
  path?: string;
}
/**
 * Argo CD settings; only with engine argocd.
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
 * Flux settings; only with engine flux.
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
 * Default versions for every cluster; a cluster's own versions win.
 */
export interface Versions {
  talos?: TalosVersion;
  kubernetes?: KubernetesVersion;
  cilium?: ChartVersion;
  metallb?: ChartVersion1;
  certManager?: ChartVersion2;
  externalDns?: ChartVersion3;
  metricsServer?: ChartVersion4;
  rookCeph?: ChartVersion5;
  linkerd?: ChartVersion6;
  gatewayApi?: ChartVersion7;
  contour?: ChartVersion8;
  envoyGateway?: ChartVersion9;
  kubeletServingCertApprover?: ChartVersion10;
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
/**
 * The age recipients secrets are encrypted to; required once the spec needs a secret.
 */
export interface Sops {
  /**
   * Who can decrypt the secrets orrery stores: age public keys (age-keygen -y prints one). Never a secret key.
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
  name: Name4;
  /**
   * Clusters meshed with each other; every pair of members connects.
   *
   * @minItems 2
   */
  members: [MeshMember, MeshMember, ...MeshMember[]];
}
/**
 * A member of a ClusterMesh group.
 */
export interface MeshMember {
  cluster: Name5;
  /**
   * Cilium ClusterMesh cluster.id (1-255). Pin it; orrery allocates and reports one otherwise.
   */
  id?: number;
}
/**
 * One address announced by several clusters (global anycast ingress).
 */
export interface Anycast {
  name: Name6;
  address: IpAddress;
  /**
   * Clusters that announce this address over BGP.
   *
   * @minItems 1
   */
  clusters: [Name7, ...Name7[]];
  /**
   * The LoadBalancer Service that gets the address (default: the ingress controller).
   */
  service?: {
    namespace: Name8;
    name: Name9;
  };
}
/**
 * A management cluster and the workload clusters whose Cluster API objects it holds.
 */
export interface Management {
  cluster: Name10;
  /**
   * Workload clusters whose Cluster API objects live on this management cluster.
   *
   * @minItems 1
   */
  manages: [Name7, ...Name7[]];
}
/**
 * One Talos Kubernetes cluster.
 */
export interface Cluster {
  /**
   * Always orrery.dev/v1alpha1.
   */
  apiVersion: 'orrery.dev/v1alpha1';
  /**
   * Cluster: one file per cluster.
   */
  kind: 'Cluster';
  name: Name11;
  /**
   * Free text shown in the generated docs.
   */
  description?: string;
  /**
   * standalone: a cluster on its own. management: runs Cluster API for workload clusters. workload: created by a management cluster.
   */
  role: 'management' | 'workload' | 'standalone';
  /**
   * Where the cluster runs (free text shown in docs).
   */
  site?: string;
  provisioning: Provisioning;
  endpoint: Endpoint;
  network: Network;
  versions?: Versions1;
  talos?: Talos;
  kubernetes?: Kubernetes;
  /**
   * Machines provisioned with talosctl.
   */
  nodes?: Node[];
  cni?: Cni;
  loadBalancing?: LoadBalancing;
  components?: Components;
  /**
   * Namespaces of the cluster, with Pod Security levels.
   */
  namespaces?: Namespace[];
  /**
   * Network policies from intent, per namespace.
   */
  networkPolicies?: NetworkPolicy[];
  /**
   * Your own kustomize directories, reconciled after the platform (the apps layer).
   */
  apps?: App[];
}
/**
 * How the machines get their Talos configuration.
 */
export interface Provisioning {
  /**
   * talosctl: existing machines receive their config with talosctl. cluster-api: a management cluster creates the machines.
   */
  method: 'talosctl' | 'cluster-api';
  clusterApi?: ClusterApi;
}
/**
 * Cluster API settings (method cluster-api): the provider and the machine pools. Compiled into the Cluster API objects its management cluster reconciles (see README "Cluster API").
 */
export interface ClusterApi {
  /**
   * The infrastructure provider: proxmox (CAPMOX), sidero (Sidero Metal, in maintenance: a warning) or packet (Equinix Metal, retired: a warning and no output).
   */
  provider: 'proxmox' | 'packet' | 'sidero';
  namespace?: Name12;
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
/**
 * Proxmox VE settings (provider proxmox): the VM template, the nodes, the address pool, the credentials.
 */
export interface ProxmoxProvider {
  credentialsSecret?: Name13;
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
     * VM id of the template (a Talos NoCloud image of the cluster's version and schematic; the cluster-api README names the Image Factory image).
     */
    templateId: number;
    /**
     * The template's boot disk slot, which CAPMOX resizes to machine.diskGiB.
     */
    bootDisk?: string;
  };
  /**
   * Addresses CAPMOX hands to machines (through the in-cluster IPAM provider), with the prefix and gateway of their network: the node network.
   */
  ipv4Pool: {
    /**
     * Ranges or networks of machine addresses; one per machine plus one per pool while it rolls. Keep the VIP, the gateway and load-balancer pools out.
     *
     * @minItems 1
     */
    addresses: [AddressRange, ...AddressRange[]];
    /**
     * Prefix length of the machines' network (the prefix of network.nodeCidr).
     */
    prefix: number;
    gateway: Ipv4;
  };
  /**
   * Name servers CAPMOX writes into each machine's network config (default: network.nameservers).
   */
  dnsServers?: IpAddress1[];
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
 * @deprecated
 * Equinix Metal settings (provider packet). Retired: nothing is generated from them.
 */
export interface PacketProvider {
  /**
   * @deprecated
   * Equinix Metal project id.
   */
  projectId: string;
  /**
   * @deprecated
   * Metro code, e.g. ams.
   */
  metro: string;
  /**
   * @deprecated
   * Who manages the control-plane VIP.
   */
  vipManager?: 'CPEM' | 'KUBE_VIP' | 'EMLB';
}
/**
 * Sidero Metal settings (provider sidero): the server class, the Environment servers boot, the metadata server.
 */
export interface SideroProvider {
  serverClass?: Name14;
  environment?: Name15;
  /**
   * Sidero's address as the servers reach it: where they fetch their Talos config (the kernel argument talos.config=<url>/configdata?uuid=) and register; also Sidero's API endpoint for clusterctl init.
   */
  metadataServerUrl?: string;
}
/**
 * A set of identical machines Cluster API keeps at its replica count: the control plane (one TalosControlPlane) or a worker pool (a MachineDeployment with a health check).
 */
export interface MachinePool {
  name: Name16;
  /**
   * controlplane: the one control-plane pool (etcd and the API server); worker: a worker pool. One controlplane pool per cluster.
   */
  role: 'controlplane' | 'worker';
  /**
   * Machines in the pool. Changing it scales the pool and rolls nothing; an odd number of control planes keeps etcd's quorum.
   */
  replicas: number;
  machine?: MachineTemplate;
  labels?: Labels;
  /**
   * Node taints on the pool's machines (in their Talos config). A change rolls the pool.
   */
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
 * The provider's machine settings (Proxmox: cores, sockets, memory, disks; Sidero: the server class). A change makes a new machine template and rolls the pool.
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
   * @deprecated
   * Packet: machine plan (e.g. c3.small.x86). Packet is retired: nothing is generated.
   */
  plan?: string;
  serverClass?: Name17;
  /**
   * Proxmox: disks beyond the boot disk. CAPMOX v0.9 cannot attach disks (its Storage type has only bootVolume), so the VM template must carry them; a full clone copies them.
   *
   * @minItems 1
   *
   * Items: One disk of the VM template besides its boot disk.
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
 * Node labels on the pool's machines (in their Talos config). A change rolls the pool.
 */
export interface Labels {
  [k: string]: string | undefined;
}
/**
 * A Kubernetes node taint: pods without a matching toleration stay off the node (NoSchedule, PreferNoSchedule) or are evicted from it (NoExecute).
 */
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
  /**
   * The server's BMC, which Sidero uses to power-cycle and PXE-boot it; set it and Sidero skips its own BMC set-up.
   */
  bmc?: {
    /**
     * BMC (IPMI/Redfish) address.
     */
    endpoint: string;
    credentialsSecret: Name18;
  };
}
/**
 * One Talos patch: documents inline, or a file of them (one of the two).
 */
export interface TalosPatch {
  name: Name19;
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
  vip?: Ipv41;
  host?: Hostname;
  /**
   * API server port.
   */
  port?: number;
  /**
   * Extra names and addresses in the API server certificate.
   */
  extraCertSANs?: string[];
  address?: IpAddress2;
}
/**
 * The node, pod and Service networks, and defaults for every node.
 */
export interface Network {
  nodeCidr?: Cidr;
  podCidr: Cidr1;
  serviceCidr: Cidr2;
  gateway?: IpAddress3;
  /**
   * DNS resolvers of every node (a node's own nameservers win).
   */
  nameservers?: IpAddress1[];
  /**
   * NTP servers of every node (Talos's own default when empty).
   */
  timeServers?: string[];
}
/**
 * Versions for this cluster (over the constellation's).
 */
export interface Versions1 {
  talos?: TalosVersion;
  kubernetes?: KubernetesVersion;
  cilium?: ChartVersion;
  metallb?: ChartVersion1;
  certManager?: ChartVersion2;
  externalDns?: ChartVersion3;
  metricsServer?: ChartVersion4;
  rookCeph?: ChartVersion5;
  linkerd?: ChartVersion6;
  gatewayApi?: ChartVersion7;
  contour?: ChartVersion8;
  envoyGateway?: ChartVersion9;
  kubeletServingCertApprover?: ChartVersion10;
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
/**
 * Talos settings for every node.
 */
export interface Talos {
  version?: TalosVersion1;
  /**
   * Machine-config contract version (default: the Talos minor).
   */
  contract?: string;
  schematic?: Schematic;
  installDisk?: Disk;
  /**
   * KubeSpan: Talos's WireGuard mesh between the nodes.
   */
  kubespan?: {
    /**
     * Turn KubeSpan on.
     */
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
  /**
   * Kernel parameters of every node (values as strings).
   */
  sysctls?: {
    [k: string]: string | undefined;
  };
  /**
   * Kernel modules every node loads.
   */
  kernelModules?: KernelModule[];
  /**
   * Your own Talos patches (the escape hatch for what the spec does not model), for every machine or, with role, for control planes or workers only. Merged in this order after all of orrery's documents, then each node's or pool's own patches.
   */
  patches?: TalosClusterPatch[];
}
/**
 * What goes into every node's installer image (a node's own schematic wins).
 */
export interface Schematic {
  /**
   * Official system extensions.
   */
  extensions?: string[];
  /**
   * Extra kernel arguments baked into the image, one per item.
   */
  extraKernelArgs?: string[];
  /**
   * A board overlay for a single-board computer (the Image Factory's overlays): its images are for arm64.
   */
  overlay?: {
    /**
     * Overlay name, e.g. rpi_generic.
     */
    name: string;
    /**
     * Overlay image, e.g. siderolabs/sbc-raspberrypi.
     */
    image: string;
  };
}
/**
 * The disk Talos installs to on every node (a node's own installDisk wins).
 */
export interface Disk {
  /**
   * Device path, e.g. /dev/sda.
   */
  path?: string;
  selector?: DiskSelector;
}
/**
 * Choose the disk by its properties (model, serial, size, type, …) instead of its path.
 */
export interface DiskSelector {
  /**
   * Size match, e.g. '>= 100GB', '<= 2TB' or '500GB'.
   */
  size?: string;
  /**
   * Disk model as `talosctl get disks` shows it.
   */
  model?: string;
  /**
   * Disk serial number as `talosctl get disks` shows it.
   */
  serial?: string;
  /**
   * World Wide ID of the disk.
   */
  wwid?: string;
  /**
   * Kind of disk: ssd, hdd, nvme, or sd (an SD card).
   */
  type?: 'ssd' | 'hdd' | 'nvme' | 'sd';
  /**
   * Bus path of the disk (talosctl get disks), for machines with identical disks.
   */
  busPath?: string;
}
/**
 * A Linux kernel module every node loads at boot.
 */
export interface KernelModule {
  /**
   * Module name.
   */
  name: string;
  /**
   * Module parameters, e.g. usermode_helper=disabled.
   */
  parameters?: string[];
}
/**
 * One Talos patch for the cluster's machines: documents inline, or a file of them (one of the two).
 */
export interface TalosClusterPatch {
  name: Name20;
  /**
   * Only for machines of this role (default: every machine).
   */
  role?: 'controlplane' | 'worker';
  documents?: TalosPatchDocuments1;
  file?: TalosPatchFile1;
}
/**
 * Kubernetes settings.
 */
export interface Kubernetes {
  version?: KubernetesVersion1;
  /**
   * Let workloads run on the control planes (small clusters; Rook on every node).
   */
  allowSchedulingOnControlPlanes?: boolean;
}
/**
 * A machine provisioned with talosctl. maintenanceAddress: where the node listens before its config is applied (talosctl apply-config --insecure), when that differs from its configured address. reservedAddress: with dhcp, the address the DHCP server reserves for it. schematic, installDisk: replace the cluster's talos.schematic / talos.installDisk for this node.
 */
export interface Node {
  name: Name21;
  /**
   * controlplane: runs etcd and the API server (and announces the VIP). worker: runs workloads only.
   */
  role: 'controlplane' | 'worker';
  /**
   * The link that carries the node's addresses, default route and (control planes) the API VIP, by name: a physical link (enp0s17), the bond, or a declared VLAN (bond0.42). Default with a bond: the bond.
   */
  interface?: string;
  interfaceSelector?: InterfaceSelector;
  /**
   * Take the node's address from DHCP (on interface or interfaceSelector).
   */
  dhcp?: boolean;
  reservedAddress?: IpAddress4;
  /**
   * Static addresses with prefix.
   */
  addresses?: InterfaceAddress[];
  maintenanceAddress?: IpAddress5;
  gateway?: IpAddress6;
  /**
   * Static routes of this node.
   */
  routes?: Route[];
  /**
   * This node's DNS resolvers (default: network.nameservers).
   */
  nameservers?: IpAddress1[];
  installDisk?: Disk1;
  /**
   * Disks other than the install disk: left raw for Rook Ceph, or a volume Talos formats and mounts.
   */
  dataDisks?: DataDisk[];
  schematic?: Schematic1;
  labels?: Labels1;
  /**
   * Kubernetes taints of the node.
   */
  taints?: Taint[];
  bond?: Bond;
  /**
   * Tagged VLAN links of the node (default parent: its bond); one named in interface carries the node's addresses.
   */
  vlans?: Vlan[];
  /**
   * Your own Talos patches for this node, merged last (after orrery's documents and the cluster's talos.patches).
   */
  patches?: TalosPatch[];
}
/**
 * Choose the link by MAC, driver or bus path instead of interface (static addresses need one of the two).
 */
export interface InterfaceSelector {
  /**
   * MAC address of the link, or a prefix ending in *.
   */
  hardwareAddr?: string;
  /**
   * Kernel driver of the link, e.g. virtio_net or e1000e.
   */
  driver?: string;
  /**
   * Bus path of the link, e.g. 0000:00:03.0.
   */
  busPath?: string;
}
/**
 * A static route of the node.
 */
export interface Route {
  network: Cidr3;
  gateway?: IpAddress7;
  /**
   * Route priority: the lower wins.
   */
  metric?: number;
}
/**
 * The disk Talos installs to (default: talos.installDisk).
 */
export interface Disk1 {
  /**
   * Device path, e.g. /dev/sda.
   */
  path?: string;
  selector?: DiskSelector;
}
/**
 * A disk other than the install disk.
 */
export interface DataDisk {
  /**
   * Device path of the disk; a stable /dev/disk/by-id/… name survives reboots, a kernel name (/dev/sdb) may not.
   */
  path?: string;
  selector?: DiskSelector1;
  /**
   * ceph: left raw for Rook Ceph OSDs. volume: formatted and mounted by Talos.
   */
  purpose?: 'ceph' | 'volume';
  /**
   * Wipe the disk once before first use: `orrery up` runs `talosctl wipe disk` after the node is installed, once, with a typed confirmation (never on a disk that holds a running Rook OSD), and records it in its journal.
   */
  wipe?: boolean;
}
/**
 * Choose the disk by its properties instead of its path (for Rook Ceph: a serial or a model).
 */
export interface DiskSelector1 {
  /**
   * Size match, e.g. '>= 100GB', '<= 2TB' or '500GB'.
   */
  size?: string;
  /**
   * Disk model as `talosctl get disks` shows it.
   */
  model?: string;
  /**
   * Disk serial number as `talosctl get disks` shows it.
   */
  serial?: string;
  /**
   * World Wide ID of the disk.
   */
  wwid?: string;
  /**
   * Kind of disk: ssd, hdd, nvme, or sd (an SD card).
   */
  type?: 'ssd' | 'hdd' | 'nvme' | 'sd';
  /**
   * Bus path of the disk (talosctl get disks), for machines with identical disks.
   */
  busPath?: string;
}
/**
 * This node's image schematic (default: talos.schematic).
 */
export interface Schematic1 {
  /**
   * Official system extensions.
   */
  extensions?: string[];
  /**
   * Extra kernel arguments baked into the image, one per item.
   */
  extraKernelArgs?: string[];
  /**
   * A board overlay for a single-board computer (the Image Factory's overlays): its images are for arm64.
   */
  overlay?: {
    /**
     * Overlay name, e.g. rpi_generic.
     */
    name: string;
    /**
     * Overlay image, e.g. siderolabs/sbc-raspberrypi.
     */
    image: string;
  };
}
/**
 * Kubernetes labels of the node.
 */
export interface Labels1 {
  [k: string]: string | undefined;
}
/**
 * A bond of the node's links (talosctl clusters); the node's addresses go on it or on a VLAN on it.
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
  interfaceSelectors?: [InterfaceSelector1, ...InterfaceSelector1[]];
  /**
   * Bonding mode, e.g. 802.3ad (LACP: the switch ports form a link aggregation group) or active-backup (no switch configuration).
   */
  mode:
    'balance-rr' | 'active-backup' | 'balance-xor' | 'broadcast' | '802.3ad' | 'balance-tlb' | 'balance-alb';
  /**
   * How often the partner is asked for LACP frames in 802.3ad mode: slow (every 30 s, the kernel's default) or fast (every second).
   */
  lacpRate?: 'slow' | 'fast';
  /**
   * Which header fields choose the member a packet leaves on (balance-xor, 802.3ad, balance-tlb), e.g. layer3+4 to spread flows by IP and port.
   */
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
  /**
   * MTU of the bond (its members follow it), e.g. 9000 for jumbo frames.
   */
  mtu?: number;
}
/**
 * Choose the node's link by its hardware instead of its name (a Talos link alias).
 */
export interface InterfaceSelector1 {
  /**
   * MAC address of the link, or a prefix ending in *.
   */
  hardwareAddr?: string;
  /**
   * Kernel driver of the link, e.g. virtio_net or e1000e.
   */
  driver?: string;
  /**
   * Bus path of the link, e.g. 0000:00:03.0.
   */
  busPath?: string;
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
  /**
   * MTU of the VLAN link: at most its parent's.
   */
  mtu?: number;
}
/**
 * The network plugin (default cilium).
 */
export interface Cni {
  /**
   * cilium: orrery installs it. flannel: Talos's default CNI. none: bring your own.
   */
  name: 'cilium' | 'flannel' | 'none';
  cilium?: Cilium;
}
/**
 * Cilium's settings (cni.name cilium).
 */
export interface Cilium {
  namespace?: Name22;
  version?: ChartVersion11;
  /**
   * Cilium replaces kube-proxy (Talos's is turned off). Cilium's L2 announcements and Gateway API need it.
   */
  kubeProxyReplacement?: boolean;
  /**
   * Hubble, Cilium's network observability.
   */
  hubble?: {
    /**
     * The Hubble relay (flows of the whole cluster).
     */
    relay?: boolean;
    /**
     * The Hubble UI.
     */
    ui?: boolean;
  };
  /**
   * Cilium's Ingress controller (Kubernetes Ingress objects). components.ingress with controller cilium and no Gateway API turns it on; false then is refused.
   */
  ingressController?: {
    /**
     * Run Cilium's Ingress controller.
     */
    enabled?: boolean;
    /**
     * dedicated: a LoadBalancer Service per Ingress. shared: one Service (cilium-ingress) for every Ingress.
     */
    loadbalancerMode?: 'dedicated' | 'shared';
  };
  /**
   * Cilium as a Gateway API controller (GatewayClass cilium; needs components.gatewayApi). components.ingress with controller cilium and the Gateway API turns it on; false then is refused.
   */
  gatewayApi?: boolean;
  /**
   * How fast the Cilium agents may talk to the API server.
   */
  k8sClientRateLimit?: {
    /**
     * Requests per second.
     */
    qps?: number;
    /**
     * Burst above qps.
     */
    burst?: number;
  };
  /**
   * How this cluster's clustermesh-apiserver is exposed (when it is in a mesh group).
   */
  clusterMesh?: {
    /**
     * The clustermesh-apiserver Service the other members connect to.
     */
    apiserver?: {
      /**
       * LoadBalancer (with loadBalancerIP, from a pool) or NodePort (on the control planes' addresses).
       */
      serviceType?: 'LoadBalancer' | 'NodePort';
      loadBalancerIP?: IpAddress8;
      /**
       * NodePort: the port on the control planes (default 32379).
       */
      nodePort?: number;
    };
  };
}
/**
 * LoadBalancer Services: who assigns and announces their addresses.
 */
export interface LoadBalancing {
  /**
   * Who assigns and announces LoadBalancer addresses: cilium (LB IPAM), metallb, or none.
   */
  provider: 'cilium' | 'metallb' | 'none';
  /**
   * Address pools for LoadBalancer Services.
   */
  pools?: LbPool[];
  /**
   * Announcing pools over L2 (ARP/NDP) from one node at a time; only pools on the node subnet.
   */
  l2?: {
    /**
     * Announce over L2 (with Cilium this also turns on its L2 announcements).
     */
    enabled?: boolean;
    /**
     * Links to announce on (default: all).
     */
    interfaces?: string[];
    /**
     * Pools announced over L2 (default: all).
     */
    pools?: Name7[];
  };
  bgp?: Bgp;
}
/**
 * Addresses for LoadBalancer Services; anycast names a constellation anycast address instead.
 */
export interface LbPool {
  name: Name23;
  /**
   * Address ranges of the pool: CIDRs or first-last ranges; an L2-announced pool lies on the node subnet.
   *
   * @minItems 1
   */
  addresses?: [AddressRange, ...AddressRange[]];
  anycast?: Name24;
  /**
   * Services without a pool request may get addresses from it; false: only Services that ask for it (label orrery.dev/lb-pool or MetalLB's annotation).
   */
  autoAssign?: boolean;
}
/**
 * Announcing pools over BGP (with Cilium this also turns on its BGP control plane).
 */
export interface Bgp {
  /**
   * The cluster's AS number (required with BGP).
   */
  localASN?: number;
  /**
   * The routers the nodes peer with.
   *
   * @minItems 1
   */
  peers?: [BgpPeer, ...BgpPeer[]];
  /**
   * Pools announced (default: all).
   */
  pools?: Name7[];
  nodeSelector?: Labels2;
}
/**
 * A BGP neighbour. routeVia adds a Talos static route to the peer through that gateway (peers that are not on-link).
 */
export interface BgpPeer {
  name: Name25;
  address: IpAddress9;
  /**
   * The router's AS number (required).
   */
  asn?: number;
  /**
   * Where the TCP MD5 password of the session lives: a Secret you supply (npx orrery secrets --add) with the key password — in metallb-system (type kubernetes.io/basic-auth) for MetalLB, in kube-system for Cilium.
   */
  password?: {
    secret: Name26;
  };
  /**
   * Bidirectional Forwarding Detection on the session (MetalLB only).
   */
  bfd?: boolean;
  /**
   * eBGP TTL for a peer that is not on-link (default: derived from routeVia).
   */
  ebgpMultiHop?: number;
  /**
   * Add a Talos static route to the peer (for peers that are not on-link): through this gateway address, or `node-gateway` for each node's own default gateway.
   */
  routeVia?: string;
}
/**
 * Only nodes with these labels peer (default: every node).
 */
export interface Labels2 {
  [k: string]: string | undefined;
}
/**
 * Platform components delivered by the GitOps engine.
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
/**
 * cert-manager and an ACME ClusterIssuer.
 */
export interface CertManager {
  /**
   * Install cert-manager.
   */
  enabled?: boolean;
  version?: ChartVersion12;
  /**
   * An ACME ClusterIssuer named letsencrypt (Let's Encrypt by default).
   */
  acme?: {
    /**
     * Account email the ACME server sends expiry notices to.
     */
    email: string;
    /**
     * ACME directory URL (default Let's Encrypt production).
     */
    server?: string;
    /**
     * Solve challenges with DNS records at the provider (otherwise HTTP-01 through an Ingress).
     */
    dns01?: {
      /**
       * DNS provider: Google Cloud DNS, Cloudflare or AWS Route 53.
       */
      provider: 'google' | 'cloudflare' | 'route53';
      /**
       * google: the Google Cloud project of the zone (required).
       */
      project?: string;
      credentialsSecret?: Name27;
    };
  };
  namespace?: Name28;
  releaseName?: Name29;
  /**
   * Extra Helm values merged over orrery's; every key is checked against the chart's values.yaml when the component is compiled.
   */
  values?: {};
}
/**
 * external-dns: DNS records for Services and routes.
 */
export interface ExternalDns {
  /**
   * Install external-dns.
   */
  enabled?: boolean;
  version?: ChartVersion13;
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
  /**
   * Zones external-dns may change (default: every zone the credentials reach).
   */
  domainFilters?: Hostname1[];
  /**
   * Kubernetes objects external-dns makes records for (default: service and ingress, plus gateway-httproute and gateway-grpcroute when components.gatewayApi is enabled).
   *
   * @minItems 1
   */
  sources?: [
    'service' | 'ingress' | 'gateway-httproute' | 'gateway-grpcroute' | 'gateway-tlsroute',
    ...('service' | 'ingress' | 'gateway-httproute' | 'gateway-grpcroute' | 'gateway-tlsroute')[]
  ];
  credentialsSecret?: Name30;
  namespace?: Name31;
  releaseName?: Name32;
  /**
   * Extra Helm values merged over orrery's; every key is checked against the chart's values.yaml when the component is compiled.
   */
  values?: {};
}
/**
 * metrics-server, with kubelet serving-certificate rotation and its CSR approver.
 */
export interface Toggle {
  /**
   * Install the component.
   */
  enabled?: boolean;
  version?: ChartVersion14;
  namespace?: Name33;
  releaseName?: Name34;
  /**
   * Extra Helm values merged over orrery's; every key is checked against the chart's values.yaml when the component is compiled.
   */
  values?: {};
}
/**
 * Rook Ceph on the disks with purpose ceph.
 */
export interface RookCeph {
  /**
   * Install Rook Ceph.
   */
  enabled?: boolean;
  version?: ChartVersion15;
  /**
   * The CephCluster: which nodes and disks, monitors, replicas.
   */
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
    /**
     * The Ceph dashboard.
     */
    dashboard?: boolean;
    /**
     * The block pool's StorageClass (ceph-block) is the cluster's default class.
     */
    defaultStorageClass?: boolean;
  };
  namespace?: Name35;
  releaseName?: Name36;
  /**
   * Extra Helm values merged over orrery's; every key is checked against the chart's values.yaml when the component is compiled.
   */
  values?: {};
}
/**
 * The Linkerd service mesh.
 */
export interface Linkerd {
  /**
   * Install Linkerd.
   */
  enabled?: boolean;
  version?: ChartVersion16;
  /**
   * The charts' HA values (three replicas, pod anti-affinity, resource requests).
   */
  highAvailability?: boolean;
  /**
   * Run proxy-init as root (some kernels need it for iptables).
   */
  proxyInitRunAsRoot?: boolean;
  /**
   * The linkerd-viz extension (dashboard, tap, metrics) after the control plane.
   */
  viz?: boolean;
  namespace?: Name37;
  releaseName?: Name38;
  /**
   * Extra Helm values merged over orrery's; every key is checked against the chart's values.yaml when the component is compiled.
   */
  values?: {};
}
/**
 * The Gateway API CRDs.
 */
export interface GatewayApi {
  /**
   * Apply the Gateway API CRDs.
   */
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
/**
 * The ingress controller and its Gateway.
 */
export interface Ingress {
  /**
   * The controller that takes traffic into the cluster; orrery emits its GatewayClass and a Gateway named "ingress" whose Service takes its address from loadBalancerPool. cilium: Cilium's Gateway API (with components.gatewayApi) or else its Ingress controller. ingress-nginx was retired in March 2026 and is refused.
   */
  controller: 'cilium' | 'envoy-gateway' | 'contour' | 'ingress-nginx' | 'none';
  version?: ChartVersion17;
  loadBalancerPool?: Name39;
  namespace?: Name40;
  releaseName?: Name41;
  /**
   * Extra Helm values merged over orrery's; every key is checked against the chart's values.yaml when the component is compiled.
   */
  values?: {};
}
/**
 * A namespace of the cluster, with its Pod Security levels.
 */
export interface Namespace {
  name: Name42;
  /**
   * Pod Security Admission levels (labels pod-security.kubernetes.io/*).
   */
  podSecurity?: {
    /**
     * Pods that break this level are refused.
     */
    enforce?: 'privileged' | 'baseline' | 'restricted';
    /**
     * Pods that break this level are recorded in the audit log.
     */
    audit?: 'privileged' | 'baseline' | 'restricted';
    /**
     * Pods that break this level get a warning.
     */
    warn?: 'privileged' | 'baseline' | 'restricted';
  };
  labels?: Labels3;
  /**
   * Annotations of the namespace.
   */
  annotations?: {
    [k: string]: string | undefined;
  };
}
/**
 * Labels of the namespace.
 */
export interface Labels3 {
  [k: string]: string | undefined;
}
/**
 * Network-policy intent for one namespace.
 */
export interface NetworkPolicy {
  namespace: Name43;
  /**
   * Directions denied unless a rule allows them.
   */
  defaultDeny?: ('ingress' | 'egress')[];
  /**
   * Allow egress to CoreDNS on 53/udp and 53/tcp.
   */
  allowDns?: boolean;
  /**
   * What is allowed.
   */
  allow?: PolicyRule[];
}
/**
 * Allow traffic to (ingress) or from (egress) the selected pods.
 */
export interface PolicyRule {
  name: Name44;
  /**
   * ingress: traffic to the selected pods. egress: traffic from them.
   */
  direction: 'ingress' | 'egress';
  pods?: Labels4;
  /**
   * Empty or absent: any peer.
   */
  peers?: Peer[];
  /**
   * Ports allowed (default: all).
   */
  ports?: Port[];
}
/**
 * The pods the rule is for (default: every pod of the namespace).
 */
export interface Labels4 {
  [k: string]: string | undefined;
}
/**
 * Who is on the other side. Empty: anywhere.
 */
export interface Peer {
  namespace?: Name45;
  pods?: Labels5;
  cidr?: Cidr4;
  /**
   * DNS name (Cilium only).
   */
  fqdn?: string;
  cluster?: Name46;
}
/**
 * Pods with these labels.
 */
export interface Labels5 {
  [k: string]: string | undefined;
}
/**
 * A port of an allow rule.
 */
export interface Port {
  /**
   * Port number or named port.
   */
  port: number | string;
  /**
   * Last port of a range that starts at port (a number).
   */
  endPort?: number;
  /**
   * TCP, UDP or SCTP.
   */
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}
/**
 * A kustomize directory of your own in the GitOps repository (your workloads), reconciled in the apps layer: after the platform's controllers and configs.
 */
export interface App {
  name: Name47;
  /**
   * The directory, relative to the repository root (like gitops.repository.path), that holds a kustomization.yaml; outside orrery's output directory.
   */
  path: string;
  /**
   * Other apps of this cluster (by name) that are reconciled and healthy before this one.
   */
  dependsOn?: Name7[];
}
