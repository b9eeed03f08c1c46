/**
 * What the runner needs to bring up one Cluster API cluster: the runner's view of the Cluster API
 * generator's `CapiBringUp` (lib/components/cluster-api/bring-up.ts, `REGISTRY.capiBringUp`),
 * mapped in ./source.ts — the only file that knows the generator's shape. Tests hand-make it. The
 * runner never reads the contents of the Cluster API objects: it applies the directory and
 * watches the conditions and Secrets that CAPI, CABPT and CACPPT define.
 *
 * A management cluster comes up from a temporary kind cluster: providers (exact versions), its
 * namespace and Secrets, its own objects, the control plane and every Machine's nodeRef, its
 * credentials, the CNI, the same providers on it, GitOps, `clusterctl move` (dry run first),
 * kind deleted. A workload cluster is created by its management cluster from git: its operator
 * Secrets there, wait, credentials, and CNI + GitOps unless the management cluster's Flux
 * reconciles it.
 */
export interface RunnerCapiBringUp {
  readonly cluster: string;
  readonly role: 'management' | 'workload';
  /** The management cluster (workload clusters), whose kubeconfig context the runner already merged. */
  readonly managedBy?: string;
  /** Namespace of the Cluster object, its machines and its Secrets. */
  readonly namespace: string;
  /**
   * clusterctl provider specs `name:version`, identical on the bootstrap and the management
   * cluster (move needs the target's providers at the same or a newer version).
   */
  readonly providers: {
    readonly core: string;
    readonly bootstrap: string;
    readonly controlPlane: string;
    readonly infrastructure: string;
    readonly ipam?: string;
    readonly addon?: string;
  };
  /** Environment clusterctl init needs for the providers' manifests (Sidero's host network API address); nothing secret. */
  readonly initEnv?: Readonly<Record<string, string>>;
  /** dist/-relative kustomize directory of the cluster's own objects (management clusters; applied to kind). */
  readonly objectsDir?: string;
  /** dist/-relative SOPS-encrypted Secrets applied (decrypted, on stdin) before the objects: provider credentials, a pre-seeded `<cluster>-talos` bundle. */
  readonly secretFiles: readonly string[];
  /** Secrets the operator supplies on the management cluster (stored encrypted under secrets/<manager>/, delivered in dist/<manager>/secrets/: among secretFiles before a pivot) and the age key the runner creates. */
  readonly operatorSecrets?: readonly { readonly namespace: string; readonly name: string; readonly keys: readonly string[]; readonly why: string }[];
  /** `<cluster>-kubeconfig`, key `value` (CACPPT, through CAPI's kubeconfig util). */
  readonly kubeconfigSecret: { readonly name: string; readonly key: string };
  /** `<cluster>-talosconfig`, key `talosconfig` (CABPT). */
  readonly talosconfigSecret: { readonly name: string; readonly key: string };
  /** Machines in all pools: every one must have a nodeRef before the pivot. */
  readonly machines: number;
  /** The management cluster's Flux reconciles this cluster's platform (no Flux and no runner-installed CNI of its own). */
  readonly gitopsFromManagement: boolean;
}

/** The kind cluster a management cluster is created from. */
export function bootstrapClusterName(cluster: string): string {
  return `${cluster}-bootstrap`;
}

/** The context CAPI's kubeconfig util writes: `<cluster>-admin@<cluster>` (cluster-api util/kubeconfig/kubeconfig.go). */
export function capiContextName(cluster: string): string {
  return `${cluster}-admin@${cluster}`;
}
