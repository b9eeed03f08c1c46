/**
 * What the diff must never show: SOPS ciphertext (noise, and it is the secret at rest) and the
 * values of Secrets — even plaintext ones a base commit from before `orrery verify` may hold.
 * Secret key names, metadata and SOPS recipients (public keys) are shown.
 */
export const ENCRYPTED = '‹encrypted›';
export const NOT_SHOWN = '‹value not shown›';

const ENC = /ENC\[/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface SopsInfo {
  readonly recipients: readonly string[];
  readonly mac: string;
  readonly lastmodified: string;
}

/** The SOPS metadata of a document, if it is SOPS-encrypted. */
export function sopsInfo(value: unknown): SopsInfo | undefined {
  if (!isObject(value) || !isObject(value.sops) || typeof value.sops.mac !== 'string') return undefined;
  const age = Array.isArray(value.sops.age) ? value.sops.age : [];
  const recipients = age.flatMap((a) => (isObject(a) && typeof a.recipient === 'string' ? [a.recipient] : []));
  return { recipients, mac: value.sops.mac, lastmodified: typeof value.sops.lastmodified === 'string' ? value.sops.lastmodified : '' };
}

export function isSecretObject(value: unknown): boolean {
  return isObject(value) && value.apiVersion === 'v1' && value.kind === 'Secret';
}

/** The values of a Secret as stored (ciphertext or plaintext), by `data.<key>` / `stringData.<key>`. */
export function secretValues(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!isObject(value)) return out;
  for (const field of ['data', 'stringData']) {
    const m = value[field];
    if (isObject(m)) for (const [k, v] of Object.entries(m)) out.set(`${field}.${k}`, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return out;
}

function scrub(value: unknown): unknown {
  if (typeof value === 'string') return ENC.test(value) ? ENCRYPTED : value;
  if (Array.isArray(value)) return value.map(scrub);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v)]));
  return value;
}

/**
 * The document as the field diff sees it: SOPS metadata dropped (reported apart, in one line),
 * every ciphertext replaced by a marker, and a Secret's values hidden whether encrypted or not.
 */
export function redact(value: unknown): unknown {
  if (!isObject(value)) return scrub(value);
  const { sops: _sops, ...rest } = value;
  const out = scrub(rest) as Record<string, unknown>;
  if (isSecretObject(value)) {
    for (const field of ['data', 'stringData']) {
      const m = out[field];
      if (isObject(m)) out[field] = Object.fromEntries(Object.keys(m).map((k) => [k, ENC.test(String((value[field] as Record<string, unknown>)[k])) ? ENCRYPTED : NOT_SHOWN]));
    }
  }
  return out;
}
