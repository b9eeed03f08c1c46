import { parseAllDocuments } from 'yaml';
import { groupOf } from './group.ts';

/**
 * One thing the diff compares: a Kubernetes object, a Talos config document, or a whole file.
 * Its key is its identity, so an object moved to another file, or documents reordered in one,
 * match their old selves and are no change.
 */
export interface Entry {
  readonly key: string;
  readonly group: string;
  readonly path: string;
  readonly type: 'object' | 'talos' | 'file';
  /** "HelmRelease kube-system/cilium", "LinkConfig enp0s17 (talos/nodes/cp-1.yaml)", "bootstrap/README.md". */
  readonly label: string;
  /** Parsed data; a string for a text file (Markdown, anything that is not YAML or JSON). */
  readonly value: unknown;
  readonly apiGroup?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
}

type Doc = Record<string, unknown>;

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `helm.toolkit.fluxcd.io/v2` → `helm.toolkit.fluxcd.io`; `v1` → `` (the core group). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Talos machine-config patches (talosctl --config-patch files), not the Image Factory schematics. */
const TALOS_PATCH = /^[^/]+\/talos\/(?:[^/]+\/)*[^/]+\.yaml$/;
const isTalosPatch = (p: string): boolean => TALOS_PATCH.test(p) && !p.endsWith('schematic.yaml');

function parseYamlDocuments(text: string): unknown[] | undefined {
  try {
    const docs = parseAllDocuments(text, { uniqueKeys: false });
    if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return undefined;
    // Alias expansion bounded: a base tree from git is not trusted input.
    return docs.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown).filter((d) => d !== null && d !== undefined);
  } catch {
    return undefined;
  }
}

function isKubeObject(d: unknown): d is Doc & { apiVersion: string; kind: string; metadata: Doc & { name: string } } {
  return isObject(d) && typeof d.apiVersion === 'string' && typeof d.kind === 'string' && isObject(d.metadata) && typeof d.metadata.name === 'string';
}

function fileEntry(group: string, p: string, value: unknown): Entry {
  const rel = group === '(fleet)' ? p : p.slice(group.length + 1);
  return { key: `${group}|file|${rel}`, group, path: p, type: 'file', label: rel, value };
}

/** Splits one file of the output into the entries the diff matches by identity. */
export function entriesOf(p: string, text: string): Entry[] {
  const group = groupOf(p);
  const yaml = /\.ya?ml$/.test(p) || p.endsWith('/talosconfig');
  if (p.endsWith('.json')) {
    try {
      return [fileEntry(group, p, JSON.parse(text) as unknown)];
    } catch {
      return [fileEntry(group, p, text)];
    }
  }
  if (!yaml) return [fileEntry(group, p, text)];
  const docs = parseYamlDocuments(text);
  if (!docs) return [fileEntry(group, p, text)];
  if (isTalosPatch(p)) {
    // Talos merges patch documents by kind and name; the v1alpha1 document has no kind.
    const file = p.slice(group.length + 1);
    return docs.map((d) => {
      const kind = isObject(d) && typeof d.kind === 'string' ? d.kind : undefined;
      const name = isObject(d) && typeof d.name === 'string' ? d.name : undefined;
      const what = kind ? `${kind}${name ? ` ${name}` : ''}` : 'v1alpha1 config';
      return { key: `${group}|talos|${file}|${kind ?? 'v1alpha1'}|${name ?? ''}`, group, path: p, type: 'talos' as const, label: `${what} (${file})`, value: d, kind: kind ?? 'v1alpha1', ...(name ? { name } : {}) };
    });
  }
  // Several Kubernetes objects per file are matched one by one; anything else is one file.
  if (docs.length === 0 || !docs.every(isKubeObject)) return [fileEntry(group, p, docs.length === 1 ? docs[0] : docs)];
  const entries: Entry[] = [];
  for (const d of docs) {
    const apiGroup = apiGroupOf(d.apiVersion);
    const namespace = typeof d.metadata.namespace === 'string' ? d.metadata.namespace : undefined;
    const name = d.metadata.name;
    entries.push({
      key: `${group}|object|${apiGroup}|${d.kind}|${namespace ?? ''}|${name}`,
      group,
      path: p,
      type: 'object',
      label: `${d.kind} ${namespace ? `${namespace}/` : ''}${name}`,
      value: d,
      apiGroup,
      kind: d.kind,
      name,
      ...(namespace ? { namespace } : {}),
    });
  }
  return entries;
}
