import type { ClusterModel } from '../../model/model.ts';
import { cephDisks, rookDevice } from '../../model/facts/rook-ceph.ts';

/**
 * Cluster API machines are named by their MachineSets, so Rook cannot be given per-node lists:
 * every node takes the non-boot virtual disks by kernel name. With CAPMOX the boot disk is the
 * first disk of the template (sda on virtio-scsi, vda on virtio-blk) and the machine template's
 * extra disks follow it. The Cluster API component names the exact devices; until then this
 * filter takes every disk but the first.
 */
export const CAPI_CEPH_DEVICE_FILTER = '^(sd|vd)[b-z]$';

/** One disk in Rook's `devices` list or a node's device filter. */
type Selection = { devices?: { name: string }[]; devicePathFilter?: string };

function selection(disks: ReturnType<typeof cephDisks>): Selection {
  const devices: { name: string }[] = [];
  const filters: string[] = [];
  for (const d of disks) {
    const r = rookDevice(d);
    if (r.kind === 'device') devices.push({ name: r.name });
    else if (r.kind === 'devicePathFilter') filters.push(r.filter);
    // 'unsupported' never reaches the build: the rook/disk-selector rule refuses it.
  }
  return {
    ...(devices.length > 0 ? { devices } : {}),
    // Rook takes one devicePathFilter per node: several selectors become one alternation.
    ...(filters.length > 0 ? { devicePathFilter: filters.length === 1 ? filters[0]! : filters.map((f) => `(?:${f})`).join('|') } : {}),
  };
}

/**
 * `cephClusterSpec.storage` (rook-ceph-cluster values.yaml:394-417, the CephCluster storage
 * spec): never every device (`useAllDevices: false`); per node the disks with purpose ceph
 * under the node's name, which is its kubernetes.io/hostname (Talos sets the hostname to the
 * node's name: HostnameConfig). With useAllNodes, one selection for every node.
 */
export function cephStorage(cluster: ClusterModel): Record<string, unknown> {
  const useAllNodes = cluster.components.rookCeph?.cluster?.useAllNodes === true;
  if (cluster.provisioning.method === 'cluster-api') return { useAllNodes: true, useAllDevices: false, deviceFilter: CAPI_CEPH_DEVICE_FILTER };
  const withDisks = cluster.nodes.filter((n) => cephDisks(n).length > 0);
  if (useAllNodes) {
    // A rule makes every node declare the same ceph disks; the first one's stand for all.
    return { useAllNodes: true, useAllDevices: false, ...selection(cephDisks(withDisks[0] ?? { name: '', role: 'worker' })) };
  }
  return { useAllNodes: false, useAllDevices: false, nodes: withDisks.map((n) => ({ name: n.name, ...selection(cephDisks(n)) })) };
}
