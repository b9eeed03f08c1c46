import type { ClusterModel, Model } from '../../model/model.ts';
import { DEFAULTS } from '../../model/defaults.ts';
import type { Compiled } from '../sources/compiled.ts';
import type { CapiBringUp } from './bring-up.ts';

/**
 * Provider versions for the bring-up until the Cluster API generator exports its own (they are
 * the pins of ../shared/research/capi-runner.md §1.1: core 1.12 — CAPMOX is tested on 1.11/1.12
 * only —, CABPT 0.6.13 with CACPPT 0.5.14, CAPMOX 0.9.0, in-cluster IPAM 1.1.0; Sidero 0.6.13).
 */
const PROVIDERS = {
  core: 'cluster-api:v1.12.11',
  bootstrap: 'talos:v0.6.13',
  controlPlane: 'talos:v0.5.14',
} as const;
const INFRASTRUCTURE: Record<string, { readonly infrastructure: string; readonly ipam?: string }> = {
  proxmox: { infrastructure: 'proxmox:v0.9.0', ipam: 'in-cluster:v1.1.0' },
  sidero: { infrastructure: 'sidero:v0.6.13' },
};

/** Where the generator writes a cluster's own Cluster API objects (what a GitOps engine must not apply before the pivot). */
export const CAPI_OBJECTS_DIR = 'cluster-api';

export type CapiSource = (model: Model, cluster: ClusterModel, compiled: Compiled) => CapiBringUp | { readonly problem: string };

/**
 * THE adapter from the compiled model to a CapiBringUp. Everything except the provider pins and
 * the objects directory is a fact of the model or of CAPI/CABPT; the lead switches this file to
 * the generator's exported bring-up at merge.
 */
export const capiBringUpFromModel: CapiSource = (model, cluster) => {
  const capi = cluster.provisioning.clusterApi;
  if (!capi) return { problem: `${cluster.name} has no provisioning.clusterApi` };
  const infra = INFRASTRUCTURE[capi.provider];
  if (!infra) return { problem: `${cluster.name}: provider ${capi.provider} has no maintained Cluster API provider to install (Equinix Metal shut down on 2026-06-30)` };
  const role = cluster.managedBy ? 'workload' : 'management';
  const objectsDir = `${cluster.name}/${CAPI_OBJECTS_DIR}`;
  return {
    cluster: cluster.name,
    role,
    ...(cluster.managedBy ? { managedBy: cluster.managedBy } : {}),
    namespace: capi.namespace ?? DEFAULTS.clusterApiNamespace,
    providers: { ...PROVIDERS, ...infra },
    ...(role === 'management' ? { objectsDir } : {}),
    secretFiles: [],
    kubeconfigSecret: { name: `${cluster.name}-kubeconfig`, key: 'value' },
    talosconfigSecret: { name: `${cluster.name}-talosconfig`, key: 'talosconfig' },
    machines: capi.machinePools.reduce((n, p) => n + (p.replicas), 0),
    gitopsFromManagement: model.constellation.gitops.engine === 'flux' && model.constellation.gitops.flux.workloadsFromManagement && cluster.managedBy !== undefined,
  };
};
