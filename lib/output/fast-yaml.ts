import { stringify, type ToStringOptions } from 'yaml';

/**
 * A YAML emitter for the shapes orrery's output documents have — plain objects, arrays, strings,
 * integers, booleans, null — written exactly as the `yaml` library writes them with our fixed
 * options (yaml.ts), several times faster: serialising was a third of a cold synth's time at 1000
 * clusters (npm run bench, node --cpu-prof). It never decides a string's quoting on its own
 * beyond two conservative plain forms (a word of letters, digits, `_ . / -` that starts with a
 * letter or `_` and is no YAML 1.1 boolean or null; a dotted number with three or more parts such
 * as an IP address or a version); every other string is rendered by the library itself in the
 * same position (map key, map value, sequence item) and remembered. A multi-line string (a
 * block scalar, whose lines are indented from where it stands) is rendered by the library at the
 * same column in the same position and remembered with its column. Anything else — a multi-line
 * key, a non-integer number, a sequence directly inside a sequence, an object that is not
 * plain — returns undefined and the caller uses the library for the whole document.
 * test/output/fast-yaml.test.ts compares both on every document of the examples' output and on
 * random documents built from YAML's hard cases.
 */
const PLAIN_WORD = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const DOTTED_NUMBER = /^[0-9]+(?:\.[0-9]+){2,}(?:\/[0-9]+)?$/;
/**
 * Two more plain forms, for values and sequence items only (each cluster has its own, so the
 * cache never helps: a library call each, three per cluster): a relative path (`./dist/c1/apps`,
 * `../../secrets`) and an http(s) URL of host, port and path (`https://10.0.0.5:6443`), whose
 * `:` is never followed by a space. test/output/fast-yaml.test.ts compares them with the library.
 */
const RELATIVE_PATH = /^\.\.?\/[A-Za-z0-9_./-]*$/;
const HTTP_URL = /^https?:\/\/[A-Za-z0-9.-]+(?::[0-9]+)?(?:\/[A-Za-z0-9_./-]*)?$/;
// YAML 1.1 booleans and nulls (yaml's yaml-1.1 schema), which a plain word must not be.
const RESERVED = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF', 'null', 'Null', 'NULL']);

class NotSimple extends Error {}
const NOT_SIMPLE = new NotSimple('not a simple document');

/** Where a string goes: a key at column 0 (where `---` would start a document), a nested key, a value, a sequence item. */
type Position = 'topKey' | 'key' | 'value' | 'item';
const caches: Record<Position, Map<string, string | null>> = { topKey: new Map(), key: new Map(), value: new Map(), item: new Map() };
/** Bounded: a pathological input must not grow the caches without end. */
const CACHE_LIMIT = 200_000;

/** The library's rendering of `s` in that position, nested as deep as our documents nest it; null when it is not one line. */
function byLibrary(s: string, position: Position, options: ToStringOptions): string | null {
  const [doc, prefix, suffix] =
    position === 'topKey'
      ? [{ [s]: 0 }, '', ': 0\n']
      : position === 'key'
        ? [{ a: { [s]: 0 } }, 'a:\n  ', ': 0\n']
        : position === 'value'
          ? [{ a: { k: s } }, 'a:\n  k: ', '\n']
          : [{ a: [s] }, 'a:\n  - ', '\n'];
  const text = stringify(doc, options);
  if (!text.startsWith(prefix) || !text.endsWith(suffix)) return null;
  const body = text.slice(prefix.length, text.length - suffix.length);
  // Block scalars and anything spanning lines depend on indentation: left to the library.
  return body.includes('\n') || body === '' || body.startsWith('|') || body.startsWith('>') || body.startsWith('?') ? null : body;
}

function str(s: string, position: Position, options: ToStringOptions): string {
  if ((PLAIN_WORD.test(s) && !RESERVED.has(s)) || DOTTED_NUMBER.test(s)) return s;
  if ((position === 'value' || position === 'item') && (RELATIVE_PATH.test(s) || HTTP_URL.test(s))) return s;
  const cache = caches[position];
  let r = cache.get(s);
  if (r === undefined) {
    r = byLibrary(s, position, options);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(s, r);
  }
  if (r === null) throw NOT_SIMPLE;
  return r;
}

/**
 * The library's rendering of a multi-line string as a map value at key column `indent`, or as a
 * sequence item at dash column `indent`, inside maps nested down to that column as ours are:
 * `|`, `|-`, `|+` or `|2` with its lines at `indent + 2`, or a quoted form (without the final
 * newline). The block depends on the column only: a map that is a sequence item (`- k: |`)
 * indents it as a nested map at that key column does (test/output/fast-yaml.test.ts).
 */
function multiLineByLibrary(s: string, position: 'value' | 'item', indent: number, options: ToStringOptions): string | null {
  let doc: unknown = position === 'value' ? { k: s } : { k: [s] };
  let prefix = position === 'value' ? `${' '.repeat(indent)}k: ` : `${' '.repeat(indent - 2)}k:\n${' '.repeat(indent)}- `;
  for (let depth = (position === 'value' ? indent : indent - 2) / 2 - 1; depth >= 0; depth--) {
    doc = { a: doc };
    prefix = `${' '.repeat(2 * depth)}a:\n${prefix}`;
  }
  const text = stringify(doc, options);
  if (!text.startsWith(prefix) || !text.endsWith('\n') || text.length === prefix.length + 1) return null;
  return text.slice(prefix.length, -1);
}

const multiLineCache = new Map<string, string | null>();

function multiLine(s: string, position: 'value' | 'item', indent: number, options: ToStringOptions): string {
  const key = `${position}:${indent}:${s}`;
  let r = multiLineCache.get(key);
  if (r === undefined) {
    r = multiLineByLibrary(s, position, indent, options);
    if (multiLineCache.size >= CACHE_LIMIT) multiLineCache.clear();
    multiLineCache.set(key, r);
  }
  if (r === null) throw NOT_SIMPLE;
  return r;
}

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

function scalar(v: unknown, position: 'value' | 'item', indent: number, options: ToStringOptions): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v.includes('\n') ? multiLine(v, position, indent, options) : str(v, position, options);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' && Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
  throw NOT_SIMPLE;
}

function mapLines(obj: Record<string, unknown>, indent: number, out: string[], options: ToStringOptions): void {
  const pad = ' '.repeat(indent);
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined) continue;
    const k = str(key, indent === 0 ? 'topKey' : 'key', options);
    if (Array.isArray(v)) {
      if (v.length === 0) out.push(`${pad}${k}: []`);
      else {
        out.push(`${pad}${k}:`);
        seqLines(v, indent + 2, out, options);
      }
    } else if (typeof v === 'object' && v !== null) {
      if (!isPlainObject(v)) throw NOT_SIMPLE;
      if (isEmpty(v as Record<string, unknown>)) out.push(`${pad}${k}: {}`);
      else {
        out.push(`${pad}${k}:`);
        mapLines(v as Record<string, unknown>, indent + 2, out, options);
      }
    } else out.push(`${pad}${k}: ${scalar(v, 'value', indent, options)}`);
  }
}

const isEmpty = (obj: Record<string, unknown>): boolean => {
  for (const key of Object.keys(obj)) if (obj[key] !== undefined) return false;
  return true;
};

function seqLines(items: readonly unknown[], indent: number, out: string[], options: ToStringOptions): void {
  const pad = ' '.repeat(indent);
  for (const v of items) {
    if (Array.isArray(v)) {
      if (v.length === 0) out.push(`${pad}- []`);
      else throw NOT_SIMPLE;
    } else if (typeof v === 'object' && v !== null) {
      if (!isPlainObject(v)) throw NOT_SIMPLE;
      if (isEmpty(v as Record<string, unknown>)) out.push(`${pad}- {}`);
      else {
        const start = out.length;
        mapLines(v as Record<string, unknown>, indent + 2, out, options);
        out[start] = `${pad}- ${out[start]!.slice(indent + 2)}`;
      }
    } else out.push(`${pad}- ${scalar(v, 'item', indent, options)}`);
  }
}

/** The document as the library would write it, or undefined when it is not one of the simple shapes. */
export function fastYaml(value: unknown, options: ToStringOptions): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !isPlainObject(value) || isEmpty(value as Record<string, unknown>)) return undefined;
  const out: string[] = [];
  try {
    mapLines(value as Record<string, unknown>, 0, out, options);
  } catch (err) {
    if (err === NOT_SIMPLE) return undefined;
    throw err;
  }
  out.push('');
  return out.join('\n');
}
