import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadX509 } from '../../lib/secrets/pki.ts';
import { decryptSops } from '../../lib/sops/sops.ts';
import { parseIdentities } from '../../lib/sops/keys.ts';
import { main } from '../../lib/cli/main.ts';
import { readSecretsDir } from '../../lib/secrets/store.ts';
import { ciliumCa, linkerdIssuer, linkerdTrustAnchor, talosSecretsBundle, tlsSecret } from '../../lib/secrets/generators.ts';
import { exampleSpecs, materializeFixture, REPO, removeDir, tempDir } from '../helpers.ts';

// The X.509 library loads on first use (lib/secrets/pki.ts).
const x509 = await loadX509();

const KEY_FILE = path.join(REPO, 'test-keys', 'age-test-key.txt');
const IDS = parseIdentities(readFileSync(KEY_FILE, 'utf8'));
const HAS_OPENSSL = spawnSync('openssl', ['version']).status === 0;
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

const open = async (file: string): Promise<Record<string, any>> => (await decryptSops(readFileSync(path.join(REPO, file), 'utf8'), IDS)).data;
const pem = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');
const DAY = 86_400_000;

function openssl(args: string[], input?: string): string {
  const r = spawnSync('openssl', args, { input, encoding: 'utf8' });
  return r.stdout + r.stderr;
}

// Each property is checked on the committed example AND on freshly generated material, so a
// generator that breaks cannot hide behind files generated before it broke.
const fresh = async <T>(make: () => Promise<T>): Promise<T> => make();

describe.each([
  ['examples/vtalos-lab (committed)', () => open('examples/vtalos-lab/secrets/vtalos/talos-secrets.yaml')],
  ['freshly generated', () => fresh(() => talosSecretsBundle({ contract: '1.13', now: new Date() }) as Promise<Record<string, any>>)],
])('the Talos secrets bundle: %s', async (_name, load) => {
  const bundle = await load();

  it('has the layout talosctl gen secrets writes, with the generated values in their formats', () => {
    expect(Object.keys(bundle)).toEqual(['cluster', 'secrets', 'trustdinfo', 'certs']);
    expect(Object.keys(bundle.certs)).toEqual(['etcd', 'k8s', 'k8saggregator', 'k8sserviceaccount', 'os']);
    expect(bundle.secrets.bootstraptoken).toMatch(/^[0-9a-z]{6}\.[0-9a-z]{16}$/);
    expect(bundle.trustdinfo.token).toMatch(/^[0-9a-z]{6}\.[0-9a-z]{16}$/);
    expect(Buffer.from(bundle.secrets.secretboxencryptionsecret, 'base64')).toHaveLength(32);
    expect(Buffer.from(bundle.cluster.secret, 'base64')).toHaveLength(32);
    // Contract 1.13: the cluster id is URL-safe base64 with padding.
    expect(bundle.cluster.id).toMatch(/^[A-Za-z0-9_-]{43}=$/);
  });

  it.each([
    ['etcd', 'O=etcd', 'EC PRIVATE KEY', 'ECDSA'],
    ['k8s', 'O=kubernetes', 'EC PRIVATE KEY', 'ECDSA'],
    ['k8saggregator', '', 'EC PRIVATE KEY', 'ECDSA'],
    ['os', 'O=talos', 'ED25519 PRIVATE KEY', 'Ed25519'],
  ])('%s CA: subject %j, %s, CA flags, usages and ten years', (name, subject, keyLabel, algorithm) => {
    const cert = new x509.X509Certificate(pem(bundle.certs[name].crt));
    expect(cert.subject).toBe(subject);
    expect(cert.issuer).toBe(subject);
    expect(cert.publicKey.algorithm.name).toBe(algorithm);
    if (algorithm === 'ECDSA') expect((cert.publicKey.algorithm as { namedCurve?: string }).namedCurve).toBe('P-256');
    const bc = cert.getExtension(x509.BasicConstraintsExtension)!;
    expect([bc.ca, bc.critical, bc.pathLength]).toEqual([true, true, undefined]);
    const ku = cert.getExtension(x509.KeyUsagesExtension)!;
    expect([ku.usages, ku.critical]).toEqual([x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true]);
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)!.usages).toEqual([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]);
    expect(cert.notAfter.getTime() - cert.notBefore.getTime()).toBe(87_600 * 3_600_000);
    expect(pem(bundle.certs[name].key).split('\n')[0]).toBe(`-----BEGIN ${keyLabel}-----`);
  });

  it('all CAs share one NotBefore; the service-account key is RSA 4096 (PKCS#1)', () => {
    const starts = ['etcd', 'k8s', 'k8saggregator', 'os'].map((n) => new x509.X509Certificate(pem(bundle.certs[n].crt)).notBefore.getTime());
    expect(new Set(starts).size).toBe(1);
    const sa = pem(bundle.certs.k8sserviceaccount.key);
    expect(sa.split('\n')[0]).toBe('-----BEGIN RSA PRIVATE KEY-----');
    if (HAS_OPENSSL) expect(openssl(['rsa', '-noout', '-text'], sa)).toMatch(/Private-Key: \(4096 bit/);
  });

  it.skipIf(!HAS_OPENSSL)('openssl reads every certificate and key the same way', () => {
    const text = openssl(['x509', '-noout', '-text'], pem(bundle.certs.os.crt));
    expect(text).toMatch(/Signature Algorithm: ED25519/);
    expect(text).toMatch(/CA:TRUE/);
    expect(text).toMatch(/Digital Signature, Certificate Sign/);
    expect(openssl(['x509', '-noout', '-text'], pem(bundle.certs.k8s.crt))).toMatch(/ecdsa-with-SHA256[\s\S]*ASN1 OID: prime256v1/);
    // Talos writes its Ed25519 key as PKCS#8 under a label of its own.
    expect(openssl(['pkey', '-noout', '-text'], pem(bundle.certs.os.key).replace(/ED25519 PRIVATE KEY/g, 'PRIVATE KEY'))).toMatch(/ED25519 Private-Key/);
  });
});
if (!HAS_OPENSSL) console.warn('openssl cross-checks SKIPPED: openssl is not installed');

describe('the ClusterMesh CA, freshly generated', () => {
  it('ECDSA P-256, CN Cilium CA, a CA for three years, SEC1 key', async () => {
    const ca = await ciliumCa(new Date());
    const cert = new x509.X509Certificate(ca.certificatePem);
    expect(cert.subject).toBe('CN=Cilium CA');
    expect(cert.getExtension(x509.BasicConstraintsExtension)!.ca).toBe(true);
    expect((cert.notAfter.getTime() - cert.notBefore.getTime()) / DAY).toBe(3 * 365);
    expect((cert.publicKey.algorithm as { namedCurve?: string }).namedCurve).toBe('P-256');
    expect(ca.keyPem).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
  });
});

describe('the ClusterMesh CA is one per mesh group, shared by every member', () => {
  it.each([
    ['aggrik8s-mesh', [['talos-east', 'kube-system'], ['talos-west', 'kube-system']]],
    ['equinix-constellation', [['jupiter', 'network-services'], ['ganymede', 'network-services'], ['callisto', 'network-services']]],
  ])('%s', async (example, members) => {
    const secrets = await Promise.all(members.map(([c]) => open(`examples/${example}/secrets/${c}/cilium-ca.yaml`)));
    const mesh = example === 'aggrik8s-mesh' ? 'mesh:aggrik8s' : 'mesh:constellation';
    secrets.forEach((s, i) => expect(s.metadata).toEqual({ name: 'cilium-ca', namespace: members[i]![1], annotations: { 'orrery.dev/mesh': mesh } }));
    expect(new Set(secrets.map((s) => s.data['ca.crt'])).size).toBe(1);
    expect(new Set(secrets.map((s) => s.data['ca.key'])).size).toBe(1);
    const cert = new x509.X509Certificate(pem(secrets[0]!.data['ca.crt']));
    expect(cert.subject).toBe('CN=Cilium CA');
    expect(cert.getExtension(x509.BasicConstraintsExtension)!.ca).toBe(true);
    expect(pem(secrets[0]!.data['ca.key'])).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
  });
});

async function freshLinkerd(): Promise<{ issuer: Record<string, any>; anchor: Record<string, any>; anchorPem: string }> {
  const now = new Date();
  const a = await linkerdTrustAnchor(now);
  const i = await linkerdIssuer(a, now);
  return { issuer: tlsSecret('linkerd-identity-issuer', 'linkerd', i, a.certificatePem), anchor: tlsSecret('linkerd-trust-anchor', 'linkerd', a, a.certificatePem), anchorPem: a.certificatePem };
}

describe.each([
  ['examples/deepthought-homelab (committed)', async () => ({
    issuer: await open('examples/deepthought-homelab/secrets/deepthought/linkerd-identity-issuer.yaml'),
    anchor: await open('examples/deepthought-homelab/secrets/deepthought/linkerd-trust-anchor.yaml'),
    anchorPem: readFileSync(path.join(REPO, 'examples/deepthought-homelab/secrets/deepthought/linkerd-trust-anchor.crt'), 'utf8'),
  })],
  ['freshly generated', freshLinkerd],
])('Linkerd trust anchor and identity issuer: %s', async (_name, load) => {
  const { issuer, anchor, anchorPem } = await load();

  it('the issuer is a kubernetes.io/tls Secret in linkerd whose ca.crt is the trust anchor, public beside it', () => {
    expect(issuer.metadata).toEqual({ name: 'linkerd-identity-issuer', namespace: 'linkerd' });
    expect(issuer.type).toBe('kubernetes.io/tls');
    expect(pem(issuer.data['ca.crt'])).toBe(anchorPem);
    expect(pem(anchor.data['tls.crt'])).toBe(anchorPem);
  });

  it('ECDSA P-256 with SHA-256; the anchor is a ten-year root (pathlen 1), the issuer a one-year intermediate (pathlen 0) it signed', async () => {
    const root = new x509.X509Certificate(anchorPem);
    const mid = new x509.X509Certificate(pem(issuer.data['tls.crt']));
    expect([root.subject, mid.subject, mid.issuer]).toEqual(['CN=root.linkerd.cluster.local', 'CN=identity.linkerd.cluster.local', 'CN=root.linkerd.cluster.local']);
    expect(root.getExtension(x509.BasicConstraintsExtension)!.pathLength).toBe(1);
    expect(mid.getExtension(x509.BasicConstraintsExtension)!.pathLength).toBe(0);
    expect(mid.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    expect((root.notAfter.getTime() - root.notBefore.getTime()) / DAY).toBe(3650);
    expect((mid.notAfter.getTime() - mid.notBefore.getTime()) / DAY).toBe(365);
    expect(await mid.verify({ publicKey: root.publicKey, signatureOnly: true })).toBe(true);
    expect(pem(issuer.data['tls.key'])).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
  });

  it.skipIf(!HAS_OPENSSL)('openssl verifies the chain', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    writeFileSync(path.join(dir, 'ca.crt'), anchorPem);
    writeFileSync(path.join(dir, 'issuer.crt'), pem(issuer.data['tls.crt']));
    expect(openssl(['verify', '-CAfile', path.join(dir, 'ca.crt'), path.join(dir, 'issuer.crt')])).toContain('issuer.crt: OK');
  });
});

describe('orrery secrets: once, reuse, rotate', () => {
  async function run(dir: string, args: string[] = []): Promise<{ code: number; err: string }> {
    let err = '';
    const code = await main(['secrets', '--spec', path.join(dir, 'clusters'), ...args], { out: () => {}, err: (t) => (err += t) });
    return { code, err };
  }

  it('generates what is missing, keeps it byte for byte on the next run, shares the CA with a new mesh member and rotates on request', async () => {
    const dir = await materializeFixture('accept/mesh-unpinned-id');
    dirs.push(dir);
    const before = await readSecretsDir(path.join(dir, 'secrets'));
    // A second run changes nothing.
    expect((await run(dir)).err).toContain('0 generated, 0 rotated, 4 kept');
    expect(await readSecretsDir(path.join(dir, 'secrets'))).toEqual(before);

    // A member without its file gets the group's existing CA: that needs the decryption key.
    await removeDir(path.join(dir, 'secrets', 'edge', 'cilium-ca.yaml'));
    const noKey = await run(dir);
    expect(noKey.code).toBe(1);
    expect(noKey.err).toMatch(/no age identity to decrypt with|none of the age identities/);
    process.env.SOPS_AGE_KEY_FILE = KEY_FILE;
    try {
      expect((await run(dir)).err).toContain('generated edge/cilium-ca');
      const lab = (await decryptSops((await readSecretsDir(path.join(dir, 'secrets'))).get('lab/cilium-ca.yaml')!, IDS)).data as Record<string, any>;
      const edge = (await decryptSops((await readSecretsDir(path.join(dir, 'secrets'))).get('edge/cilium-ca.yaml')!, IDS)).data as Record<string, any>;
      expect(edge.data['ca.key']).toBe(lab.data['ca.key']);

      // Rotating the mesh CA rotates it for every member of the group, and nothing else.
      const rotated = await run(dir, ['--rotate', 'lab/cilium-ca']);
      expect(rotated.err).toMatch(/rotated {3}edge\/cilium-ca[\s\S]*rotated {3}lab\/cilium-ca[\s\S]*0 generated, 2 rotated, 2 kept/);
      const after = await readSecretsDir(path.join(dir, 'secrets'));
      expect(after.get('lab/talos-secrets.yaml')).toBe(before.get('lab/talos-secrets.yaml'));
      const lab2 = (await decryptSops(after.get('lab/cilium-ca.yaml')!, IDS)).data as Record<string, any>;
      const edge2 = (await decryptSops(after.get('edge/cilium-ca.yaml')!, IDS)).data as Record<string, any>;
      expect(lab2.data['ca.key']).toBe(edge2.data['ca.key']);
      expect(lab2.data['ca.key']).not.toBe(lab.data['ca.key']);
    } finally {
      delete process.env.SOPS_AGE_KEY_FILE;
    }
  });

  it('refuses to rotate something the spec does not need', async () => {
    const dir = await materializeFixture('accept/mesh-unpinned-id');
    dirs.push(dir);
    const r = await run(dir, ['--rotate', 'lab/linkerd-trust-anchor']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('nothing to rotate named "lab/linkerd-trust-anchor"; the spec needs: edge/talos-secrets, edge/cilium-ca, lab/talos-secrets, lab/cilium-ca');
  });
});

describe('no plaintext secret anywhere: dist/, logs, error output', () => {
  it('every decrypted secret value is absent from every committed dist/ file and from synth/secrets output', async () => {
    const needles = new Set<string>();
    // Private material only: certificates (crt, tls.crt, ca.crt) are public by design (Linkerd's
    // trust anchor goes into the values in plaintext on purpose).
    const collect = (v: unknown): void => {
      if (typeof v === 'string' && v.length >= 16) {
        needles.add(v);
        if (/^[A-Za-z0-9+/=]+$/.test(v)) for (const line of pem(v).split('\n')) if (line.length >= 40) needles.add(line);
      } else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) if (!/(^|\.)crt$/.test(k)) collect(x);
      }
    };
    let logs = '';
    for (const example of exampleSpecs()) {
      const secretsDir = path.join(path.dirname(example.spec), 'secrets');
      for (const [file, text] of await readSecretsDir(secretsDir)) {
        if (!file.endsWith('.yaml') || file === '.sops.yaml') continue;
        const { data } = await decryptSops(text, IDS);
        collect(data.data ?? data.certs ?? data);
        collect(data.cluster);
        collect(data.secrets);
        collect(data.trustdinfo);
      }
      await main(['check', '--spec', example.spec, '--out', example.dist], { out: (t) => (logs += t), err: (t) => (logs += t) });
    }
    const bad = await materializeFixture('accept/mesh-unpinned-id');
    dirs.push(bad);
    await main(['secrets', '--spec', path.join(bad, 'clusters'), '--rotate', 'nope'], { out: (t) => (logs += t), err: (t) => (logs += t) });
    expect(needles.size).toBeGreaterThan(20);
    const outputs: [string, string][] = [['logs', logs]];
    for (const example of exampleSpecs()) {
      const { execFileSync } = await import('node:child_process');
      for (const f of execFileSync('find', [example.dist, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n')) outputs.push([f, await readFile(f, 'utf8')]);
    }
    for (const [where, text] of outputs) {
      expect(text, where).not.toMatch(/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|AGE-SECRET-KEY-1/);
      for (const n of needles) if (text.includes(n)) throw new Error(`${where} contains a plaintext secret value`);
      for (const secret of text.matchAll(/^kind: Secret$/gm)) expect(text.slice(secret.index), where).toMatch(/^sops:$/m);
    }
  });
});

describe('secrets that no longer match the spec', () => {
  async function fixtureDir(): Promise<string> {
    const dir = await materializeFixture('accept/mesh-unpinned-id');
    dirs.push(dir);
    return dir;
  }
  async function cli(args: string[]): Promise<{ code: number; err: string }> {
    let err = '';
    const code = await main(args, { out: () => {}, err: (t) => (err += t) });
    return { code, err };
  }
  const edit = async (file: string, from: string, to: string): Promise<void> => {
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(from);
    writeFileSync(file, text.replace(from, to));
  };

  it('a mesh that changed (renamed, merged) makes its stored CA stale: synth fails, secrets asks for --rotate, rotate fixes it', async () => {
    const dir = await fixtureDir();
    await edit(path.join(dir, 'clusters', 'constellation.yaml'), '  - name: mesh\n', '  - name: mesh2\n');
    const synth = await cli(['synth', '--spec', path.join(dir, 'clusters'), '--out', path.join(dir, 'dist')]);
    expect(synth.code).toBe(1);
    expect(synth.err).toContain('holds a ClusterMesh CA made for mesh:mesh, not for mesh:mesh2: run npx orrery secrets --rotate edge/cilium-ca');
    const secrets = await cli(['secrets', '--spec', path.join(dir, 'clusters')]);
    expect(secrets.code).toBe(1);
    expect(secrets.err).toContain('made for another mesh (mesh:mesh, now mesh:mesh2)');
    expect((await cli(['secrets', '--spec', path.join(dir, 'clusters'), '--rotate', 'cilium-ca'])).code).toBe(0);
    expect((await cli(['synth', '--spec', path.join(dir, 'clusters'), '--out', path.join(dir, 'dist')])).code).toBe(0);
  });

  it('new recipients: synth warns, orrery secrets re-encrypts the data key and the values stay the same', async () => {
    const dir = await fixtureDir();
    const { generateX25519Identity, identityToRecipient } = await import('age-encryption');
    const identity = await generateX25519Identity();
    const recipient = await identityToRecipient(identity);
    const before = (await decryptSops(readFileSync(path.join(dir, 'secrets', 'lab', 'cilium-ca.yaml'), 'utf8'), IDS)).data;
    const old = /ageRecipients: \[(age1\w+)\]/.exec(readFileSync(path.join(dir, 'clusters', 'constellation.yaml'), 'utf8'))![1]!;
    await edit(path.join(dir, 'clusters', 'constellation.yaml'), old, recipient);
    const synth = await cli(['synth', '--spec', path.join(dir, 'clusters'), '--out', path.join(dir, 'dist')]);
    expect(synth.err).toContain('secrets/lab/cilium-ca.yaml is encrypted to');
    process.env.SOPS_AGE_KEY_FILE = KEY_FILE;
    try {
      const r = await cli(['secrets', '--spec', path.join(dir, 'clusters')]);
      expect(r.err).toContain('re-encrypted to the new recipients: lab/cilium-ca');
    } finally {
      delete process.env.SOPS_AGE_KEY_FILE;
    }
    const after = readFileSync(path.join(dir, 'secrets', 'lab', 'cilium-ca.yaml'), 'utf8');
    expect((await decryptSops(after, [identity])).data).toEqual(before);
    await expect(decryptSops(after, IDS)).rejects.toThrow('none of the age identities');
  });

  it('writes .sops.yaml beside secrets/ (where sops finds it), but never over a .sops.yaml of the user', async () => {
    const dir = await fixtureDir();
    expect((await cli(['secrets', '--spec', path.join(dir, 'clusters')])).code).toBe(0);
    expect(readFileSync(path.join(dir, '.sops.yaml'), 'utf8')).toMatch(/path_regex: \(\^\|\/\)secrets\/lab\/\[\^\/\]\+\\\.yaml\$/);
    writeFileSync(path.join(dir, '.sops.yaml'), 'creation_rules: []\n');
    const r = await cli(['secrets', '--spec', path.join(dir, 'clusters')]);
    expect(r.err).toContain("is not orrery's; add these creation rules to it");
    expect(readFileSync(path.join(dir, '.sops.yaml'), 'utf8')).toBe('creation_rules: []\n');
  });
});
