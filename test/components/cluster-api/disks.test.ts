import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { extraDiskDevices } from '../../../lib/model/facts/proxmox-disks.ts';
import { compileSpecDir } from '../../../lib/pipeline.ts';
import { materializeFixture, removeDir } from '../../helpers.ts';
import path from 'node:path';
import { CAPI_CEPH_DEVICE_FILTER } from '../../../lib/components/rook-ceph/storage.ts';
import { compileVariant, removeVariants } from '../variant.ts';

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

describe('Rook on a Proxmox Cluster API cluster: the Ceph disks the machine templates declare', () => {
  afterAll(removeVariants);

  it('every node takes exactly the pools\' Ceph devices (the same paths Talos leaves raw), never a volume disk', async () => {
    const out = await compileVariant('clusters', (d) => {
      const g = d['ganymede.yaml']!;
      g.components.rookCeph = { enabled: true };
      const [, workers] = g.provisioning.clusterApi.machinePools;
      workers.machine.extraDisks = [{ slot: 'scsi1' }, { slot: 'virtio0' }, { slot: 'scsi2', purpose: 'volume' }];
    });
    const [release] = out.file('ganymede/infrastructure/controllers/helmrelease-rook-ceph-rook-ceph-cluster.yaml');
    expect(release!.spec.values.cephClusterSpec.storage).toEqual({
      useAllNodes: true,
      useAllDevices: false,
      devices: [{ name: '/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-scsi1' }, { name: '/dev/vda' }],
    });
    // The volume disk is Talos's: a UserVolumeConfig selects it, no Ceph device names it.
    const tct = out.files((f) => f.startsWith('jupiter/apps/talosconfigtemplate-constellation-ganymede-worker-'));
    expect(tct).toHaveLength(1);
    const patches: string = out.file(tct[0]!)[0]!.spec.template.spec.strategicPatches.join('\n');
    expect(patches).toContain('drive-scsi2');
    expect(patches).not.toContain('drive-scsi1');
    expect(patches).not.toContain('/dev/vda');
  });

  it('without declared disks, the filter of every non-boot disk stays (the template\'s disks are unknown)', async () => {
    const out = await compileVariant('clusters', (d) => {
      d['ganymede.yaml']!.components.rookCeph = { enabled: true };
    });
    const [release] = out.file('ganymede/infrastructure/controllers/helmrelease-rook-ceph-rook-ceph-cluster.yaml');
    expect(release!.spec.values.cephClusterSpec.storage).toEqual({ useAllNodes: true, useAllDevices: false, deviceFilter: CAPI_CEPH_DEVICE_FILTER });
  });

  it('the block pool\'s replicas are checked against the machines that hold Ceph disks', async () => {
    const out = await compileVariant(
      'clusters',
      (d) => {
        const g = d['ganymede.yaml']!;
        g.components.rookCeph = { enabled: true, cluster: { replicas: 3 } };
        const [, workers] = g.provisioning.clusterApi.machinePools;
        workers.replicas = 2;
        workers.machine.extraDisks = [{ slot: 'scsi1' }];
      },
      { expectErrors: true },
    );
    expect(out.result.diagnostics.filter((x) => x.severity === 'error').map((x) => x.rule)).toEqual(['rook/replicas']);
  });
});
