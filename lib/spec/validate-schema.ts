import type { ErrorObject } from 'ajv';
import { closest } from 'fastest-levenshtein';
import { quote, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { escapeSegment } from '../diagnostics/pointer.ts';
import { diagnosticAt, type SourceFile } from '../read/source-file.ts';
import { hostBitsSet, isIp, networkOf, parseCidr } from '../net/ip.ts';
import { looksLikeAgeSecretKey } from '../sops/recipients.ts';
import { loadSpecValidators, type SpecValidators } from './spec-validators.ts';

const FORMAT_DESCRIPTIONS: Record<string, string> = {
  ipv4: 'an IPv4 address',
  ip: 'an IP address',
  cidr: 'a network in CIDR notation (e.g. 10.244.0.0/16)',
  'cidr-address': 'an address with its prefix length (e.g. 192.168.1.10/24)',
  'address-range': 'a CIDR or an address range (e.g. 10.0.0.10-10.0.0.20)',
  hostname: 'a DNS name',
  'route-via': 'an IP address or node-gateway',
  'age-recipient': 'an age recipient: its bech32 checksum does not match (a character mistyped or lost?); copy it again from age-keygen -y',
  uri: 'a URI',
  email: 'an email address',
};

/** Keys people put on a node that belong elsewhere, with where they go. */
const MISPLACED_KEYS: Record<string, string> = {
  vip: 'the API VIP is set once, in endpoint.vip; orrery announces it from the control-plane nodes only, never from a worker',
  hostname: 'the node name is its hostname',
};

let validators: SpecValidators | undefined;

function hintOf(err: ErrorObject): string | undefined {
  const hint = (err.parentSchema as Record<string, unknown> | undefined)?.['x-hint'];
  return typeof hint === 'string' ? hint : undefined;
}

function withHint(message: string, hint: string | undefined): string {
  return hint ? `${message} (hint: ${hint})` : message;
}

function message(err: ErrorObject): { text: string; pointer: string; onKey?: boolean } {
  const ptr = err.instancePath;
  const data = err.data;
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = (err.params as { additionalProperty: string }).additionalProperty;
      // Own keys only: an unknown key "constructor" must not find Object.prototype.constructor.
      const misplaced = Object.hasOwn(MISPLACED_KEYS, key) ? MISPLACED_KEYS[key] : undefined;
      if (misplaced && ptr.startsWith('/nodes/')) return { text: `unknown key ${quote(key)}: ${misplaced}`, pointer: `${ptr}/${escapeSegment(key)}`, onKey: true };
      // A key an earlier spec version had: say what replaces it (the schema's x-orrery-removed).
      const removed = (err.parentSchema as { 'x-orrery-removed'?: Record<string, string> })['x-orrery-removed'];
      if (removed && Object.hasOwn(removed, key)) return { text: `${quote(key)} is no longer a key: ${removed[key]}`, pointer: `${ptr}/${escapeSegment(key)}`, onKey: true };
      const known = Object.keys((err.parentSchema as { properties?: object }).properties ?? {});
      const guess = known.length > 0 ? closest(key, known) : undefined;
      const suggestion = guess ? `; did you mean ${quote(guess)}?` : '';
      const list = known.length > 0 && known.length <= 12 ? ` (known keys: ${known.join(', ')})` : '';
      return { text: `unknown key ${quote(key)}${suggestion}${suggestion ? '' : list}`, pointer: `${ptr}/${escapeSegment(key)}`, onKey: true };
    }
    case 'required':
      return { text: `missing required key ${quote((err.params as { missingProperty: string }).missingProperty)}`, pointer: ptr };
    case 'format': {
      const format = (err.params as { format: string }).format;
      let text = `${quote(data)} is not ${FORMAT_DESCRIPTIONS[format] ?? `a valid ${format}`}`;
      const cidr = typeof data === 'string' ? parseCidr(data) : undefined;
      if (cidr && hostBitsSet(cidr)) text += `: host bits are set; did you mean ${quote(networkOf(cidr))}?`;
      else if ((format === 'cidr' || format === 'cidr-address') && typeof data === 'string' && isIp(data)) {
        text += `: the prefix length is missing, e.g. ${quote(`${data}/24`)}`;
      }
      return { text: withHint(text, hintOf(err)), pointer: ptr };
    }
    case 'enum': {
      const allowed = (err.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const guess = typeof data === 'string' ? closest(data, allowed) : undefined;
      return { text: `${quote(data)} is not one of ${allowed.join(', ')}${guess ? `; did you mean ${quote(guess)}?` : ''}`, pointer: ptr };
    }
    case 'const':
      return { text: `${quote(data)} must be ${quote((err.params as { allowedValue: unknown }).allowedValue)}`, pointer: ptr };
    case 'type': {
      const got = data === null ? 'null' : Array.isArray(data) ? 'a list' : typeof data === 'object' ? 'a mapping' : `${typeof data} ${quote(data)}`;
      return { text: `expected ${(err.params as { type: string }).type}, got ${got}`, pointer: ptr };
    }
    case 'pattern':
      // A private key pasted into the spec: say so without printing it (CI logs are not private).
      if (typeof data === 'string' && looksLikeAgeSecretKey(data)) {
        return { text: 'this is an age secret key (AGE-SECRET-KEY-…, not shown), which must never be in the spec: put its public key here (age-keygen -y <key file>), and treat the key as exposed if this file was shared or committed', pointer: ptr };
      }
      {
        // The schema's words for what is wanted, when it has them: a regular expression is no explanation.
        const hint = hintOf(err);
        return { text: hint ? `${quote(data)} is not valid here: ${hint}` : `${quote(data)} does not match ${(err.params as { pattern: string }).pattern}`, pointer: ptr };
      }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const p = err.params as { comparison: string; limit: number };
      return { text: `${quote(data)} must be ${p.comparison} ${p.limit}`, pointer: ptr };
    }
    case 'not': {
      // The subschema says why the value is refused (e.g. Name: a Windows device name).
      const why = (err.schema as Record<string, unknown> | undefined)?.['x-hint'];
      return { text: `${quote(data)} is not allowed${typeof why === 'string' ? `: ${why}` : ''}`, pointer: ptr };
    }
    case 'minItems':
      return { text: `needs at least ${(err.params as { limit: number }).limit} item(s)`, pointer: ptr };
    case 'uniqueItems': {
      const p = err.params as { i: number; j: number };
      return { text: `items ${p.j} and ${p.i} are the same: ${quote((data as unknown[])[p.i])}`, pointer: ptr };
    }
    case 'minProperties':
      return { text: 'must not be empty', pointer: ptr };
    case 'propertyNames':
      return { text: `invalid key ${quote((err.params as { propertyName: string }).propertyName)}`, pointer: ptr };
    default:
      return { text: `${err.message ?? 'invalid'}${data === undefined ? '' : ` (value ${quote(data)})`}`, pointer: ptr };
  }
}

/**
 * Validates one parsed file against the spec schema. The file's `kind` picks the definition,
 * so a wrong kind gives one clear error rather than a branch-by-branch dump.
 */
export function validateSchema(file: SourceFile): Diagnostic[] {
  validators ??= loadSpecValidators();
  const data = file.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return [diagnosticAt(file, '', 'error', 'schema/type', 'a spec file must be a mapping with apiVersion and kind')];
  }
  const kind = (data as { kind?: unknown }).kind;
  if (kind !== 'Constellation' && kind !== 'Cluster') {
    const where = kind === undefined ? '' : '/kind';
    const text = kind === undefined ? 'missing required key "kind" (Constellation or Cluster)' : `${quote(kind)} is not one of Constellation, Cluster${typeof kind === 'string' ? `; did you mean ${quote(closest(kind, ['Constellation', 'Cluster']))}?` : ''}`;
    return [diagnosticAt(file, where, 'error', 'schema/kind', text)];
  }
  const validate = kind === 'Constellation' ? validators.constellation : validators.cluster;
  if (validate(data)) return [];
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const err of validate.errors ?? []) {
    // `if` only reports that its `then` failed; the `then` error itself says what is wrong.
    if (err.keyword === 'if') continue;
    // `propertyNames` only repeats that a key failed its own rule, already reported (each mistake once).
    if (err.keyword === 'propertyNames' && (validate.errors ?? []).some((e) => e !== err && e.instancePath === err.instancePath && e.propertyName === (err.params as { propertyName?: string }).propertyName)) continue;
    // A pattern beside a format is there for editors (which do not know orrery's formats); it is
    // looser than the format, so the format's error, which says more, is the one reported.
    if (err.keyword === 'pattern' && (validate.errors ?? []).some((e) => e.keyword === 'format' && e.instancePath === err.instancePath)) continue;
    const m = message(err);
    const d = diagnosticAt(file, m.pointer, 'error', `schema/${err.keyword}`, m.text, { onKey: m.onKey });
    const key = `${d.pointer}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}
