import type { DataDisk, DiskSelector, MachinePool, RookCeph } from '../../spec/types.generated.ts';
import { DEFAULTS } from '../defaults.ts';
import { extraDiskDevices } from './proxmox-disks.ts';

/**
 * Facts about Rook Ceph that the semantic rules and the component both need: which nodes can
 * hold monitors and OSDs, and how a spec disk is told to Rook. Over the spec shape (the
 * resolved model has the same fields). Pure.
 */
export interface RookInput {
  readonly provisioning: {
    readonly method: 'talosctl' | 'cluster-api';
    readonly clusterApi?: { readonly provider?: string; readonly machinePools: readonly MachinePool[]; readonly proxmox?: { readonly template?: { readonly bootDisk?: string } } };
  };
  readonly kubernetes?: { readonly allowSchedulingOnControlPlanes?: boolean };
  readonly nodes?: readonly {
    readonly name: string;
    readonly role: 'controlplane' | 'worker';
    readonly dataDisks?: readonly DataDisk[];
    readonly taints?: readonly { readonly effect: string }[];
  }[];
  readonly components?: { readonly rookCeph?: RookCeph };
}

/** Where the cluster's CephCluster lives. */
export interface CephClusterRef {
  readonly namespace: string;
  readonly name: string;
}

/**
 * The CephCluster the rook-ceph-cluster release makes, or undefined without Rook: the component
 * deploys into it, and the runner waits for its HEALTH_OK between node upgrades, reboots and disk
 * wipes (Talos's Rook guide: one node at a time, `.status.ceph.health` = HEALTH_OK in between).
 */
export function rookCephCluster(c: Pick<RookInput, 'components'>): CephClusterRef | undefined {
  const spec = c.components?.rookCeph;
  if (spec?.enabled !== true) return undefined;
  const namespace = spec.namespace ?? 'rook-ceph';
  // rook-ceph-cluster v1.20.6 values.yaml: `clusterName` — "The metadata.name of the CephCluster
  // CR", "@default -- The same as the namespace"; orrery sets no clusterName.
  return { namespace, name: namespace };
}

/** A node's disks for Ceph OSDs (purpose defaults to ceph). */
export function cephDisks(n: NonNullable<RookInput['nodes']>[number]): DataDisk[] {
  return (n.dataDisks ?? []).filter((d) => (d.purpose ?? 'ceph') === 'ceph');
}

/**
 * A node Rook's daemons can be scheduled on: workers, and control planes when the cluster lets
 * workloads run there; a NoSchedule/NoExecute taint keeps them off (Rook sets no tolerations by default).
 * A node, or a Cluster API machine pool (its machines have its role and taints).
 */
export function schedulable(c: RookInput, n: { readonly role: 'controlplane' | 'worker'; readonly taints?: readonly { readonly effect: string }[] }): boolean {
  if (n.role === 'controlplane' && !c.kubernetes?.allowSchedulingOnControlPlanes) return false;
  return !(n.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
}

/** How many nodes can hold a Ceph monitor (mon.allowMultiplePerNode is false: one per node). */
export function monCapableNodes(c: RookInput): number {
  if (c.provisioning.method === 'cluster-api') {
    return (c.provisioning.clusterApi?.machinePools ?? []).filter((p) => schedulable(c, p)).reduce((sum, p) => sum + p.replicas, 0);
  }
  return (c.nodes ?? []).filter((n) => schedulable(c, n)).length;
}

/** The nodes with at least one disk for Ceph OSDs (talosctl clusters), in spec order. */
export function osdHosts(c: RookInput): string[] {
  if (c.provisioning.method === 'cluster-api') return [];
  return (c.nodes ?? []).filter((n) => schedulable(c, n) && cephDisks(n).length > 0).map((n) => n.name);
}

/**
 * A Cluster API cluster whose machine templates declare their extra disks (Proxmox
 * `machine.extraDisks`): orrery then knows which disks are Ceph's, pool by pool.
 */
export function declaresPoolDisks(c: RookInput): boolean {
  return c.provisioning.method === 'cluster-api' && c.provisioning.clusterApi?.provider === 'proxmox' && (c.provisioning.clusterApi.machinePools ?? []).some((p) => p.machine?.extraDisks !== undefined);
}

/** The extra disks of one pool's machines with what each becomes in the guest (facts/proxmox-disks.ts). */
export function poolDisks(c: RookInput, p: MachinePool): { slot: string; purpose: 'ceph' | 'volume'; path: string }[] {
  const disks = p.machine?.extraDisks ?? [];
  const devices = extraDiskDevices(disks.map((d) => d.slot), c.provisioning.clusterApi?.proxmox?.template?.bootDisk ?? DEFAULTS.proxmoxBootDisk);
  return disks.map((d, i) => ({ slot: d.slot, purpose: d.purpose ?? 'ceph', path: devices[i]!.path }));
}

/** The pools that hold OSDs: schedulable, with at least one extra disk for Ceph. */
export function osdPools(c: RookInput): MachinePool[] {
  return (c.provisioning.clusterApi?.machinePools ?? []).filter((p) => schedulable(c, p) && poolDisks(c, p).some((d) => d.purpose === 'ceph'));
}

/**
 * The OSD host count the block pool's replicas are checked against. Cluster API: the replicas
 * of the pools with Ceph disks when the templates declare them, else of every schedulable pool.
 */
export function osdHostCount(c: RookInput): number {
  if (c.provisioning.method !== 'cluster-api') return osdHosts(c).length;
  return declaresPoolDisks(c) ? osdPools(c).reduce((sum, p) => sum + p.replicas, 0) : monCapableNodes(c);
}

export function effectiveMonCount(c: RookInput): number {
  return c.components?.rookCeph?.cluster?.monCount ?? (monCapableNodes(c) >= 3 ? 3 : 1);
}

export function effectiveReplicas(c: RookInput): number {
  return c.components?.rookCeph?.cluster?.replicas ?? Math.max(1, Math.min(3, osdHostCount(c)));
}

/** Escapes a literal for a Go (RE2) regular expression, which Rook's device filters are. */
const reLiteral = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** udev writes disk/by-id names with whitespace turned into '_' (udev ID_SERIAL / ID_MODEL encoding). */
const udevName = (s: string): string => reLiteral(s.trim().replace(/\s+/g, '_'));

/** One disk as Rook's storage selection understands it. */
export type RookDevice =
  | { readonly kind: 'device'; readonly name: string }
  | { readonly kind: 'devicePathFilter'; readonly filter: string; readonly ignored: readonly (keyof DiskSelector)[] }
  | { readonly kind: 'unsupported'; readonly reason: string };

/**
 * A spec disk in Rook's terms (rook/rook@v1.20.6 pkg/daemon/ceph/osd/daemon.go): `devices[].name`
 * matches the kernel name, `/dev/<name>`, or any of the disk's udev links (/dev/disk/by-id/...);
 * `devicePathFilter` is a regular expression over the same links. A path is given to Rook as it
 * is. A selector by serial or model becomes a devicePathFilter over /dev/disk/by-id names, where
 * udev writes `<bus>-<model>_<serial>` (`virtio-<serial>` for virtio disks). Rook has nothing for
 * type, size, WWID or bus path: those alone cannot be told to it.
 */
export function rookDevice(disk: DataDisk): RookDevice {
  if (disk.path) return { kind: 'device', name: disk.path };
  const s = disk.selector ?? {};
  const ignored = (['type', 'size', 'wwid', 'busPath'] as const).filter((k) => s[k] !== undefined);
  if (s.serial) return { kind: 'devicePathFilter', filter: `^/dev/disk/by-id/[^/]*[-_]${udevName(s.serial)}$`, ignored: [...ignored, ...(s.model ? (['model'] as const) : [])] };
  if (s.model) return { kind: 'devicePathFilter', filter: `^/dev/disk/by-id/[a-z]+-${udevName(s.model)}_`, ignored };
  return {
    kind: 'unsupported',
    reason: `Rook selects OSD disks by name, udev path or a regular expression over them; a selector by ${ignored.join(', ') || 'nothing'} cannot be told to it: give the disk's path (a stable /dev/disk/by-id/… name) or its serial (talosctl get disks shows it)`,
  };
}

/**
 * Whether Talos, provisioning the volume disk, could pick the Ceph disk: Talos gives a
 * UserVolumeConfig the first disk its selector matches, so only a volume chosen by path, or by a
 * selector that provably excludes the Ceph disk, leaves the Ceph disk raw for Rook.
 */
export function volumeMayClaim(volume: DataDisk, ceph: DataDisk): boolean {
  if (volume.path) return ceph.path === volume.path;
  const v = volume.selector ?? {};
  const c = ceph.selector;
  if (!c) return true;
  for (const k of ['serial', 'wwid', 'model', 'busPath'] as const) if (v[k] !== undefined && c[k] !== undefined && v[k] !== c[k]) return false;
  // Talos disk types in orrery's CEL: hdd = rotational, ssd = non-rotational and not NVMe, nvme = transport nvme, sd = transport mmc (non-rotational).
  const disjoint = new Set(['hdd/ssd', 'hdd/nvme', 'hdd/sd', 'ssd/nvme', 'nvme/sd']);
  if (v.type && c.type && v.type !== c.type && (disjoint.has(`${v.type}/${c.type}`) || disjoint.has(`${c.type}/${v.type}`))) return false;
  return true;
}
