import type { ClusterModel, TalosPatchModel } from '../model.ts';

/** One of the operator's patches as a machine gets it, with its file under `<cluster>/talos/`. */
export interface AppliedPatch {
  readonly patch: TalosPatchModel;
  /** Relative to `<cluster>/talos/`: `patches/<name>.yaml` (the cluster's), `nodes/<node>/<name>.yaml` (a node's). */
  readonly file: string;
}

/** The cluster-level patches a machine of this role gets, in spec order. */
export function clusterPatchesFor(cluster: ClusterModel, role: 'controlplane' | 'worker'): TalosPatchModel[] {
  return cluster.talos.patches.filter((p) => p.role === undefined || p.role === role);
}

/**
 * What a talosctl node gets after orrery's documents, in the order Talos merges them: the
 * cluster's patches (every machine's, or its role's), then the node's own — as talhelper layers
 * global, role and node patches. The runner hands them to `talosctl machineconfig patch` in this
 * order; the Talos component writes each to its file.
 */
export function nodePatchFiles(cluster: ClusterModel, nodeName: string): AppliedPatch[] {
  const node = cluster.nodes.find((n) => n.name === nodeName);
  if (!node) return [];
  return [
    ...clusterPatchesFor(cluster, node.role).map((patch) => ({ patch, file: `patches/${patch.name}.yaml` })),
    ...node.patches.map((patch) => ({ patch, file: `nodes/${node.name}/${patch.name}.yaml` })),
  ];
}

/** Who a cluster-level patch applies to, in words (talos/README.md and the diff read it). */
export function patchScope(patch: TalosPatchModel): string {
  return patch.role === 'controlplane' ? 'control planes' : patch.role === 'worker' ? 'workers' : 'every node';
}
