import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decryptSops, decryptValue, encryptSops, KUBERNETES_SECRET_REGEX, SopsError } from '../../lib/sops/sops.ts';
import { loadAgeIdentities, parseIdentities } from '../../lib/sops/keys.ts';
import { HAS_SHARED, REPO, removeDir, SHARED, tempDir } from '../helpers.ts';

// The project's test key (test-keys/README.md): public test data, used only by examples and tests.
const TEST_KEY = readFileSync(path.join(REPO, 'test-keys', 'age-test-key.txt'), 'utf8');
const IDENTITIES = parseIdentities(TEST_KEY);
const RECIPIENT = /# public key: (age1\w+)/.exec(TEST_KEY)![1]!;
const OTHER_KEY = 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX';
const HAS_AGE = spawnSync('age', ['--version']).status === 0;
const LASTMODIFIED = '2026-11-21T12:00:00Z';

const secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'cilium-ca', namespace: 'kube-system', labels: { app: 'cilium' } },
  type: 'Opaque',
  stringData: { 'ca.crt': 'certificate\nline 2\n', empty: '', count: 3, ratio: 0.5, flag: true, list: ['a', 'b'] },
};

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

async function encrypted(): Promise<string> {
  return encryptSops(structuredClone(secret) as never, { recipients: [RECIPIENT], encryptedRegex: KUBERNETES_SECRET_REGEX, lastModified: LASTMODIFIED });
}

describe('SOPS encryption', () => {
  it('round-trips every value type, leaving only data/stringData encrypted', async () => {
    const text = await encrypted();
    const raw = parse(text);
    expect(raw.metadata).toEqual(secret.metadata);
    expect(raw.stringData['ca.crt']).toMatch(/^ENC\[AES256_GCM,data:.+,iv:.+,tag:.+,type:str\]$/);
    expect(raw.stringData.count).toMatch(/type:int\]$/);
    expect(raw.stringData.ratio).toMatch(/type:float\]$/);
    expect(raw.stringData.flag).toMatch(/type:bool\]$/);
    expect(raw.stringData.empty).toBe('');
    expect(raw.sops).toMatchObject({ lastmodified: LASTMODIFIED, encrypted_regex: '^(data|stringData)$', version: '3.9.0' });
    expect(raw.sops.age).toEqual([{ recipient: RECIPIENT, enc: expect.stringMatching(/^-----BEGIN AGE ENCRYPTED FILE-----\n[\s\S]+-----END AGE ENCRYPTED FILE-----\n$/) }]);
    expect(text).not.toContain('certificate');
    expect((await decryptSops(text, IDENTITIES)).data).toEqual(secret);
  });

  it('uses a fresh 32-byte nonce per value: equal plaintexts give different ciphertexts', async () => {
    const raw = parse(await encryptSops({ data: { a: 'same', b: 'same' } }, { recipients: [RECIPIENT], lastModified: LASTMODIFIED }));
    expect(raw.data.a).not.toBe(raw.data.b);
    expect(Buffer.from(/iv:([^,]+)/.exec(raw.data.a)![1]!, 'base64')).toHaveLength(32);
  });

  it('refuses no recipients and a malformed recipient', async () => {
    await expect(encryptSops({ a: 'x' }, { recipients: [], lastModified: LASTMODIFIED })).rejects.toThrow('no age recipients');
    await expect(encryptSops({ a: 'x' }, { recipients: ['age1notakey'], lastModified: LASTMODIFIED })).rejects.toThrow('"age1notakey" is not an age recipient');
  });
});

describe('SOPS decryption refuses, all or nothing', () => {
  it('a wrong key', async () => {
    await expect(decryptSops(await encrypted(), parseIdentities(OTHER_KEY), ['SOPS_AGE_KEY'])).rejects.toThrow(
      `none of the age identities (SOPS_AGE_KEY) can decrypt the data key; the file is encrypted to ${RECIPIENT}`,
    );
    await expect(decryptSops(await encrypted(), [])).rejects.toThrow(/no age identity to decrypt with: set SOPS_AGE_KEY_FILE/);
  });

  it('a tampered value (one byte of ciphertext flipped)', async () => {
    const text = await encrypted();
    const tampered = text.replace(/(ca\.crt: ENC\[AES256_GCM,data:)(.)/, (_m, p: string, c: string) => p + (c === 'A' ? 'B' : 'A'));
    expect(tampered).not.toBe(text);
    await expect(decryptSops(tampered, IDENTITIES)).rejects.toThrow('/stringData/ca.crt: failed authentication');
  });

  it('a value moved to another key (the key path is authenticated)', async () => {
    const raw = parse(await encrypted());
    const text = (await encrypted()).replace(/count: ENC\[[^\]]+\]/, `count: ${raw.stringData.flag}`);
    await expect(decryptSops(text, IDENTITIES)).rejects.toThrow('/stringData/count: failed authentication');
  });

  it('an unencrypted field changed (the MAC covers every value)', async () => {
    const text = (await encrypted()).replace('namespace: kube-system', 'namespace: default');
    await expect(decryptSops(text, IDENTITIES)).rejects.toThrow('MAC mismatch');
  });

  it('a tampered MAC or lastmodified', async () => {
    const text = await encrypted();
    await expect(decryptSops(text.replace(LASTMODIFIED, '2026-11-21T12:00:01Z'), IDENTITIES)).rejects.toThrow('/sops/mac: failed authentication');
    const mac = /mac: (ENC\[.+\])/.exec(text)![1]!;
    const other = /mac: (ENC\[.+\])/.exec(await encrypted())![1]!;
    await expect(decryptSops(text.replace(mac, other), IDENTITIES)).rejects.toThrow('/sops/mac: failed authentication');
  });
});

describe.skipIf(!HAS_AGE)('the data key decrypts with the age CLI', () => {
  it('age -d -i test-keys/age-test-key.txt yields the 32-byte key that opens the values', async () => {
    const text = await encrypted();
    const raw = parse(text);
    const dir = await tempDir();
    dirs.push(dir);
    writeFileSync(path.join(dir, 'key.age'), raw.sops.age[0].enc);
    const r = spawnSync('age', ['-d', '-i', path.join(REPO, 'test-keys', 'age-test-key.txt'), path.join(dir, 'key.age')]);
    expect(r.stderr.toString()).toBe('');
    expect(r.stdout).toHaveLength(32);
    expect(decryptValue(raw.stringData['ca.crt'], r.stdout, 'stringData:ca.crt:', 'x').text).toBe('certificate\nline 2\n');
  });
});
if (!HAS_AGE) console.warn('age CLI test SKIPPED: install the Debian package age');

describe.skipIf(!HAS_SHARED)('conformance: files written by the real sops (../shared/data/sops-vectors)', () => {
  const dir = path.join(SHARED, 'data', 'sops-vectors');
  it.each([
    ['algorithms_age.yaml', 'keys_age.txt', { key: 'value' }],
    ['patches_merge1.yaml', 'keys_age.txt', { key: 'merge1' }],
    ['patches_merge2.yaml', 'keys_age.txt', { merge2: 'merge2' }],
    ['global_secret.yaml', 'keys_age-global.txt', { key: 'global-value' }],
  ])('%s decrypts and its MAC verifies', async (file, key, stringData) => {
    const { data } = await decryptSops(readFileSync(path.join(dir, file), 'utf8'), parseIdentities(readFileSync(path.join(dir, key), 'utf8')));
    expect(data.stringData).toEqual(stringData);
  });
  it('and refuses the other vector key', async () => {
    await expect(decryptSops(readFileSync(path.join(dir, 'global_secret.yaml'), 'utf8'), parseIdentities(readFileSync(path.join(dir, 'keys_age.txt'), 'utf8')))).rejects.toBeInstanceOf(SopsError);
  });
});
if (!HAS_SHARED) console.warn('sops vector conformance SKIPPED: ../shared is absent');

describe('age identities come only from the environment and key files', () => {
  it('SOPS_AGE_KEY, SOPS_AGE_KEY_FILE and ~/.config/sops/age/keys.txt, deduplicated', async () => {
    const home = await tempDir();
    dirs.push(home);
    const file = path.join(home, 'k.txt');
    writeFileSync(file, TEST_KEY);
    const loaded = await loadAgeIdentities({ SOPS_AGE_KEY: `# c\n${OTHER_KEY}\n`, SOPS_AGE_KEY_FILE: file }, home);
    expect(loaded.identities).toEqual([OTHER_KEY, IDENTITIES[0]]);
    expect(loaded.sources).toEqual(['SOPS_AGE_KEY', `SOPS_AGE_KEY_FILE (${file})`]);
    expect((await loadAgeIdentities({}, home)).identities).toEqual([]);
  });
});

describe('value forms match Go (sops) byte for byte', () => {
  it('floats are never written in exponent form', async () => {
    const { goFloat } = await import('../../lib/sops/sops.ts');
    expect([0.5, 1e-7, 1e21, -2.5e-8, 123456.789, 3].map(goFloat)).toEqual(['0.5', '0.0000001', '1000000000000000000000', '-0.000000025', '123456.789', '3']);
  });

  it('a float that JS would write with an exponent round-trips and keeps the MAC', async () => {
    const text = await encryptSops({ data: { tiny: 1e-7, big: 1.5e21 } }, { recipients: [RECIPIENT], lastModified: LASTMODIFIED });
    const raw = parse(text);
    const key = await decryptSops(text, IDENTITIES);
    expect(key.data).toEqual({ data: { tiny: 1e-7, big: 1.5e21 } });
    expect(raw.data.tiny).toMatch(/type:float\]$/);
  });

  it('refuses non-string keys, as sops does', async () => {
    const text = (await encrypted()).replace('  name: cilium-ca', '  1: cilium-ca');
    await expect(decryptSops(text, IDENTITIES)).rejects.toThrow('sops supports only string keys');
  });
});

describe('errors never carry secret material', () => {
  it('a value whose type was changed: the path and the type, never the decrypted value', async () => {
    const text = (await encrypted()).replace(/(ca\.crt: ENC\[[^\]]*)type:str\]/, '$1type:int]');
    const err = await decryptSops(text, IDENTITIES).catch((e: unknown) => e as SopsError);
    expect(err).toBeInstanceOf(SopsError);
    expect((err as SopsError).message).toBe('/stringData/ca.crt: the decrypted value is not an integer although it is marked type:int (the type was changed after encryption?)');
    expect((err as SopsError).kind).toBe('integrity');
  });

  it('a YAML syntax error: line and column, no code frame quoting the file', async () => {
    const text = 'stringData:\n  key: |\n    -----BEGIN EC PRIVATE KEY-----\n    MHcCAQEEIBL6Ga0kcExample\n  broken: [x\n';
    const err = await decryptSops(text, IDENTITIES).catch((e: unknown) => e as SopsError);
    expect((err as SopsError).message).toMatch(/^not valid YAML at line \d+, column \d+ \([a-z ]+\)$/);
    expect((err as SopsError).message).not.toContain('MHcC');
  });

  it('a key problem is told apart from a tampered file (kind)', async () => {
    const err = await decryptSops(await encrypted(), parseIdentities(`${OTHER_KEY}\n`)).catch((e: unknown) => e as SopsError);
    expect((err as SopsError).kind).toBe('key');
    const none = await decryptSops(await encrypted(), []).catch((e: unknown) => e as SopsError);
    expect((none as SopsError).kind).toBe('key');
  });

  it('a pasted secret key as a recipient is not echoed', async () => {
    await expect(encryptSops({ a: 'x' }, { recipients: [OTHER_KEY], lastModified: LASTMODIFIED })).rejects.toThrow('an age secret key (AGE-SECRET-KEY-…, not shown) is not an age recipient');
  });
});
