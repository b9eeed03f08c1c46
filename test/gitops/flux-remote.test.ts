import { afterAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers.ts';
import { compileEdited, objectsUnder, type Obj } from '../components/cluster-api/helpers.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

const { files, diagnostics } = await compileEdited({ 'constellation.yaml': (t) => t.replace('  engine: flux\n', '  engine: flux\n  flux:\n    workloadsFromManagement: true\n') }, dirs);
const kustomizations = (cluster: string): Obj[] => objectsUnder(files!, `jupiter/flux/workloads/${cluster}/`).map(({ o }) => o);
const releases = (cluster: string): Obj[] => objectsUnder(files!, `${cluster}/infrastructure/releases/`).map(({ o }) => o);

describe('Flux: workload clusters reconciled from their management cluster (gitops.flux.workloadsFromManagement)', () => {
  it('compiles; the workload clusters get no Flux of their own', () => {
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect([...files!.keys()].some((f) => /^(ganymede|callisto)\/flux\//.test(f))).toBe(false);
    // jupiter manages itself: it keeps its own Flux.
    expect(files!.has('jupiter/flux/orrery/kustomization.yaml')).toBe(true);
  });

  it("the chain on the management cluster, in the workload's Cluster API namespace: its namespaces and Secrets, then the releases, then configs", () => {
    const ks = kustomizations('ganymede');
    const byName = new Map(ks.map((k) => [k.metadata.name, k]));
    expect([...byName.keys()].sort()).toEqual(['ganymede-helm-releases', 'ganymede-infra-configs', 'ganymede-infra-controllers']);
    for (const k of ks) {
      expect(k.metadata.namespace).toBe('constellation');
      // The one shared object: the GitRepository in flux-system (a cross-namespace source reference).
      expect(k.spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'constellation', namespace: 'flux-system' });
    }
    expect(byName.get('ganymede-infra-controllers')!.spec.dependsOn).toBeUndefined();
    expect(byName.get('ganymede-helm-releases')!.spec.dependsOn).toEqual([{ name: 'ganymede-infra-controllers' }]);
    expect(byName.get('ganymede-infra-configs')!.spec.dependsOn).toEqual([{ name: 'ganymede-helm-releases' }]);
  });

  it('plain manifests are applied into the workload cluster (kubeConfig); the releases Kustomization applies on the manager', () => {
    const byName = new Map(kustomizations('ganymede').map((k) => [k.metadata.name, k]));
    // kubeConfig.secretRef: CACPPT's <cluster>-kubeconfig (CAPI util/secret KubeconfigDataName "value"),
    // a local reference: the Kustomization's own namespace (kustomize-controller v1.9.4 CRD: name and key only).
    for (const name of ['ganymede-infra-controllers', 'ganymede-infra-configs']) expect(byName.get(name)!.spec.kubeConfig).toEqual({ secretRef: { name: 'ganymede-kubeconfig', key: 'value' } });
    expect(byName.get('ganymede-helm-releases')!.spec.kubeConfig).toBeUndefined();
    expect(byName.get('ganymede-helm-releases')!.spec.path).toBe('./dist/ganymede/infrastructure/releases');
    // The workload's namespaces and Secrets arrive first, decrypted with sops-age from the Cluster API
    // namespace (decryption.secretRef is a LocalObjectReference in the Kustomization CRD).
    expect(byName.get('ganymede-infra-controllers')!.spec.decryption).toEqual({ provider: 'sops', secretRef: { name: 'sops-age' } });
    expect(files!.get('ganymede/infrastructure/controllers/kustomization.yaml')).toContain('../../namespaces');
    expect(files!.get('ganymede/infrastructure/controllers/kustomization.yaml')).toContain('../../secrets');
  });

  it('no HelmRelease is applied into a cluster without Flux: each stays on the manager with kubeConfig, adopting the bootstrap release', () => {
    // Directories applied remotely hold no Flux objects.
    for (const dir of ['ganymede/infrastructure/controllers/', 'ganymede/infrastructure/configs/', 'ganymede/namespaces/']) {
      expect(objectsUnder(files!, dir).filter(({ o }) => o.apiVersion.includes('toolkit.fluxcd.io')).map(({ file }) => file), dir).toEqual([]);
    }
    const hr = releases('ganymede').filter((o) => o.kind === 'HelmRelease');
    expect(hr.map((o) => o.metadata.name).sort()).toEqual(['ganymede-cert-manager', 'ganymede-cilium', 'ganymede-metallb']);
    const cilium = hr.find((o) => o.metadata.name === 'ganymede-cilium')!;
    expect(cilium.metadata.namespace).toBe('constellation');
    // The release name and storage namespace the runner's `helm upgrade --install cilium -n kube-system` used.
    expect(cilium.spec).toMatchObject({ releaseName: 'cilium', targetNamespace: 'kube-system', storageNamespace: 'kube-system', kubeConfig: { secretRef: { name: 'ganymede-kubeconfig', key: 'value' } } });
    expect(cilium.spec.chart.spec.sourceRef).toEqual({ kind: 'HelmRepository', name: 'ganymede-cilium', namespace: 'constellation' });
    expect(files!.get('ganymede/bootstrap/README.md')).toContain('helm upgrade --install cilium ');
    // Repositories are per workload (two clusters' Kustomizations never own one object).
    const repos = releases('ganymede').filter((o) => o.kind === 'HelmRepository').map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();
    expect(repos).toEqual(['constellation/ganymede-cilium', 'constellation/ganymede-jetstack', 'constellation/ganymede-metallb']);
    const all = [...releases('ganymede'), ...releases('callisto')].map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
    expect(new Set(all).size).toBe(all.length);
  });

  it("the Cluster API namespace the chain lives in is one of the manager's namespaces", () => {
    expect(files!.has('jupiter/namespaces/namespace-constellation.yaml')).toBe(true);
  });
});
