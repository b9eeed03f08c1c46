import { createHash } from 'node:crypto';
import { decryptSopsDocument, parseSopsYaml, secretFileData, SopsError } from '../sops/sops.ts';
import { rememberSecretFile, storedSecretFile } from './parsed-secrets.ts';
import type { AgeIdentities } from '../sops/keys.ts';
import { CA_FINGERPRINT_ANNOTATION, caFingerprint } from './generators.ts';
import type { SecretRequirement } from './requirements.ts';

/** What synth knows about a stored Secret before it copies it into dist/. */
export type SecretCheck =
  | { readonly status: 'verified' }
  | { readonly status: 'unverified'; readonly reason: 'no-key' | 'not-our-key' }
  | { readonly status: 'tampered'; readonly reason: string }
  | { readonly status: 'mesh-mismatch'; readonly reason: string };

export interface StoredSecretsCheck {
  readonly checks: ReadonlyMap<string, SecretCheck>;
  /** Files copied without a MAC check because no key was available. */
  readonly unverified: number;
}

const fromB64 = (s: unknown): string => Buffer.from(String(s), 'base64').toString('utf8');

/**
 * Remembered fingerprint annotations, by a hash of the file's text (lib/read/spec-cache.ts keeps
 * them between runs): reading one means parsing the whole encrypted file, 1000 of them ≈ 0.4 s.
 */
export interface FingerprintMemo {
  has(key: string): boolean;
  get(key: string): string | null | undefined;
  set(key: string, value: string | null): unknown;
}

function annotatedFingerprint(files: ReadonlyMap<string, string>, file: string, memo?: FingerprintMemo): string | undefined {
  const text = files.get(file);
  const key = memo && text !== undefined ? createHash('sha1').update(text).digest('base64') : undefined;
  if (key && memo!.has(key)) return memo!.get(key) ?? undefined;
  const found = parsedFingerprint(files, file);
  if (key) memo!.set(key, found ?? null);
  return found;
}

function parsedFingerprint(files: ReadonlyMap<string, string>, file: string): string | undefined {
  const parsed = storedSecretFile(files, file);
  const doc = parsed && 'data' in parsed ? (parsed.data as { metadata?: { annotations?: Record<string, unknown> } } | null) : undefined;
  const fp = doc?.metadata?.annotations?.[CA_FINGERPRINT_ANNOTATION];
  return typeof fp === 'string' ? fp : undefined;
}

/**
 * Checks the stored Secrets that synth copies into dist/, in memory: with a decryption key, each
 * file's MAC (sops's, over every value, encrypted or not: a changed value, MAC or unencrypted
 * field fails); with or without one, that every member of a mesh holds the same CA (by the
 * certificate, or by its unencrypted fingerprint annotation when there is no key). Decrypted
 * material never leaves this function.
 */
export async function checkStoredSecrets(options: {
  readonly files: ReadonlyMap<string, string>;
  readonly requirements: readonly SecretRequirement[];
  /** The operator's own Secret files (copied into dist/ too): their MACs are checked the same way. */
  readonly operatorFiles?: readonly string[];
  readonly identities?: AgeIdentities;
  readonly show?: (file: string) => string;
  readonly fingerprints?: FingerprintMemo;
}): Promise<StoredSecretsCheck> {
  const show = options.show ?? ((f: string): string => `secrets/${f}`);
  const ids = options.identities?.identities ?? [];
  const checks = new Map<string, SecretCheck>();
  const fingerprints = new Map<string, string>();
  let unverified = 0;
  const operator = (options.operatorFiles ?? []).map((file): Pick<SecretRequirement, 'file' | 'share'> => ({ file }));
  for (const r of [...options.requirements.filter((x) => x.toDist), ...operator]) {
    const text = options.files.get(r.file);
    if (text === undefined || checks.has(r.file)) continue;
    if (ids.length === 0) {
      checks.set(r.file, { status: 'unverified', reason: 'no-key' });
      unverified++;
      const fp = r.share ? annotatedFingerprint(options.files, r.file, options.fingerprints) : undefined;
      if (fp) fingerprints.set(r.file, fp);
      continue;
    }
    try {
      // Parsed once for the whole synth: the secrets component reads the same document's plain data.
      const parsed = parseSopsYaml(text);
      rememberSecretFile(options.files, r.file, secretFileData(parsed));
      const { data } = await decryptSopsDocument(parsed, ids, options.identities?.sources ?? []);
      checks.set(r.file, { status: 'verified' });
      if (r.share) {
        const cert = (data as { data?: Record<string, unknown> }).data?.['ca.crt'];
        if (cert !== undefined) fingerprints.set(r.file, caFingerprint(fromB64(cert)));
      }
    } catch (err) {
      if (!(err instanceof SopsError)) throw err;
      if (err.kind === 'key') {
        checks.set(r.file, { status: 'unverified', reason: 'not-our-key' });
        const fp = r.share ? annotatedFingerprint(options.files, r.file, options.fingerprints) : undefined;
        if (fp) fingerprints.set(r.file, fp);
      } else {
        checks.set(r.file, { status: 'tampered', reason: err.message });
      }
    }
  }
  // One CA per mesh: every member compared with the first one whose CA is known.
  const groups = new Map<string, SecretRequirement[]>();
  for (const r of options.requirements) if (r.share && r.toDist) groups.set(r.share, [...(groups.get(r.share) ?? []), r]);
  for (const members of groups.values()) {
    const known = members.filter((m) => fingerprints.has(m.file));
    const first = known[0];
    if (!first) continue;
    for (const m of known.slice(1)) {
      if (fingerprints.get(m.file) === fingerprints.get(first.file) || checks.get(m.file)?.status === 'tampered') continue;
      checks.set(m.file, {
        status: 'mesh-mismatch',
        reason: `${show(m.file)} holds another ClusterMesh CA than ${show(first.file)} (an interrupted rotation?); the members of ${m.share!.slice(5)} must share one CA: run npx orrery secrets --rotate ${first.id}`,
      });
    }
  }
  return { checks, unverified };
}
