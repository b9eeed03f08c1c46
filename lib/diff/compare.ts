import { compareCodePoints } from '../util/order.ts';
import { entriesOf, type Entry } from './entries.ts';
import { fieldDiff, type FieldChange } from './field-diff.ts';
import { redact, secretValues, sopsInfo } from './redact.ts';

export type ChangeStatus = 'added' | 'removed' | 'changed' | 'renamed' | 'moved';

/** One entry that differs between the trees. */
export interface ObjectChange {
  readonly group: string;
  readonly status: ChangeStatus;
  /** The entry as it is after the change (as it was, for a removed one). */
  readonly entry: Entry;
  /** The entry before, for changed, renamed and moved ones. */
  readonly previous?: Entry;
  /** Redacted field differences (none for summarised entries). */
  readonly fields: readonly FieldChange[];
  /** One line instead of a field diff: generated docs, CRD bodies, SOPS metadata. */
  readonly note?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const isKustomization = (v: unknown): v is Record<string, unknown> & { resources: unknown[] } =>
  isObject(v) && typeof v.apiVersion === 'string' && v.apiVersion.startsWith('kustomize.config.k8s.io/') && Array.isArray(v.resources);

const comparable = (e: Entry): unknown => redact(e.value);

/**
 * A kustomization's `resources` are a set for the GitOps engines (they order objects by kind
 * themselves), and its changes follow from files added or removed: one line.
 */
function kustomizationChange(before: unknown, after: unknown): { fields: FieldChange[]; note?: string } | undefined {
  if (!isKustomization(before) || !isKustomization(after)) return undefined;
  const a = new Set(before.resources.map(String));
  const b = new Set(after.resources.map(String));
  const plus = [...b].filter((r) => !a.has(r)).sort(compareCodePoints);
  const minus = [...a].filter((r) => !b.has(r)).sort(compareCodePoints);
  const { resources: _a, ...restA } = before;
  const { resources: _b, ...restB } = after;
  const fields = fieldDiff(restA, restB);
  const note = plus.length + minus.length > 0 ? `resources: ${[...plus.map((r) => `+${r}`), ...minus.map((r) => `−${r}`)].join(' ')}` : undefined;
  return { fields, ...(note ? { note } : {}) };
}

function lineCounts(before: string, after: string): { added: number; removed: number } {
  const count = (text: string): Map<string, number> => {
    const m = new Map<string, number>();
    for (const l of text.split('\n')) m.set(l, (m.get(l) ?? 0) + 1);
    return m;
  };
  const a = count(before);
  const b = count(after);
  let added = 0;
  let removed = 0;
  for (const [l, n] of b) added += Math.max(0, n - (a.get(l) ?? 0));
  for (const [l, n] of a) removed += Math.max(0, n - (b.get(l) ?? 0));
  return { added, removed };
}

const crdVersions = (v: unknown): string => {
  const spec = isObject(v) && isObject(v.spec) ? v.spec : {};
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  return versions.map((x) => (isObject(x) ? `${String(x.name)}${x.storage === true ? '*' : ''}` : '?')).join(', ') || '(none)';
};

/** What a changed entry's block shows: a field diff, or one line for noise. */
function describe(before: Entry, after: Entry): { fields: FieldChange[]; note?: string } {
  if (typeof before.value === 'string' && typeof after.value === 'string' && after.path.endsWith('.md')) {
    const { added, removed } = lineCounts(before.value, after.value);
    return { fields: [], note: `generated document: ${added} line(s) added, ${removed} removed (not shown)` };
  }
  if (after.kind === 'CustomResourceDefinition' && after.apiGroup === 'apiextensions.k8s.io') {
    const [a, b] = [crdVersions(before.value), crdVersions(after.value)];
    return { fields: [], note: `CRD body changed (not shown); versions ${a === b ? a : `${a} → ${b}`} (* = storage)` };
  }
  const listing = kustomizationChange(before.value, after.value);
  if (listing) return listing;
  const fields = fieldDiff(comparable(before), comparable(after));
  const [sa, sb] = [sopsInfo(before.value), sopsInfo(after.value)];
  if (sa && sb) {
    const what = [sa.recipients.join() !== sb.recipients.join() ? 'recipients' : '', sa.mac !== sb.mac ? 'mac' : '', sa.lastmodified !== sb.lastmodified ? 'lastmodified' : ''].filter(Boolean);
    const values = [...secretValues(before.value)].some(([k, v]) => secretValues(after.value).get(k) !== v);
    const items = [values ? 'encrypted values' : '', what.length > 0 ? `metadata (${what.join(', ')})` : ''].filter(Boolean);
    if (items.length > 0) return { fields, note: `SOPS: ${items.join(' and ')} changed; ciphertext not shown` };
  }
  // A change only in what redaction hides (a plaintext Secret's value) is still a change.
  if (fields.length === 0 && fieldDiff(before.value, after.value).length > 0) return { fields, note: 'values changed (not shown)' };
  return { fields };
}

const stem = (name: string): string => name.replace(/-[0-9a-f]{6,}$/, '').replace(/-v?\d+$/, '');

function withoutName(e: Entry): unknown {
  const v = comparable(e);
  if (!isObject(v) || !isObject(v.metadata)) return v;
  const { name: _name, ...metadata } = v.metadata;
  return { ...v, metadata };
}

/**
 * Pairs a removed and an added object of the same kind and namespace as a rename when their
 * bodies are the same apart from the name, or their names differ only in a hash or version
 * suffix (content-hashed machine templates: `workers-1a2b3c4d` → `workers-5e6f7a8b`).
 */
function pairRenames(removed: Entry[], added: Entry[]): { pairs: [Entry, Entry][]; removed: Entry[]; added: Entry[] } {
  const pairs: [Entry, Entry][] = [];
  const left = new Set(added);
  const unpaired: Entry[] = [];
  for (const r of removed) {
    if (r.type !== 'object') {
      unpaired.push(r);
      continue;
    }
    const slot = `${r.group}|${r.apiGroup}|${r.kind}|${r.namespace ?? ''}`;
    const candidates = [...left].filter((a) => a.type === 'object' && `${a.group}|${a.apiGroup}|${a.kind}|${a.namespace ?? ''}` === slot);
    const match =
      candidates.find((a) => fieldDiff(withoutName(r), withoutName(a)).length === 0) ??
      candidates.find((a) => stem(a.name!) === stem(r.name!) && stem(r.name!) !== r.name);
    if (match) {
      pairs.push([r, match]);
      left.delete(match);
    } else unpaired.push(r);
  }
  return { pairs, removed: unpaired, added: added.filter((a) => left.has(a)) };
}

function byKey(entries: Entry[]): Map<string, Entry> {
  const m = new Map<string, Entry>();
  for (const e of entries) {
    // Two entries with one identity cannot come from synth; keep both visible rather than drop one.
    let key = e.key;
    for (let n = 2; m.has(key); n++) key = `${e.key}#${n}`;
    m.set(key, key === e.key ? e : { ...e, key });
  }
  return m;
}

/** Matches the entries of the changed files by identity and says what happened to each. */
export function compareFiles(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, changed: readonly string[]): ObjectChange[] {
  const parse = (files: ReadonlyMap<string, string>): Map<string, Entry> => byKey(changed.flatMap((p) => (files.has(p) ? entriesOf(p, files.get(p)!) : [])));
  const a = parse(before);
  const b = parse(after);
  const out: ObjectChange[] = [];
  const removed: Entry[] = [];
  const added: Entry[] = [];
  for (const [key, prev] of a) {
    const next = b.get(key);
    if (!next) {
      removed.push(prev);
      continue;
    }
    const { fields, note } = describe(prev, next);
    if (fields.length === 0 && note === undefined) {
      if (prev.path !== next.path) out.push({ group: next.group, status: 'moved', entry: next, previous: prev, fields: [] });
      continue;
    }
    out.push({ group: next.group, status: 'changed', entry: next, previous: prev, fields, ...(note ? { note } : {}) });
  }
  for (const [key, next] of b) if (!a.has(key)) added.push(next);
  const renames = pairRenames(removed, added);
  for (const [prev, next] of renames.pairs) {
    const { fields, note } = describe(prev, next);
    out.push({ group: next.group, status: 'renamed', entry: next, previous: prev, fields, ...(note ? { note } : {}) });
  }
  for (const e of renames.removed) out.push({ group: e.group, status: 'removed', entry: e, fields: [] });
  for (const e of renames.added) {
    const note = addedNote(e);
    out.push({ group: e.group, status: 'added', entry: e, fields: note ? [] : addedFields(e), ...(note ? { note } : {}) });
  }
  return out.sort((x, y) => compareCodePoints(x.group, y.group) || compareCodePoints(x.entry.path, y.entry.path) || compareCodePoints(x.entry.key, y.entry.key));
}

/** New generated documents and CRDs are summarised like changed ones. */
function addedNote(e: Entry): string | undefined {
  if (typeof e.value === 'string' && e.path.endsWith('.md')) return `generated document: ${e.value.split('\n').length} lines (not shown)`;
  if (e.kind === 'CustomResourceDefinition' && e.apiGroup === 'apiextensions.k8s.io') return `CRD added (body not shown); versions ${crdVersions(e.value)} (* = storage)`;
  return undefined;
}

/** A new entry's content, as added leaves. */
function addedFields(e: Entry): FieldChange[] {
  return fieldDiff({}, comparable(e)).map((f) => ({ ...f, op: 'add' as const }));
}
