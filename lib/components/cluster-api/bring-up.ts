import type { ClusterModel, Model } from '../../model/model.ts';
import { clusterApiRequirements } from '../../secrets/requirements.ts';
import { names } from './api.ts';
import { clusterApiCredentials } from './credentials.ts';

/** One provider as clusterctl names it, at an exact version. */
export interface ProviderPin {
  readonly name: string;
  readonly version: string;
}

/** A secret the runner needs to know about, on the management cluster. */
export interface BringUpSecret {
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly string[];
  readonly why: string;
}

/**
 * What the runner needs to bring one Cluster API cluster up, derived from the model alone (no
 * disk, no live state). Paths are relative to the output root (`dist/`).
 */
export interface CapiBringUp {
  readonly cluster: string;
  /** The management cluster whose controllers reconcile it (itself for a pivoted management cluster). */
  readonly manager: string;
  /**
   * A management cluster that manages itself: its objects are applied to a temporary bootstrap
   * cluster (kind), and `clusterctl move` pivots them onto the cluster once it runs.
   */
  readonly pivot: boolean;
  /** Namespace of its objects (and of the Secrets below) on the management cluster. */
  readonly namespace: string;
  readonly providers: {
    readonly core: ProviderPin;
    readonly bootstrap: ProviderPin;
    readonly controlPlane: ProviderPin;
    readonly infrastructure: ProviderPin;
    readonly ipam?: ProviderPin;
  };
  /** `clusterctl init` with these exact arguments and environment, on the bootstrap and on the management cluster. */
  readonly clusterctlInit: { readonly args: readonly string[]; readonly env: Readonly<Record<string, string>> };
  /**
   * The cluster's objects: a kustomization the runner applies (`kubectl apply --server-side -k`)
   * when `appliedBy` is runner, or the layer of the manager's GitOps tree that applies them.
   */
  readonly objects: { readonly dir: string; readonly appliedBy: 'runner' | 'gitops' };
  /**
   * SOPS-encrypted Secret files (dist/-relative, in the manager's secrets/) the runner decrypts in
   * memory and applies to the bootstrap cluster before the objects: the pre-seeded `<cluster>-talos`
   * and the provider's credentials (pivot only: the manager's GitOps engine delivers them otherwise).
   */
  readonly secretFiles: readonly string[];
  /**
   * Secrets the provider reads on the management cluster that the operator supplies (declared in
   * the registry of operator Secrets, stored encrypted under secrets/<manager>/ — synth refuses the
   * spec without them — and delivered with the manager's Secrets), and the age key the manager's Flux
   * decrypts a remote workload's Secrets with (which the runner creates: it never is in git).
   */
  readonly operatorSecrets: readonly BringUpSecret[];
  /** Written by CACPPT on the management cluster once the control plane is up. */
  readonly kubeconfigSecret: { readonly name: string; readonly key: 'value' };
  /** Written by CABPT (an admin talosconfig). */
  readonly talosconfigSecret: { readonly name: string; readonly key: 'talosconfig' };
  readonly machines: { readonly controlPlanes: number; readonly workers: number };
  /**
   * How platform components reach it: `own` — the runner installs the bootstrap releases
   * (`dist/<cluster>/bootstrap/`, the CNI first) through the kubeconfig Secret and bootstraps the
   * cluster's own GitOps; `management` — the manager's Flux applies them (gitops.flux.workloadsFromManagement).
   */
  readonly gitops: 'own' | 'management';
  /** Before a pivot every Machine must have a nodeRef; that needs Node.spec.providerID, which this sets. */
  readonly providerIdBy: 'talos-ccm' | 'sidero';
}

const INFRA_NAME = { proxmox: 'proxmox', sidero: 'sidero' } as const;

/** The exact `clusterctl init` for a management cluster's providers (the same wherever it runs). */
function clusterctlInit(manager: ClusterModel, infra: 'proxmox' | 'sidero', sideroApi: URL | undefined): CapiBringUp['clusterctlInit'] {
  const v = manager.versions;
  const args = [
    'init',
    '--core', `cluster-api:${v.clusterApi}`,
    '--bootstrap', `talos:${v.cabpt}`,
    '--control-plane', `talos:${v.cacppt}`,
    '--infrastructure', `${INFRA_NAME[infra]}:${infra === 'proxmox' ? v.capmox : v.sidero}`,
    ...(infra === 'proxmox' ? ['--ipam', `in-cluster:${v.ipamInCluster}`] : []),
  ];
  // Sidero's manager serves iPXE, the metadata server and its API on the host network at the address
  // servers reach it by (sidero@v0.6.13 config/manager/manager.yaml variables).
  const env: Record<string, string> = {};
  if (infra === 'sidero' && sideroApi) {
    env.SIDERO_CONTROLLER_MANAGER_HOST_NETWORK = 'true';
    env.SIDERO_CONTROLLER_MANAGER_API_ENDPOINT = sideroApi.hostname;
    env.SIDERO_CONTROLLER_MANAGER_API_PORT = sideroApi.port || (sideroApi.protocol === 'https:' ? '443' : '80');
  }
  return { args, env };
}

/** The bring-up of a Cluster API cluster; undefined for talosctl clusters and the retired packet provider. */
export function capiBringUp(model: Model, name: string): CapiBringUp | undefined {
  const cluster = model.clusters.find((c) => c.name === name);
  const capi = cluster?.clusterApi;
  if (!cluster || !capi || capi.provider === 'packet') return undefined;
  const manager = model.clusters.find((c) => c.name === capi.manager)!;
  const credentials = clusterApiCredentials(cluster);
  const distFile = (s: { namespace: string; name: string }): string => `${capi.manager}/secrets/secret-${s.namespace}-${s.name}.yaml`;
  const controlPlanes = capi.pools.filter((p) => p.role === 'controlplane').reduce((n, p) => n + p.replicas, 0);
  const workers = capi.pools.filter((p) => p.role === 'worker').reduce((n, p) => n + p.replicas, 0);
  const remote = model.constellation.gitops.engine === 'flux' && model.constellation.gitops.flux.workloadsFromManagement && !capi.selfManaged;
  return {
    cluster: name,
    manager: capi.manager,
    pivot: capi.selfManaged,
    namespace: capi.namespace,
    providers: {
      core: { name: 'cluster-api', version: manager.versions.clusterApi },
      bootstrap: { name: 'talos', version: manager.versions.cabpt },
      controlPlane: { name: 'talos', version: manager.versions.cacppt },
      infrastructure: { name: INFRA_NAME[capi.provider], version: capi.provider === 'proxmox' ? manager.versions.capmox : manager.versions.sidero },
      ...(capi.provider === 'proxmox' ? { ipam: { name: 'in-cluster', version: manager.versions.ipamInCluster } } : {}),
    },
    clusterctlInit: clusterctlInit(manager, capi.provider, capi.sidero?.metadataServerUrl ? new URL(capi.sidero.metadataServerUrl) : undefined),
    objects: capi.selfManaged ? { dir: `${name}/cluster-api`, appliedBy: 'runner' } : { dir: `${capi.manager}/apps`, appliedBy: 'gitops' },
    // The encrypted Secrets sit in the manager's secrets/ (GitOps applies them there after the pivot too).
    secretFiles: capi.selfManaged ? [...new Set([...clusterApiRequirements(cluster).map((r) => distFile({ namespace: r.namespace!, name: r.secretName! })), ...credentials.map(distFile)])] : [],
    operatorSecrets: [
      ...new Map(credentials.map((s) => [s.name, { namespace: s.namespace, name: s.name, keys: s.keys, why: `read by ${s.consumer}` }])).values(),
      ...(remote ? [{ namespace: capi.namespace, name: 'sops-age', keys: ['age.agekey'], why: `the age key the management cluster's Flux decrypts ${name}'s Secrets with` }] : []),
    ],
    kubeconfigSecret: { name: names.kubeconfigSecret(name), key: 'value' },
    talosconfigSecret: { name: names.talosconfigSecret(name), key: 'talosconfig' },
    machines: { controlPlanes, workers },
    gitops: remote ? 'management' : 'own',
    providerIdBy: capi.provider === 'proxmox' ? 'talos-ccm' : 'sidero',
  };
}
