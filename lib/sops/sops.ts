import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Decrypter, Encrypter, armor } from 'age-encryption';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { toYaml } from '../output/yaml.ts';

/**
 * SOPS (getsops/sops ≥ 3.9) for YAML with age recipients, as Flux's kustomize-controller reads it:
 * every leaf value is AES-256-GCM encrypted with a 32-byte nonce and its key path ("a:b:") as
 * additional data; a SHA-512 MAC over all leaf values in document order (uppercase hex) is
 * itself encrypted with the lastmodified timestamp as additional data; the data key is
 * encrypted to each age recipient separately (armored).
 */
export const SOPS_FORMAT_VERSION = '3.9.0';
/** For Kubernetes Secrets: only data and stringData are encrypted (what Flux expects). */
export const KUBERNETES_SECRET_REGEX = '^(data|stringData)$';

/**
 * `kind` tells a file that cannot be opened with the keys at hand ('key': none given, none
 * matches, one malformed) from a file that fails its checks ('integrity': tampered, malformed).
 */
export class SopsError extends Error {
  public constructor(
    message: string,
    public readonly kind: 'integrity' | 'key' = 'integrity',
  ) {
    super(message);
  }
}

/**
 * Parses a SOPS file without ever putting its text in a message: the yaml library's default
 * errors carry a code frame (the offending line), which for a file someone decrypted in place
 * is plaintext key material. Only the position and the reason are kept.
 */
export function parseSopsYaml(text: string): Document.Parsed {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  const err = doc.errors[0];
  if (err) {
    const { line, col } = lineCounter.linePos(err.pos[0]);
    throw new SopsError(`not valid YAML at line ${line}, column ${col} (${err.code.toLowerCase().replace(/_/g, ' ')})`);
  }
  return doc;
}

/** An age recipient as it may be shown: a pasted secret key (AGE-SECRET-KEY-…) never is. */
export function showRecipient(recipient: string): string {
  return /^AGE-SECRET-KEY-/i.test(recipient) ? 'an age secret key (AGE-SECRET-KEY-…, not shown)' : JSON.stringify(recipient);
}

type Leaf = string | number | boolean | null;
type Value = Leaf | Value[] | { [key: string]: Value };

const NONCE_BYTES = 32;
const TAG_BYTES = 16;
const ENC = /^ENC\[AES256_GCM,data:(.*),iv:(.+),tag:(.+),type:(.+)\]$/;

/**
 * Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest digits that round-trip (as JS), but
 * never in exponent form (JS writes 1e-7 and 1e+21; Go writes 0.0000001 and 1000000000000000000000).
 */
export function goFloat(v: number): string {
  const s = String(v);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, int, frac = '', exp] = m as unknown as [string, string, string, string | undefined, string];
  const digits = int + frac;
  const point = int.length + Number(exp);
  const body = point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign + body;
}

/** The plaintext form sops hashes and encrypts (Go's strconv forms; booleans in Titlecase). */
function toBytesString(value: Leaf, isFloat: boolean): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return isFloat ? goFloat(value) : goFloat(Math.trunc(value));
  return value ?? '';
}

function typeOf(value: Leaf, isFloat: boolean): string {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return isFloat ? 'float' : 'int';
  return 'str';
}

export function encryptValue(plaintext: string, type: string, key: Buffer, aad: string, iv: Buffer = randomBytes(NONCE_BYTES)): string {
  if (plaintext === '' && type === 'str') return '';
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${iv.toString('base64')},tag:${tag.toString('base64')},type:${type}]`;
}

/** Decrypts one value; a wrong key, path or tampered byte fails authentication. */
export function decryptValue(ciphertext: string, key: Buffer, aad: string, where: string): { text: string; type: string } {
  if (ciphertext === '') return { text: '', type: 'str' };
  const m = ENC.exec(ciphertext);
  if (!m) throw new SopsError(`${where}: not a sops-encrypted value`);
  const [, data, iv, tag, type] = m as unknown as [string, string, string, string, string];
  const tagBytes = Buffer.from(tag, 'base64');
  if (tagBytes.length !== TAG_BYTES) throw new SopsError(`${where}: malformed authentication tag`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(tagBytes);
    const text = Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
    return { text, type };
  } catch {
    throw new SopsError(`${where}: failed authentication — the value was tampered with, or it was encrypted with another data key`);
  }
}

/** The decrypted value is a secret: a type mismatch names the path and the type, never the value. */
function typedValue(text: string, type: string, where: string): Leaf {
  const wrong = (what: string): SopsError => new SopsError(`${where}: the decrypted value is not ${what} although it is marked type:${type} (the type was changed after encryption?)`);
  switch (type) {
    case 'str':
    case 'bytes':
      return text;
    case 'int':
    case 'int64':
      if (!/^[+-]?\d+$/.test(text)) throw wrong('an integer');
      return Number.parseInt(text, 10);
    case 'float': {
      const n = Number(text);
      if (text.trim() === '' || Number.isNaN(n)) throw wrong('a number');
      return n;
    }
    case 'bool':
      // Go's strconv.ParseBool.
      if (/^(1|t|T|TRUE|true|True)$/.test(text)) return true;
      if (/^(0|f|F|FALSE|false|False)$/.test(text)) return false;
      throw wrong('a boolean');
    default:
      throw new SopsError(`${where}: unknown value type ${JSON.stringify(type.slice(0, 20))}`);
  }
}

export interface SopsMetadata {
  readonly age: readonly { readonly recipient: string; readonly enc: string }[];
  readonly lastmodified: string;
  readonly mac: string;
  readonly encrypted_regex?: string;
  readonly version: string;
  readonly [other: string]: unknown;
}

function shouldEncrypt(path: readonly string[], regex: RegExp | undefined): boolean {
  return regex === undefined || path.some((p) => regex.test(p));
}

/** Go's regexp is RE2; the forms sops users write (anchors, groups, alternation) mean the same in JS. */
function compileRegex(source: string | undefined): RegExp | undefined {
  return source === undefined ? undefined : new RegExp(source);
}

export interface EncryptOptions {
  readonly recipients: readonly string[];
  readonly encryptedRegex?: string;
  /** RFC 3339 UTC, second precision (as sops writes it). */
  readonly lastModified: string;
}

/** Encrypts a document (plain data, keys in the order given) into SOPS YAML text. */
export async function encryptSops(document: Record<string, Value>, options: EncryptOptions): Promise<string> {
  if (options.recipients.length === 0) throw new SopsError('no age recipients: set sops.ageRecipients in the constellation');
  if ('sops' in document) throw new SopsError('the document already has a sops key');
  const dataKey = randomBytes(32);
  const regex = compileRegex(options.encryptedRegex);
  const hash = createHash('sha512');
  const walk = (value: Value, path: string[]): Value => {
    if (Array.isArray(value)) return value.map((v) => walk(v, path));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    if (value === null) return null;
    const isFloat = typeof value === 'number' && !Number.isInteger(value);
    const plain = toBytesString(value, isFloat);
    hash.update(plain, 'utf8');
    return shouldEncrypt(path, regex) ? encryptValue(plain, typeOf(value, isFloat), dataKey, `${path.join(':')}:`) : value;
  };
  const encrypted = walk(document, []) as Record<string, Value>;
  const mac = encryptValue(hash.digest('hex').toUpperCase(), 'str', dataKey, options.lastModified);
  const age = [];
  for (const recipient of options.recipients) {
    const e = new Encrypter();
    try {
      e.addRecipient(recipient);
    } catch {
      throw new SopsError(`${showRecipient(recipient)} is not an age recipient`);
    }
    age.push({ recipient, enc: armor.encode(await e.encrypt(dataKey)) });
  }
  const metadata = {
    age,
    lastmodified: options.lastModified,
    mac,
    ...(options.encryptedRegex ? { encrypted_regex: options.encryptedRegex } : {}),
    version: SOPS_FORMAT_VERSION,
  };
  return toYaml({ ...encrypted, sops: metadata });
}

async function decryptDataKey(meta: SopsMetadata | undefined, identities: readonly string[], sources: readonly string[]): Promise<Buffer> {
  if (!meta || typeof meta !== 'object') throw new SopsError('no sops metadata: the file is not encrypted');
  if (!Array.isArray(meta.age) || meta.age.length === 0 || meta.age.some((a) => typeof a?.enc !== 'string')) throw new SopsError('the file has no age recipients in its sops metadata');
  if (identities.length === 0) {
    throw new SopsError(`no age identity to decrypt with: set SOPS_AGE_KEY_FILE or SOPS_AGE_KEY, or put your key in ~/.config/sops/age/keys.txt (recipients: ${meta.age.map((a) => a.recipient).join(', ')})`, 'key');
  }
  for (const entry of meta.age) {
    const d = new Decrypter();
    for (const [i, id] of identities.entries()) {
      try {
        d.addIdentity(id);
      } catch {
        throw new SopsError(`age identity #${i + 1} (from ${sources.join(', ') || 'the given keys'}) is malformed`, 'key');
      }
    }
    try {
      const key = Buffer.from(await d.decrypt(armor.decode(entry.enc)));
      if (key.length !== 32) throw new SopsError('the decrypted data key is not 32 bytes');
      return key;
    } catch (err) {
      if (err instanceof SopsError) throw err;
    }
  }
  throw new SopsError(`none of the age identities (${sources.join(', ') || 'given'}) can decrypt the data key; the file is encrypted to ${meta.age.map((a) => a.recipient).join(', ')}`, 'key');
}

export interface DecryptResult {
  readonly data: Record<string, unknown>;
  readonly metadata: SopsMetadata;
}

/**
 * Decrypts SOPS YAML and verifies its MAC. All or nothing: a tampered value, a tampered MAC or
 * a wrong key throws, and nothing decrypted is returned.
 */
export async function decryptSops(text: string, identities: readonly string[], sources: readonly string[] = []): Promise<DecryptResult> {
  return decryptSopsDocument(parseSopsYaml(text), identities, sources);
}

/** `decryptSops` on a file already parsed with `parseSopsYaml` (the document is not changed). */
export async function decryptSopsDocument(doc: Document.Parsed, identities: readonly string[], sources: readonly string[] = []): Promise<DecryptResult> {
  const root = doc.contents;
  if (!isMap(root)) throw new SopsError('a sops YAML file is a mapping');
  const metaPair = root.items.find((p) => isScalar(p.key) && p.key.value === 'sops');
  if (!metaPair) throw new SopsError('no sops metadata: the file is not encrypted');
  if (!isMap(metaPair.value)) throw new SopsError('the sops metadata is not a mapping');
  const meta = metaPair.value.toJSON() as SopsMetadata;
  if (typeof meta.mac !== 'string' || typeof meta.lastmodified !== 'string') throw new SopsError('the sops metadata has no mac or lastmodified');
  const key = await decryptDataKey(meta, identities, sources);
  const regex = compileRegex(meta.encrypted_regex);
  const hash = createHash('sha512');
  const walk = (node: unknown, path: string[]): unknown => {
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const keyValue = isScalar(pair.key) ? pair.key.value : undefined;
        if (typeof keyValue !== 'string') throw new SopsError(`/${path.join('/')}: sops supports only string keys (found ${JSON.stringify(keyValue ?? null)})`);
        const k = keyValue;
        if (path.length === 0 && k === 'sops') continue;
        out[k] = walk(pair.value, [...path, k]);
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item) => walk(item, path));
    if (!isScalar(node)) return null;
    const value = node.value as Leaf;
    if (value === null) return null;
    const where = `/${path.join('/')}`;
    if (shouldEncrypt(path, regex)) {
      if (typeof value !== 'string') throw new SopsError(`${where}: expected an encrypted value`);
      const { text: plain, type } = decryptValue(value, key, `${path.join(':')}:`, where);
      hash.update(plain, 'utf8');
      return typedValue(plain, type, where);
    }
    const isFloat = typeof value === 'number' && (!Number.isInteger(value) || /[.eE]/.test(node.source ?? ''));
    hash.update(toBytesString(value, isFloat), 'utf8');
    return value;
  };
  const data = walk(root, []) as Record<string, unknown>;
  const stored = decryptValue(meta.mac, key, meta.lastmodified, '/sops/mac');
  if (stored.text !== hash.digest('hex').toUpperCase()) {
    throw new SopsError('MAC mismatch: the file was changed after it was encrypted (a value, a key or an unencrypted field differs)');
  }
  return { data, metadata: meta };
}

/**
 * Where a SOPS-encrypted Kubernetes Secret still holds plaintext: every value under data and
 * stringData must be an ENC[AES256_GCM,…] value (or empty), and the sops metadata must be there.
 * Structural only (no key needed): what synth checks before anything reaches dist/.
 */
export function plaintextInSecret(text: string): string[] {
  return plaintextInParsedSecret(parseSecretFile(text));
}

/** `plaintextInSecret` on a file already parsed with `parseSecretFile`. */
export function plaintextInParsedSecret(parsed: ParsedSecretFile): string[] {
  return 'problem' in parsed ? [parsed.problem] : plaintextInSecretData(parsed.data);
}

/** A SOPS file's plain data (values still encrypted), or why it cannot be read. */
export function parseSecretFile(text: string): ParsedSecretFile {
  try {
    return secretFileData(parseSopsYaml(text));
  } catch (err) {
    return { problem: err instanceof SopsError ? err.message : 'the file is not valid YAML' };
  }
}

/** A SOPS file's plain data (values still encrypted), or why it cannot be read. */
export type ParsedSecretFile = { readonly data: unknown } | { readonly problem: string };

/** `parseSecretFile` on a document already parsed with `parseSopsYaml`. */
export function secretFileData(doc: Document.Parsed): ParsedSecretFile {
  try {
    return { data: doc.toJS({ maxAliasCount: 0 }) };
  } catch {
    return { problem: 'the file is not valid YAML' };
  }
}

/** `plaintextInSecret` on already parsed data. */
export function plaintextInSecretData(doc: unknown): string[] {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return ['the file is not a mapping'];
  const d = doc as Record<string, unknown>;
  const problems: string[] = [];
  const sops = d.sops as Record<string, unknown> | undefined;
  if (!sops || typeof sops.mac !== 'string' || !ENC.test(sops.mac)) problems.push('no sops metadata with an encrypted mac');
  const walk = (value: unknown, at: string): void => {
    if (Array.isArray(value)) value.forEach((v) => walk(v, at));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${at}/${k}`);
    else if (!(value === '' || value === null || (typeof value === 'string' && ENC.test(value)))) problems.push(`${at} is not encrypted`);
  };
  for (const key of ['data', 'stringData']) if (key in d) walk(d[key], `/${key}`);
  return problems;
}

/** The age recipients a SOPS file is encrypted to. */
export function recipientsOf(text: string): string[] {
  const doc = parseSopsYaml(text).toJS({ maxAliasCount: 0 }) as { sops?: { age?: unknown } } | null;
  const age = doc?.sops?.age;
  return Array.isArray(age) ? age.map((a) => (typeof a?.recipient === 'string' ? a.recipient : '')).filter(Boolean) : [];
}

/**
 * Re-encrypts a file's data key to new recipients, like `sops updatekeys`: values, MAC and
 * lastmodified stay as they are (the MAC does not cover the recipients).
 */
export async function rewrapSops(text: string, recipients: readonly string[], identities: readonly string[], sources: readonly string[] = []): Promise<string> {
  if (recipients.length === 0) throw new SopsError('no age recipients: set sops.ageRecipients in the constellation');
  const doc = parseSopsYaml(text).toJS({ maxAliasCount: 0 }) as (Record<string, Value> & { sops?: SopsMetadata }) | null;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new SopsError('a sops YAML file is a mapping');
  const key = await decryptDataKey(doc.sops, identities, sources);
  const age = [];
  for (const recipient of recipients) {
    const e = new Encrypter();
    try {
      e.addRecipient(recipient);
    } catch {
      throw new SopsError(`${showRecipient(recipient)} is not an age recipient (its checksum or format is wrong)`);
    }
    age.push({ recipient, enc: armor.encode(await e.encrypt(key)) });
  }
  return toYaml({ ...doc, sops: { ...doc.sops, age } });
}
