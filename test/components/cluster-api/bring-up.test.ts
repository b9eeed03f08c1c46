import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSpecDir } from '../../../lib/pipeline.ts';
import { REGISTRY } from '../../../lib/registry.ts';
import { REPO, removeDir } from '../../helpers.ts';
import { compileEdited } from './helpers.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));
const { model, files } = await compileSpecDir(path.join(REPO, 'clusters'), { cwd: REPO });

describe('the bring-up the runner reads (pure, from the model)', () => {
  it('jupiter pivots: its objects are applied by the runner to a bootstrap cluster, then moved', () => {
    const b = REGISTRY.capiBringUp(model!, 'jupiter')!;
    expect(b).toMatchObject({ cluster: 'jupiter', manager: 'jupiter', pivot: true, namespace: 'constellation', objects: { dir: 'jupiter/cluster-api', appliedBy: 'runner' }, gitops: 'own', providerIdBy: 'talos-ccm' });
    // The same exact versions on the bootstrap cluster and on jupiter (clusterctl built-in provider names).
    expect(b.clusterctlInit).toEqual({
      args: ['init', '--core', 'cluster-api:v1.12.11', '--bootstrap', 'talos:v0.6.13', '--control-plane', 'talos:v0.5.14', '--infrastructure', 'proxmox:v0.9.0', '--ipam', 'in-cluster:v1.1.0'],
      env: {},
    });
    expect(b.kubeconfigSecret).toEqual({ name: 'jupiter-kubeconfig', key: 'value' });
    expect(b.talosconfigSecret).toEqual({ name: 'jupiter-talosconfig', key: 'talosconfig' });
    expect(b.machines).toEqual({ controlPlanes: 3, workers: 3 });
    // The Secrets to decrypt and apply first, from the delivered files: the generated bundle and the
    // operator's credentials, both in dist/ (synth refuses the spec without the credentials).
    expect(b.secretFiles).toEqual(['jupiter/secrets/secret-constellation-jupiter-talos.yaml', 'jupiter/secrets/secret-constellation-proxmox-fra.yaml']);
    for (const f of b.secretFiles) expect(files!.has(f), f).toBe(true);
    expect(b.operatorSecrets).toEqual([{ namespace: 'constellation', name: 'proxmox-fra', keys: ['url', 'token', 'secret'], why: 'read by CAPMOX (the ProxmoxCluster of jupiter)' }]);
    // The objects directory is a kustomization in the output.
    expect(files!.has('jupiter/cluster-api/kustomization.yaml')).toBe(true);
  });

  it("a workload cluster's objects are applied by its manager's GitOps; the runner installs its CNI and GitOps through the kubeconfig", () => {
    const b = REGISTRY.capiBringUp(model!, 'ganymede')!;
    expect(b).toMatchObject({ manager: 'jupiter', pivot: false, objects: { dir: 'jupiter/apps', appliedBy: 'gitops' }, secretFiles: [], gitops: 'own' });
    expect(REGISTRY.capiBringUp(model!, 'nope')).toBeUndefined();
  });

  it('with workloadsFromManagement the manager runs their GitOps, and needs the age key in the Cluster API namespace', async () => {
    const r = await compileEdited({ 'constellation.yaml': (t) => t.replace('  engine: flux\n', '  engine: flux\n  flux:\n    workloadsFromManagement: true\n') }, dirs);
    const b = REGISTRY.capiBringUp(r.model!, 'callisto')!;
    expect(b.gitops).toBe('management');
    expect(b.operatorSecrets.map((s) => `${s.namespace}/${s.name}`)).toEqual(['constellation/proxmox-nyc', 'constellation/sops-age']);
    // jupiter manages itself: its own GitOps either way.
    expect(REGISTRY.capiBringUp(r.model!, 'jupiter')!.gitops).toBe('own');
  });

  it('Sidero: no IPAM provider; the servers reach Sidero at the metadata server address', async () => {
    const arges = await compileSpecDir(path.join(REPO, 'examples/arges-metal/clusters'), { cwd: REPO, build: false });
    const b = REGISTRY.capiBringUp(arges.model!, 'example-0')!;
    expect(b.providers).toEqual({
      core: { name: 'cluster-api', version: 'v1.12.11' },
      bootstrap: { name: 'talos', version: 'v0.6.13' },
      controlPlane: { name: 'talos', version: 'v0.5.14' },
      infrastructure: { name: 'sidero', version: 'v0.6.13' },
    });
    expect(b.clusterctlInit.env).toEqual({ SIDERO_CONTROLLER_MANAGER_HOST_NETWORK: 'true', SIDERO_CONTROLLER_MANAGER_API_ENDPOINT: '192.168.1.5', SIDERO_CONTROLLER_MANAGER_API_PORT: '80' });
    expect(b).toMatchObject({ manager: 'arges-mgmt', pivot: false, providerIdBy: 'sidero', objects: { dir: 'arges-mgmt/apps' } });
    expect(REGISTRY.capiBringUp(arges.model!, 'arges-mgmt')).toBeUndefined();
  });

  it('the retired packet provider has no bring-up', async () => {
    const eq = await compileSpecDir(path.join(REPO, 'examples/equinix-constellation/clusters'), { cwd: REPO, build: false });
    expect(eq.model!.clusters.map((c) => REGISTRY.capiBringUp(eq.model!, c.name))).toEqual([undefined, undefined, undefined]);
  });
});
