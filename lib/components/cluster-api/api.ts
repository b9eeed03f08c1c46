import type { ClusterModel } from '../../model/model.ts';

/**
 * API versions orrery emits, each the one its pinned provider serves as storage version:
 * CAPI core v1beta2 (v1.12), CABPT v1alpha3 (v0.6), CACPPT v1alpha3 (v0.5 — its v1beta1 exists
 * only in an unreleased fork), CAPMOX v1alpha2 (v0.9), Sidero v1alpha3 / metal v1alpha2 (v0.6).
 */
export const API = {
  core: 'cluster.x-k8s.io/v1beta2',
  bootstrap: 'bootstrap.cluster.x-k8s.io/v1alpha3',
  controlPlane: 'controlplane.cluster.x-k8s.io/v1alpha3',
  proxmox: 'infrastructure.cluster.x-k8s.io/v1alpha2',
  metal: 'infrastructure.cluster.x-k8s.io/v1alpha3',
  sidero: 'metal.sidero.dev/v1alpha2',
} as const;

export const group = (apiVersion: string): string => apiVersion.split('/')[0]!;

/** Cluster API's labels (cluster-api@v1.12.11 api/core/v1beta2 common_types.go ClusterNameLabel, machine_types.go MachineDeploymentNameLabel). */
export const CLUSTER_NAME_LABEL = 'cluster.x-k8s.io/cluster-name';
export const DEPLOYMENT_NAME_LABEL = 'cluster.x-k8s.io/deployment-name';
/** clusterctl move carries an object carrying this label even without an owner (objectgraph.go objMetaToNode). */
export const MOVE_LABEL = 'clusterctl.cluster.x-k8s.io/move';

/** Where clients reach the API: the VIP, the fixed address or the DNS name, and the port. */
export function controlPlaneEndpoint(cluster: ClusterModel): { host: string; port: number } {
  const host = cluster.endpoint.vip ?? cluster.endpoint.address ?? cluster.endpoint.host;
  if (!host) throw new Error(`cluster ${cluster.name} has no endpoint address (checks require one for Cluster API)`);
  return { host, port: cluster.endpoint.port };
}

/** Object names of a cluster's Cluster API objects. */
export const names = {
  controlPlane: (cluster: string, pool: string): string => `${cluster}-${pool}`,
  deployment: (cluster: string, pool: string): string => `${cluster}-${pool}`,
  talosSecret: (cluster: string): string => `${cluster}-talos`,
  kubeconfigSecret: (cluster: string): string => `${cluster}-kubeconfig`,
  talosconfigSecret: (cluster: string): string => `${cluster}-talosconfig`,
};
