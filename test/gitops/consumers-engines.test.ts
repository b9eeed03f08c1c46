/**
 * What Argo CD, KSOPS, Flux (kustomize-, helm-, source-, notification-controller) and Renovate do
 * with orrery's output (issue 11, items 2, 4, 10, 12, 15 and what these engineers expect), traced
 * from their source and docs and pinned here; each test names the upstream fact it relies on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { APPLICATION_HEALTH_LUA } from '../../lib/gitops/argocd-config.ts';
import { ARGOCD_REPO_SERVER_PATCH, ksopsRepoServerPatch } from '../../lib/gitops/ksops.ts';
import { HAS_SHARED, REPO, SHARED, TEST_RECIPIENT } from '../helpers.ts';
import { encryptSops, KUBERNETES_SECRET_REGEX } from '../../lib/sops/sops.ts';
import { argoHub, bundledWith, cleanupAfterAll, compile, example, scratchDir, type Obj } from './consumer-helpers.ts';

cleanupAfterAll();

// ---------------------------------------------------------------------------------------------
// Item 2: the fleet ApplicationSet, for both shapes.
// ---------------------------------------------------------------------------------------------

/**
 * What the git files generator hands the template in goTemplate mode (argo-cd v3.5.1
 * applicationset/generators/git.go generateParamsFromGitFile): the file's keys, then `path`
 * replaced by its own map. Then `{{.key}}` is substituted with missingkey=error.
 */
function renderFilesGenerator(template: string, filePath: string, content: Obj): unknown {
  const dir = path.posix.dirname(filePath);
  const params: Obj = { ...content, path: { path: dir, basename: path.posix.basename(dir), filename: path.posix.basename(filePath), segments: dir.split('/') } };
  const m = /^\{\{\.([A-Za-z]+)\}\}$/.exec(template);
  if (!m) return template;
  if (!(m[1]! in params)) throw new Error(`map has no entry for key "${m[1]}"`);
  return params[m[1]!];
}

describe('item 2: the fleet ApplicationSet', () => {
  it('negative control: the template of before ({{.path}} over cluster.json "path") yields the generator\'s map, not the apps directory', () => {
    const rendered = renderFilesGenerator('{{.path}}', 'dist/ganymede/argocd/cluster.json', { path: 'dist/ganymede/argocd/apps' });
    expect(typeof rendered).toBe('object');
  });

  it('hub (Argo CD on the management cluster): each root points at the cluster\'s apps directory; children target that cluster', async () => {
    const out = await argoHub();
    const set = out.one('argocd/applicationset-argocd-constellation.yaml');
    expect(set.spec.generators[0].git.files).toEqual([{ path: 'dist/*/argocd/cluster.json' }]);
    for (const c of ['jupiter', 'ganymede', 'callisto']) {
      const file = `${c}/argocd/cluster.json`;
      const params = JSON.parse(out.files.get(file)!);
      const appsPath = renderFilesGenerator(set.spec.template.spec.source.path, `dist/${file}`, params);
      expect(appsPath).toBe(`dist/${c}/argocd/apps`);
      expect(out.files.has(`${c}/argocd/apps/kustomization.yaml`)).toBe(true);
      // The roots live on the hub (they hold Application objects); no per-cluster root to apply by hand.
      expect(set.spec.template.spec.destination.server).toBe('https://kubernetes.default.svc');
      expect(out.files.has(`${c}/argocd/application-argocd-${c}-root.yaml`)).toBe(false);
      const children = out.all((f) => f.startsWith(`${c}/argocd/apps/application-`)).map(({ o }) => o);
      const servers = new Set(children.map((a) => a.spec.destination.server ?? a.spec.destination.name));
      expect(servers.size).toBe(1);
      expect([...servers][0]).toBe(c === 'jupiter' ? 'https://kubernetes.default.svc' : `https://${c === 'ganymede' ? '10.20' : '10.30'}.10.5:6443`);
    }
  });

  it('hub: one AppProject per cluster, allowing only that cluster as destination and only its sources, synced before its children', async () => {
    const out = await argoHub();
    for (const c of ['ganymede', 'callisto']) {
      const project = out.one(`${c}/argocd/apps/appproject-argocd-${c}.yaml`);
      const children = out.all((f) => f.startsWith(`${c}/argocd/apps/application-`)).map(({ o }) => o);
      expect(project.spec.destinations).toEqual([{ server: children[0]!.spec.destination.server, namespace: '*' }]);
      for (const a of children) {
        expect(a.spec.project).toBe(c);
        expect(project.spec.sourceRepos).toContain(a.spec.source.repoURL);
        expect(Number(project.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeLessThan(Number(a.metadata.annotations['argocd.argoproj.io/sync-wave']));
      }
    }
  });

  it('per-cluster Argo CD (no management cluster): no fleet ApplicationSet, each cluster applies its own root', async () => {
    const out = await example('aggrik8s-mesh');
    expect([...out.files.keys()].filter((f) => f.startsWith('argocd/applicationset'))).toEqual([]);
    for (const c of ['talos-east', 'talos-west']) {
      const root = out.one(`${c}/argocd/application-argocd-${c}-root.yaml`);
      expect(root.spec.source.path).toBe(`dist/${c}/argocd/apps`);
      expect(root.spec.destination.server).toBe('https://kubernetes.default.svc');
      expect(out.files.has(`${c}/argocd/cluster.json`)).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Item 4: SOPS under Argo CD through KSOPS; Flux unchanged.
// ---------------------------------------------------------------------------------------------

describe('item 4: Argo CD decrypts through a KSOPS generator; Flux through spec.decryption', () => {
  it('deepthought (Argo CD): the encrypted files are generator inputs, never resources; the generator is KSOPS\'s exec KRM config', async () => {
    const out = await example('deepthought-homelab');
    const k = out.one('deepthought/secrets/kustomization.yaml');
    // Applied as a resource, an ENC[...] value is no base64 and the API server rejects the Secret.
    expect(k.resources).toBeUndefined();
    expect(k.generators).toEqual(['secret-generator.yaml']);
    const g = out.one('deepthought/secrets/secret-generator.yaml');
    // viaduct-ai/kustomize-sops v4.5.1 README "Argo CD Integration": apiVersion viaduct.ai/v1,
    // kind ksops, config.kubernetes.io/function exec path ksops, files relative to the directory.
    expect(g).toMatchObject({ apiVersion: 'viaduct.ai/v1', kind: 'ksops' });
    expect(parse(g.metadata.annotations['config.kubernetes.io/function'])).toEqual({ exec: { path: 'ksops' } });
    expect(g.files.length).toBeGreaterThan(0);
    for (const f of g.files as string[]) {
      const content = out.files.get(path.posix.join('deepthought/secrets', f));
      expect(content, f).toMatch(/^sops:/m);
    }
    // The repo server needs kustomize's exec plugins enabled: shipped in the argocd-cm patch.
    expect(parse(out.files.get('argocd/argocd-cm-patch.yaml')!).data['kustomize.buildOptions']).toBe('--enable-alpha-plugins --enable-exec');
  });

  it('deepthought (Argo CD): KSOPS goes into argocd-repo-server with the one patch synth writes (the runner applies the same file)', async () => {
    const out = await example('deepthought-homelab');
    const patch = parse(out.files.get(ARGOCD_REPO_SERVER_PATCH)!);
    expect(patch).toEqual(ksopsRepoServerPatch({ namespace: 'argocd', name: 'sops-age', key: 'keys.txt' }));
    const pod = patch.spec.template.spec;
    // viaduct-ai/kustomize-sops v4.5.1 README "Argo CD Integration": an init container runs
    // `ksops install --with-kustomize` into a shared volume mounted over the repo server's
    // kustomize and ksops; SOPS_AGE_KEY_FILE points into the mounted age key Secret.
    expect(pod.initContainers[0]).toMatchObject({ name: 'install-ksops', image: 'viaductoss/ksops:v4.5.1', command: ['/usr/local/bin/ksops', 'install', '--with-kustomize', '/custom-tools'] });
    const repo = pod.containers.find((c: { name: string }) => c.name === 'argocd-repo-server');
    expect(repo.env).toEqual([{ name: 'SOPS_AGE_KEY_FILE', value: '/.config/sops/age/keys.txt' }]);
    expect(repo.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual(['/usr/local/bin/kustomize', '/usr/local/bin/ksops', '/.config/sops/age']);
    expect(pod.volumes).toContainEqual({ name: 'sops-age', secret: { secretName: 'sops-age' } });
    // The generated README shows the same file.
    expect(out.files.get('deepthought/README.md')).toContain(`--patch-file dist/${ARGOCD_REPO_SERVER_PATCH}`);
    // Negative control: a Flux constellation has none.
    expect((await example('clusters')).files.has(ARGOCD_REPO_SERVER_PATCH)).toBe(false);
  });

  it('Flux keeps SOPS files as resources, decrypted by the Kustomization that includes them', async () => {
    const out = await example('clusters');
    // orrery's mesh CA and the operator's own Secrets (secrets/ganymede/secret-*.yaml), all SOPS files.
    expect(out.one('ganymede/secrets/kustomization.yaml').resources).toEqual(['secret-cert-manager-clouddns-credentials.yaml', 'secret-external-dns-clouddns-credentials.yaml', 'secret-kube-system-cilium-ca.yaml']);
    expect(out.one('ganymede/flux/orrery/kustomization-flux-system-ganymede-infra-controllers.yaml').spec.decryption).toEqual({ provider: 'sops', secretRef: { name: 'sops-age' } });
  });
});

// ---------------------------------------------------------------------------------------------
// Items 10 and 12: Argo CD health, retry, dry run; deletion safety on both engines.
// ---------------------------------------------------------------------------------------------

describe('item 10: Argo CD orders children and retries', () => {
  it('argocd-cm patch restores the Application health check that sync waves between children need', async () => {
    const out = await example('aggrik8s-mesh');
    const patch = parse(out.files.get('argocd/argocd-cm-patch.yaml')!);
    // argo-cd v3.5.1 docs/operator-manual/health.md "Argocd App": removed in 1.8, restored with this key.
    expect(patch.data['resource.customizations.health.argoproj.io_Application']).toBe(APPLICATION_HEALTH_LUA);
    expect(APPLICATION_HEALTH_LUA).toMatch(/obj\.status\.health\.status/);
    expect(APPLICATION_HEALTH_LUA).toMatch(/status = "Progressing"/);
    // Cilium's Argo CD page (docs.cilium.io, configuration/argocd-issues): exclude CiliumIdentity.
    expect(parse(patch.data['resource.exclusions'])).toEqual([{ apiGroups: ['cilium.io'], kinds: ['CiliumIdentity'], clusters: ['*'] }]);
  });

  it.each([['per cluster', () => example('aggrik8s-mesh')], ['hub', argoHub]] as const)('%s: every Application and the ApplicationSet template retry with backoff; configs skip the dry run of CRDs a sibling installs', async (shape, load) => {
    const out = await load();
    const apps = out.all(() => true).filter(({ o }) => o.kind === 'Application' || o.kind === 'ApplicationSet');
    expect(apps.length).toBeGreaterThan(0);
    for (const { file, o } of apps) {
      const policy = o.kind === 'ApplicationSet' ? o.spec.template.spec.syncPolicy : o.spec.syncPolicy;
      // argo-cd v3.5.1 docs/user-guide/auto_sync.md: automated sync "will not reattempt a sync if the previous sync attempt against the same commit-SHA and parameters had failed".
      expect(policy.retry, file).toEqual({ limit: -1, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } });
    }
    const configs = apps.filter(({ o }) => o.metadata.name.endsWith('-infra-configs'));
    // (aggrik8s has no configs layer; the bundled constellation has one per cluster.)
    expect(configs.length).toBe(shape === 'hub' ? 3 : 0);
    for (const { o } of configs) expect(o.spec.syncPolicy.syncOptions).toContain('SkipDryRunOnMissingResource=true');
  });
});

describe('item 12: deletion safety', () => {
  it('Flux: the CNI HelmRelease is never pruned and waits 15m for its DaemonSet rollout; other releases keep the defaults', async () => {
    const out = await example('clusters');
    const cilium = out.one('ganymede/infrastructure/controllers/helmrelease-kube-system-cilium.yaml');
    expect(cilium.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    // helm-controller v1.6.3 HelmRelease spec.timeout: "Defaults to '5m0s'".
    expect(cilium.spec.timeout).toBe('15m');
    const metallb = out.one('ganymede/infrastructure/controllers/helmrelease-metallb-system-metallb.yaml');
    expect([metallb.metadata.annotations, metallb.spec.timeout]).toEqual([undefined, undefined]);
  });

  it('Argo CD: namespaces Prune=false,Delete=false; the CNI Application has no cascading finalizer, the others do', async () => {
    const out = await example('aggrik8s-mesh');
    const ns = out.all((f) => f.startsWith('talos-east/namespaces/'));
    expect(ns.length).toBeGreaterThan(0);
    for (const { o } of ns) expect(o.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
    const apps = out.all((f) => f.startsWith('talos-east/argocd/apps/application-')).map(({ o }) => o);
    const cni = apps.find((a) => a.metadata.name === 'talos-east-cilium')!;
    expect(cni.metadata.finalizers).toBeUndefined();
    for (const a of apps.filter((x) => x !== cni)) expect(a.metadata.finalizers, a.metadata.name).toEqual(['resources-finalizer.argocd.argoproj.io']);
  });
});

// ---------------------------------------------------------------------------------------------
// Item 15: Flux reads bootstrap's GitRepository.
// ---------------------------------------------------------------------------------------------

describe('item 15: one Git source per Flux, bootstrap\'s', () => {
  it.each(['clusters', 'equinix-constellation', 'vtalos-lab', 'arges-metal'])('%s: no GitRepository of orrery\'s for the fleet repository; every layer Kustomization reads flux-system/flux-system', async (name) => {
    const out = await example(name);
    // Upstream manifests (the Gateway API CRDs at a tag) have GitRepositories of their own
    // repository; none may clone the fleet's repository a second time.
    const sources = out.all(() => true).filter(({ o }) => o.kind === 'GitRepository').map(({ o }) => o);
    expect(sources.filter((g) => !String(g.spec.url).startsWith('https://github.com/') || /example/.test(String(g.spec.url)))).toEqual([]);
    const upstream = new Set(sources.map((g) => g.metadata.name));
    const ks = out.all((f) => f.includes('/flux/orrery/')).map(({ o }) => o).filter((k) => k.kind === 'Kustomization' && !upstream.has(k.metadata.name));
    expect(ks.length).toBeGreaterThan(0);
    for (const k of ks) expect(k.spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'flux-system' });
  });

  it('arges-metal with workloadsFromManagement: a workload cluster without layers has nothing to move (and compiles)', async () => {
    const dir = await scratchDir();
    await cp(path.join(REPO, 'examples', 'arges-metal', 'clusters'), path.join(dir, 'clusters'), { recursive: true });
    // example-0's machines take their Talos secrets bundle from secrets/ (CABPT's <cluster>-talos Secret).
    await cp(path.join(REPO, 'examples', 'arges-metal', 'secrets'), path.join(dir, 'secrets'), { recursive: true });
    const file = path.join(dir, 'clusters', 'constellation.yaml');
    await writeFile(file, readFileSync(file, 'utf8').replace('  engine: flux\n', '  engine: flux\n  flux:\n    workloadsFromManagement: true\n'));
    const out = await compile(path.join(dir, 'clusters'), dir);
    expect([...out.files.keys()].filter((f) => f.includes('/flux/workloads/'))).toEqual([]);
  });

  it('arges-metal example-0 (no layer): no flux/orrery/ directory at all', async () => {
    const out = await example('arges-metal');
    expect([...out.files.keys()].filter((f) => f.startsWith('example-0/flux/'))).toEqual([]);
    expect(existsSync(path.join(REPO, 'examples', 'arges-metal', 'dist', 'example-0', 'flux', 'orrery'))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Expected by these engineers: alerts, README commands, Renovate.
// ---------------------------------------------------------------------------------------------

describe('Flux alerts (opt-in gitops.flux.alerts)', () => {
  /**
   * ../shared/schemas has no notification-controller CRDs: checked against the fields of
   * notification-controller v1.9.3 (docs/spec/v1beta3/alerts.md, providers.md; api/v1beta3): the
   * Alert needs providerRef.name (a Provider in its namespace) and eventSources (kind, name, optional
   * namespace, default the Alert's), eventSeverity info|error; the Provider needs spec.type.
   */
  const withAlerts = (s: string): string => s.replace('  engine: flux\n', '  engine: flux\n  flux:\n    alerts: {provider: slack, channel: fleet, secret: flux-alerts}\n');
  /** Each cluster's Provider Secret, supplied by the operator (encrypted to the test key). */
  const alertSecrets = async (): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const c of ['jupiter', 'ganymede', 'callisto']) {
      out[`${c}/secret-flux-system-flux-alerts.yaml`] = await encryptSops(
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'flux-alerts', namespace: 'flux-system' }, type: 'Opaque', data: { address: Buffer.from('https://hooks.slack.com/services/example').toString('base64') } },
        { recipients: [TEST_RECIPIENT], encryptedRegex: KUBERNETES_SECRET_REGEX, lastModified: '2026-01-01T00:00:00Z' },
      );
    }
    return out;
  };

  it('the Provider\'s Secret is the operator\'s: without it synth names the file to create in each cluster', async () => {
    const dir = await scratchDir();
    await cp(path.join(REPO, 'clusters'), path.join(dir, 'clusters'), { recursive: true });
    await cp(path.join(REPO, 'secrets'), path.join(dir, 'secrets'), { recursive: true });
    const file = path.join(dir, 'clusters', 'constellation.yaml');
    await writeFile(file, withAlerts(await readFile(file, 'utf8')));
    const { diagnostics, files } = await compileSpecDir(path.join(dir, 'clusters'), { cwd: dir });
    expect(files).toBeUndefined();
    const missing = diagnostics.filter((d) => d.rule === 'secrets/operator-missing').map((d) => d.message);
    expect(missing).toHaveLength(3);
    for (const c of ['jupiter', 'ganymede', 'callisto']) expect(missing.some((m) => m.includes(`create secrets/${c}/secret-flux-system-flux-alerts.yaml`) && m.includes('(key address)'))).toBe(true);
  });

  it('a Provider and an Alert per cluster, for error events of Kustomizations, sources and every HelmRelease namespace', async () => {
    const out = await bundledWith(withAlerts, await alertSecrets());
    for (const c of ['jupiter', 'ganymede', 'callisto']) {
      const provider = out.one(`${c}/flux/orrery/provider-flux-system-orrery.yaml`);
      expect(provider).toMatchObject({ apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Provider', metadata: { namespace: 'flux-system' }, spec: { type: 'slack', channel: 'fleet', secretRef: { name: 'flux-alerts' } } });
      const alert = out.one(`${c}/flux/orrery/alert-flux-system-orrery.yaml`);
      expect(alert.apiVersion).toBe('notification.toolkit.fluxcd.io/v1beta3');
      expect(alert.spec.providerRef).toEqual({ name: provider.metadata.name });
      expect(alert.spec.eventSeverity).toBe('error');
      const releases = out.all((f) => f.startsWith(`${c}/infrastructure/controllers/helmrelease-`)).map(({ o }) => o.metadata.namespace as string);
      expect(releases.length).toBeGreaterThan(0);
      for (const ns of releases) expect(alert.spec.eventSources).toContainEqual({ kind: 'HelmRelease', name: '*', namespace: ns });
      expect(alert.spec.eventSources).toContainEqual({ kind: 'Kustomization', name: '*' });
      expect(out.one(`${c}/flux/orrery/kustomization.yaml`).resources).toEqual(expect.arrayContaining(['alert-flux-system-orrery.yaml', 'provider-flux-system-orrery.yaml']));
      // The Secret is the operator's, delivered encrypted with the cluster's Secrets; the README says how to make it.
      expect(out.one(`${c}/secrets/kustomization.yaml`).resources).toContain('secret-flux-system-flux-alerts.yaml');
      expect(out.files.get(`${c}/README.md`)).toContain(`npx orrery secrets --add ${c}/flux-system/flux-alerts --key address`);
    }
  });

  it('without the key: no notification objects', async () => {
    const out = await example('clusters');
    expect(out.all(() => true).filter(({ o }) => /^notification\./.test(o.apiVersion))).toEqual([]);
  });
});

describe('each cluster README says what the operator runs for its engine', () => {
  it('Flux: the exact flux bootstrap with the cluster\'s path, and the sops-age Secret when it holds Secrets', async () => {
    const out = await example('clusters');
    const readme = out.files.get('ganymede/README.md')!;
    expect(readme).toContain('flux bootstrap git --url=ssh://git@github.com/example/constellation.git --branch=main \\\n  --path=dist/ganymede/flux');
    expect(readme).toContain('kubectl --namespace flux-system create secret generic sops-age');
    // kustomize-controller reads age keys from Secret entries whose name ends in .agekey.
    expect(readme).toContain('--from-file=age.agekey=');
    expect(out.files.get('example-0/README.md') ?? '').not.toContain('sops-age');
  });

  it('Argo CD hub: a workload cluster\'s README gives the exact server URL to register', async () => {
    const out = await argoHub();
    const readme = out.files.get('ganymede/README.md')!;
    const server = out.one('ganymede/argocd/apps/application-argocd-ganymede-cilium.yaml').spec.destination.server;
    expect(readme).toContain(`argocd cluster add <kubeconfig context of ganymede> --name ganymede   # its server must be exactly ${server}`);
    expect(out.files.get('jupiter/README.md')).toContain('kubectl apply -k dist/argocd');
  });
});

describe('Renovate: the README\'s regex manager finds every annotated pin of the spec', () => {
  it('bundled constellation: talos, kubernetes, cilium, metallb, with their datasources; nothing in dist/', () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const block = /### Renovate[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)![1]!;
    const config = JSON.parse(block);
    const manager = config.customManagers[0];
    const file = new RegExp(manager.managerFilePatterns[0].slice(1, -1));
    expect(file.test('clusters/constellation.yaml')).toBe(true);
    expect(file.test('dist/ganymede/infrastructure/controllers/helmrelease-kube-system-cilium.yaml')).toBe(false);
    expect(config.ignorePaths).toContain('dist/**');
    const spec = readFileSync(path.join(REPO, 'clusters', 'constellation.yaml'), 'utf8');
    const found = [...spec.matchAll(new RegExp(manager.matchStrings[0], 'g'))].map((m) => m.groups!);
    expect(found.map((g) => [g.datasource, g.depName, g.currentValue])).toEqual([
      ['github-releases', 'siderolabs/talos', 'v1.13.9'],
      ['github-releases', 'kubernetes/kubernetes', '1.36.2'],
      ['helm', 'cilium', '1.19.5'],
      ['helm', 'metallb', '0.16.1'],
    ]);
    expect(found.find((g) => g.depName === 'cilium')!.registryUrl).toBe('https://helm.cilium.io');
    expect(found.find((g) => g.depName === 'kubernetes/kubernetes')!.extractVersion).toBe('^v(?<version>.+)$');
  });
});

describe('OCI chart sources', () => {
  it('Flux: a release from an oci:// registry gets an OCIRepository pinned to its version and a HelmRelease chartRef; https:// keeps HelmRepository', async () => {
    const { gitopsComponent } = await import('../../lib/gitops/gitops.ts');
    const { App } = await import('cdk8s');
    const { REGISTRY } = await import('../../lib/registry.ts');
    const { secretRequirements } = await import('../../lib/secrets/requirements.ts');
    const { model } = await compileSpecDir(path.join(REPO, 'clusters'), { cwd: REPO, build: false });
    const cluster = model!.clusters[0]!;
    const oci = {
      name: 'oci-chart',
      enabled: () => true,
      build: () => ({
        namespace: { name: 'oci-demo', labels: {} },
        releases: [{ name: 'oci-demo', namespace: 'oci-demo', repository: { name: 'jetstack-oci', url: 'oci://quay.io/jetstack/charts' }, chart: 'cert-manager', version: 'v1.21.1', values: {}, valuesRef: { chart: 'cert-manager', version: 'v1.21.1' } }],
      }),
    };
    const built = gitopsComponent.build({ model: model!, cluster, app: new App(), secrets: new Map(), secretRequirements: secretRequirements(model!).filter((r) => r.cluster === cluster.name), platform: [...REGISTRY.platform, oci] });
    const controllers = built.bundles.find((b) => b.dir.endsWith('infrastructure/controllers'))!.objects as unknown as Obj[];
    const source = controllers.find((o) => o.kind === 'OCIRepository')!;
    // source-controller v1.9.1 OCIRepository: url of the artifact, ref.tag, layerSelector (Helm's chart layer media type).
    expect(source.spec).toEqual({ interval: '12h', url: 'oci://quay.io/jetstack/charts/cert-manager', ref: { tag: 'v1.21.1' }, layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' } });
    const release = controllers.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'oci-demo')!;
    expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: source.metadata.name, namespace: 'flux-system' });
    expect(release.spec.chart).toBeUndefined();
    const cilium = controllers.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'cilium')!;
    expect(cilium.spec.chart.spec.sourceRef.kind).toBe('HelmRepository');
    if (HAS_SHARED) {
      const { Ajv } = await import('ajv');
      const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
      for (const [o, file] of [[source, 'source.toolkit.fluxcd.io/ocirepository_v1.json'], [release, 'helm.toolkit.fluxcd.io/helmrelease_v2.json']] as const) {
        const validate = ajv.compile(JSON.parse(readFileSync(path.join(SHARED, 'schemas', 'crds', file), 'utf8')));
        expect(validate(o), JSON.stringify(validate.errors)).toBe(true);
        expect(validate({ ...o, spec: 'not an object' }), `${file} negative control`).toBe(false);
      }
    }
  });
});
