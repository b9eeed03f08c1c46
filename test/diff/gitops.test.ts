import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Encrypter } from 'age-encryption';
import { encryptSops, KUBERNETES_SECRET_REGEX, rewrapSops } from '../../lib/sops/sops.ts';
import { parseIdentities } from '../../lib/sops/keys.ts';
import { renderDiff } from '../../lib/diff/render.ts';
import { renderJson } from '../../lib/diff/render-json.ts';
import { toYaml } from '../../lib/output/yaml.ts';
import { REPO } from '../helpers.ts';
import { cleanupDirs, committedDist, compileEdited, diffFiles, editYaml, expectGolden, impacts, type Files } from './helpers.ts';

afterAll(cleanupDirs);

type Doc = Record<string, unknown>;
const TEST_RECIPIENT = 'age1ngwfd0dfm602wsxrmhff7p08zyv0f8ehyflzepetac808hz9r4dscg3dj5';
const TEST_IDENTITIES = parseIdentities(readFileSync(path.join(REPO, 'test-keys', 'age-test-key.txt'), 'utf8'));

const without = (files: Files, ...paths: string[]): Files => new Map([...files].filter(([p]) => !paths.includes(p)));

describe('orrery diff: Helm releases', () => {
  it('Cilium 1.18 → 1.19 (a minor upgrade of the chart) from the spec', async () => {
    const before = await compileEdited('vtalos-lab', (docs) => {
      ((docs.get('vtalos.yaml')!.cni as Doc).cilium as Doc).version = '1.18.11';
    });
    const r = await diffFiles(before, await committedDist('vtalos-lab'));
    const helm = impacts(r, 'helm');
    expect(helm.map((i) => [i.severity, i.text])).toEqual([['info', 'HelmRelease kube-system/cilium: cilium 1.18.11 → 1.19.5 (minor)']]);
    await expectGolden('helm-minor', r);
  });

  it('a major chart version is flagged (and a downgrade too)', async () => {
    const before = await committedDist('equinix-constellation');
    const file = 'callisto/infrastructure/controllers/helmrelease-cert-manager-dns-and-tls-dependencies.yaml';
    const after = editYaml(before, file, ([hr]) => {
      const chart = ((hr!.spec as Doc).chart as Doc).spec as Doc;
      chart.version = 'v2.0.0';
      return [hr!];
    });
    const r = await diffFiles(before, after);
    expect(impacts(r, 'helm').map((i) => [i.severity, i.text])).toEqual([['warning', "HelmRelease cert-manager/dns-and-tls-dependencies: cert-manager v1.21.1 → v2.0.0 — MAJOR: read the chart's upgrade notes"]]);
    expect(impacts(await diffFiles(after, before), 'helm')[0]!.text).toMatch(/DOWNGRADE/);
    await expectGolden('helm-major', r);
  });

  it('an Argo CD Application of a chart: targetRevision is the chart version; values changes alone are an upgrade too', async () => {
    const before = await committedDist('deepthought-homelab');
    const file = 'deepthought/argocd/apps/application-argocd-deepthought-linkerd-crds.yaml';
    const bumped = editYaml(before, file, ([app]) => {
      ((app!.spec as Doc).source as Doc).targetRevision = '2026.9.1';
      return [app!];
    });
    expect(impacts(await diffFiles(before, bumped), 'helm').map((i) => i.text)).toEqual(['Application argocd/deepthought-linkerd-crds: linkerd-crds 2026.8.3 → 2026.9.1 (minor)']);
    const values = editYaml(before, file, ([app]) => {
      (((app!.spec as Doc).source as Doc).helm as Doc).valuesObject = { installGatewayAPI: true };
      return [app!];
    });
    expect(impacts(await diffFiles(before, values), 'helm').map((i) => i.text)).toEqual(['Application argocd/deepthought-linkerd-crds: helm upgrade of linkerd-crds 2026.8.3 with 1 changed value']);
  });
});

describe('orrery diff: what Flux and Argo CD prune', () => {
  let vtalos: Files;
  beforeAll(async () => {
    vtalos = await committedDist('vtalos-lab');
  });

  it('a namespace removed from the spec: Flux prunes its policies, the Namespace stays (prune: disabled) and the diff says so', async () => {
    const after = await compileEdited('vtalos-lab', (docs) => {
      const c = docs.get('vtalos.yaml')!;
      c.namespaces = [];
      c.networkPolicies = [];
    });
    const r = await diffFiles(vtalos, after);
    const prune = impacts(r, 'prune');
    expect(prune.map((i) => i.severity)).toEqual(['warning', 'info']);
    expect(prune[0]!.text).toBe('Namespace rello left git but stays — left in the cluster: it carries kustomize.toolkit.fluxcd.io/prune: disabled; delete it by hand if that is the intent');
    expect(prune[1]!.text).toMatch(/^prunes 5 objects: NetworkPolicy rello\/default-deny, /);
    expect(r.dangerous).toBe(false);
    await expectGolden('prune-namespace-kept', r);
  });

  it('the CNI release removed: protected by orrery, it stays (warning); without the annotation Flux uninstalls Cilium — dangerous', async () => {
    const dir = 'vtalos/infrastructure/controllers';
    const file = `${dir}/helmrelease-kube-system-cilium.yaml`;
    const after = editYaml(without(vtalos, file), `${dir}/kustomization.yaml`, ([k]) => [{ ...k, resources: (k!.resources as string[]).filter((f) => !f.includes('helmrelease-kube-system-cilium')) }]);
    // orrery's own output carries kustomize.toolkit.fluxcd.io/prune: disabled on the CNI release.
    const kept = impacts(await diffFiles(vtalos, after), 'prune');
    expect(kept.map((i) => [i.severity, i.text])).toEqual([
      ['warning', 'HelmRelease kube-system/cilium left git but stays — left in the cluster: it carries kustomize.toolkit.fluxcd.io/prune: disabled; delete it by hand if that is the intent'],
    ]);
    // A base without the annotation (an older output, a hand edit): the prune uninstalls Cilium.
    const unprotected = editYaml(vtalos, file, ([hr]) => {
      const metadata = hr!.metadata as Doc;
      delete metadata.annotations;
      return [hr!];
    });
    const r = await diffFiles(unprotected, after);
    const dangerous = impacts(r, 'prune').filter((i) => i.severity === 'dangerous');
    expect(dangerous.map((i) => i.text)).toEqual(['PRUNES HelmRelease kube-system/cilium: uninstalls the CNI (cilium): pod networking stops — Flux Kustomization flux-system/vtalos-infra-controllers prunes it']);
    expect(r.dangerous).toBe(true);
    await expectGolden('prune-cni', r);
  });

  it('a PersistentVolumeClaim removed from a pruned directory is dangerous', async () => {
    const dir = 'vtalos/infrastructure/configs';
    const pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'redis-data', namespace: 'rello' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    const withPvc = new Map(vtalos).set(`${dir}/persistentvolumeclaim-rello-redis-data.yaml`, toYaml(pvc));
    const r = await diffFiles(withPvc, vtalos);
    expect(impacts(r, 'prune').filter((i) => i.severity === 'dangerous').map((i) => i.text)).toEqual([
      'PRUNES PersistentVolumeClaim rello/redis-data: deletes the claim, and its volume when the reclaim policy is Delete (the default of dynamic provisioning) — Flux Kustomization flux-system/vtalos-infra-configs prunes it',
    ]);
  });

  it('a CephCluster and a CRD removed from a pruned directory are dangerous; a CRD body change is one line', async () => {
    const dir = 'vtalos/infrastructure/configs';
    const ceph = { apiVersion: 'ceph.rook.io/v1', kind: 'CephCluster', metadata: { name: 'rook-ceph', namespace: 'rook-ceph' }, spec: { mon: { count: 3 } } };
    const crd = (description: string): Record<string, unknown> => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', description } } }] },
    });
    const full = new Map(vtalos).set(`${dir}/cephcluster-rook-ceph-rook-ceph.yaml`, toYaml(ceph)).set(`${dir}/customresourcedefinition-widgets.example.com.yaml`, toYaml(crd('SCHEMA-BODY-one')));
    const r = await diffFiles(full, vtalos);
    expect(impacts(r, 'prune').filter((i) => i.severity === 'dangerous').map((i) => i.text.replace(/ — .*/, ''))).toEqual([
      'PRUNES CustomResourceDefinition widgets.example.com: deletes every custom resource of this type',
      'PRUNES CephCluster rook-ceph/rook-ceph: tears down the Ceph cluster',
    ]);
    const changed = await diffFiles(full, new Map(full).set(`${dir}/customresourcedefinition-widgets.example.com.yaml`, toYaml(crd('SCHEMA-BODY-two'))));
    const c = changed.groups.flatMap((g) => g.changes);
    expect(c.map((x) => [x.status, x.note, x.fields.length])).toEqual([['changed', 'CRD body changed (not shown); versions v1* (* = storage)', 0]]);
    expect(renderDiff(changed, { format: 'markdown' })).not.toContain('SCHEMA-BODY');
  });

  it('Argo CD: deleting the namespaces Application cascades unless the Namespaces carry Delete=false (orrery sets it); Prune=false alone does not protect them', async () => {
    const before = await committedDist('deepthought-homelab');
    const app = 'deepthought/argocd/apps/application-argocd-deepthought-namespaces.yaml';
    const dropApp = (files: Files): Files => editYaml(without(files, app), 'deepthought/argocd/apps/kustomization.yaml', ([k]) => [{ ...k, resources: (k!.resources as string[]).filter((f) => !app.endsWith(f)) }]);
    const namespaces = [...before.keys()].filter((p) => p.startsWith('deepthought/namespaces/namespace-'));
    // orrery's output: Prune=false,Delete=false on every Namespace — all stay.
    const protectedRun = impacts(await diffFiles(before, dropApp(before)), 'prune');
    expect(protectedRun.filter((i) => i.severity === 'dangerous')).toEqual([]);
    expect(protectedRun.filter((i) => i.severity === 'warning').length).toBe(namespaces.length);
    // A tree with Prune=false only (orrery before it set Delete=false): the cascade deletes them.
    let pruneOnly = before;
    for (const ns of namespaces) {
      pruneOnly = editYaml(pruneOnly, ns, ([n]) => {
        ((n!.metadata as Doc).annotations as Doc)['argocd.argoproj.io/sync-options'] = 'Prune=false';
        return [n!];
      });
    }
    const r = await diffFiles(pruneOnly, dropApp(pruneOnly));
    const dangerous = impacts(r, 'prune').filter((i) => i.severity === 'dangerous').map((i) => i.text);
    expect(dangerous.length).toBe(namespaces.length);
    expect(dangerous).toContain('PRUNES Namespace emojivoto: deletes every object in the namespace — deleted with Argo CD Application argocd/deepthought-namespaces (cascading deletion; Prune=false does not protect here)');
    // While the Application stays, the same Namespaces removed from git are kept (Prune=false).
    const nsOnly = editYaml(without(before, 'deepthought/namespaces/namespace-emojivoto.yaml'), 'deepthought/namespaces/kustomization.yaml', ([k]) => [{ ...k, resources: (k!.resources as string[]).filter((f) => f !== 'namespace-emojivoto.yaml') }]);
    const kept = impacts(await diffFiles(before, nsOnly), 'prune');
    expect(kept.map((i) => [i.severity, i.text])).toEqual([['warning', 'Namespace emojivoto left git but stays — left in the cluster: it carries Prune=false (Argo CD shows it out of sync); delete it by hand if that is the intent']]);
    await expectGolden('prune-argo-cascade', r);
  });
});

describe('orrery diff: Secrets (values never shown)', () => {
  const file = 'callisto/secrets/secret-network-services-cilium-ca.yaml';
  const PLAINTEXT = 'PLAINTEXT-CA-KEY-never-in-a-diff';

  it('new values: rotated; the report holds no ciphertext and no plaintext', async () => {
    const before = await committedDist('equinix-constellation');
    const old = before.get(file)!;
    const doc = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cilium-ca', namespace: 'network-services', annotations: { 'orrery.dev/mesh': 'mesh:constellation' } }, data: { 'ca.crt': Buffer.from(`${PLAINTEXT}-crt`).toString('base64'), 'ca.key': Buffer.from(PLAINTEXT).toString('base64') } };
    const rotated = await encryptSops(doc, { recipients: [TEST_RECIPIENT], encryptedRegex: KUBERNETES_SECRET_REGEX, lastModified: '2026-12-01T00:00:00Z' });
    const after = new Map(before).set(file, rotated);
    const r = await diffFiles(before, after);
    expect(impacts(r, 'secrets').map((i) => [i.severity, i.text])).toEqual([['warning', 'Secret network-services/cilium-ca: rotated: new values for ca.crt, ca.key (values not shown)']]);
    for (const text of [renderDiff(r, { format: 'markdown', maxBytes: 60_000 }), renderDiff(r, { format: 'text' }), renderJson(r)]) {
      expect(text).not.toContain('ENC[');
      expect(text).not.toContain(PLAINTEXT);
      expect(text).not.toContain(Buffer.from(PLAINTEXT).toString('base64'));
      // Negative control: the encrypted file itself does hold ciphertext.
      expect(old).toContain('ENC[');
    }
    await expectGolden('secret-rotated', r);
  });

  it('the same values encrypted to one more recipient: re-encrypted, values and MAC unchanged', async () => {
    const before = await committedDist('equinix-constellation');
    const newRecipient = await (async () => {
      const { generateIdentity, identityToRecipient } = await import('age-encryption');
      return identityToRecipient(await generateIdentity());
    })();
    expect(Encrypter).toBeDefined();
    const rewrapped = await rewrapSops(before.get(file)!, [TEST_RECIPIENT, newRecipient], TEST_IDENTITIES);
    const r = await diffFiles(before, new Map(before).set(file, rewrapped));
    const secrets = impacts(r, 'secrets');
    expect(secrets).toHaveLength(1);
    expect(secrets[0]!.severity).toBe('info');
    expect(secrets[0]!.text).toMatch(/^Secret network-services\/cilium-ca: re-encrypted to new recipients \(\+age1\S+…\S{5}\); values and MAC unchanged \(values not shown\)$/);
    expect(renderDiff(r, { format: 'markdown', maxBytes: 60_000 })).not.toContain('ENC[');
  });

  it('a plaintext Secret in the base (a commit from before verify) is redacted too', async () => {
    const before = new Map([['lab/secrets/secret-apps-db.yaml', toYaml({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'apps' }, stringData: { password: PLAINTEXT } })]]);
    const r = await diffFiles(before, new Map());
    for (const text of [renderDiff(r, { format: 'markdown', maxBytes: 60_000 }), renderDiff(r, { format: 'text' }), renderJson(r)]) expect(text).not.toContain(PLAINTEXT);
    const changed = new Map([['lab/secrets/secret-apps-db.yaml', toYaml({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'apps' }, stringData: { password: `${PLAINTEXT}-2` } })]]);
    const r2 = await diffFiles(before, changed);
    expect(impacts(r2, 'secrets').map((i) => i.text)).toEqual(['Secret apps/db: rotated: new values for password (values not shown)']);
    for (const text of [renderDiff(r2, { format: 'markdown', maxBytes: 60_000 }), renderJson(r2)]) expect(text).not.toContain(PLAINTEXT);
  });
});
