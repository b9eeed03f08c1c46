import { mkdir, open, readFile } from 'node:fs/promises';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import os from 'node:os';
import path from 'node:path';

/** Where decryption keys came from: shown in errors (never the keys themselves). */
export interface AgeIdentities {
  readonly identities: readonly string[];
  readonly sources: readonly string[];
}

const IDENTITY = /^AGE-SECRET-KEY-1[0-9A-Z]+$/;

/** Identity lines of an age key file (comments and blank lines skipped). */
export function parseIdentities(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => IDENTITY.test(l));
}

/**
 * Loads age identities the way sops does: SOPS_AGE_KEY (keys inline), SOPS_AGE_KEY_FILE, and
 * the default key file ($XDG_CONFIG_HOME or ~/.config)/sops/age/keys.txt. Never from the spec.
 */
export async function loadAgeIdentities(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): Promise<AgeIdentities> {
  const identities: string[] = [];
  const sources: string[] = [];
  if (env.SOPS_AGE_KEY) {
    identities.push(...parseIdentities(env.SOPS_AGE_KEY));
    sources.push('SOPS_AGE_KEY');
  }
  const files = [env.SOPS_AGE_KEY_FILE, path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'sops', 'age', 'keys.txt')];
  for (const file of files) {
    if (!file) continue;
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    identities.push(...parseIdentities(text));
    sources.push(file === env.SOPS_AGE_KEY_FILE ? `SOPS_AGE_KEY_FILE (${file})` : file.replace(home, '~'));
  }
  return { identities: [...new Set(identities)], sources };
}

/** Where sops looks for age keys by default: $XDG_CONFIG_HOME, else ~/.config, then sops/age/keys.txt. */
export function defaultKeyFile(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  return env.SOPS_AGE_KEY_FILE || path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'sops', 'age', 'keys.txt');
}

/** The public key (age recipient) of an identity. */
export function recipientOf(identity: string): Promise<string> {
  return identityToRecipient(identity);
}

/**
 * Creates a new age key file as age-keygen writes it (comments with the creation time and the
 * public key, then the secret key), mode 0600 in a 0700 directory, created exclusively: an
 * existing file is never overwritten. Returns the public key; the secret key never leaves here.
 */
export async function createAgeKeyFile(file: string, now: Date = new Date()): Promise<string> {
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(`# created: ${now.toISOString().slice(0, 19)}Z\n# public key: ${recipient}\n${identity}\n`);
  } finally {
    await handle.close();
  }
  return recipient;
}
