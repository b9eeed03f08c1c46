import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { DEFAULT_VERSIONS } from '../../lib/model/defaults.ts';
import { materializeFixture, removeDir, REPO as REPO_DIR } from '../helpers.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

async function modelOf(fixture: string) {
  const dir = await materializeFixture(fixture);
  dirs.push(dir);
  const result = await compileSpecDir(path.join(dir, 'clusters'), { cwd: dir, build: false });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.model!;
}

describe('resolve', () => {
  it('GIVEN a spec without versions THEN every default comes from defaults.ts', async () => {
    const model = await modelOf('accept/base');
    const lab = model.clusters[0]!;
    expect(lab.versions).toEqual(DEFAULT_VERSIONS);
    expect(lab.talos.contract).toBe('1.13');
    expect(lab.endpoint).toEqual({ mode: 'vip', vip: '10.0.0.10', port: 6443, url: 'https://10.0.0.10:6443', extraCertSANs: [] });
    expect(model.constellation.gitops).toEqual({
      engine: 'flux',
      url: 'ssh://git@example.com/fleet.git',
      branch: 'main',
      path: 'dist',
      argocd: { namespace: 'argocd', project: 'default', automated: true, prune: true, selfHeal: true },
      flux: { workloadsFromManagement: false },
    });
  });

  it('GIVEN node defaults at cluster level THEN nodes inherit gateway and nameservers', async () => {
    const lab = (await modelOf('accept/base')).clusters[0]!;
    expect(lab.nodes.map((n) => [n.name, n.gateway, n.nameservers, n.primaryAddress])).toEqual([
      ['cp-1', '10.0.0.1', ['10.0.0.2'], '10.0.0.11'],
      ['worker-1', '10.0.0.1', ['10.0.0.2'], '10.0.0.21'],
    ]);
  });

  it('turns PodSecurity levels into namespace labels', async () => {
    const lab = (await modelOf('accept/base')).clusters[0]!;
    expect(lab.namespaces).toEqual([{ name: 'apps', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' }, annotations: {} }]);
  });

  it('the model is deeply frozen', async () => {
    const model = await modelOf('accept/base');
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(model.clusters[0]!.nodes[0]!.addresses)).toBe(true);
    expect(() => (model.clusters[0]!.nodes as unknown as unknown[]).push(1)).toThrow();
  });

  it('GIVEN an unpinned mesh member THEN it gets the lowest free id and a warning to pin it', async () => {
    const dir = await materializeFixture('accept/mesh-unpinned-id');
    dirs.push(dir);
    const result = await compileSpecDir(path.join(dir, 'clusters'), { cwd: dir, build: false });
    expect(result.model!.constellation.meshGroups[0]!.members).toEqual([
      { cluster: 'lab', id: 1, pinned: true },
      { cluster: 'edge', id: 2, pinned: false },
    ]);
    expect(result.diagnostics.map((d) => d.rule)).toContain('mesh/unpinned-id');
  });

  it('lists the spec sections no generator compiles yet', async () => {
    const lab = (await modelOf('accept/base')).clusters[0]!;
    expect(lab.pending).toEqual([]);
    const { model } = await compileSpecDir(path.join(REPO_DIR, 'clusters'), { cwd: REPO_DIR, build: false });
    // From the schema's x-orrery-pending (provisioning.clusterApi) and the one conditional section (a Cluster API cluster's talos).
    expect(model!.clusters.find((c) => c.name === 'jupiter')!.pending).toEqual(['provisioning.clusterApi (waits for Cluster API)', 'talos (waits for Cluster API (its machines))']);
    expect(lab.pending.some((p) => p.startsWith('provisioning.clusterApi'))).toBe(false);
  });
});

describe('Cilium cluster ids over a connected mesh', () => {
  it('GIVEN 256 unpinned members in one mesh THEN the last one gets no id (1-255), as an error', async () => {
    const { compileFiles } = await import('../../lib/pipeline.ts');
    const { parseSpecText } = await import('../../lib/read/read-spec.ts');
    const names = Array.from({ length: 256 }, (_, i) => `c${i}`);
    const cons = `apiVersion: orrery.dev/v1alpha1\nkind: Constellation\nname: big\ngitops: {repository: {url: ssh://git@example.com/x.git}}\nmeshGroups:\n  - name: all\n    members:\n${names.map((n) => `      - cluster: ${n}\n`).join('')}`;
    const cluster = (n: string, i: number): string =>
      `apiVersion: orrery.dev/v1alpha1\nkind: Cluster\nname: ${n}\nrole: standalone\nprovisioning: {method: cluster-api, clusterApi: {provider: sidero, sidero: {}, machinePools: [{name: cp, role: controlplane, replicas: 1}]}}\nendpoint: {mode: dns, host: ${n}.example.com}\nnetwork: {podCidr: 10.${i}.0.0/16, serviceCidr: 172.${16 + (i % 16)}.${i % 256}.0/24}\ncni: {name: cilium, cilium: {clusterMesh: {apiserver: {loadBalancerIP: 192.168.${i >> 8}.${(i & 255) + 0}}}}}\n`;
    const files = [parseSpecText(cons, 'clusters/constellation.yaml', 'clusters/constellation.yaml').files[0]!];
    names.forEach((n, i) => files.push(parseSpecText(cluster(n, i).replace('role: standalone', 'role: management'), `clusters/${n}.yaml`, `clusters/${n}.yaml`).files[0]!));
    const result = compileFiles(files, 'clusters', { build: false });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.message)).toEqual(['no free Cilium cluster id (1-255) left for "c255" among the clusters it meshes with']);
    expect(result.model).toBeUndefined();
  });
});
