import type { ClusterModel } from '../../model/model.ts';

/**
 * A talosconfig without credentials: context = cluster name, endpoints = the control planes'
 * own addresses (never the VIP: the VIP moves with etcd leadership and is down while etcd is,
 * which is exactly when talosctl is needed — seed 003), nodes = every node. The runner adds
 * ca/crt/key from the secrets bundle.
 */
export function talosconfigSkeleton(cluster: ClusterModel): Record<string, unknown> {
  const address = (n: ClusterModel['nodes'][number]): string | undefined => n.primaryAddress;
  const endpoints = cluster.nodes.filter((n) => n.role === 'controlplane').map(address).filter((a): a is string => a !== undefined);
  const nodes = cluster.nodes.map(address).filter((a): a is string => a !== undefined);
  return { context: cluster.name, contexts: { [cluster.name]: { endpoints, nodes } } };
}
