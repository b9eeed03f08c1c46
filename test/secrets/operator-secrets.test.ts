import { readFile, readdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { secretsCommandWith } from '../../lib/cli/commands/secrets.ts';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { ARGOCD_REPO_SERVER_PATCH } from '../../lib/gitops/ksops.ts';
import { secretRequirements } from '../../lib/secrets/requirements.ts';
import { decryptSops, plaintextInSecret } from '../../lib/sops/sops.ts';
import { parseIdentities } from '../../lib/sops/keys.ts';
import { exampleSpecs, materializeFixture, maximalSpecs, removeDir, REPO, runOrrery, TEST_KEY_FILE } from '../helpers.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

async function fixture(name: string): Promise<string> {
  const dir = await materializeFixture(name);
  dirs.push(dir);
  return dir;
}

const run = (argv: string[], stdin?: string, options: { tty?: boolean } = {}): ReturnType<typeof runOrrery> => runOrrery(argv, { ...(stdin !== undefined ? { stdin } : {}), ...options });

const IDENTITIES = parseIdentities(readFileSync(TEST_KEY_FILE, 'utf8'));
const docsOf = (text: string): Record<string, any>[] => (parseAllDocuments(text) as unknown as { toJS(): Record<string, any> }[]).map((d) => d.toJS());

describe('operator Secrets are delivered with the cluster\'s Secrets', () => {
  it('Flux: listed as a resource of secrets/, byte for byte, in the layer that decrypts', async () => {
    const dir = await fixture('accept/operator-secret-delivered');
    const { files, diagnostics } = await compileSpecDir(path.join(dir, 'clusters'), { cwd: dir });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const stored = await readFile(path.join(dir, 'secrets', 'lab', 'secret-apps-db-password.yaml'), 'utf8');
    expect(files!.get('lab/secrets/secret-apps-db-password.yaml')).toBe(stored);
    expect(docsOf(files!.get('lab/secrets/kustomization.yaml')!)[0]!.resources).toEqual(['secret-apps-db-password.yaml']);
    // kustomize-controller decrypts SOPS resources of a Kustomization with spec.decryption (Flux docs "Mozilla SOPS").
    const controllers = docsOf(files!.get('lab/flux/orrery/kustomization-flux-system-lab-infra-controllers.yaml')!)[0]!;
    expect(controllers.spec.decryption).toEqual({ provider: 'sops', secretRef: { name: 'sops-age' } });
    expect(docsOf(files!.get('lab/infrastructure/controllers/kustomization.yaml')!)[0]!.resources).toContain('../../secrets');
    // The README then says to create the sops-age Secret, which only a cluster with Secrets needs.
    expect(files!.get('lab/README.md')).toContain('create secret generic sops-age');
  });

  it('Argo CD: named by the KSOPS generator, which decrypts it in the repo server', async () => {
    const dir = await fixture('accept/operator-secret-delivered');
    const constellation = path.join(dir, 'clusters', 'constellation.yaml');
    await writeFile(constellation, (await readFile(constellation, 'utf8')).replace('gitops:\n', 'gitops:\n  engine: argocd\n'));
    const { files, diagnostics } = await compileSpecDir(path.join(dir, 'clusters'), { cwd: dir });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const kustomization = docsOf(files!.get('lab/secrets/kustomization.yaml')!)[0]!;
    expect(kustomization.resources ?? []).toEqual([]);
    expect(kustomization.generators).toEqual(['secret-generator.yaml']);
    expect(docsOf(files!.get('lab/secrets/secret-generator.yaml')!)[0]!.files).toEqual(['./secret-apps-db-password.yaml']);
    expect(files!.has('lab/secrets/secret-apps-db-password.yaml')).toBe(true);
  });

  it('with a key at hand its MAC is checked: a changed value is refused, naming the file', async () => {
    const dir = await fixture('accept/operator-secret-delivered');
    const file = path.join(dir, 'secrets', 'lab', 'secret-apps-db-password.yaml');
    const text = await readFile(file, 'utf8');
    // Swap two characters of the ciphertext: still well-formed, no longer authentic.
    await writeFile(file, text.replace(/password: ENC\[AES256_GCM,data:(.)(.)/, 'password: ENC[AES256_GCM,data:$2$1'));
    const checked = await compileSpecDir(path.join(dir, 'clusters'), { cwd: dir, identities: { identities: IDENTITIES, sources: ['test key'] } });
    const refused = checked.diagnostics.filter((d) => d.rule === 'secrets/tampered');
    expect(refused.map((d) => d.file)).toEqual(['secrets/lab/secret-apps-db-password.yaml']);
    expect(checked.files).toBeUndefined();
    // Without a key it cannot be checked, and synth says so once.
    const unchecked = await compileSpecDir(path.join(dir, 'clusters'), { cwd: dir });
    expect(unchecked.diagnostics.some((d) => d.rule === 'secrets/unverified')).toBe(true);
  });
});

/**
 * "Every Secret the output references is generated, supplied, or reported": walk every emitted
 * object (and Helm values) of the examples and the maximal specs for a Secret reference, and find
 * each in orrery's generated Secrets, the operator's supplied ones (declared by the components),
 * or the Secrets that controllers make at run time. A reference found nowhere is a Secret the
 * registry misses.
 */
describe('the registry of referenced Secrets is complete', () => {
  /** Secrets their controllers create when the object is applied, by the referring kind. */
  const MADE_AT_RUN_TIME: Record<string, string> = {
    // cert-manager creates the ACME account key (privateKeySecretRef) and every Certificate's secretName.
    'ClusterIssuer:letsencrypt-account-key': 'cert-manager (ACME account key)',
    Certificate: 'cert-manager (the Certificate writes it)',
    // Cluster API writes <cluster>-kubeconfig for every cluster it creates.
    'Kustomization:kubeconfig': 'Cluster API (<cluster>-kubeconfig)',
    // The decryption key itself cannot come through git: the README's bootstrap creates it.
    'Kustomization:sops-age': 'the operator, before GitOps (README)',
    // The same key for argocd-repo-server's KSOPS: the patch of that Deployment mounts it (lib/gitops/ksops.ts).
    'Deployment:sops-age': 'the operator, before GitOps (README)',
  };
  const refsIn = (value: unknown, out: string[] = []): string[] => {
    if (Array.isArray(value)) value.forEach((v) => refsIn(v, out));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (/^(secretName|authSecretRef)$/.test(k) && typeof v === 'string') out.push(v);
        // credentialsRef: CAPMOX's ProxmoxCluster names its credentials Secret so (api/v1alpha2 proxmoxcluster_types.go).
        else if (/(SecretRef|secretKeyRef|secretRef|passwordSecret|credentialsRef)$/.test(k) && v && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string') out.push((v as { name: string }).name);
        else refsIn(v, out);
      }
    }
    return out;
  };

  it.each([...exampleSpecs().map((e) => ({ name: e.name, spec: e.spec, cwd: REPO })), ...maximalSpecs()])('$name', async ({ spec, cwd }) => {
    const result = await compileSpecDir(spec, { cwd });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // Declared by a component (the registry), or generated by orrery — not merely present in
    // secrets/: a Secret nobody declares would not be reported when it is missing.
    const declared = new Set((result.referencedSecrets ?? []).map((s) => `${s.cluster}/${s.name}`));
    const generated = new Set(secretRequirements(result.model!).filter((r) => r.toDist).map((r) => `${r.cluster}/${r.name}`));
    // Secrets a Certificate of the output writes (cert-manager), e.g. the CA an Issuer then signs with.
    const certificates = new Set<string>();
    for (const [file, content] of result.files!) for (const o of file.endsWith('.yaml') ? docsOf(content) : []) if (o?.kind === 'Certificate') certificates.add(`${file.split('/')[0]}/${o.spec.secretName}`);
    let references = 0;
    const unknown: string[] = [];
    for (const [file, content] of result.files!) {
      if (!file.endsWith('.yaml') || file.includes('/talos/') || file.endsWith('kustomization.yaml')) continue;
      const cluster = file.split('/')[0]!;
      for (const doc of docsOf(content)) {
        // The KSOPS patch is a strategic-merge patch of the argocd-repo-server Deployment: no kind of its own.
        const o = file === ARGOCD_REPO_SERVER_PATCH && doc.kind === undefined ? { ...doc, kind: 'Deployment', metadata: { name: 'argocd-repo-server' } } : doc;
        for (const name of refsIn(o.spec ?? o)) {
          references++;
          const runTime = MADE_AT_RUN_TIME[`${o.kind}:${name}`] ?? MADE_AT_RUN_TIME[o.kind] ?? (name.endsWith('-kubeconfig') ? MADE_AT_RUN_TIME['Kustomization:kubeconfig'] : undefined);
          // Cilium's certgen makes the Hubble and ClusterMesh certificates from cilium-ca in the cluster.
          const certgen = /^(hubble|clustermesh)-.*(server|client|relay|admin|remote)-certs$/.test(name);
          const issued = certificates.has(`${cluster}/${name}`);
          if (!declared.has(`${cluster}/${name}`) && !generated.has(`${cluster}/${name}`) && !runTime && !certgen && !issued) unknown.push(`${file}: ${o.kind} ${o.metadata?.name} references Secret ${name}`);
        }
      }
    }
    expect(unknown).toEqual([]);
    if (spec.includes('maximal')) expect(references).toBeGreaterThan(0);
  });
});

describe('orrery secrets --add', () => {
  const specOf = (dir: string): string[] => ['--spec', path.join(dir, 'clusters')];

  it('stores a declared Secret from stdin, encrypted to the recipients, named by the short name; the value is never printed', async () => {
    const dir = await fixture('reject/operator-secret-missing');
    const r = await run(['secrets', ...specOf(dir), '--add', 'cloudflare'], 'token-value-1234\n');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('added');
    expect(r.err).toContain('read by external-dns (cloudflare)');
    expect(r.out + r.err).not.toContain('token-value-1234');
    const text = await readFile(path.join(dir, 'secrets', 'lab', 'secret-external-dns-cloudflare.yaml'), 'utf8');
    expect(text).not.toContain('token-value-1234');
    expect(plaintextInSecret(text)).toEqual([]);
    const { data } = await decryptSops(text, IDENTITIES);
    expect(data).toMatchObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cloudflare', namespace: 'external-dns' }, type: 'Opaque' });
    // One value with --key or a single declared key: the trailing newline echo adds is dropped.
    expect(Buffer.from((data as { data: Record<string, string> }).data['api-token']!, 'base64').toString()).toBe('token-value-1234');
    // And synth is content: the Secret is there, with its key.
    const compiled = await compileSpecDir(path.join(dir, 'clusters'), { cwd: dir });
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('several keys as KEY=VALUE lines; a missing key is named; an existing file is kept unless --yes', async () => {
    const dir = await fixture('accept/base');
    const lab = path.join(dir, 'clusters', 'lab.yaml');
    await writeFile(lab, `${await readFile(lab, 'utf8')}components:\n  externalDns: {enabled: true, provider: route53, domainFilters: [example.com]}\n`);
    const partial = await run(['secrets', ...specOf(dir), '--add', 'lab/external-dns/external-dns'], 'access-key-id=AKIAEXAMPLE\n');
    expect(partial.code).toBe(1);
    expect(partial.err).toContain('needs secret-access-key, which the input does not give');
    const full = await run(['secrets', ...specOf(dir), '--add', 'lab/external-dns/external-dns'], '# the AWS pair\naccess-key-id=AKIAEXAMPLE\nsecret-access-key=abc=def\n');
    expect(full.code, full.err).toBe(0);
    const file = path.join(dir, 'secrets', 'lab', 'secret-external-dns-external-dns.yaml');
    const { data } = await decryptSops(await readFile(file, 'utf8'), IDENTITIES);
    // The value is verbatim after the first '='.
    expect(Buffer.from((data as { data: Record<string, string> }).data['secret-access-key']!, 'base64').toString()).toBe('abc=def');
    const again = await run(['secrets', ...specOf(dir), '--add', 'lab/external-dns/external-dns'], 'access-key-id=B\nsecret-access-key=C\n');
    expect(again.code).toBe(1);
    expect(again.err).toContain('exists; pass --yes to replace it');
    const replaced = await run(['secrets', ...specOf(dir), '--add', 'lab/external-dns/external-dns', '--yes'], 'access-key-id=B\nsecret-access-key=C\n');
    expect(replaced.code).toBe(0);
    expect(replaced.err).toContain('replaced');
  });

  it('a Secret of the operator\'s own by <cluster>/<namespace>/<name>; the terminal is never read; values never come from argv', async () => {
    const dir = await fixture('accept/base');
    const tty = await run(['secrets', ...specOf(dir), '--add', 'lab/apps/db', '--key', 'password'], '', { tty: true });
    expect(tty.code).toBe(1);
    expect(tty.err).toContain('pipe the value on standard input, never as an argument');
    expect(await readdir(path.join(dir, 'secrets', 'lab')).catch(() => [])).toEqual([]);
    // There is no option to pass a value: the parser refuses one.
    const argv = await run(['secrets', ...specOf(dir), '--add', 'lab/apps/db', '--value', 'hunter2']);
    expect(argv.code).toBe(1);
    expect(argv.err).toContain('unknown option --value');
    const own = await run(['secrets', ...specOf(dir), '--add', 'lab/apps/db', '--key', 'password'], 'hunter2');
    expect(own.code, own.err).toBe(0);
    const unknown = await run(['secrets', ...specOf(dir), '--add', 'nothing-reads-this'], 'x');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('for a Secret of your own give <cluster>/<namespace>/<name>');
  });
});

describe('orrery secrets --rotate talos-secrets', () => {
  it('needs --yes and says what a new bundle means for a running cluster; nothing changes without it', async () => {
    const dir = await fixture('accept/mesh-unpinned-id');
    const before = await readFile(path.join(dir, 'secrets', 'edge', 'talos-secrets.yaml'), 'utf8');
    const r = await run(['secrets', '--spec', path.join(dir, 'clusters'), '--rotate', 'edge/talos-secrets']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('replaces the cluster\'s whole PKI, so it needs --yes');
    expect(r.err).toContain('talosctl rotate-ca');
    expect(await readFile(path.join(dir, 'secrets', 'edge', 'talos-secrets.yaml'), 'utf8')).toBe(before);
  });

  it('with --yes it rotates and says what must happen next on the cluster', async () => {
    const dir = await fixture('accept/mesh-unpinned-id');
    const r = await run(['secrets', '--spec', path.join(dir, 'clusters'), '--rotate', 'edge/talos-secrets', '--yes']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('rotated   edge/talos-secrets');
    expect(r.err).toContain('Next, for edge');
    expect(r.err).toContain('talosctl reset');
  });

  it('a rotation guard (the runner\'s: the cluster is up) refuses it even with --yes', async () => {
    const dir = await fixture('accept/mesh-unpinned-id');
    const before = await readFile(path.join(dir, 'secrets', 'edge', 'talos-secrets.yaml'), 'utf8');
    const asked: string[] = [];
    const command = secretsCommandWith([async ({ cluster, secret }) => (asked.push(`${cluster}/${secret}`), `cluster ${cluster} is marked as up`)]);
    let err = '';
    const parsed = { spec: path.join(dir, 'clusters'), rotate: ['talos-secrets'], yes: true, format: 'text' };
    const code = await command.run({ values: parsed, positionals: [], io: { out: () => undefined, err: (t) => (err += t) } });
    expect(code).toBe(1);
    expect(asked).toEqual(['edge/talos-secrets']);
    expect(err).toContain('refusing to rotate edge/talos-secrets: cluster edge is marked as up');
    expect(await readFile(path.join(dir, 'secrets', 'edge', 'talos-secrets.yaml'), 'utf8')).toBe(before);
  });
});
