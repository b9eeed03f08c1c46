/**
 * What the Cilium chart, certgen, MetalLB, Cilium BGP/L2 and the bootstrap's helm/kubectl do with
 * orrery's output (issue 11, items 1, 3, 6, 8, 9), traced from their source and pinned here; each
 * test names the upstream fact it relies on.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Ajv } from 'ajv';
import { HAS_SHARED, SHARED } from '../helpers.ts';
import { ciliumValues, cleanupAfterAll, example, fixtureWith, type Obj } from './consumer-helpers.ts';

cleanupAfterAll();

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
