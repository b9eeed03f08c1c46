import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, lstat, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.ts';
import { generateSecrets } from '../../lib/secrets/generate.ts';
import { secretRequirements } from '../../lib/secrets/requirements.ts';
import { readSecretsDir, writeAtomically, writeSecretFiles } from '../../lib/secrets/store.ts';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { decryptSops } from '../../lib/sops/sops.ts';
import { parseIdentities } from '../../lib/sops/keys.ts';
import { materializeFixture, REPO, removeDir, tempDir } from '../helpers.ts';

const KEY_FILE = path.join(REPO, 'test-keys', 'age-test-key.txt');
const IDS = parseIdentities(readFileSync(KEY_FILE, 'utf8'));
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));
afterEach(() => {
  delete process.env.SOPS_AGE_KEY_FILE;
});

async function fixture(): Promise<{ dir: string; spec: string; out: string; secrets: string }> {
  const dir = await materializeFixture('accept/mesh-unpinned-id');
  dirs.push(dir);
  return { dir, spec: path.join(dir, 'clusters'), out: path.join(dir, 'dist'), secrets: path.join(dir, 'secrets') };
}

/** Runs the CLI from the fixture's directory (as a user would: paths in messages are relative). */
async function cli(args: string[], withKey = false): Promise<{ code: number; text: string }> {
  let text = '';
  if (withKey) process.env.SOPS_AGE_KEY_FILE = KEY_FILE;
  const cwd = process.cwd();
  const spec = args[args.indexOf('--spec') + 1]!;
  process.chdir(path.dirname(spec));
  try {
    const code = await main(args, { out: (t) => (text += t), err: (t) => (text += t) });
    return { code, text };
  } finally {
    process.chdir(cwd);
    delete process.env.SOPS_AGE_KEY_FILE;
  }
}

const synth = (f: { spec: string; out: string }, withKey = false): Promise<{ code: number; text: string }> => cli(['synth', '--spec', f.spec, '--out', f.out], withKey);
const secretsRun = (f: { spec: string }, args: string[] = [], withKey = false): Promise<{ code: number; text: string }> => cli(['secrets', '--spec', f.spec, ...args], withKey);

/** Every line of the decrypted key material (and its base64) that must never be printed. */
async function needles(file: string): Promise<string[]> {
  const data = (await decryptSops(readFileSync(file, 'utf8'), IDS)).data as { data: Record<string, string> };
  const out = new Set<string>();
  for (const v of Object.values(data.data)) {
    out.add(v.slice(0, 40));
    for (const line of Buffer.from(v, 'base64').toString('utf8').split('\n')) if (line.length >= 20 && !line.startsWith('-----')) out.add(line);
  }
  return [...out];
}

function expectNoSecret(text: string, secret: readonly string[]): void {
  for (const n of secret) expect(text).not.toContain(n);
  expect(text).not.toMatch(/PRIVATE KEY-----\s*\n\s*[A-Za-z0-9+/]{20}/);
  expect(text).not.toMatch(/\n\s+at /);
}

async function edit(file: string, change: (text: string) => string): Promise<void> {
  const before = await readFile(file, 'utf8');
  const after = change(before);
  expect(after).not.toBe(before);
  await writeFile(file, after);
}

describe('a tampered stored Secret is never copied into dist/ when a key can check it', () => {
  const tamperings: [string, (t: string) => string][] = [
    ['a flipped byte of a value', (t) => t.replace(/ca\.crt: ENC\[AES256_GCM,data:(.)/, (_m, c: string) => `ca.crt: ENC[AES256_GCM,data:${c === 'A' ? 'B' : 'A'}`)],
    ['a changed MAC', (t) => t.replace(/mac: ENC\[AES256_GCM,data:(.)/, (_m, c: string) => `mac: ENC[AES256_GCM,data:${c === 'A' ? 'B' : 'A'}`)],
    ['a changed unencrypted field', (t) => t.replace('  name: cilium-ca\n', '  name: cilium-ca\n  labels: {x: y}\n')],
    ['a value type changed from str to int', (t) => t.replace(/(ca\.key: ENC\[[^\]]*)type:str\]/, '$1type:int]')],
  ];

  it.each(tamperings)('%s: with a key synth refuses, naming the file; nothing is written', async (_what, tamper) => {
    const f = await fixture();
    const secret = await needles(path.join(f.secrets, 'lab', 'cilium-ca.yaml'));
    await edit(path.join(f.secrets, 'lab', 'cilium-ca.yaml'), tamper);
    const r = await synth(f, true);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/error secrets\/lab\/cilium-ca\.yaml fails verification \(.+\); restore it from git, or run npx orrery secrets --rotate lab\/cilium-ca/);
    expect(existsSync(f.out)).toBe(false);
    expectNoSecret(r.text, secret);
  });

  it('without a key synth says once per run that it did not check the MACs', async () => {
    const f = await fixture();
    const r = await synth(f);
    expect(r.code).toBe(0);
    expect(r.text.match(/copied into the output without checking their MAC/g)).toHaveLength(1);
    expect(r.text).toContain('note 2 stored Secret(s) copied into the output without checking their MAC: no age key');
    // With the key, the same files are verified and the note is gone.
    const keyed = await synth({ ...f, out: path.join(f.dir, 'dist2') }, true);
    expect(keyed.code).toBe(0);
    expect(keyed.text).not.toContain('without checking');
  });
});

describe('no secret material in any message', () => {
  it('GIVEN a value type changed to int THEN orrery secrets names the file and the path, never the decrypted key', async () => {
    const f = await fixture();
    const secret = await needles(path.join(f.secrets, 'lab', 'cilium-ca.yaml'));
    await edit(path.join(f.secrets, 'lab', 'cilium-ca.yaml'), (t) => t.replace(/(ca\.key: ENC\[[^\]]*)type:str\]/, '$1type:int]'));
    // A new member reuses the group's CA: the stored one must be decrypted.
    await rm(path.join(f.secrets, 'edge', 'cilium-ca.yaml'));
    const r = await secretsRun(f, [], true);
    expect(r.code).toBe(1);
    expect(r.text).toContain('orrery secrets: secrets/lab/cilium-ca.yaml: /data/ca.key: the decrypted value is not an integer although it is marked type:int (the type was changed after encryption?); nothing was written');
    expectNoSecret(r.text, secret);
  });

  it('GIVEN a secret file decrypted in place with a YAML syntax error THEN exit 1 naming the file, no code frame, no plaintext', async () => {
    const f = await fixture();
    const file = path.join(f.secrets, 'lab', 'cilium-ca.yaml');
    const plain = (await decryptSops(readFileSync(file, 'utf8'), IDS)).data as { data: Record<string, string> };
    const keyPem = Buffer.from(plain.data['ca.key']!, 'base64').toString('utf8');
    // What `sops -d -i` leaves, then a stray edit breaks the YAML right after the key.
    await writeFile(file, `apiVersion: v1\nkind: Secret\nmetadata:\n  name: cilium-ca\n  namespace: kube-system\nstringData:\n  ca.key: |\n${keyPem.split('\n').map((l) => `    ${l}`).join('\n')}\n  broken: [unclosed\n`);
    const secret = keyPem.split('\n').filter((l) => l.length >= 20 && !l.startsWith('-----'));
    await rm(path.join(f.secrets, 'edge', 'cilium-ca.yaml'));
    const gen = await secretsRun(f, [], true);
    expect(gen.code).toBe(1);
    expect(gen.text).toMatch(/^orrery secrets: secrets\/lab\/cilium-ca\.yaml: not valid YAML at line \d+, column \d+ \([a-z ]+\); nothing was written$/m);
    expectNoSecret(gen.text, secret);
    const s = await synth(f, true);
    expect(s.code).toBe(1);
    expect(s.text).toMatch(/secrets\/lab\/cilium-ca\.yaml is not fully SOPS-encrypted \(not valid YAML at line \d+, column \d+/);
    expectNoSecret(s.text, secret);
  });

  it('GIVEN an age secret key pasted into sops.ageRecipients THEN validate, synth and secrets never print it', async () => {
    const f = await fixture();
    const key = IDS[0]!;
    await edit(path.join(f.spec, 'constellation.yaml'), (t) => t.replace(/ageRecipients: \[age1\w+\]/, `ageRecipients: [${key}]`));
    for (const args of [['validate', '--spec', f.spec], ['synth', '--spec', f.spec, '--out', f.out], ['secrets', '--spec', f.spec], ['validate', '--spec', f.spec, '--format', 'json'], ['validate', '--spec', f.spec, '--format', 'github']]) {
      const r = await cli(args);
      expect(r.code).toBe(1);
      expect(r.text).not.toContain(key.slice(16));
      expect(r.text.match(/this is an age secret key \(AGE-SECRET-KEY-…, not shown\)/g)).toHaveLength(1);
    }
  });

  it('GIVEN a stored file without sops metadata and changed recipients THEN the re-wrap refuses, naming the file (no crash)', async () => {
    const f = await fixture();
    const { generateX25519Identity, identityToRecipient } = await import('age-encryption');
    const recipient = await identityToRecipient(await generateX25519Identity());
    await edit(path.join(f.spec, 'constellation.yaml'), (t) => t.replace(/ageRecipients: \[(age1\w+)\]/, `ageRecipients: [$1, ${recipient}]`));
    await writeFile(path.join(f.secrets, 'lab', 'talos-secrets.yaml'), 'cluster:\n  id: not-encrypted\n');
    const r = await secretsRun(f, [], true);
    expect(r.code).toBe(1);
    expect(r.text).toContain('orrery secrets: secrets/lab/talos-secrets.yaml: no sops metadata: the file is not encrypted; nothing was written');
  });
});

describe('secret files are written all or nothing, exclusively, never through a symbolic link', () => {
  it('GIVEN a link planted at the old fixed temp path and at the target THEN neither is followed; the target becomes a regular file', async () => {
    const dir = await tempDir('orrery-secrets-');
    dirs.push(dir);
    const outside = path.join(dir, 'outside.txt');
    await writeFile(outside, 'untouched\n');
    await writeFile(path.join(dir, 'a.yaml'), 'old\n');
    await symlink(outside, path.join(dir, 'a.yaml.orrery-tmp'));
    await symlink(outside, path.join(dir, 'b.yaml'));
    await writeSecretFiles(dir, new Map([['a.yaml', 'new a\n'], ['b.yaml', 'new b\n']]));
    await writeAtomically(path.join(dir, 'c.yaml'), 'c\n');
    expect(await readFile(outside, 'utf8')).toBe('untouched\n');
    expect(await readFile(path.join(dir, 'a.yaml'), 'utf8')).toBe('new a\n');
    expect((await lstat(path.join(dir, 'b.yaml'))).isSymbolicLink()).toBe(false);
    expect(((await lstat(path.join(dir, 'b.yaml'))).mode & 0o777).toString(8)).toBe('600');
    expect((await readdir(dir)).sort()).toEqual(['a.yaml', 'a.yaml.orrery-tmp', 'b.yaml', 'c.yaml', 'outside.txt']);
  });

  it('GIVEN secrets/<cluster> is a link THEN orrery refuses to write through it, naming it', async () => {
    const dir = await tempDir('orrery-secrets-');
    dirs.push(dir);
    await cp(path.join(REPO, 'test-keys'), path.join(dir, 'elsewhere'), { recursive: true });
    await symlink(path.join(dir, 'elsewhere'), path.join(dir, 'lab'));
    await expect(writeSecretFiles(dir, new Map([['lab/cilium-ca.yaml', 'x\n']]))).rejects.toThrow(`${path.join(dir, 'lab')} is a symbolic link; orrery writes secrets only into real directories`);
    expect((await readdir(path.join(dir, 'elsewhere'))).sort()).toEqual(['README.md', 'age-test-key.txt']);
  });
});

describe('a mesh CA rotation is all or nothing, and synth refuses a mesh with two CAs', () => {
  const CHILD = path.join(REPO, 'test', 'reliability', 'support', 'secrets-child.ts');

  async function rotation(f: { spec: string; secrets: string }): Promise<Map<string, string>> {
    const { model } = await compileSpecDir(f.spec, { build: false });
    const requirements = secretRequirements(model!);
    const outcome = await generateSecrets({ model: model!, requirements, existing: await readSecretsDir(f.secrets), rotate: ['cilium-ca'], identities: async () => ({ identities: IDS, sources: ['test'] }), now: new Date() });
    expect([...outcome.files.keys()].sort()).toEqual(['edge/cilium-ca.yaml', 'lab/cilium-ca.yaml']);
    return new Map(outcome.files);
  }

  async function killedAt(f: { dir: string; secrets: string }, files: Map<string, string>, point: string): Promise<void> {
    const json = path.join(f.dir, 'rotation.json');
    await writeFile(json, JSON.stringify(Object.fromEntries(files)));
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, f.secrets, json, point], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('PAUSED') && resolve());
      child.on('exit', () => reject(new Error('the child ended before its pause point')));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
  }

  const caKey = async (file: string): Promise<string> => ((await decryptSops(readFileSync(file, 'utf8'), IDS)).data as { data: Record<string, string> }).data['ca.key']!;

  it('GIVEN a kill after the first member was replaced THEN synth refuses; the next orrery secrets finishes it and both members share the new CA', async () => {
    const f = await fixture();
    const files = await rotation(f);
    await killedAt(f, files, 'afterRename:0');
    const refused = await synth(f);
    expect(refused.code).toBe(1);
    expect(refused.text).toContain('error an orrery secrets run was interrupted while it replaced files here (.orrery-secrets-journal.json); run npx orrery secrets to finish it before synth');
    const finish = await secretsRun(f);
    expect(finish.code).toBe(0);
    expect(finish.text).toContain('orrery secrets: finished the interrupted run in');
    expect(await caKey(path.join(f.secrets, 'lab', 'cilium-ca.yaml'))).toBe(await caKey(path.join(f.secrets, 'edge', 'cilium-ca.yaml')));
    expect(readFileSync(path.join(f.secrets, 'lab', 'cilium-ca.yaml'), 'utf8')).toBe(files.get('lab/cilium-ca.yaml'));
    expect((await synth(f)).code).toBe(0);
  });

  it('GIVEN a kill before the journal THEN every file is as it was, and the staged copies are removed by the next run', async () => {
    const f = await fixture();
    const before = await readSecretsDir(f.secrets);
    await killedAt(f, await rotation(f), 'afterStaging');
    const staged = (await readSecretsDir(f.secrets));
    expect([...staged.keys()].filter((k) => k.includes('.orrery-'))).toHaveLength(2);
    expect((await synth(f)).code).toBe(0);
    expect((await secretsRun(f)).code).toBe(0);
    expect(await readSecretsDir(f.secrets)).toEqual(before);
  });

  it('GIVEN members holding two different CAs THEN synth refuses, without a key (fingerprints) and with one (certificates)', async () => {
    const f = await fixture();
    await writeSecretFiles(f.secrets, await rotation(f));
    const firstLab = await readFile(path.join(f.secrets, 'lab', 'cilium-ca.yaml'), 'utf8');
    await writeSecretFiles(f.secrets, await rotation(f));
    await writeFile(path.join(f.secrets, 'lab', 'cilium-ca.yaml'), firstLab);
    for (const withKey of [false, true]) {
      const r = await synth(f, withKey);
      expect(r.code, `with key: ${withKey}`).toBe(1);
      expect(r.text).toContain('error secrets/lab/cilium-ca.yaml holds another ClusterMesh CA than secrets/edge/cilium-ca.yaml (an interrupted rotation?); the members of mesh must share one CA: run npx orrery secrets --rotate edge/cilium-ca');
    }
  });
});

describe('the secrets directory is read only as far as the spec needs, bounded', () => {
  it('GIVEN a 600 MB stray file in secrets/ THEN synth never reads it; one in the place of a secret is refused by its size', async () => {
    const f = await fixture();
    execFileSync('truncate', ['-s', '600M', path.join(f.secrets, 'stray.bin')]);
    execFileSync('truncate', ['-s', '600M', path.join(f.secrets, 'lab', 'backup.yaml')]);
    const before = process.resourceUsage().maxRSS;
    expect((await synth(f)).code).toBe(0);
    expect(process.resourceUsage().maxRSS - before).toBeLessThan(200 * 1024);
    await rm(path.join(f.secrets, 'edge', 'cilium-ca.yaml'));
    execFileSync('truncate', ['-s', '600M', path.join(f.secrets, 'edge', 'cilium-ca.yaml')]);
    const r = await synth({ ...f, out: path.join(f.dir, 'dist2') });
    expect(r.code).toBe(1);
    expect(r.text).toContain('secrets/edge/cilium-ca.yaml:1:1 error it is 629145600 bytes, more than the 1048576 a stored secret can be; it is not one of orrery\'s files — move it away and run npx orrery secrets');
  });
});

describe('a stored trust anchor that cannot be used', () => {
  it('GIVEN a validly encrypted anchor whose key is not a key THEN orrery secrets names the file, shows nothing of it, exit 1', async () => {
    const dir = await materializeFixture('accept/base');
    dirs.push(dir);
    const lab = path.join(dir, 'clusters', 'lab.yaml');
    // Linkerd needs the Gateway API CRDs (rule components/gateway-api-required).
    await writeFile(lab, `${await readFile(lab, 'utf8')}components:\n  linkerd: {enabled: true}\n  gatewayApi: {enabled: true}\n`);
    expect((await secretsRun({ spec: path.join(dir, 'clusters') })).code).toBe(0);
    // Re-encrypt the anchor with a garbage key (a valid SOPS file: the MAC matches), then ask for a new issuer.
    const { encryptSops, KUBERNETES_SECRET_REGEX } = await import('../../lib/sops/sops.ts');
    const file = path.join(dir, 'secrets', 'lab', 'linkerd-trust-anchor.yaml');
    const data = (await decryptSops(readFileSync(file, 'utf8'), IDS)).data as { data: Record<string, string> };
    const garbage = Buffer.from('-----BEGIN EC PRIVATE KEY-----\nnot-a-key-but-secret-looking-material-0123456789\n-----END EC PRIVATE KEY-----\n').toString('base64');
    await writeFile(file, await encryptSops({ ...data, data: { ...data.data, 'tls.key': garbage } } as never, { recipients: [/# public key: (age1\w+)/.exec(readFileSync(KEY_FILE, 'utf8'))![1]!], encryptedRegex: KUBERNETES_SECRET_REGEX, lastModified: '2026-11-21T12:00:00Z' }));
    const r = await secretsRun({ spec: path.join(dir, 'clusters') }, ['--rotate', 'linkerd-identity-issuer'], true);
    expect(r.code).toBe(1);
    expect(r.text).toContain('orrery secrets: secrets/lab/linkerd-trust-anchor.yaml: its tls.crt/tls.key is not an ECDSA P-256 certificate and key orrery can sign with; run npx orrery secrets --rotate lab/linkerd-trust-anchor; nothing was written');
    expect(r.text).not.toContain('secret-looking-material');
  });
});
