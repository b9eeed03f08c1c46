import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { CAPI_CEPH_DEVICE_FILTER } from '../../../lib/components/rook-ceph/storage.ts';
import { rookCephCluster, rookDevice, volumeMayClaim } from '../../../lib/model/facts/rook-ceph.ts';
import { HAS_SHARED, SHARED } from '../../helpers.ts';
import { compileExample, compileVariant, removeVariants, type Compiled, type Obj } from '../variant.ts';

afterAll(removeVariants);

const values = (o: Obj): Obj => (o.kind === 'HelmRelease' ? o.spec.values : o.spec.source.helm.valuesObject);
const clusterValues = (out: Compiled, cluster: string): Obj => values(out.file(`${cluster}/argocd/apps/application-argocd-${cluster}-rook-ceph-cluster.yaml`)[0]!);

describe('Rook Ceph storage from the disks with purpose ceph', () => {
  it('seed 004 (talos-east): each worker with its vdb, by the node\'s name, never every device', async () => {
    const out = await compileExample('aggrik8s-mesh');
    const v = clusterValues(out, 'talos-east');
    expect(v.operatorNamespace).toBe('rook-ceph');
    expect(v.cephClusterSpec).toMatchObject({ dataDirHostPath: '/var/lib/rook', mon: { count: 3, allowMultiplePerNode: false }, mgr: { count: 2 } });
    expect(v.cephClusterSpec.storage).toEqual({
      useAllNodes: false,
      useAllDevices: false,
      nodes: ['talos-east-wk-1', 'talos-east-wk-2', 'talos-east-wk-3'].map((name) => ({ name, devices: [{ name: '/dev/vdb' }] })),
    });
    // Rook matches nodes by kubernetes.io/hostname: the hostname Talos is told to set for the node.
    for (const node of v.cephClusterSpec.storage.nodes as Obj[]) {
      const docs = (parseAllDocuments(out.result.files!.get(`talos-east/talos/nodes/${node.name}.yaml`)!) as unknown as { toJS(): Obj }[]).map((d) => d.toJS());
      expect(docs.find((d) => d.kind === 'HostnameConfig')!.hostname).toBe(node.name);
    }
  });

  it('seed 002 (deepthought): disks chosen by serial become a /dev/disk/by-id filter; the schedulable control plane holds an OSD too', async () => {
    const v = clusterValues(await compileExample('deepthought-homelab'), 'deepthought');
    expect(v.cephClusterSpec.storage.nodes).toEqual([
      { name: 'talos-cp1-zaphod', devicePathFilter: '^/dev/disk/by-id/[^/]*[-_]ZAPHOD-HDD-1$' },
      { name: 'talos-work1-trillian', devicePathFilter: '^/dev/disk/by-id/[^/]*[-_]TRILLIAN-HDD-1$' },
      { name: 'talos-work2-marvin', devicePathFilter: '^/dev/disk/by-id/[^/]*[-_]MARVIN-HDD-1$' },
    ]);
    expect(v.cephBlockPools[0].spec).toEqual({ failureDomain: 'host', replicated: { size: 3 } });
    expect(v).toMatchObject({ cephFileSystems: [], cephObjectStores: [] });
  });

  it('a serial filter matches the udev by-id names of that disk only (Rook matches devicePathFilter against every udev link)', () => {
    const r = rookDevice({ selector: { serial: 'ZFN0 AAA1' } });
    expect(r.kind).toBe('devicePathFilter');
    const re = new RegExp((r as { filter: string }).filter);
    for (const link of ['/dev/disk/by-id/ata-ST4000DM004-2CV104_ZFN0_AAA1', '/dev/disk/by-id/virtio-ZFN0_AAA1', '/dev/disk/by-id/scsi-SATA_ST4000DM004-2CV1_ZFN0_AAA1']) expect(re.test(link), link).toBe(true);
    for (const link of ['/dev/disk/by-id/ata-ST4000DM004-2CV104_ZFN0_AAA10', '/dev/disk/by-id/ata-ST4000DM004-2CV104_ZFN0_AAA1-part1', '/dev/sdb']) expect(re.test(link), link).toBe(false);
    expect(rookDevice({ path: '/dev/vdb' })).toEqual({ kind: 'device', name: '/dev/vdb' });
    expect(rookDevice({ selector: { size: '>= 1TB' } }).kind).toBe('unsupported');
  });

  it('Talos never claims the Ceph disks: no Talos document of any example names them', async () => {
    for (const example of ['aggrik8s-mesh', 'deepthought-homelab']) {
      const out = await compileExample(example);
      for (const c of out.result.model!.clusters) {
        const talos = [...out.result.files!].filter(([f]) => f.startsWith(`${c.name}/talos/`) && f.endsWith('.yaml')).map(([, text]) => text).join('\n');
        expect(talos.length, c.name).toBeGreaterThan(0);
        for (const n of c.nodes) {
          for (const d of n.dataDisks.filter((x) => x.purpose === 'ceph')) {
            expect(talos, `${c.name}/${n.name}`).not.toContain(d.path ?? d.selector!.serial!);
          }
        }
        expect(talos).not.toMatch(/kind: (UserVolumeConfig|RawVolumeConfig|ExistingVolumeConfig)/);
      }
    }
  });

  it('a volume selector is refused beside a Ceph disk unless it provably excludes it', () => {
    expect(volumeMayClaim({ selector: { type: 'hdd' } }, { path: '/dev/sdb' })).toBe(true);
    expect(volumeMayClaim({ selector: { serial: 'A' } }, { selector: { serial: 'B' } })).toBe(false);
    expect(volumeMayClaim({ selector: { type: 'nvme' } }, { selector: { serial: 'B', type: 'hdd' } })).toBe(false);
    // orrery's CEL for ssd (non-rotational, not NVMe) also matches SD/MMC cards.
    expect(volumeMayClaim({ selector: { type: 'ssd' } }, { selector: { serial: 'B', type: 'sd' } })).toBe(true);
    expect(volumeMayClaim({ path: '/dev/sdc' }, { path: '/dev/sdb' })).toBe(false);
    expect(volumeMayClaim({ path: '/dev/sdb' }, { path: '/dev/sdb' })).toBe(true);
  });

  it('a volume disk beside a Ceph disk is matched by its own path only', async () => {
    const out = await compileVariant('aggrik8s-mesh', (d) => {
      d['talos-east.yaml']!.nodes[1].dataDisks.push({ path: '/dev/vdc', purpose: 'volume' });
    });
    const docs = (parseAllDocuments(out.result.files!.get('talos-east/talos/nodes/talos-east-wk-1.yaml')!) as unknown as { toJS(): Obj }[]).map((x) => x.toJS());
    expect(docs.filter((x) => x.kind === 'UserVolumeConfig').map((x) => x.provisioning.diskSelector.match)).toEqual(['disk.dev_path == "/dev/vdc"']);
  });

  it.skipIf(!HAS_SHARED)('the block pool is the chart\'s default entry with orrery\'s size and default-class flag (Helm replaces lists whole)', async () => {
    const chart = parse(readFileSync(path.join(SHARED, 'schemas', 'charts', 'rook-ceph-cluster', 'v1.20.6', 'values.yaml'), 'utf8')) as Obj;
    const [pool] = clusterValues(await compileExample('aggrik8s-mesh'), 'talos-west').cephBlockPools as Obj[];
    const expected = structuredClone(chart.cephBlockPools[0]) as Obj;
    expected.spec.replicated.size = pool!.spec.replicated.size;
    expected.storageClass.isDefault = pool!.storageClass.isDefault;
    expect(pool).toEqual(expected);
  });

  it('deletion safety and order: the CephCluster is kept by Helm and Argo CD; the cluster chart comes after the operator', async () => {
    const out = await compileExample('aggrik8s-mesh');
    expect(clusterValues(out, 'talos-east').cephClusterMetadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
    const wave = (name: string): number => Number(out.file(`talos-east/argocd/apps/application-argocd-talos-east-${name}.yaml`)[0]!.metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave('rook-ceph-cluster')).toBeGreaterThan(wave('rook-ceph'));
    const [ns] = out.file('talos-east/namespaces/namespace-rook-ceph.yaml');
    expect(ns!.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
  });

  it('the runner\'s fact: where the CephCluster is, only with Rook', async () => {
    const out = await compileExample('aggrik8s-mesh');
    const c = out.result.model!.clusters.find((x) => x.name === 'talos-east')!;
    expect(rookCephCluster(c)).toEqual({ namespace: 'rook-ceph', name: 'rook-ceph' });
    expect(rookCephCluster({ components: {} })).toBeUndefined();
  });

  it('Cluster API clusters: every node, the non-boot virtual disks by kernel name', async () => {
    const out = await compileVariant('clusters', (d) => {
      d['ganymede.yaml']!.components.rookCeph = { enabled: true };
    });
    const [release] = out.file('ganymede/infrastructure/controllers/helmrelease-rook-ceph-rook-ceph-cluster.yaml');
    expect(release!.spec.values.cephClusterSpec.storage).toEqual({ useAllNodes: true, useAllDevices: false, deviceFilter: CAPI_CEPH_DEVICE_FILTER });
    expect(release!.spec.dependsOn).toEqual([{ name: 'rook-ceph', namespace: 'rook-ceph' }]);
    const re = new RegExp(CAPI_CEPH_DEVICE_FILTER);
    expect(['sdb', 'sdc', 'vdb'].every((n) => re.test(n)) && !['sda', 'vda', 'sdb1'].some((n) => re.test(n))).toBe(true);
  });
});
