import { loadSpecSchema } from './schema-file.ts';

/**
 * Spec keys that are validated and checked but not compiled yet. The schema marks them with
 * `x-orrery-pending: "<what will compile it>"` (shown in the description and the spec reference);
 * the capability that starts compiling a key deletes the annotation. Synth reports each key that
 * is set as a note at its place (`--strict` makes it an error), and the cluster's README lists them.
 */
/** The rule of the notes that name a key nothing compiles yet. */
export const NOT_COMPILED_YET = 'spec/not-compiled-yet';

export interface PendingKey {
  /** JSON pointer of the key in its file. */
  readonly pointer: string;
  /** The key as a path, e.g. `nodes[].dataDisks[].wipe`. */
  readonly label: string;
  /** What will compile it, e.g. `Cluster API`. */
  readonly by: string;
}

interface SchemaNode {
  readonly $ref?: string;
  readonly properties?: Record<string, SchemaNode>;
  readonly items?: SchemaNode;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly 'x-orrery-pending'?: string;
}

/** A schema path: property names, `[]` for the items of a list. */
interface PendingPath {
  readonly segments: readonly string[];
  readonly by: string;
}

/**
 * Sections that are pending only in some clusters, which an annotation cannot say (none today:
 * a Cluster API cluster's Talos settings compile into its machine templates' strategicPatches).
 */
const CONDITIONAL: readonly (PendingPath & { readonly when: (doc: Record<string, unknown>) => boolean })[] = [
];

const paths = new Map<string, readonly PendingPath[]>();

/** The annotated paths under one definition, collected once per process. */
function pendingPaths(kind: 'Cluster' | 'Constellation'): readonly PendingPath[] {
  const cached = paths.get(kind);
  if (cached) return cached;
  const defs = (loadSpecSchema() as { $defs: Record<string, SchemaNode> }).$defs;
  const out: PendingPath[] = [];
  const walk = (node: SchemaNode, segments: string[], seen: ReadonlySet<string>): void => {
    if (node['x-orrery-pending']) {
      out.push({ segments, by: node['x-orrery-pending'] });
      return;
    }
    if (node.$ref) {
      const name = node.$ref.replace('#/$defs/', '');
      if (!seen.has(name)) walk(defs[name]!, segments, new Set([...seen, name]));
      return;
    }
    for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, [...segments, key], seen);
    if (node.items) walk(node.items, [...segments, '[]'], seen);
    if (node.additionalProperties && typeof node.additionalProperties === 'object') walk(node.additionalProperties, [...segments, '{}'], seen);
  };
  walk(defs[kind]!, [], new Set([kind]));
  paths.set(kind, out);
  return out;
}

const escape = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every pending key set in one spec document, in schema order. Pure. */
export function pendingKeys(doc: unknown): PendingKey[] {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return [];
  const record = doc as Record<string, unknown>;
  const kind = record.kind === 'Constellation' ? 'Constellation' : 'Cluster';
  const wanted = [...pendingPaths(kind), ...(kind === 'Cluster' ? CONDITIONAL.filter((c) => c.when(record)) : [])];
  const found: PendingKey[] = [];
  for (const { segments, by } of wanted) {
    const label = segments.join('.').replace(/\.\[\]/g, '[]').replace(/\.\{\}/g, '{}');
    const visit = (value: unknown, rest: readonly string[], pointer: string): void => {
      if (rest.length === 0) {
        if (value !== undefined) found.push({ pointer, label, by });
        return;
      }
      const [head, ...tail] = rest as [string, ...string[]];
      if (head === '[]') {
        if (Array.isArray(value)) value.forEach((v, i) => visit(v, tail, `${pointer}/${i}`));
      } else if (value && typeof value === 'object' && !Array.isArray(value)) {
        const obj = value as Record<string, unknown>;
        const keys = head === '{}' ? Object.keys(obj) : Object.hasOwn(obj, head) ? [head] : [];
        for (const k of keys) visit(obj[k], tail, `${pointer}/${escape(k)}`);
      }
    };
    visit(doc, segments, '');
  }
  return found;
}

/** The pending sections of a cluster, one line each, for its README. */
export function pendingSections(doc: unknown): string[] {
  return [...new Set(pendingKeys(doc).map((p) => `${p.label} (waits for ${p.by})`))];
}
