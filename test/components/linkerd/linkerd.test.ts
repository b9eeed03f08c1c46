import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HAS_SHARED, SHARED } from '../../helpers.ts';
import { compileExample, compileVariant, removeVariants, type Compiled, type Obj } from '../variant.ts';

afterAll(removeVariants);

const values = (o: Obj): Obj => (o.kind === 'HelmRelease' ? o.spec.values : o.spec.source.helm.valuesObject);
const wave = (a: Obj): number => Number(a.metadata.annotations['argocd.argoproj.io/sync-wave']);

/** The Secrets each Linkerd chart mounts for its webhooks (linkerd2@edge-26.8.3 templates), by values key. */
const CONTROL_PLANE_WEBHOOKS = { proxyInjector: 'linkerd-proxy-injector-k8s-tls', profileValidator: 'linkerd-sp-validator-k8s-tls', policyValidator: 'linkerd-policy-validator-k8s-tls' };
const VIZ_WEBHOOKS = { tap: 'tap-k8s-tls', tapInjector: 'tap-injector-k8s-tls' };

/** Checks that every webhook's injectCaFrom names a Certificate that issues the Secret the chart mounts, from a CA chain that resolves. */
function expectIssuedWebhooks(out: Compiled, cluster: string, namespace: string, chartValues: Obj, webhooks: Record<string, string>): void {
  const objects = out.objects(cluster).map(({ o }) => o).filter((o) => o.metadata.namespace === namespace);
  const certs = new Map(objects.filter((o) => o.kind === 'Certificate').map((o) => [o.metadata.name, o]));
  const issuers = new Map(objects.filter((o) => o.kind === 'Issuer').map((o) => [o.metadata.name, o]));
  for (const [key, secret] of Object.entries(webhooks)) {
    const v = chartValues[key];
    expect(v.externalSecret, key).toBe(true);
    const [ns, name] = (v.injectCaFrom as string).split('/');
    expect(ns).toBe(namespace);
    const cert = certs.get(name!)!;
    expect(cert, `${key}: Certificate ${name}`).toBeDefined();
    expect(cert.spec.secretName).toBe(secret);
    expect(cert.spec.usages).toEqual(['server auth']);
    // The API server calls <service>.<namespace>.svc; the chart derives the Secret and the Service from the same name.
    expect(cert.spec.dnsNames).toEqual([`${secret.replace(/-k8s-tls$/, '')}.${namespace}.svc`]);
    const ca = issuers.get(cert.spec.issuerRef.name)!;
    const caCert = [...certs.values()].find((c) => c.spec.secretName === ca.spec.ca.secretName)!;
    expect(caCert.spec.isCA).toBe(true);
    expect(issuers.get(caCert.spec.issuerRef.name)!.spec).toEqual({ selfSigned: {} });
  }
  // Nothing the chart would turn into a certificate at render time.
  for (const key of Object.keys(webhooks)) for (const k of ['crtPEM', 'keyPEM', 'caBundle']) expect(chartValues[key][k]).toBeUndefined();
}

describe('Linkerd webhooks under Argo CD: issued by cert-manager, not regenerated at every render (issue 11 item 11)', () => {
  it('deepthought: control plane and viz use externally issued certificates, installed after them', async () => {
    const out = await compileExample('deepthought-homelab');
    const [cp] = out.file('deepthought/argocd/apps/application-argocd-deepthought-linkerd-control-plane.yaml');
    const [viz] = out.file('deepthought/argocd/apps/application-argocd-deepthought-linkerd-viz.yaml');
    const [configs] = out.file('deepthought/argocd/apps/application-argocd-deepthought-infra-configs.yaml');
    const [crds] = out.file('deepthought/argocd/apps/application-argocd-deepthought-linkerd-crds.yaml');
    expectIssuedWebhooks(out, 'deepthought', 'linkerd', values(cp!), CONTROL_PLANE_WEBHOOKS);
    expectIssuedWebhooks(out, 'deepthought', 'linkerd-viz', values(viz!), VIZ_WEBHOOKS);
    // The Certificates are in the configs Application; the charts that mount them come after it.
    expect(wave(cp!)).toBeGreaterThan(wave(configs!));
    expect(wave(viz!)).toBeGreaterThan(wave(cp!));
    expect(wave(crds!)).toBeLessThan(wave(cp!));
  });

  it('the same objects on every render (Argo CD re-renders on every refresh)', async () => {
    const a = await compileExample('deepthought-homelab');
    const b = await compileExample('deepthought-homelab');
    expect([...b.result.files!]).toEqual([...a.result.files!]);
  });

  it('Flux: with cert-manager the control plane and viz move to the configs layer, after their Certificates', async () => {
    const out = await compileVariant('deepthought-homelab', (d) => {
      d['constellation.yaml']!.gitops.engine = 'flux';
    });
    const [cp] = out.file('deepthought/infrastructure/configs/helmrelease-linkerd-linkerd-control-plane.yaml');
    expect(cp!.spec.dependsOn).toEqual([{ name: 'linkerd-crds', namespace: 'linkerd' }]);
    out.file('deepthought/infrastructure/controllers/helmrelease-linkerd-linkerd-crds.yaml');
    const [viz] = out.file('deepthought/infrastructure/configs/helmrelease-linkerd-viz-linkerd-viz.yaml');
    // HelmRelease dependsOn defaults to the dependent's namespace: the control plane lives in linkerd.
    expect(viz!.spec.dependsOn).toEqual([{ name: 'linkerd-control-plane', namespace: 'linkerd' }]);
    out.file('deepthought/infrastructure/configs/certificate-linkerd-linkerd-proxy-injector.yaml');
  });

  it('Flux without cert-manager: the chart makes the webhook certificates (re-made on each upgrade), in the controllers layer', async () => {
    const out = await compileVariant('deepthought-homelab', (d) => {
      d['constellation.yaml']!.gitops.engine = 'flux';
      delete d['deepthought.yaml']!.components.certManager;
    });
    const [cp] = out.file('deepthought/infrastructure/controllers/helmrelease-linkerd-linkerd-control-plane.yaml');
    for (const key of Object.keys(CONTROL_PLANE_WEBHOOKS)) expect(cp!.spec.values[key]).toBeUndefined();
    expect(out.files((f) => f.includes('/certificate-'))).toEqual([]);
  });
});

describe('Linkerd namespaces and viz', () => {
  it('namespaces labelled as the CLI labels them', async () => {
    const out = await compileExample('deepthought-homelab');
    const [ns] = out.file('deepthought/namespaces/namespace-linkerd.yaml');
    expect(ns!.metadata.labels).toMatchObject({
      'linkerd.io/is-control-plane': 'true',
      'config.linkerd.io/admission-webhooks': 'disabled',
      'linkerd.io/control-plane-ns': 'linkerd',
      'pod-security.kubernetes.io/enforce': 'privileged',
    });
    const [viz] = out.file('deepthought/namespaces/namespace-linkerd-viz.yaml');
    expect(viz!.metadata.labels).toMatchObject({ 'linkerd.io/extension': 'viz', 'pod-security.kubernetes.io/enforce': 'privileged' });
  });

  it.skipIf(!HAS_SHARED)('HA viz values are the chart\'s values-ha.yaml (without its unused top-level resources anchor)', async () => {
    const out = await compileExample('deepthought-homelab');
    const [viz] = out.file('deepthought/argocd/apps/application-argocd-deepthought-linkerd-viz.yaml');
    const { resources: _anchor, ...ha } = parse(readFileSync(path.join(SHARED, 'schemas', 'charts', 'linkerd-viz', 'edge-26.8.3', 'values-ha.yaml'), 'utf8')) as Obj;
    const v = values(viz!);
    for (const [k, expected] of Object.entries(ha)) expect(v[k], k).toMatchObject(expected as Obj);
  });

  it('no viz without viz: true', async () => {
    const out = await compileVariant('deepthought-homelab', (d) => {
      d['deepthought.yaml']!.components.linkerd.viz = false;
    });
    expect(out.files((f) => f.includes('linkerd-viz'))).toEqual([]);
  });
});
