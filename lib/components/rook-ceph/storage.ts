import type { ClusterModel } from '../../model/model.ts';
import { cephDisks, declaresPoolDisks, osdPools, poolDisks, rookDevice } from '../../model/facts/rook-ceph.ts';
import { compareCodePoints } from '../../util/order.ts';

/**
 * Cluster API machines are named by their MachineSets, so Rook cannot be given per-node lists.
 * When the machine templates declare their extra disks (Proxmox `machine.extraDisks`), every node
 * takes the exact devices of the pools' Ceph disks (facts/proxmox-disks.ts: a scsi slot's
 * by-id link, a virtio slot's vd letter); a device a node does not have is not there to take, and
 * a rule refuses a path that is Ceph's in one pool and a Talos volume in another. Otherwise every
 * node takes the non-boot virtual disks by kernel name: with CAPMOX the boot disk is the first
 * disk of the template (sda on virtio-scsi, vda on virtio-blk) and its other disks follow it.
 */
export const CAPI_CEPH_DEVICE_FILTER = '^(sd|vd)[b-z]$';

/** The Ceph devices of a Cluster API cluster's pools, when its templates declare their disks. */
function capiCephDevices(cluster: ClusterModel): string[] | undefined {
  const spec = { provisioning: cluster.provisioning, kubernetes: cluster.kubernetes };
  if (!declaresPoolDisks(spec)) return undefined;
  const paths = osdPools(spec).flatMap((p) => poolDisks(spec, p).filter((d) => d.purpose === 'ceph').map((d) => d.path));
  return [...new Set(paths)].sort(compareCodePoints);
}

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
  if (cluster.provisioning.method === 'cluster-api') {
    const devices = capiCephDevices(cluster);
    return devices ? { useAllNodes: true, useAllDevices: false, devices: devices.map((name) => ({ name })) } : { useAllNodes: true, useAllDevices: false, deviceFilter: CAPI_CEPH_DEVICE_FILTER };
  }
  const withDisks = cluster.nodes.filter((n) => cephDisks(n).length > 0);
  if (useAllNodes) {
    // A rule makes every node declare the same ceph disks; the first one's stand for all.
    return { useAllNodes: true, useAllDevices: false, ...selection(cephDisks(withDisks[0] ?? { name: '', role: 'worker' })) };
  }
  return { useAllNodes: false, useAllDevices: false, nodes: withDisks.map((n) => ({ name: n.name, ...selection(cephDisks(n)) })) };
}
