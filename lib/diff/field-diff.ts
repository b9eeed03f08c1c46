import microdiff from 'microdiff';

export type FieldPath = readonly (string | number)[];

/** One leaf that differs: `spec.chart.spec.version: 1.18.4 → 1.19.5`. */
export interface FieldChange {
  readonly path: FieldPath;
  readonly op: 'add' | 'remove' | 'change';
  readonly before?: unknown;
  readonly after?: unknown;
}

/** Marks a path segment that stands for a list item matched by its name (`[name=cilium]`). */
const NAMED = '\u0000';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Lists whose items all carry a unique `name` (containers, env, documents) are compared by
 * name, so inserting one item shows as one added item, not as every later item changed.
 */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    const names = value.map((v) => (isObject(v) && typeof v.name === 'string' ? v.name : undefined));
    if (value.length > 0 && names.every((n) => n !== undefined) && new Set(names).size === names.length) {
      return Object.fromEntries(value.map((v, i) => [`${NAMED}name=${names[i]}`, normalize(v)]));
    }
    return value.map(normalize);
  }
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  return value;
}

/** Every leaf of a value (scalars, and empty objects or lists as themselves). */
function leaves(path: FieldPath, value: unknown, out: { path: FieldPath; value: unknown }[]): void {
  if (Array.isArray(value) && value.length > 0) value.forEach((v, i) => leaves([...path, i], v, out));
  else if (isObject(value) && Object.keys(value).length > 0) for (const [k, v] of Object.entries(value)) leaves([...path, k], v, out);
  else out.push({ path, value });
}

/**
 * Field-level differences between two parsed documents, one line per leaf. Key order and the
 * order of named list items are not differences (they change nothing for any consumer).
 */
export function fieldDiff(before: unknown, after: unknown): FieldChange[] {
  const a = normalize(before);
  const b = normalize(after);
  if (!(isObject(a) || Array.isArray(a)) || !(isObject(b) || Array.isArray(b)) || Array.isArray(a) !== Array.isArray(b)) {
    return Object.is(a, b) ? [] : [{ path: [], op: 'change', before: a, after: b }];
  }
  const out: FieldChange[] = [];
  for (const d of microdiff(a, b, { cyclesFix: false })) {
    if (d.type === 'CHANGE' && !isObject(d.oldValue) && !Array.isArray(d.oldValue) && !isObject(d.value) && !Array.isArray(d.value)) {
      out.push({ path: d.path, op: 'change', before: d.oldValue, after: d.value });
      continue;
    }
    const removed: { path: FieldPath; value: unknown }[] = [];
    const added: { path: FieldPath; value: unknown }[] = [];
    if (d.type !== 'CREATE') leaves(d.path, d.oldValue, removed);
    if (d.type !== 'REMOVE') leaves(d.path, d.value, added);
    for (const r of removed) out.push({ path: r.path, op: 'remove', before: r.value });
    for (const x of added) out.push({ path: x.path, op: 'add', after: x.value });
  }
  return out;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `spec.values.hubble.relay.enabled`, `metadata.annotations["kustomize.toolkit.fluxcd.io/prune"]`, `nodes[name=cp-1]`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (seg.startsWith(NAMED)) out += `[${seg.slice(1)}]`;
    else if (IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '(document)' : out;
}

/** The plain path segments (list items matched by name give their name). */
export function plainPath(path: FieldPath): string[] {
  return path.map((s) => (typeof s === 'number' ? String(s) : s.startsWith(NAMED) ? s.slice(1).replace(/^name=/, '') : s));
}

const PLAIN = /^[A-Za-z0-9_./:@+=,~^*-](?:[A-Za-z0-9_./:@+=,~^* -]*[A-Za-z0-9_./:@+=,~^*-])?$/;
const AMBIGUOUS = /^(?:true|false|null|yes|no|on|off|y|n|~|[-+]?(?:\d[\d_]*|\d*\.\d+|\d+\.\d*)(?:e[-+]?\d+)?|0x[0-9a-f]+|0o[0-7]+|[-+]?\.inf|\.nan)$/i;

/** A leaf as YAML would show it, on one line: strings quoted only when they must be. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return PLAIN.test(value) && !AMBIGUOUS.test(value) && !/: | #/.test(value) ? value : JSON.stringify(value);
  if (value === undefined) return '(none)';
  if (Array.isArray(value) && value.length === 0) return '[]';
  if (isObject(value) && Object.keys(value).length === 0) return '{}';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The changed middle of two multi-line strings (common first and last lines trimmed). */
export function lineDiff(before: string, after: string): { removed: string[]; added: string[]; context: number } {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  return { removed: a.slice(start, a.length - end), added: b.slice(start, b.length - end), context: start + end };
}
