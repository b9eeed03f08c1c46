import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/build/artifacts.ts';
import type { Layer } from '../../lib/gitops/component.ts';
import type { LayerContent } from '../../lib/gitops/flux.ts';
import { remoteFluxBundles } from '../../lib/gitops/flux-remote.ts';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { HAS_SHARED, REPO, removeDir } from '../helpers.ts';
import { kubeSchemas } from '../conformance/kube-schema.ts';
import { compileEdited, objectsUnder, type Obj } from '../components/cluster-api/helpers.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

const { files, diagnostics } = await compileEdited({ 'constellation.yaml': (t) => t.replace('  engine: flux\n', '  engine: flux\n  flux:\n    workloadsFromManagement: true\n') }, dirs);
const kustomizations = (cluster: string): Obj[] => objectsUnder(files!, `jupiter/flux/workloads/${cluster}/`).map(({ o }) => o);
const releases = (cluster: string): Obj[] => objectsUnder(files!, `${cluster}/releases/`).map(({ o }) => o);

describe('Flux: workload clusters reconciled from their management cluster (gitops.flux.workloadsFromManagement)', () => {
  it('compiles; the workload clusters get no Flux of their own', () => {
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect([...files!.keys()].some((f) => /^(ganymede|callisto)\/flux\//.test(f))).toBe(false);
    // jupiter manages itself: it keeps its own Flux.
    expect(files!.has('jupiter/flux/orrery/kustomization.yaml')).toBe(true);
  });

  it("the chain on the management cluster, in the workload's Cluster API namespace: upstream manifests, then per layer its plain manifests and its releases", () => {
    const objects = kustomizations('ganymede');
    const ks = objects.filter((o) => o.kind === 'Kustomization');
    const byName = new Map(ks.map((k) => [k.metadata.name, k]));
    expect([...byName.keys()].sort()).toEqual([
      'ganymede-gateway-api-crds',
      'ganymede-infra-configs',
      'ganymede-infra-controllers',
      'ganymede-infra-controllers-releases',
      'ganymede-kubelet-serving-cert-approver',
    ]);
    for (const o of objects) expect(o.metadata.namespace, o.metadata.name).toBe('constellation');
    // Upstream manifests (CRD bundles, the CSR approver) come along with their own GitRepositories,
    // in the same namespace (a local sourceRef); they are applied into the workload too.
    expect(objects.filter((o) => o.kind === 'GitRepository').map((o) => o.metadata.name)).toEqual(['ganymede-gateway-api-crds', 'ganymede-kubelet-serving-cert-approver']);
    for (const name of ['ganymede-gateway-api-crds', 'ganymede-kubelet-serving-cert-approver']) {
      expect(byName.get(name)!.spec.sourceRef).toEqual({ kind: 'GitRepository', name });
      expect(byName.get(name)!.spec.kubeConfig).toEqual({ secretRef: { name: 'ganymede-kubeconfig', key: 'value' } });
    }
    // The layers read bootstrap's GitRepository of the manager (flux-system/flux-system): a cross-namespace reference.
    for (const name of ['ganymede-infra-controllers', 'ganymede-infra-controllers-releases', 'ganymede-infra-configs']) {
      expect(byName.get(name)!.spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' });
    }
    expect(byName.get('ganymede-infra-controllers')!.spec.dependsOn).toEqual([{ name: 'ganymede-gateway-api-crds' }, { name: 'ganymede-kubelet-serving-cert-approver' }]);
    expect(byName.get('ganymede-infra-controllers-releases')!.spec.dependsOn).toEqual([{ name: 'ganymede-infra-controllers' }]);
    expect(byName.get('ganymede-infra-configs')!.spec.dependsOn).toEqual([{ name: 'ganymede-infra-controllers-releases' }]);
    // The CNI is among the releases: their health check waits longer than its Helm timeout.
    expect(byName.get('ganymede-infra-controllers-releases')!.spec.timeout).toBe('20m');
  });

  it('plain manifests are applied into the workload cluster (kubeConfig); the releases Kustomization applies on the manager', () => {
    const byName = new Map(kustomizations('ganymede').map((k) => [k.metadata.name, k]));
    // kubeConfig.secretRef: CACPPT's <cluster>-kubeconfig (CAPI util/secret KubeconfigDataName "value"),
    // a local reference: the Kustomization's own namespace (kustomize-controller v1.9.4 CRD: name and key only).
    for (const name of ['ganymede-infra-controllers', 'ganymede-infra-configs']) expect(byName.get(name)!.spec.kubeConfig).toEqual({ secretRef: { name: 'ganymede-kubeconfig', key: 'value' } });
    expect(byName.get('ganymede-infra-controllers-releases')!.spec.kubeConfig).toBeUndefined();
    expect(byName.get('ganymede-infra-controllers-releases')!.spec.path).toBe('./dist/ganymede/releases/controllers');
    // The workload's namespaces and Secrets arrive first, decrypted with sops-age from the Cluster API
    // namespace (decryption.secretRef is a LocalObjectReference in the Kustomization CRD).
    expect(byName.get('ganymede-infra-controllers')!.spec.decryption).toEqual({ provider: 'sops', secretRef: { name: 'sops-age' } });
    expect(files!.get('ganymede/infrastructure/controllers/kustomization.yaml')).toContain('../../namespaces');
    expect(files!.get('ganymede/infrastructure/controllers/kustomization.yaml')).toContain('../../secrets');
    // The README tells the operator where sops-age goes.
    expect(files!.get('ganymede/README.md')).toContain('kubectl --namespace constellation create secret generic sops-age');
  });

  it('no HelmRelease is applied into a cluster without Flux: each stays on the manager with kubeConfig, adopting the bootstrap release', () => {
    // Directories applied remotely hold no Flux objects.
    for (const dir of ['ganymede/infrastructure/controllers/', 'ganymede/infrastructure/configs/', 'ganymede/namespaces/']) {
      expect(objectsUnder(files!, dir).filter(({ o }) => o.apiVersion.includes('toolkit.fluxcd.io')).map(({ file }) => file), dir).toEqual([]);
    }
    const hr = releases('ganymede').filter((o) => o.kind === 'HelmRelease');
    expect(hr.map((o) => o.metadata.name).sort()).toEqual(['ganymede-cert-manager', 'ganymede-cilium', 'ganymede-external-dns', 'ganymede-metallb', 'ganymede-metrics-server']);
    const cilium = hr.find((o) => o.metadata.name === 'ganymede-cilium')!;
    expect(cilium.metadata.namespace).toBe('constellation');
    // The release name and storage namespace the runner's `helm upgrade --install cilium -n kube-system` used.
    expect(cilium.spec).toMatchObject({ releaseName: 'cilium', targetNamespace: 'kube-system', storageNamespace: 'kube-system', kubeConfig: { secretRef: { name: 'ganymede-kubeconfig', key: 'value' } } });
    expect(cilium.spec.chart.spec.sourceRef).toEqual({ kind: 'HelmRepository', name: 'ganymede-cilium', namespace: 'constellation' });
    expect(files!.get('ganymede/bootstrap/README.md')).toContain('helm upgrade --install cilium ');
    // Repositories are per workload (two clusters' Kustomizations never own one object).
    const repos = releases('ganymede').filter((o) => o.kind === 'HelmRepository').map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();
    expect(repos).toEqual(['constellation/ganymede-cilium', 'constellation/ganymede-external-dns', 'constellation/ganymede-jetstack', 'constellation/ganymede-metallb', 'constellation/ganymede-metrics-server']);
    const all = [...releases('ganymede'), ...releases('callisto')].map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
    expect(new Set(all).size).toBe(all.length);
  });

  it.skipIf(!HAS_SHARED)('every object on the manager validates against the Flux CRDs (kubeConfig, targetNamespace, storageNamespace, cross-namespace refs)', () => {
    const schemas = kubeSchemas();
    const objects = [...objectsUnder(files!, 'jupiter/flux/workloads/'), ...objectsUnder(files!, 'ganymede/releases/'), ...objectsUnder(files!, 'callisto/releases/')];
    expect(objects.length).toBeGreaterThan(20);
    for (const { file, o } of objects) {
      expect(schemas.validate(o as never), file).toEqual([]);
      expect(schemas.cel(o as never), file).toEqual([]);
    }
  });

  it("the Cluster API namespace the chain lives in is one of the manager's namespaces", () => {
    expect(files!.has('jupiter/namespaces/namespace-constellation.yaml')).toBe(true);
  });
});

describe('remoteFluxBundles: releases of any layer, OCI charts', () => {
  it('a release in the apps layer gets its own manager-side Kustomization after the apps; an OCI chartRef is renamed like a HelmRepository', async () => {
    const { model } = await compileSpecDir(path.join(REPO, 'clusters'), { cwd: REPO, build: false });
    const cluster = model!.clusters.find((c) => c.name === 'ganymede')!;
    const oci: KubeObject = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'charts-app', namespace: 'flux-system' }, spec: { url: 'oci://example.com/charts/app' } };
    const release: KubeObject = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'app', namespace: 'web' },
      spec: { releaseName: 'app', chartRef: { kind: 'OCIRepository', name: 'charts-app', namespace: 'flux-system' }, dependsOn: [{ name: 'cert-manager', namespace: 'cert-manager' }] },
    };
    const plain: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'web' } };
    const layers = new Map<Layer, LayerContent>([
      ['controllers', { objects: [oci], include: [], holdsSecrets: false }],
      ['apps', { objects: [plain, release], include: [], holdsSecrets: false }],
    ]);
    const bundles = remoteFluxBundles({ model: model!, cluster, manager: 'jupiter', layers });
    const entry = bundles.find((b) => b.dir === 'jupiter/flux/workloads/ganymede')!;
    // The controllers layer holds only a Flux object: no remote Kustomization, just its releases'.
    expect(entry.objects.map((o) => [o.metadata.name, (o.spec as any).dependsOn])).toEqual([
      ['ganymede-infra-controllers-releases', undefined],
      ['ganymede-apps', [{ name: 'ganymede-infra-controllers-releases' }]],
      ['ganymede-apps-releases', [{ name: 'ganymede-apps' }]],
    ]);
    expect(bundles.find((b) => b.dir === 'ganymede/releases/controllers')!.objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['constellation/ganymede-charts-app']);
    const [hr] = bundles.find((b) => b.dir === 'ganymede/releases/apps')!.objects as any[];
    expect(hr.spec).toMatchObject({
      targetNamespace: 'web',
      storageNamespace: 'web',
      chartRef: { kind: 'OCIRepository', name: 'ganymede-charts-app', namespace: 'constellation' },
      dependsOn: [{ name: 'ganymede-cert-manager', namespace: 'constellation' }],
    });
    expect(bundles.find((b) => b.dir === 'ganymede/apps')!.objects).toEqual([plain]);
  });
});
