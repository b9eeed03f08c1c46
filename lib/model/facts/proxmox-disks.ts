/**
 * Where a disk in a Proxmox slot appears inside the guest. Pure facts of Proxmox VE and QEMU,
 * so that Talos (volumes) and Rook (OSDs) name the extra disks a VM template carries the same way.
 *
 * - `scsiN`: QEMU's scsi-hd identifies the disk by its drive id, `drive-scsiN`, so udev links it
 *   as `/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-scsiN`. The kernel letters (`sdX`) follow
 *   probe order and do not match the slot numbers (a Proxmox VM observed with sda = drive-scsi2,
 *   sdb = drive-scsi0), so only the by-id link is stable.
 * - `virtioN`: Proxmox puts virtio-blk disk N at PCI slot 0x0a+N (qemu-server PCI.pm: virtio0 at
 *   addr 10 … virtio5 at addr 15), and the kernel names virtio-blk disks `vda`, `vdb`, … in PCI
 *   order; without a serial there is no by-id link, so the device name is `/dev/vd<letter>` by the
 *   rank of the slot among the machine's virtio disks.
 */
export interface ExtraDiskDevice {
  readonly slot: string;
  /** The path Rook and Talos use. */
  readonly path: string;
  /** A Talos disk CEL expression (fields of Talos's Disk resource: dev_path, symlinks). */
  readonly match: string;
}

const SCSI_BY_ID = '/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-';

function slotParts(slot: string): { bus: string; index: number } {
  const m = /^([a-z]+)(\d+)$/.exec(slot);
  if (!m) throw new Error(`not a Proxmox disk slot: ${JSON.stringify(slot)}`);
  return { bus: m[1]!, index: Number(m[2]) };
}

/**
 * The devices of a machine's extra disks. The boot disk counts for the virtio letters: a virtio
 * boot disk in a lower slot takes `vda`.
 */
export function extraDiskDevices(extra: readonly string[], bootDisk: string): ExtraDiskDevice[] {
  const virtio = [bootDisk, ...extra].filter((s) => slotParts(s).bus === 'virtio').map((s) => slotParts(s).index).sort((a, b) => a - b);
  return extra.map((slot) => {
    const { bus, index } = slotParts(slot);
    if (bus === 'scsi') {
      const path = `${SCSI_BY_ID}${slot}`;
      return { slot, path, match: `${JSON.stringify(path)} in disk.symlinks` };
    }
    if (bus === 'virtio') {
      const path = `/dev/vd${String.fromCharCode(97 + virtio.indexOf(index))}`;
      return { slot, path, match: `disk.dev_path == ${JSON.stringify(path)}` };
    }
    throw new Error(`extra disks live on scsi or virtio slots, not ${JSON.stringify(slot)}`);
  });
}
