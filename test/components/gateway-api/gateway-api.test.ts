import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keepOnly } from '../../../lib/gitops/upstream.ts';
import { removeDir, tempDir } from '../../helpers.ts';
import { compileExample, compileVariant, removeVariants, type Compiled, type Obj } from '../variant.ts';

afterAll(removeVariants);

const wave = (a: Obj): number => Number(a.metadata.annotations['argocd.argoproj.io/sync-wave']);

/** Releases of a cluster that need the Gateway API CRDs (Linkerd, Envoy Gateway, Contour, Cilium with gatewayAPI). */
function consumers(out: Compiled, cluster: string): string[] {
  return out
    .objects(cluster)
    .filter(({ o }) => o.kind === 'HelmRelease' || (o.kind === 'Application' && o.spec.source.chart))
    .filter(({ o }) => {
      // A chart from an OCI registry is a chartRef to its OCIRepository (named <repository>-<chart>).
      const chart = o.kind === 'HelmRelease' ? (o.spec.chart?.spec.chart ?? String(o.spec.chartRef.name).replace(/^[^-]+-/, '')) : o.spec.source.chart;
      const values = o.kind === 'HelmRelease' ? o.spec.values : o.spec.source.helm.valuesObject;
      return ['linkerd-crds', 'linkerd-control-plane', 'gateway-helm', 'contour'].includes(chart) || (chart === 'cilium' && values.gatewayAPI?.enabled);
    })
    .map(({ o }) => o.metadata.name);
}

describe('Gateway API CRDs: one pinned source, before everything that needs them', () => {
  it.each(['clusters', 'equinix-constellation'])('Flux (%s): a Kustomization of the upstream tag that the first layer waits for', async (example) => {
    const out = await compileExample(example);
    for (const cluster of ['ganymede', 'callisto', 'jupiter']) {
      expect(consumers(out, cluster).length, cluster).toBeGreaterThan(0);
      const [repo] = out.file(`${cluster}/flux/orrery/gitrepository-flux-system-${cluster}-gateway-api-crds.yaml`);
      expect(repo!.spec).toMatchObject({ url: 'https://github.com/kubernetes-sigs/gateway-api', ref: { tag: 'v1.6.1' } });
      const [ks] = out.file(`${cluster}/flux/orrery/kustomization-flux-system-${cluster}-gateway-api-crds.yaml`);
      // config/crd/kustomization.yaml at v1.6.1 lists exactly the standard-channel files of the release's standard-install.yaml.
      expect(ks!.spec).toMatchObject({ path: './config/crd', prune: false, wait: true, sourceRef: { kind: 'GitRepository', name: `${cluster}-gateway-api-crds` } });
      const [controllers] = out.file(`${cluster}/flux/orrery/kustomization-flux-system-${cluster}-infra-controllers.yaml`);
      expect(controllers!.spec.dependsOn).toContainEqual({ name: `${cluster}-gateway-api-crds` });
      // Every HelmRelease is in a layer at or after the controllers layer, so after the CRDs.
      for (const f of out.files((f) => f.startsWith(`${cluster}/`) && f.includes('/helmrelease-'))) expect(f).toMatch(/\/infrastructure\/(controllers|configs)\//);
    }
  });

  it('Argo CD (deepthought): the CRD Application syncs in a wave before every chart and the configs; never pruned, never cascade-deleted, server-side applied', async () => {
    const out = await compileExample('deepthought-homelab');
    const apps = out.objects('deepthought').filter(({ file, o }) => file.startsWith('deepthought/argocd/apps/') && o.kind === 'Application').map(({ o }) => o);
    const crds = apps.find((a) => a.metadata.name === 'deepthought-gateway-api-crds')!;
    expect(crds.spec.source).toEqual({ repoURL: 'https://github.com/kubernetes-sigs/gateway-api', targetRevision: 'v1.6.1', path: 'config/crd' });
    // The largest CRD (HTTPRoute) is over the 256 kB last-applied annotation of client-side apply.
    expect(crds.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    expect(crds.spec.syncPolicy.automated.prune).toBe(false);
    expect(crds.metadata.finalizers).toBeUndefined();
    const charts = apps.filter((a) => a.spec.source.chart);
    expect(charts.map((a) => a.spec.source.chart)).toEqual(expect.arrayContaining(['linkerd-crds', 'linkerd-control-plane', 'contour']));
    for (const a of [...charts, apps.find((x) => x.metadata.name === 'deepthought-infra-configs')!]) expect(wave(a), a.metadata.name).toBeGreaterThan(wave(crds));
    // Custom resources of a sibling's CRDs (GatewayClass, Gateway, Certificates) skip the dry run until those CRDs exist.
    expect(apps.find((x) => x.metadata.name === 'deepthought-infra-configs')!.spec.syncPolicy.syncOptions).toContain('SkipDryRunOnMissingResource=true');
  });

  it('Linkerd leaves the Gateway API to orrery (installGatewayAPI: false) only where orrery installs it', async () => {
    const out = await compileExample('deepthought-homelab');
    const [crdsApp] = out.file('deepthought/argocd/apps/application-argocd-deepthought-linkerd-crds.yaml');
    expect(crdsApp!.spec.source.helm.valuesObject).toEqual({ installGatewayAPI: false });
    expect(out.files((f) => f === 'deepthought/argocd/apps/application-argocd-deepthought-gateway-api-crds.yaml')).toHaveLength(1);
  });

  it('the bootstrap applies the CRDs before Cilium when Cilium runs its Gateway API controller, and not otherwise', async () => {
    const out = await compileExample('clusters');
    const readme = out.result.files!.get('ganymede/bootstrap/README.md')!;
    const apply = readme.indexOf('kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml');
    expect(apply).toBeGreaterThan(0);
    expect(readme.indexOf('helm upgrade --install cilium')).toBeGreaterThan(apply);
    const vtalos = await compileExample('vtalos-lab');
    expect(vtalos.result.files!.get('vtalos/bootstrap/README.md')).not.toContain('gateway-api');
  });

  it('the experimental channel comes from config/crd/experimental', async () => {
    const out = await compileVariant('vtalos-lab', (d) => {
      d['vtalos.yaml']!.components.gatewayApi = { enabled: true, channel: 'experimental', version: 'v1.6.0' };
    });
    const [ks] = out.file('vtalos/flux/orrery/kustomization-flux-system-vtalos-gateway-api-crds.yaml');
    const [repo] = out.file('vtalos/flux/orrery/gitrepository-flux-system-vtalos-gateway-api-crds.yaml');
    expect(ks!.spec.path).toBe('./config/crd/experimental');
    expect(repo!.spec.ref).toEqual({ tag: 'v1.6.0' });
  });

  it('Envoy Gateway installs none of the Gateway API CRDs itself, and gets its own CRDs from the same release', async () => {
    const out = await compileExample('equinix-constellation');
    const [release] = out.file('ganymede/infrastructure/controllers/helmrelease-ingress-bundle-ingress-bundle.yaml');
    // The chart is OCI-only: an OCIRepository pinned to the version, read through chartRef.
    expect(release!.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'envoyproxy-gateway-helm', namespace: 'flux-system' });
    expect(release!.spec.values.crds).toEqual({ enabled: false });
    const [crds] = out.file('ganymede/flux/orrery/gitrepository-flux-system-ganymede-envoy-gateway-crds.yaml');
    expect(crds!.spec).toMatchObject({ url: 'https://github.com/envoyproxy/gateway', ref: { tag: 'v1.9.0' } });
    const [ks] = out.file('ganymede/flux/orrery/kustomization-flux-system-ganymede-envoy-gateway-crds.yaml');
    expect(ks!.spec).toMatchObject({ path: './charts/gateway-helm/charts/crds/crds/generated', prune: false });
    const [oci] = out.file('ganymede/infrastructure/controllers/ocirepository-flux-system-envoyproxy-gateway-helm.yaml');
    expect(oci!.spec).toMatchObject({ url: 'oci://docker.io/envoyproxy/gateway-helm', ref: { tag: 'v1.9.0' } });
  });
});

const HAS_GIT = spawnSync('git', ['--version']).status === 0;

describe.skipIf(!HAS_GIT)('GitRepository ignore: only the directories the Kustomization reads reach the artifact', () => {
  // source-controller reads spec.ignore in .gitignore format; git's own matcher is the reference it follows.
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map(removeDir)));
  it.each([
    [['config/crd'], ['config/crd/experimental/x.yaml', 'config/crd/kustomization.yaml', 'config/crd/standard/a.yaml']],
    [['deploy'], ['deploy/base/d.yaml', 'deploy/standalone/kustomization.yaml']],
    [['charts/gateway-helm/charts/crds/crds/generated'], ['charts/gateway-helm/charts/crds/crds/generated/g.yaml']],
  ])('keepOnly(%j) keeps exactly %j', async (keep, kept) => {
    const dir = await tempDir('orrery-ignore-');
    dirs.push(dir);
    const files = [
      'README.md', 'site-src/index.md', 'config/other.yaml', 'config/crd/kustomization.yaml', 'config/crd/standard/a.yaml', 'config/crd/experimental/x.yaml',
      'deploy/base/d.yaml', 'deploy/standalone/kustomization.yaml', 'deploy-other/z.yaml',
      'charts/gateway-helm/values.yaml', 'charts/gateway-helm/charts/crds/crds/gatewayapi-crds.yaml', 'charts/gateway-helm/charts/crds/crds/generated/g.yaml',
    ];
    for (const f of files) {
      await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
      await writeFile(path.join(dir, f), 'x\n');
    }
    await writeFile(path.join(dir, '.gitignore'), keepOnly(keep));
    execFileSync('git', ['init', '-q'], { cwd: dir });
    const listed = execFileSync('git', ['ls-files', '--others', '--exclude-standard'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').filter((f) => f !== '.gitignore').sort();
    expect(listed).toEqual(kept);
  });
});
