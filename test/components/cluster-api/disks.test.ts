import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { extraDiskDevices, poolExtraDisks } from '../../../lib/components/cluster-api/proxmox-disks.ts';
import { compileSpecDir } from '../../../lib/pipeline.ts';
import { materializeFixture, removeDir } from '../../helpers.ts';
import path from 'node:path';

describe('extra disks of Proxmox machines: which device each slot becomes', () => {
  it('scsi slots by their QEMU drive id (stable), virtio slots by PCI order (vd letters)', () => {
    expect(extraDiskDevices(['scsi1', 'scsi2'], 'scsi0')).toEqual([
      { slot: 'scsi1', path: '/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-scsi1', match: '"/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-scsi1" in disk.symlinks' },
      { slot: 'scsi2', path: '/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-scsi2', match: '"/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-scsi2" in disk.symlinks' },
    ]);
    // A scsi boot disk takes no vd letter; a virtio boot disk in a lower slot takes vda.
    expect(extraDiskDevices(['virtio1', 'virtio0'], 'scsi0').map((d) => d.path)).toEqual(['/dev/vdb', '/dev/vda']);
    expect(extraDiskDevices(['virtio2'], 'virtio0').map((d) => d.path)).toEqual(['/dev/vdb']);
    expect(() => extraDiskDevices(['sata1'], 'scsi0')).toThrow(/scsi or virtio/);
  });

  it('per pool, the Ceph devices Rook selects and the volume devices Talos mounts', () => {
    const pools = [
      { name: 'cp', role: 'controlplane' as const, machine: { extraDisks: [] } },
      { name: 'storage', role: 'worker' as const, machine: { extraDisks: [{ slot: 'scsi1', purpose: 'ceph' as const }, { slot: 'virtio0', purpose: 'volume' as const }] } },
    ];
    expect(poolExtraDisks(pools, 'scsi0')).toEqual([
      { pool: 'cp', role: 'controlplane', ceph: [], volume: [] },
      { pool: 'storage', role: 'worker', ceph: ['/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-scsi1'], volume: ['/dev/vda'] },
    ]);
  });

  it('GIVEN a pool with disks for Ceph and for volumes THEN Talos formats only the volume ones, matching their device', async () => {
    const dir = await materializeFixture('accept/cluster-api-proxmox');
    try {
      const r = await compileSpecDir(path.join(dir, 'clusters'), { cwd: dir });
      const tct = [...r.files!.entries()].find(([f]) => f.startsWith('mgmt/apps/talosconfigtemplate-fleet-edge-workers-'))![1];
      const patches: string[] = (parseAllDocuments(tct)[0]!.toJS() as any).spec.template.spec.strategicPatches;
      const volumes = patches.flatMap((p) => parseAllDocuments(p).map((d) => d.toJS() as any)).filter((d) => d.kind === 'UserVolumeConfig');
      expect(volumes).toEqual([
        { apiVersion: 'v1alpha1', kind: 'UserVolumeConfig', name: 'data0', provisioning: { diskSelector: { match: 'disk.dev_path == "/dev/vda"' } } },
        { apiVersion: 'v1alpha1', kind: 'UserVolumeConfig', name: 'data1', provisioning: { diskSelector: { match: '"/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-scsi2" in disk.symlinks' } } },
      ]);
      // The Ceph disk (scsi1) is left raw: no Talos document names it.
      expect(patches.join('\n')).not.toContain('drive-scsi1');
      // CAPMOX v0.9 cannot attach disks: the template carries them; the README says which.
      expect(r.files!.get('edge/cluster-api/README.md')).toContain('`scsi1` (ceph, `/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-scsi1` in the guest)');
    } finally {
      await removeDir(dir);
    }
  });
});
