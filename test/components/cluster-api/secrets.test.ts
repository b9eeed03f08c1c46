import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileSpecDir } from '../../../lib/pipeline.ts';
import { generateSecrets, SecretsError } from '../../../lib/secrets/generate.ts';
import { secretRequirements } from '../../../lib/secrets/requirements.ts';
import { readSecretsDir } from '../../../lib/secrets/store.ts';
import { decryptSops } from '../../../lib/sops/sops.ts';
import { parseIdentities } from '../../../lib/sops/keys.ts';
import { loadX509 } from '../../../lib/secrets/pki.ts';
import { materializeFixture, REPO, removeDir } from '../../helpers.ts';
import { compileEdited } from './helpers.ts';

// The X.509 library loads on first use (lib/secrets/pki.ts).
const x509 = await loadX509();

const IDS = parseIdentities(readFileSync(path.join(REPO, 'test-keys', 'age-test-key.txt'), 'utf8'));
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

const compiled = await compileSpecDir(path.join(REPO, 'clusters'), { cwd: REPO });
const { model, files } = compiled;

describe("a Cluster API cluster's Talos PKI is owned by git", () => {
  it('each Cluster API cluster needs <cluster>-talos in its Cluster API namespace, delivered to the tree of the cluster that reconciles it', () => {
    const reqs = secretRequirements(model!).filter((r) => r.name === 'talos-bundle');
    expect(reqs.map((r) => [r.id, r.file, r.deliveredTo, r.namespace, r.secretName])).toEqual([
      ['callisto/talos-bundle', 'callisto/talos-bundle.yaml', 'jupiter', 'constellation', 'callisto-talos'],
      ['ganymede/talos-bundle', 'ganymede/talos-bundle.yaml', 'jupiter', 'constellation', 'ganymede-talos'],
      ['jupiter/talos-bundle', 'jupiter/talos-bundle.yaml', 'jupiter', 'constellation', 'jupiter-talos'],
    ]);
    // Copied byte for byte from secrets/ into the manager's secrets/ (the controllers layer decrypts it).
    expect(files!.get('jupiter/secrets/secret-constellation-ganymede-talos.yaml')).toBe(readFileSync(path.join(REPO, 'secrets/ganymede/talos-bundle.yaml'), 'utf8'));
    expect([...files!.keys()].some((f) => f.startsWith('ganymede/secrets/secret-constellation'))).toBe(false);
  });

  it.each([
    ['committed', async () => readFileSync(path.join(REPO, 'secrets/ganymede/talos-bundle.yaml'), 'utf8')],
    [
      'freshly generated',
      async () => {
        const reqs = secretRequirements(model!).filter((r) => r.id === 'ganymede/talos-bundle');
        const out = await generateSecrets({ model: model!, requirements: reqs, existing: new Map(), rotate: [], identities: async () => ({ identities: IDS, sources: [] }) as never, now: new Date() });
        expect(out.generated).toEqual(['ganymede/talos-bundle']);
        return out.files.get('ganymede/talos-bundle.yaml')!;
      },
    ],
  ])('%s: the Secret CABPT reads — key bundle, the YAML of a talosctl-format bundle; labels for Cluster API and clusterctl move', async (_name, load) => {
    const text = await load();
    // Only data is encrypted; the metadata stays readable (encrypted_regex ^(data|stringData)$).
    const plain = parse(text) as any;
    expect(plain.metadata).toEqual({ name: 'ganymede-talos', namespace: 'constellation', labels: { 'cluster.x-k8s.io/cluster-name': 'ganymede', 'clusterctl.cluster.x-k8s.io/move': '' } });
    expect(String(plain.data.bundle)).toMatch(/^ENC\[AES256_GCM,/);
    const secret = (await decryptSops(text, IDS)).data as any;
    // CABPT: yaml.Unmarshal(secret.Data["bundle"], secretsBundle) (controllers/secrets.go getSecretsBundle).
    const bundle = parse(Buffer.from(secret.data.bundle, 'base64').toString('utf8')) as any;
    expect(Object.keys(bundle)).toEqual(['cluster', 'secrets', 'trustdinfo', 'certs']);
    expect(Object.keys(bundle.certs)).toEqual(['etcd', 'k8s', 'k8saggregator', 'k8sserviceaccount', 'os']);
    expect(new x509.X509Certificate(Buffer.from(bundle.certs.k8s.crt, 'base64').toString('utf8')).subject).toBe('O=kubernetes');
    expect(bundle.secrets.bootstraptoken).toMatch(/^[0-9a-z]{6}\.[0-9a-z]{16}$/);
  });

  it('the provider credentials are operator Secrets of the registry, declared for the manager: never generated, rotated or listed as orrery\'s', async () => {
    // No generated requirement names them: orrery makes only <cluster>-talos for a Cluster API cluster.
    expect(secretRequirements(model!).filter((r) => r.secretName?.startsWith('proxmox-'))).toEqual([]);
    // Declared by the Cluster API component for the manager's tree, at the key of the cluster that names them.
    const declared = [...(compiled.referencedSecrets ?? [])].filter((s) => s.consumer.startsWith('CAPMOX'));
    expect(declared.map((s) => [s.cluster, s.namespace, s.name, s.keys.join(','), s.source, s.pointer])).toEqual([
      ['jupiter', 'constellation', 'proxmox-nyc', 'url,token,secret', 'clusters/callisto.yaml', '/provisioning/clusterApi/proxmox/credentialsSecret'],
      ['jupiter', 'constellation', 'proxmox-ams', 'url,token,secret', 'clusters/ganymede.yaml', '/provisioning/clusterApi/proxmox/credentialsSecret'],
      ['jupiter', 'constellation', 'proxmox-fra', 'url,token,secret', 'clusters/jupiter.yaml', '/provisioning/clusterApi/proxmox/credentialsSecret'],
    ]);
    const out = await generateSecrets({ model: model!, requirements: secretRequirements(model!), existing: await readSecretsDir(path.join(REPO, 'secrets')), rotate: [], identities: async () => ({ identities: IDS, sources: [] }) as never, now: new Date() });
    expect([...out.files.keys()]).toEqual([]);
    expect(out.kept.some((id) => id.includes('proxmox'))).toBe(false);
    await expect(generateSecrets({ model: model!, requirements: secretRequirements(model!), existing: new Map(), rotate: ['ganymede/proxmox-ams'], identities: async () => ({ identities: IDS, sources: [] }) as never, now: new Date() })).rejects.toThrow(SecretsError);
  });

  it('the bundled placeholders: encrypted to the test key, obviously fake, each with the keys CAPMOX reads', async () => {
    for (const name of ['proxmox-fra', 'proxmox-nyc', 'proxmox-ams']) {
      const text = readFileSync(path.join(REPO, `secrets/jupiter/secret-constellation-${name}.yaml`), 'utf8');
      const secret = (await decryptSops(text, IDS)).data as any;
      expect(secret.metadata).toEqual({ name, namespace: 'constellation' });
      const values = Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
      // CAPMOX: secret.Data["url"|"token"|"secret"] (pkg/scope/cluster.go setupProxmoxClient).
      expect(Object.keys(values).sort()).toEqual(['secret', 'token', 'url']);
      expect(values.url).toMatch(/\.example\.invalid:8006$/);
      expect(values.token).toContain('placeholder');
      // Delivered byte for byte with the manager's Secrets, where the workload's GitOps never looks.
      expect(files!.get(`jupiter/secrets/secret-constellation-${name}.yaml`)).toBe(text);
    }
  });

  it('missing credentials stop synth with the file, the keys and the command (one mechanism: the registry of operator Secrets)', async () => {
    const dir = await materializeFixture('accept/cluster-api-proxmox');
    dirs.push(dir);
    await rm(path.join(dir, 'secrets/mgmt/secret-fleet-pve-credentials.yaml'));
    const r = await compileSpecDir(path.join(dir, 'clusters'), { cwd: dir });
    expect(r.files).toBeUndefined();
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.file, d.rule, d.pointer])).toEqual([['clusters/edge.yaml', 'secrets/operator-missing', '/provisioning/clusterApi/proxmox/credentialsSecret']]);
    expect(errors[0]!.line).toBeGreaterThan(1);
    expect(errors[0]!.message).toContain('create secrets/mgmt/secret-fleet-pve-credentials.yaml');
    expect(errors[0]!.message).toContain('npx orrery secrets --add mgmt/fleet/pve-credentials < <file of KEY=VALUE lines: url, token, secret>');
  });

  it('a stored operator Secret goes to the manager as it is; a shared one is one file', async () => {
    const dir = await materializeFixture('accept/cluster-api-proxmox');
    dirs.push(dir);
    const r = await compileSpecDir(path.join(dir, 'clusters'), { cwd: dir });
    expect(r.files!.get('mgmt/secrets/secret-fleet-pve-credentials.yaml')).toBe(readFileSync(path.join(dir, 'secrets/mgmt/secret-fleet-pve-credentials.yaml'), 'utf8'));
    expect(r.files!.get('mgmt/secrets/kustomization.yaml')).toContain('secret-fleet-pve-credentials.yaml');
    expect([...r.files!.keys()].some((f) => f.startsWith('edge/secrets/'))).toBe(false);
    // Two clusters of one manager that share a credentials Secret read one object, one file.
    const shared = await compileEdited({ 'ganymede.yaml': (s) => s.replace('credentialsSecret: proxmox-ams', 'credentialsSecret: proxmox-nyc') }, dirs);
    expect(shared.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect([...shared.files!.keys()].filter((f) => /secret-constellation-proxmox-(nyc|ams)/.test(f))).toEqual(['jupiter/secrets/secret-constellation-proxmox-ams.yaml', 'jupiter/secrets/secret-constellation-proxmox-nyc.yaml']);
  });
});
