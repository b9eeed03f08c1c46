import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { renderDiagnostics } from '../../lib/diagnostics/diagnostic.ts';
import { compileFiles } from '../../lib/pipeline.ts';
import { parseSpecText } from '../../lib/read/read-spec.ts';
import { parsePatchText } from '../../lib/read/patch-files.ts';
import type { IncludedFile } from '../../lib/read/source-file.ts';
import { loadSpecSchema } from '../../lib/spec/schema-file.ts';
import { FIXTURES } from '../helpers.ts';

/**
 * The schema walk: every property of the spec schema, found in a maximal spec and changed one at
 * a time. A key is compiled when a change (to a valid value) changes the output or the
 * diagnostics; otherwise the spec accepted it and dropped it silently.
 */

export interface SchemaNode {
  readonly $ref?: string;
  readonly type?: string | string[];
  readonly properties?: Record<string, SchemaNode>;
  readonly required?: readonly string[];
  readonly items?: SchemaNode;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly description?: string;
  readonly 'x-orrery-pending'?: string;
  /** JSON Schema's annotation (editors strike such keys through): accepted so old specs parse, compiled into nothing. */
  readonly deprecated?: boolean;
}

/** One key of the spec: where it is in the schema and whether its parent requires it. */
export interface SpecKey {
  readonly kind: 'Constellation' | 'Cluster';
  /** Property names, `[]` for list items, `{}` for map values. */
  readonly path: readonly string[];
  readonly label: string;
  readonly node: SchemaNode;
  readonly required: boolean;
  /** Set for the key carrying x-orrery-pending (its subtree is not walked). */
  readonly pending?: string;
  /** Set for a deprecated key (a retired provider's settings): its subtree is not walked. */
  readonly retired?: true;
}

const defs = (): Record<string, SchemaNode> => (loadSpecSchema() as { $defs: Record<string, SchemaNode> }).$defs;

export function deref(node: SchemaNode): SchemaNode {
  let n = node;
  const seen = new Set<string>();
  while (n.$ref && !seen.has(n.$ref)) {
    seen.add(n.$ref);
    const { $ref, ...rest } = n;
    n = { ...defs()[$ref.replace('#/$defs/', '')]!, ...rest };
  }
  return n;
}

export const labelOf = (kind: string, p: readonly string[]): string => `${kind}.${p.join('.')}`.replace(/\.\[\]/g, '[]').replace(/\.\{\}/g, '{}');

/** Every key under the two documents, depth first; pending keys end their branch. */
export function specKeys(): SpecKey[] {
  const out: SpecKey[] = [];
  const walk = (kind: SpecKey['kind'], node: SchemaNode, p: string[], required: boolean, depth: number): void => {
    const n = deref(node);
    if (p.length > 0) out.push({ kind, path: p, label: labelOf(kind, p), node: n, required, ...(n['x-orrery-pending'] ? { pending: n['x-orrery-pending'] } : {}), ...(n.deprecated === true ? { retired: true as const } : {}) });
    if (n['x-orrery-pending'] || n.deprecated === true || depth > 12) return;
    for (const [k, child] of Object.entries(n.properties ?? {})) walk(kind, child, [...p, k], (n.required ?? []).includes(k), depth + 1);
    if (n.items) walk(kind, n.items, [...p, '[]'], true, depth + 1);
    if (n.additionalProperties && typeof n.additionalProperties === 'object') walk(kind, n.additionalProperties, [...p, '{}'], true, depth + 1);
  };
  walk('Constellation', defs().Constellation!, [], true, 0);
  walk('Cluster', defs().Cluster!, [], true, 0);
  return out;
}

/** A maximal spec: its documents (plain data) and secrets. */
export interface Variant {
  readonly name: string;
  readonly docs: ReadonlyMap<string, Record<string, unknown>>;
  readonly secrets: ReadonlyMap<string, string>;
  /** Talos patch files under clusters/patches/, by the path a spec's `file:` names (patches/<name>.yaml). */
  readonly patchFiles: ReadonlyMap<string, string>;
}

function readTree(dir: string, rel = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(path.join(dir, rel))) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(dir, r)).isDirectory()) for (const [k, v] of readTree(dir, r)) out.set(k, v);
    else out.set(r, readFileSync(path.join(dir, r), 'utf8'));
  }
  return out;
}

export function loadVariants(): Variant[] {
  const root = path.join(FIXTURES, 'maximal');
  return readdirSync(root).sort().map((name) => {
    const dir = path.join(root, name);
    const docs = new Map<string, Record<string, unknown>>();
    for (const f of readdirSync(path.join(dir, 'clusters')).filter((f) => f.endsWith('.yaml')).sort()) docs.set(f, parse(readFileSync(path.join(dir, 'clusters', f), 'utf8')) as Record<string, unknown>);
    const patches = path.join(dir, 'clusters', 'patches');
    const patchFiles = new Map([...(statSync(patches, { throwIfNoEntry: false })?.isDirectory() ? readTree(patches) : new Map<string, string>())].map(([f, text]) => [`patches/${f}`, text]));
    return { name, docs, secrets: readTree(path.join(dir, 'secrets')), patchFiles };
  });
}

export interface Compiled {
  readonly files: ReadonlyMap<string, string> | undefined;
  readonly diagnostics: string;
  /**
   * The diagnostics without their line and column, sorted: what "checked" compares. Deleting a key
   * moves the lines below it, and a diagnostic there would otherwise pass for a changed finding.
   */
  readonly findings: string;
  readonly errors: number;
  readonly schemaErrors: number;
}

/**
 * Compiles documents in memory, as synth would, with the variant's secrets and patch files (every
 * spec file sees every patch file, as lib/read/patch-files.ts gives it the ones it names).
 */
export function compileDocs(docs: ReadonlyMap<string, unknown>, secrets: ReadonlyMap<string, string>, patchFiles: ReadonlyMap<string, string> = new Map()): Compiled {
  const includes = new Map<string, IncludedFile>();
  for (const [ref, text] of patchFiles) {
    const { included, diagnostics } = parsePatchText(text, `clusters/${ref}`, `clusters/${ref}`);
    if (!included) throw new Error(`a maximal spec's patch file does not parse: ${renderDiagnostics(diagnostics, 'text')}`);
    includes.set(ref, included);
  }
  const files = [...docs].map(([f, d]) => ({ ...parseSpecText(stringify(d), `clusters/${f}`, `clusters/${f}`).files[0]!, includes }));
  const result = compileFiles(files, 'clusters', { secrets });
  return {
    files: result.files,
    diagnostics: renderDiagnostics(result.diagnostics, 'text'),
    findings: result.diagnostics.map((d) => `${d.severity} ${d.file} ${d.pointer} ${d.rule}: ${d.message}`).sort().join('\n'),
    errors: result.diagnostics.filter((d) => d.severity === 'error').length,
    schemaErrors: result.diagnostics.filter((d) => d.rule.startsWith('schema/')).length,
  };
}

/** Where a key occurs in a document: the parent object and the property (or index), first occurrence. */
export interface Occurrence {
  readonly file: string;
  readonly pointer: string;
  readonly parent: Record<string, unknown> | unknown[];
  readonly key: string | number;
  readonly value: unknown;
}

export function findOccurrence(variant: Variant, key: SpecKey): Occurrence | undefined {
  return findOccurrences(variant, key)[0];
}

/** The first occurrence in each document of the variant. */
export function findOccurrences(variant: Variant, key: SpecKey): Occurrence[] {
  const out: Occurrence[] = [];
  for (const [file, doc] of variant.docs) {
    if (doc.kind !== key.kind) continue;
    const found = find(doc, key.path, '', file);
    if (found) out.push(found);
  }
  return out;
}

function find(value: unknown, rest: readonly string[], pointer: string, file: string): Occurrence | undefined {
  const [head, ...tail] = rest as [string, ...string[]];
  if (head === '[]') {
    if (!Array.isArray(value)) return undefined;
    for (let i = 0; i < value.length; i++) {
      const r = tail.length === 0 ? { file, pointer: `${pointer}/${i}`, parent: value, key: i, value: value[i] } : find(value[i], tail, `${pointer}/${i}`, file);
      if (r) return r;
    }
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  const keys = head === '{}' ? Object.keys(obj) : Object.hasOwn(obj, head) ? [head] : [];
  for (const k of keys) {
    const seg = k.replace(/~/g, '~0').replace(/\//g, '~1');
    const r = tail.length === 0 ? { file, pointer: `${pointer}/${seg}`, parent: obj, key: k, value: obj[k] } : find(obj[k], tail, `${pointer}/${seg}`, file);
    if (r) return r;
  }
  return undefined;
}

/** Another IPv4 address (or network, or range) of the same shape: the next host or the next network. */
function shiftIpv4(text: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(\/(\d+))?$/.exec(text);
  if (m) {
    const value = m.slice(1, 5).reduce((a, o) => a * 256 + Number(o), 0);
    const prefix = m[6] === undefined ? 32 : Number(m[6]);
    // A network moves by its size; a host address (with or without prefix) by one.
    const step = m[6] !== undefined && value % 2 ** (32 - prefix) === 0 ? 2 ** (32 - prefix) : 1;
    const next = value + step;
    const ip = [24, 16, 8, 0].map((s) => Math.floor(next / 2 ** s) % 256).join('.');
    return m[5] ? `${ip}${m[5]}` : ip;
  }
  const range = /^(.+?)\s*-\s*(.+)$/.exec(text);
  if (range) {
    const a = shiftIpv4(range[1]!);
    const b = shiftIpv4(range[2]!);
    return a && b ? `${a}-${b}` : undefined;
  }
  return undefined;
}

/** Candidate values for a key, most plausible first; `undefined` in the list means "delete the key". */
export function candidates(key: SpecKey, value: unknown): { what: string; value?: unknown; remove?: true }[] {
  const n = key.node;
  const out: { what: string; value?: unknown; remove?: true }[] = [];
  const types = Array.isArray(n.type) ? n.type : n.type ? [n.type] : [];
  if (n.enum) for (const e of n.enum) if (e !== value) out.push({ what: `enum ${JSON.stringify(e)}`, value: e });
  if (typeof value === 'boolean') out.push({ what: 'flip', value: !value });
  if (typeof value === 'number') {
    for (const v of [value + 1, value - 1]) if ((n.minimum === undefined || v >= n.minimum) && (n.maximum === undefined || v <= n.maximum)) out.push({ what: `number ${v}`, value: v });
  }
  if (typeof value === 'string' && !n.enum) {
    // Another valid age recipient (a public key made for this test; nobody holds its secret key).
    if (n.format === 'age-recipient') out.push({ what: 'another recipient', value: 'age1um5w5nn8hu9pwynyaduwue97uwq2a3nz4m0mxxjdfz73va55ccwsk8hkak' });
    const ip = shiftIpv4(value);
    if (ip) out.push({ what: `address ${ip}`, value: ip });
    const version = /^(v?\d+\.\d+\.)(\d+)$/.exec(value);
    if (version) {
      const patch = Number(version[2]);
      out.push({ what: 'version -1', value: `${version[1]}${patch > 0 ? patch - 1 : patch + 1}` });
    }
    if (value.startsWith('/dev/')) out.push({ what: 'another device', value: `${value.replace(/[a-z0-9]$/, '')}z` });
    if (/^https?:\/\//.test(value)) out.push({ what: 'another URL', value: value.replace(/^(https?:\/\/)/, '$1other.') });
    // The next of a numbered name (a disk slot scsi2, a UUID ending in digits): often the only valid change of a pattern.
    const numbered = /^(.*?)(\d+)$/.exec(value);
    if (numbered && !ip && !version) out.push({ what: 'next number', value: `${numbered[1]}${Number(numbered[2]) + 1}` });
    out.push({ what: 'suffix', value: `${value}x` }, { what: 'prefix', value: `x${value}` });
  }
  if (Array.isArray(value) && value.length > (n.minItems ?? 0)) out.push({ what: 'drop the last item', value: value.slice(0, -1) });
  if (Array.isArray(value) && value.length > 0 && (typeof value[0] !== 'object' || value[0] === null)) {
    const first = candidates({ ...key, node: deref(n.items ?? {}) }, value[0]).filter((c) => !c.remove);
    if (first[0]) out.push({ what: `first item ${first[0].what}`, value: [first[0].value, ...value.slice(1)] });
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && !n.properties) {
    // A map (labels, sysctls, Helm values): one more entry, or a changed first one.
    const extra = n.additionalProperties && typeof n.additionalProperties === 'object' && deref(n.additionalProperties).type === 'array' ? ['https://mirror.example.org/v2'] : 'walk';
    out.push({ what: 'one more entry', value: { ...value, 'orrery-walk': extra } });
  }
  if (!key.required) out.push({ what: 'delete', remove: true });
  // A list item: the list without it (refused by the schema when that leaves too few).
  if (key.path.at(-1) === '[]') out.push({ what: 'remove this item', remove: true });
  if (types.length === 0 && !n.enum && n.const === undefined && out.length === 0) out.push({ what: 'delete', remove: true });
  return out;
}

export interface KeyVerdict {
  readonly label: string;
  readonly variant?: string;
  readonly pointer?: string;
  /**
   * compiled: a change changes the output; checked: only the diagnostics; by-children: a mapping
   * that cannot change as a whole (required, or with minProperties) whose keys are each judged;
   * pending: x-orrery-pending; fixed: a const (apiVersion, kind); retired: deprecated in the schema
   * (the test proves each is set in a maximal spec and warned about there).
   */
  readonly verdict: 'compiled' | 'checked' | 'by-children' | 'pending' | 'retired' | 'dropped' | 'no-valid-change' | 'not-in-maximal-spec' | 'fixed';
  readonly tried: readonly string[];
}

/** Changes one key in every way the candidates give until the output or the diagnostics differ. */
export type Compile = (docs: ReadonlyMap<string, unknown>, secrets: ReadonlyMap<string, string>, patchFiles?: ReadonlyMap<string, string>) => Compiled;

export function judge(key: SpecKey, variants: readonly Variant[], baselines: ReadonlyMap<string, Compiled>, compile: Compile = compileDocs): KeyVerdict {
  if (key.pending) return { label: key.label, verdict: 'pending', tried: [] };
  if (key.retired) return { label: key.label, verdict: 'retired', tried: [] };
  if (key.node.const !== undefined) return { label: key.label, verdict: 'fixed', tried: [] };
  // The first occurrence in each maximal spec, until one proves the key (an enum may have one
  // valid change in one spec only: provisioning.method cluster-api needs clusterApi).
  const verdicts: KeyVerdict[] = [];
  for (const v of variants) {
    for (const at of findOccurrences(v, key)) {
      const verdict = judgeIn(key, v, baselines.get(v.name)!, at, compile);
      verdicts.push(verdict);
      if (verdict.verdict === 'compiled') return verdict;
    }
  }
  const rank = ['compiled', 'checked', 'dropped', 'no-valid-change'];
  return verdicts.sort((a, b) => rank.indexOf(a.verdict) - rank.indexOf(b.verdict))[0] ?? { label: key.label, verdict: 'not-in-maximal-spec', tried: [] };
}

function judgeIn(key: SpecKey, variant: Variant, base: Compiled, at: Occurrence, compile: Compile): KeyVerdict {
  {
    const tried: string[] = [];
    let valid = false;
    let checked = false;
    for (const c of candidates(key, at.value)) {
      const docs = structuredClone(new Map(variant.docs));
      const again = at.parent === undefined ? undefined : relocate(docs.get(at.file)!, at.pointer);
      if (!again) continue;
      if (c.remove) {
        if (Array.isArray(again.parent)) again.parent.splice(again.key as number, 1);
        else delete (again.parent as Record<string, unknown>)[again.key as string];
      } else if (Array.isArray(again.parent)) again.parent[again.key as number] = c.value;
      else (again.parent as Record<string, unknown>)[again.key as string] = c.value;
      const result = compile(docs, variant.secrets, variant.patchFiles);
      tried.push(c.what);
      // A change the schema refuses says nothing about whether the key is compiled.
      if (result.schemaErrors > 0) continue;
      valid = true;
      // Compiled: a valid change that changes what synth writes. Checked: one that only changes
      // what the rules say (an error or warning). A changed output is the stronger proof: keep trying.
      if (result.errors === 0 && !sameFiles(result.files, base.files)) return { label: key.label, variant: variant.name, pointer: at.pointer, verdict: 'compiled', tried };
      if (result.findings !== base.findings) checked = true;
    }
    return { label: key.label, variant: variant.name, pointer: at.pointer, verdict: checked ? 'checked' : valid ? 'dropped' : 'no-valid-change', tried };
  }
}

/** The same place in a copy of the document, by its pointer. */
function relocate(doc: Record<string, unknown>, pointer: string): { parent: Record<string, unknown> | unknown[]; key: string | number } | undefined {
  const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = doc;
  for (const seg of segments.slice(0, -1)) node = Array.isArray(node) ? node[Number(seg)] : (node as Record<string, unknown>)[seg];
  const last = segments.at(-1)!;
  if (Array.isArray(node)) return { parent: node, key: Number(last) };
  return node && typeof node === 'object' ? { parent: node as Record<string, unknown>, key: last } : undefined;
}

function sameFiles(a: ReadonlyMap<string, string> | undefined, b: ReadonlyMap<string, string> | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
