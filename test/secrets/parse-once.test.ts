import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { REPO, TEST_KEY_FILE } from '../helpers.ts';

// Every stored Secret is parsed once per synth (lib/secrets/parsed-secrets.ts): the read stage's
// checks, the secrets component, the referenced-Secrets check and the output's last check share
// one parse. Counted at the module every parse goes through: the SOPS reader's entry points, by
// the text they were given.
const calls = new Map<string, number>();
const count = (text: string): void => {
  calls.set(text, (calls.get(text) ?? 0) + 1);
};
vi.mock('../../lib/sops/sops.ts', async (importOriginal) => {
  const sops = await importOriginal<typeof import('../../lib/sops/sops.ts')>();
  return {
    ...sops,
    parseSopsYaml: (text: string) => (count(text), sops.parseSopsYaml(text)),
    parseSecretFile: (text: string) => (count(text), sops.parseSecretFile(text)),
    plaintextInSecret: (text: string) => (count(text), sops.plaintextInSecret(text)),
    decryptSops: (text: string, identities: readonly string[], sources?: readonly string[]) => (count(text), sops.decryptSops(text, identities, sources)),
    recipientsOf: (text: string) => (count(text), sops.recipientsOf(text)),
  };
});
const { compileSpecDir } = await import('../../lib/pipeline.ts');
const { parseIdentities } = await import('../../lib/sops/keys.ts');

const SECRETS = path.join(REPO, 'secrets');
const stored = readdirSync(SECRETS, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
  .map((e) => ({ file: path.relative(SECRETS, path.join(e.parentPath, e.name)), text: readFileSync(path.join(e.parentPath, e.name), 'utf8') }));

describe('stored Secrets are parsed once per synth', () => {
  beforeEach(() => calls.clear());

  for (const withKey of [false, true]) {
    it(`GIVEN the bundled clusters/ and secrets/ ${withKey ? 'with' : 'without'} a key THEN each stored file is parsed exactly once`, async () => {
      const identities = withKey ? { identities: parseIdentities(readFileSync(TEST_KEY_FILE, 'utf8')), sources: [TEST_KEY_FILE] } : undefined;
      const result = await compileSpecDir(path.join(REPO, 'clusters'), { cwd: REPO, ...(identities ? { identities } : {}) });
      expect(result.files, JSON.stringify(result.diagnostics)).toBeDefined();
      // The bundled fleet's Secrets: ClusterMesh CAs, Talos bundles, the operator's credentials.
      expect(stored.length).toBeGreaterThan(10);
      expect(stored.map((s) => [s.file, calls.get(s.text) ?? 0])).toEqual(stored.map((s) => [s.file, 1]));
      // With a key every copied file's MAC was checked (the decrypting read is that one parse).
      if (withKey) expect(result.diagnostics.filter((d) => d.rule === 'secrets/unverified')).toEqual([]);
    });
  }
});
