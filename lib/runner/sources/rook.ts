import type { ClusterModel } from '../../model/model.ts';

/**
 * THE adapter for the one Rook fact the runner needs: where the CephCluster lives, so that disk
 * wipes and Talos upgrades wait for HEALTH_OK between nodes (Talos's Rook guide: upgrade one
 * node at a time and wait for `.status.ceph.health` = HEALTH_OK). When the Rook component
 * exports its own fact, only this file changes.
 */
export interface CephClusterRef {
  readonly namespace: string;
  readonly name: string;
}

export function cephCluster(cluster: ClusterModel): CephClusterRef | undefined {
  const rook = cluster.components.rookCeph;
  if (!rook?.enabled) return undefined;
  const namespace = rook.namespace ?? 'rook-ceph';
  // rook-ceph-cluster chart v1.20.6 values.yaml: clusterName "@default -- The same as the namespace".
  return { namespace, name: namespace };
}
