import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { planComponents } from '../../lib/gitops/plan.ts';
import type { PlatformComponent } from '../../lib/gitops/component.ts';
import { exampleSpecs, REPO, removeDir } from '../helpers.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: any };

function objectsOf(files: ReadonlyMap<string, string>, filter: (file: string) => boolean = () => true): { file: string; o: Obj }[] {
  const out = [];
  for (const [file, content] of files) {
    if (!file.endsWith('.yaml') || file.endsWith('kustomization.yaml') || file.includes('/talos/') || file.includes('/bootstrap/') || !filter(file)) continue;
    for (const d of parseAllDocuments(content) as unknown as { toJS(): Obj }[]) out.push({ file, o: d.toJS() });
  }
  return out;
}

const CURRENT: Record<string, string> = {
  GitRepository: 'source.toolkit.fluxcd.io/v1',
  HelmRepository: 'source.toolkit.fluxcd.io/v1',
  OCIRepository: 'source.toolkit.fluxcd.io/v1',
  Kustomization: 'kustomize.toolkit.fluxcd.io/v1',
  HelmRelease: 'helm.toolkit.fluxcd.io/v2',
  Application: 'argoproj.io/v1alpha1',
  ApplicationSet: 'argoproj.io/v1alpha1',
};

describe.each(exampleSpecs())('GitOps output of $name', async ({ spec }) => {
  const { files, model } = await compileSpecDir(spec, { cwd: REPO });
  const objects = objectsOf(files!);

  it('uses only the current Flux and Argo CD APIs', () => {
    for (const { file, o } of objects) if (CURRENT[o.kind]) expect(o.apiVersion, file).toBe(CURRENT[o.kind]);
  });

  it('no two objects share an identity within one cluster', () => {
    for (const c of model!.clusters) {
      const ids = objects.filter(({ file }) => file.startsWith(`${c.name}/`)).map(({ o }) => `${o.apiVersion.split('/')[0]}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
      expect(ids.length - new Set(ids).size, c.name).toBe(0);
    }
  });

  it('never writes into flux-system/ (flux bootstrap owns it)', () => {
    expect([...files!.keys()].filter((f) => f.split('/').includes('flux-system'))).toEqual([]);
  });

  it('namespaces are protected from prune by the engine in use', () => {
    const engine = model!.constellation.gitops.engine;
    const key = engine === 'flux' ? 'kustomize.toolkit.fluxcd.io/prune' : 'argocd.argoproj.io/sync-options';
    for (const { file, o } of objects.filter(({ o }) => o.kind === 'Namespace')) expect(o.metadata.annotations?.[key], file).toBe(engine === 'flux' ? 'disabled' : 'Prune=false,Delete=false');
  });

  it('Flux: layers depend on each other in order, the layer with Secrets decrypts them, HelmReleases remediate', () => {
    if (model!.constellation.gitops.engine !== 'flux') return;
    for (const c of model!.clusters) {
      const order = ['infra-controllers', 'infra-configs', 'apps'].map((l) => `${c.name}-${l}`);
      // The layer Kustomizations; upstream manifests (CRD bundles) have their own (test/components/gateway-api).
      const ks = objects
        .filter(({ file, o }) => file.startsWith(`${c.name}/flux/`) && o.kind === 'Kustomization' && order.includes(o.metadata.name))
        .map(({ o }) => o)
        .sort((a, b) => order.indexOf(a.metadata.name) - order.indexOf(b.metadata.name));
      if (ks.length === 0) continue;
      expect(ks[0]!.metadata.name).toBe(`${c.name}-infra-controllers`);
      ks.slice(1).forEach((k, i) => expect(k.spec.dependsOn).toEqual([{ name: ks[i]!.metadata.name }]));
      for (const k of ks) expect(k.spec).toMatchObject({ prune: true, wait: true, interval: '10m', retryInterval: '1m', sourceRef: { kind: 'GitRepository', name: 'flux-system' } });
      // The layer with the CNI waits longer than the CNI release's own 15m timeout; the others 10m.
      const cni = [...files!.keys()].some((f) => f === `${c.name}/infrastructure/controllers/helmrelease-${c.cni.cilium?.namespace ?? 'kube-system'}-cilium.yaml`);
      expect(ks.map((k) => k.spec.timeout)).toEqual(ks.map((_, i) => (i === 0 && cni ? '20m' : '10m')));
      const hasSecrets = [...files!.keys()].some((f) => f.startsWith(`${c.name}/secrets/secret-`));
      expect(ks[0]!.spec.decryption !== undefined).toBe(hasSecrets);
    }
    for (const { o } of objects.filter(({ o }) => o.kind === 'HelmRelease')) {
      expect(o.spec.install.remediation.retries).toBe(3);
      expect(o.spec.upgrade.remediation.retries).toBe(3);
      // A pinned chart version: in the chart spec, or the tag of the OCIRepository it refers to.
      const oci = o.spec.chartRef ? objects.find(({ o: s }) => s.kind === 'OCIRepository' && s.metadata.name === o.spec.chartRef.name)?.o : undefined;
      expect(o.spec.chart?.spec.version ?? oci?.spec.ref.tag).toMatch(/^v?\d/);
    }
  });

  it('Argo CD: one root per cluster, children with sync waves per layer, CreateNamespace and automated sync', () => {
    if (model!.constellation.gitops.engine !== 'argocd') return;
    for (const c of model!.clusters) {
      const apps = objects.filter(({ file, o }) => file.startsWith(`${c.name}/argocd/apps/`) && o.kind === 'Application').map(({ o }) => o);
      expect(apps.length).toBeGreaterThan(0);
      for (const a of apps) {
        expect(Number(a.metadata.annotations!['argocd.argoproj.io/sync-wave'])).not.toBeNaN();
        expect(a.spec.syncPolicy).toMatchObject({ retry: { limit: -1 } });
        // Upstream CRD bundles are never pruned and need no namespace (test/components/gateway-api).
        if (a.spec.source.repoURL.startsWith('https://github.com/')) continue;
        expect(a.spec.syncPolicy).toMatchObject({ automated: { prune: true, selfHeal: true } });
        expect(a.spec.syncPolicy.syncOptions.slice(0, 2)).toEqual(['CreateNamespace=true', 'ServerSideApply=true']);
      }
      const wave = (n: string): number => Number(apps.find((a) => a.metadata.name === `${c.name}-${n}`)?.metadata.annotations!['argocd.argoproj.io/sync-wave']);
      if (apps.some((a) => a.metadata.name === `${c.name}-secrets`)) expect(wave('secrets')).toBeLessThan(0);
      // No management cluster: each cluster's own Argo CD applies its root; no fleet generator input.
      expect(files!.has(`${c.name}/argocd/cluster.json`)).toBe(false);
      expect(objectsOf(files!, (f) => f === `${c.name}/argocd/application-argocd-${c.name}-root.yaml`)[0]!.o.spec.source.path).toBe(`dist/${c.name}/argocd/apps`);
    }
  });
});

describe('deletion safety', () => {
  it('Namespaces, PersistentVolumeClaims and CephClusters a component emits are protected from prune, other kinds are not', async () => {
    const { gitopsComponent } = await import('../../lib/gitops/gitops.ts');
    const { App } = await import('cdk8s');
    const PLATFORM_COMPONENTS = (await import('../../lib/registry.ts')).REGISTRY.platform;
    const { model } = await compileSpecDir(path.join(REPO, 'clusters'), { cwd: REPO, build: false });
    const volumes: PlatformComponent = {
      name: 'volumes',
      enabled: () => true,
      build: () => ({
        namespace: { name: 'storage', labels: {} },
        releases: [],
        objects: {
          configs: [
            { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'storage' } },
            { apiVersion: 'ceph.rook.io/v1', kind: 'CephCluster', metadata: { name: 'ceph', namespace: 'storage' } },
            { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain', namespace: 'storage' } },
          ],
        },
      }),
    };
    const { secretRequirements } = await import('../../lib/secrets/requirements.ts');
    const cluster = model!.clusters[0]!;
    // The engine plans whatever list it is given (the registry's, here with one more component).
    const platform = [...PLATFORM_COMPONENTS, volumes];
    const out = gitopsComponent.build({ model: model!, cluster, app: new App(), secrets: new Map(), secretRequirements: secretRequirements(model!).filter((r) => r.cluster === cluster.name), platform });
    const configs = out.bundles.find((b) => b.dir.endsWith('infrastructure/configs'))!.objects;
    const annotation = (kind: string) => (configs.find((o) => o.kind === kind)!.metadata.annotations as Record<string, string> | undefined)?.['kustomize.toolkit.fluxcd.io/prune'];
    expect([annotation('PersistentVolumeClaim'), annotation('CephCluster'), annotation('ConfigMap')]).toEqual(['disabled', 'disabled', undefined]);
  });
});

describe('component dependencies', () => {
  const cluster = { name: 'lab', source: 'clusters/lab.yaml' } as never;
  const component = (name: string, dependsOn: string[]): PlatformComponent => ({
    name,
    dependsOn,
    enabled: () => true,
    build: () => ({ namespace: { name, labels: {} }, releases: [] }),
  });

  it('orders dependencies first', () => {
    const plan = planComponents([component('b', ['a']), component('a', [])], { model: {} as never, cluster, secrets: new Map() });
    expect(plan.components.map((c) => c.component.name)).toEqual(['a', 'b']);
  });

  it('rejects a cycle at compile time, naming it', () => {
    const plan = planComponents([component('a', ['b']), component('b', ['c']), component('c', ['a'])], { model: {} as never, cluster, secrets: new Map() });
    expect(plan.components).toEqual([]);
    expect(plan.diagnostics.map((d) => d.message)).toEqual(['components depend on each other in a cycle: a → b → c → a']);
  });

  it('rejects a dependency that is not enabled', () => {
    const disabled = { ...component('a', []), enabled: () => false };
    const plan = planComponents([component('b', ['a']), disabled], { model: {} as never, cluster, secrets: new Map() });
    expect(plan.diagnostics[0]!.message).toBe('b needs a, which is not enabled in cluster "lab": enable it under components');
  });
});
// gitops.flux.workloadsFromManagement: test/gitops/flux-remote.test.ts
