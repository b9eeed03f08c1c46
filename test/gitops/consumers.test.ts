/**
 * What the real consumers (Helm, the Cilium chart, Argo CD, KSOPS, Flux, MetalLB, Cilium BGP/L2)
 * do with orrery's output, traced from their source or docs and pinned here (issue 11). Each
 * test names the upstream fact it relies on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { Ajv } from 'ajv';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { APPLICATION_HEALTH_LUA } from '../../lib/gitops/argocd-config.ts';
import { FIXTURES, HAS_SHARED, REPO, SHARED, removeDir, tempDir } from '../helpers.ts';

type Obj = Record<string, any>;
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

interface Output {
  files: ReadonlyMap<string, string>;
  one(file: string): Obj;
  all(pred: (file: string) => boolean): { file: string; o: Obj }[];
}

function outputOf(files: ReadonlyMap<string, string>): Output {
  const docs = (content: string): Obj[] => (parseAllDocuments(content) as unknown as { toJS(): Obj }[]).map((d) => d.toJS());
  return {
    files,
    one(file) {
      const c = files.get(file);
      if (c === undefined) throw new Error(`${file} was not generated`);
      return docs(c)[0]!;
    },
    all(pred) {
      return [...files].filter(([f]) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml') && !f.includes('/talos/') && pred(f)).flatMap(([file, c]) => docs(c).map((o) => ({ file, o })));
    },
  };
}

async function compile(spec: string, cwd = REPO): Promise<Output> {
  const { files, diagnostics } = await compileSpecDir(spec, { cwd });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return outputOf(files!);
}

const example = (name: string): Promise<Output> => compile(name === 'clusters' ? path.join(REPO, 'clusters') : path.join(REPO, 'examples', name, 'clusters'));

/** The bundled constellation (a management cluster, jupiter) with another engine: Argo CD as a hub. */
async function bundledWith(edit: (constellation: string) => string): Promise<Output> {
  const dir = await tempDir();
  dirs.push(dir);
  await cp(path.join(REPO, 'clusters'), path.join(dir, 'clusters'), { recursive: true });
  await cp(path.join(REPO, 'secrets'), path.join(dir, 'secrets'), { recursive: true });
  const file = path.join(dir, 'clusters', 'constellation.yaml');
  await writeFile(file, edit(readFileSync(file, 'utf8')));
  return compile(path.join(dir, 'clusters'), dir);
}
const argoHub = (): Promise<Output> => bundledWith((s) => s.replace('  engine: flux\n', '  engine: argocd\n'));

/** The test fixture base (one cluster `lab`) with extra top-level keys for lab.yaml. */
async function fixtureWith(labExtra: string): Promise<Output> {
  const dir = await tempDir();
  dirs.push(dir);
  await cp(path.join(FIXTURES, 'base'), dir, { recursive: true });
  const lab = path.join(dir, 'clusters', 'lab.yaml');
  await writeFile(lab, readFileSync(lab, 'utf8') + labExtra);
  return compile(path.join(dir, 'clusters'), dir);
}

function ciliumValues(out: Output, cluster: string): Obj {
  const flux = [...out.files.keys()].find((f) => f.startsWith(`${cluster}/infrastructure/controllers/helmrelease-`) && f.endsWith('-cilium.yaml'));
  return flux ? out.one(flux).spec.values : out.one(`${cluster}/argocd/apps/application-argocd-${cluster}-cilium.yaml`).spec.source.helm.valuesObject;
}

// ---------------------------------------------------------------------------------------------
// Items 1 and 3: the mesh's shared cilium-ca, under Helm (bootstrap, Flux) and Argo CD.
// ---------------------------------------------------------------------------------------------

const merge = (a: Obj, b: Obj): Obj => {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = v && typeof v === 'object' && !Array.isArray(v) && a[k] && typeof a[k] === 'object' ? merge(a[k], v) : v;
  return out;
};

/**
 * The conditions of the Cilium chart's own templates (1.18.11 and 1.19.5, identical in both):
 * templates/cilium-ca-secret.yaml renders the `cilium-ca` Secret when ClusterMesh or Hubble TLS
 * uses `auto.method: helm`, or a CA is given in tls.ca; every templates/{hubble,clustermesh-apiserver}/
 * tls-helm/*.yaml (a genCA / genSignedCert, so random at each `helm template`) needs method helm.
 */
function chartRendersCerts(v: Obj): { ciliumCa: boolean; randomCerts: boolean } {
  const mesh = v.clustermesh.useAPIServer && v.clustermesh.apiserver.tls.auto.enabled && v.clustermesh.apiserver.tls.auto.method === 'helm';
  const hubble = v.hubble.enabled && v.hubble.tls.enabled && v.hubble.tls.auto.enabled && v.hubble.tls.auto.method === 'helm';
  return { ciliumCa: Boolean(mesh || hubble || (v.tls.ca.key && v.tls.ca.cert)), randomCerts: Boolean(mesh || hubble) };
}

describe.skipIf(!HAS_SHARED)('items 1+3: the chart never renders the mesh CA; certgen reuses it', () => {
  const chartDefaults = (version: string): Obj => parse(readFileSync(path.join(SHARED, 'schemas', 'charts', 'cilium', version, 'values.yaml'), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  const chartSchema = (version: string): ((v: unknown) => boolean) => ajv.getSchema(version) ?? (ajv.addSchema(JSON.parse(readFileSync(path.join(SHARED, 'schemas', 'charts', 'cilium', version, 'values.schema.json'), 'utf8')), version), ajv.getSchema(version)!);

  it('negative control: the values of before (tls.auto.method helm) make the chart render cilium-ca and random certificates', () => {
    const before = merge(chartDefaults('1.19.5'), { clustermesh: { useAPIServer: true, apiserver: { tls: { auto: { enabled: true, method: 'helm' } } } } });
    expect(chartRendersCerts(before)).toEqual({ ciliumCa: true, randomCerts: true });
    for (const chart of ['1.19.5', '1.18.11']) expect(chartSchema(chart)({ certgen: { generateCA: 'no' } }), chart).toBe(false);
  });

  it.each([
    ['clusters', ['jupiter', 'ganymede', 'callisto']],
    ['equinix-constellation', ['jupiter', 'ganymede', 'callisto']],
    ['aggrik8s-mesh', ['talos-east', 'talos-west']],
  ] as const)('%s: on both supported charts no cilium-ca and no Helm-made certificate; certgen must load the shared CA', async (name, clusters) => {
    const out = await example(name);
    for (const c of clusters) {
      const v = ciliumValues(out, c);
      for (const chart of ['1.19.5', '1.18.11']) {
        expect(chartRendersCerts(merge(chartDefaults(chart), v)), `${c} on ${chart}`).toEqual({ ciliumCa: false, randomCerts: false });
        // The same values are valid for both charts (the 1.18 chart is selectable with versions.cilium).
        expect(chartSchema(chart)(v), `${c} on ${chart}`).toBe(true);
      }
      // certgen (cilium/certgen v0.4.5 cmd/certgen.go): --ca-generate=false with --ca-reuse-secret
      // only loads cilium-ca, and fails (the Job retries) while it is missing: never a new CA.
      expect(v.certgen).toEqual({ generateCA: false });
      expect(v.hubble.tls.auto).toEqual({ enabled: true, method: 'cronJob' });
    }
  });

  it('a cluster outside any mesh keeps certgen\'s own CA (generateCA default) and the same cronJob method', async () => {
    const v = ciliumValues(await example('vtalos-lab'), 'vtalos');
    expect(v.certgen).toBeUndefined();
    expect(v.hubble.tls.auto.method).toBe('cronJob');
  });
});

describe('item 3: one owner per Secret under Argo CD', () => {
  it('aggrik8s: kube-system/cilium-ca is delivered only by the secrets Application (KSOPS), never by the cilium chart', async () => {
    const out = await example('aggrik8s-mesh');
    for (const c of ['talos-east', 'talos-west']) {
      const generator = out.one(`${c}/secrets/secret-generator.yaml`);
      expect(generator.files).toEqual(['./secret-kube-system-cilium-ca.yaml']);
      const v = ciliumValues(out, c);
      expect([v.clustermesh.apiserver.tls.auto.method, v.hubble.tls.auto.method, v.tls]).toEqual(['cronJob', 'cronJob', undefined]);
      const apps = out.all((f) => f.startsWith(`${c}/argocd/apps/`)).map(({ o }) => o.metadata.name);
      expect(apps).toContain(`${c}-secrets`);
    }
  });
});

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

  it('Flux keeps SOPS files as resources, decrypted by the Kustomization that includes them', async () => {
    const out = await example('clusters');
    expect(out.one('ganymede/secrets/kustomization.yaml').resources).toEqual(['secret-kube-system-cilium-ca.yaml']);
    expect(out.one('ganymede/flux/orrery/kustomization-flux-system-ganymede-infra-controllers.yaml').spec.decryption).toEqual({ provider: 'sops', secretRef: { name: 'sops-age' } });
  });
});

// ---------------------------------------------------------------------------------------------
// Items 6 and 8: BGP multihop, Cilium announcements per pool.
// ---------------------------------------------------------------------------------------------

const CILIUM_LB = `loadBalancing:
  provider: cilium
  pools:
    - name: public
      addresses: [192.0.2.0/28]
    - name: office
      addresses: [10.0.0.200/29]
      autoAssign: false
  l2:
    enabled: true
    pools: [office]
  bgp:
    localASN: 64512
    pools: [public]
    peers:
      - name: tor
        address: 172.16.0.1
        asn: 64513
        routeVia: 10.0.0.1
      - name: rr
        address: 10.0.0.3
        asn: 64512
`;

describe('item 6: routed BGP peers get multihop', () => {
  it('MetalLB (bundled): every peer with routeVia has ebgpMultiHop (FRR needs it for a non-connected eBGP neighbour)', async () => {
    const out = await example('clusters');
    for (const [c, site] of [['ganymede', 'ams'], ['callisto', 'nyc'], ['jupiter', 'fra']]) {
      // metallb v0.16.1 metallb.io_bgppeers.yaml ebgpMultiHop: "Needed for FRR-based modes (FRR-K8s, FRR) only"; the chart defaults to frr-k8s.
      expect(out.one(`${c}/infrastructure/configs/bgppeer-metallb-system-tor-${site}-1.yaml`).spec.ebgpMultiHop, c).toBe(true);
    }
  });

  it('Cilium: a routed eBGP peer gets ebgpMultihop 2 (CRD default 1); an iBGP peer none', async () => {
    const out = await fixtureWith(CILIUM_LB);
    expect(out.one('lab/infrastructure/configs/ciliumbgppeerconfig-peer-tor.yaml').spec.ebgpMultihop).toBe(2);
    expect(out.one('lab/infrastructure/configs/ciliumbgppeerconfig-peer-rr.yaml').spec.ebgpMultihop).toBeUndefined();
  });

  it('MetalLB: no ebgpMultiHop on an iBGP peer (its webhook: "Invalid EBGPMultiHop parameter set for an ibgp peer")', async () => {
    const out = await fixtureWith(CILIUM_LB.replace('provider: cilium', 'provider: metallb'));
    expect(out.one('lab/infrastructure/configs/bgppeer-metallb-system-tor.yaml').spec.ebgpMultiHop).toBe(true);
    expect(out.one('lab/infrastructure/configs/bgppeer-metallb-system-rr.yaml').spec.ebgpMultiHop).toBeUndefined();
  });
});

/** Label selector semantics (k8s.io/apimachinery labels): In needs the key, NotIn and DoesNotExist match its absence. */
function matches(selector: Obj, labels: Record<string, string>): boolean {
  const okLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const okExpr = (selector.matchExpressions ?? []).every((e: Obj) =>
    e.operator === 'In' ? e.values.includes(labels[e.key]) : e.operator === 'NotIn' ? !(e.key in labels) || !e.values.includes(labels[e.key]) : e.operator === 'Exists' ? e.key in labels : !(e.key in labels),
  );
  return okLabels && okExpr;
}

describe('item 8: Cilium as load balancer honours bgp.pools and l2.pools', () => {
  // Cilium adds io.kubernetes.service.{name,namespace} to a Service's labels before matching
  // (pkg/bgpv1/manager/reconcilerv2/service.go serviceLabelSet; pkg/l2announcer svcAndMetaLabels).
  const service = (name: string, labels: Record<string, string> = {}): Record<string, string> => ({ ...labels, 'io.kubernetes.service.name': name, 'io.kubernetes.service.namespace': 'apps' });

  it('a Service of the auto-assigned BGP pool is advertised over BGP only; a Service of the labelled L2 pool over L2 only', async () => {
    const out = await fixtureWith(CILIUM_LB);
    const pool = (n: string): Obj => out.one(`lab/infrastructure/configs/ciliumloadbalancerippool-${n}.yaml`);
    expect(pool('public').metadata.labels).toEqual({ 'orrery.dev/lb-pool': 'public' });
    expect(pool('office').spec.serviceSelector).toEqual({ matchLabels: { 'orrery.dev/lb-pool': 'office' } });
    const bgp = out.one('lab/infrastructure/configs/ciliumbgpadvertisement-load-balancer-ips.yaml').spec.advertisements.map((a: Obj) => a.selector);
    const l2 = out.all((f) => f.startsWith('lab/infrastructure/configs/ciliuml2announcementpolicy-')).map(({ o }) => o.spec.serviceSelector);
    const web = service('web');
    const printer = service('printer', { 'orrery.dev/lb-pool': 'office' });
    expect([bgp.some((s: Obj) => matches(s, web)), l2.some((s) => matches(s, web))]).toEqual([true, false]);
    expect([bgp.some((s: Obj) => matches(s, printer)), l2.some((s) => matches(s, printer))]).toEqual([false, true]);
  });

  it('negative control: the selectors of before (BGP: every Service; L2: no serviceSelector) announce both Services both ways', () => {
    const before = { bgp: { matchExpressions: [{ key: 'orrery.dev/no-bgp', operator: 'DoesNotExist' }] }, l2: {} };
    for (const s of [service('web'), service('printer', { 'orrery.dev/lb-pool': 'office' })]) expect([matches(before.bgp, s), matches(before.l2, s)]).toEqual([true, true]);
  });

  it('seed 003 (one auto-assigned pool, everything announced): one policy that selects every Service', async () => {
    const out = await example('vtalos-lab');
    const policy = out.one('vtalos/infrastructure/configs/ciliuml2announcementpolicy-load-balancer-ips.yaml').spec;
    expect(matches(policy.serviceSelector, service('anything'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Item 9: the bootstrap plan.
// ---------------------------------------------------------------------------------------------

describe('item 9: bootstrap — namespace, Secrets, then helm; the values the engine owns', () => {
  it('equinix callisto (Cilium in network-services): the privileged namespace is applied before the CA and before helm install', async () => {
    const out = await example('equinix-constellation');
    const plan = JSON.parse(out.files.get('callisto/bootstrap/plan.json')!);
    expect(plan.namespaces).toEqual([{ name: 'network-services', file: 'callisto/namespaces/namespace-network-services.yaml' }]);
    // Talos enforces the baseline Pod Security level by default; kube-system is exempt, other namespaces need the label.
    expect(out.one(plan.namespaces[0].file).metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(plan.secrets).toEqual([{ name: 'cilium-ca', namespace: 'network-services', file: 'callisto/secrets/secret-network-services-cilium-ca.yaml' }]);
    for (const s of plan.secrets) expect(out.files.has(s.file)).toBe(true);
    const readme = out.files.get('callisto/bootstrap/README.md')!;
    const at = (needle: string): number => readme.indexOf(needle);
    expect(at('kubectl apply --server-side -f ../namespaces/namespace-network-services.yaml')).toBeGreaterThan(0);
    expect(at('kubectl apply --server-side -f ../namespaces/')).toBeLessThan(at('sops --decrypt ../secrets/secret-network-services-cilium-ca.yaml'));
    expect(at('sops --decrypt')).toBeLessThan(at('helm upgrade --install cilium'));
    expect(readme).toContain('--namespace network-services --timeout 15m --values cilium-values.yaml');
  });

  it('kube-system needs no namespace step (it exists, and Talos exempts it from Pod Security)', async () => {
    const out = await example('aggrik8s-mesh');
    const plan = JSON.parse(out.files.get('talos-east/bootstrap/plan.json')!);
    expect(plan.namespaces).toEqual([]);
    expect(plan.secrets.map((s: Obj) => s.file)).toEqual(['talos-east/secrets/secret-kube-system-cilium-ca.yaml']);
    expect(out.files.get('talos-east/bootstrap/README.md')).not.toContain('kubectl apply --server-side -f ../namespaces/');
  });

  it('a cluster without a bootstrap release (flannel) has no bootstrap directory', async () => {
    const out = await example('deepthought-homelab');
    expect([...out.files.keys()].filter((f) => f.startsWith('deepthought/bootstrap/'))).toEqual([]);
  });

  it.each(['clusters', 'equinix-constellation', 'aggrik8s-mesh', 'deepthought-homelab', 'vtalos-lab'])('%s: bootstrap values are byte for byte the engine\'s values', async (name) => {
    const out = await example(name);
    for (const file of [...out.files.keys()].filter((f) => f.endsWith('/bootstrap/plan.json'))) {
      const plan = JSON.parse(out.files.get(file)!);
      for (const r of plan.releases) {
        const engine = ciliumValues(out, plan.cluster);
        expect(parse(out.files.get(r.valuesFile)!)).toEqual(engine);
      }
    }
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
  it.each(['clusters', 'equinix-constellation', 'vtalos-lab', 'arges-metal'])('%s: no GitRepository of orrery\'s; every Kustomization reads flux-system/flux-system', async (name) => {
    const out = await example(name);
    expect(out.all(() => true).filter(({ o }) => o.kind === 'GitRepository')).toEqual([]);
    const ks = out.all((f) => f.includes('/flux/orrery/')).map(({ o }) => o);
    for (const k of ks) expect(k.spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'flux-system' });
  });

  it('arges-metal with workloadsFromManagement: a workload cluster without layers has nothing to move (and compiles)', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    await cp(path.join(REPO, 'examples', 'arges-metal', 'clusters'), path.join(dir, 'clusters'), { recursive: true });
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
  it('a Provider and an Alert per cluster, for error events of Kustomizations, sources and every HelmRelease namespace', async () => {
    const out = await bundledWith((s) => s.replace('  engine: flux\n', '  engine: flux\n  flux:\n    alerts: {provider: slack, channel: fleet, secret: flux-alerts}\n'));
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
      // The Secret is the operator's: the cluster README says how to create it.
      expect(out.files.get(`${c}/README.md`)).toContain('create secret generic flux-alerts');
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
