import type { SpecFinding } from '../../build/component.ts';
import { documentKinds, legacyConflicts, LINK_KINDS } from '../../data/talos-documents.ts';
import { escapeSegment } from '../../diagnostics/pointer.ts';
import type { ClusterModel, TalosPatchModel } from '../../model/model.ts';
import { clusterApiPatches } from './cluster-api-patches.ts';
import { renderContract, type TalosDocument } from './contracts.ts';
import { talosIntent } from './intent.ts';
import { derivedFrom } from './patch-provenance.ts';

type Doc = Record<string, unknown>;

const isMapping = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const isDelete = (v: unknown): boolean => isMapping(v) && v.$patch === 'delete';
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const MAX_SHOWN = 80;
const clip = (text: string): string => (text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 3)}...` : text);

/** "a" becomes "b", the common start of two long strings elided so that the difference shows. */
function becomes(was: unknown, now: unknown): string {
  if (now === undefined) return `${clip(JSON.stringify(was))} is deleted`;
  if (typeof was === 'string' && typeof now === 'string') {
    let common = 0;
    while (common < was.length && was[common] === now[common]) common++;
    const from = Math.max(0, common - 12);
    if (common > 20) return `"...${clip(was.slice(from))}" becomes "...${clip(now.slice(from))}"`;
  }
  return `${clip(JSON.stringify(was))} becomes ${clip(JSON.stringify(now))}`;
}

/**
 * Lists Talos replaces instead of appending (`merge:"replace"`, siderolabs/talos@v1.13.9
 * pkg/machinery/config/types/v1alpha1/v1alpha1_types.go ClusterNetworkConfig, @v1.14.0-rc.1
 * types/k8s/network.go): every other list of a patch is appended to the config's.
 */
const REPLACED_LISTS = new Set(['v1alpha1:cluster.network.podSubnets', 'v1alpha1:cluster.network.serviceSubnets', 'KubeNetworkConfig:podSubnets', 'KubeNetworkConfig:serviceSubnets']);

/** orrery's own layers of one document merged as Talos merges them (maps by key, lists appended): a machine sees one. */
function mergeInto(left: Doc, right: Doc): Doc {
  const out: Doc = { ...left };
  for (const [k, v] of Object.entries(right)) {
    const l = out[k];
    out[k] = isMapping(l) && isMapping(v) ? mergeInto(l, v) : Array.isArray(l) && Array.isArray(v) ? [...l, ...v] : v;
  }
  return out;
}

/** `machine.sysctls["net.core.somaxconn"]`: keys that are not identifiers quoted, as the diff shows them. */
const shown = (path: readonly string[]): string =>
  path.reduce((out, seg) => (/^[A-Za-z_$][\w$-]*$/.test(seg) ? `${out}${out === '' ? '' : '.'}${seg}` : `${out}[${JSON.stringify(seg)}]`), '');

interface Change {
  readonly path: readonly string[];
  readonly was: unknown;
  readonly now: unknown;
}

/**
 * What a patch document replaces in the config document it merges into, by Talos's merge rules
 * (siderolabs/talos@v1.13.9 pkg/machinery/config/merge/merge.go): a scalar replaces the config's
 * unless it is a zero value (false always replaces), maps merge key by key, lists are appended
 * (but for REPLACED_LISTS), and `{$patch: delete}` removes the key.
 */
function changes(kind: string, orrery: Doc, patch: Doc, identity: readonly string[], path: readonly string[] = []): Change[] {
  const out: Change[] = [];
  for (const [k, now] of Object.entries(patch)) {
    if (path.length === 0 && identity.includes(k)) continue;
    if (!Object.hasOwn(orrery, k)) continue;
    const was = orrery[k];
    const at = [...path, k];
    if (isDelete(now)) out.push({ path: at, was, now: undefined });
    else if (isMapping(now) && isMapping(was)) out.push(...changes(kind, was, now, identity, at));
    else if (Array.isArray(now) && Array.isArray(was)) {
      if (REPLACED_LISTS.has(`${kind}:${at.join('.')}`) && !same(now, was)) out.push({ path: at, was, now });
    } else if (!isMapping(now) && !Array.isArray(now) && !isMapping(was) && !Array.isArray(was)) {
      const zero = now === '' || now === 0 || now === null;
      if (!zero && !same(now, was)) out.push({ path: at, was, now });
    }
  }
  return out;
}

/** A machine as the review sees it: orrery's documents in merge order and the patches after them. */
interface Machine {
  readonly label: string;
  /** The machine's place in the spec (`/nodes/0`, `/provisioning/clusterApi/machinePools/1`). */
  readonly pointer: string;
  readonly docs: readonly TalosDocument[];
  readonly patches: readonly TalosPatchModel[];
}

function machines(cluster: ClusterModel): Machine[] {
  const intent = talosIntent(cluster);
  if (cluster.provisioning.method === 'talosctl') {
    const layers = renderContract(intent, cluster.talos.contract);
    return intent.nodes.map((n, i) => ({
      label: n.name,
      pointer: `/nodes/${i}`,
      docs: [...layers.cluster, ...(n.role === 'controlplane' ? layers.controlplane : []), ...(layers.nodes.get(n.name) ?? [])],
      patches: n.patches,
    }));
  }
  const pools = cluster.clusterApi?.pools ?? [];
  return clusterApiPatches(intent, cluster.talos.contract).map((p) => ({
    label: `pool ${p.pool.name}`,
    pointer: `/provisioning/clusterApi/machinePools/${pools.findIndex((x) => x.name === p.pool.name)}`,
    docs: p.layers.flat(),
    patches: p.pool.patches,
  }));
}

/** The value at a dotted path of a document, or undefined. */
function at(doc: Doc, dotted: string): unknown {
  let node: unknown = doc;
  for (const part of dotted.split('.')) {
    if (!isMapping(node) || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

type Note = (key: string, machine: Machine, finding: Omit<SpecFinding, 'message'>, message: (machines: string, where: string) => string) => void;

/**
 * A patch's v1alpha1 field that a typed document of the machine's config replaced (orrery's or
 * another patch's): Talos refuses the config with both (legacyConflicts). A field set to false
 * counts as unset (the checks look for a value).
 */
function legacyFields(cluster: ClusterModel, m: Machine, note: Note): void {
  const conflicts = legacyConflicts(cluster.talos.contract);
  const typed = new Map<string, string>();
  for (const d of m.docs) if (typeof d.kind === 'string' && d.$patch !== 'delete') typed.set(d.kind, 'orrery\'s');
  for (const p of m.patches) for (const d of p.documents) if (typeof d.kind === 'string' && d.$patch !== 'delete' && !typed.has(d.kind)) typed.set(d.kind, `patch ${JSON.stringify(p.name)}'s`);
  const fields = new Map<string, string[]>();
  for (const [kind, owner] of typed) for (const field of conflicts[kind] ?? []) fields.set(field, [...(fields.get(field) ?? []), `${kind} (${owner})`]);
  for (const patch of m.patches) {
    patch.documents.forEach((d, index) => {
      if (d.kind !== undefined) return;
      for (const [field, kinds] of fields) {
        const value = at(d, field);
        if (value === undefined || value === null || value === false) continue;
        note(`${patch.origin.spec}${patch.origin.pointer}#${index}|legacy|${field}`, m, { severity: 'error', rule: 'talos-patch/replaced-field', at: located(patch, index, field.split('.')) }, (ms) =>
          `patch ${JSON.stringify(patch.name)} sets ${field}, which Talos config contract ${cluster.talos.contract} refuses next to the typed document${kinds.length > 1 ? 's' : ''} that replaced it: ${kinds.join(', ')}; patch ${kinds.length > 1 ? 'those' : 'that'} instead (on ${ms})`);
      }
    });
  }
}

/** Where a patch document (and a pointer below it) is written: the spec entry, or its document in the patch file. */
function located(patch: TalosPatchModel, index: number, below: readonly string[]): SpecFinding['at'] {
  const tail = below.map((s) => `/${escapeSegment(s)}`).join('');
  return patch.origin.file
    ? { spec: patch.origin.file, pointer: tail, document: index }
    : { spec: patch.origin.spec, pointer: `${patch.origin.pointer}/documents/${index}${tail}`, document: undefined };
}

/**
 * The operator's patches against orrery's documents, machine by machine: a warning where a patch
 * replaces what orrery derived from the spec (naming both places), an error where Talos would
 * refuse the merged config (a link document of another kind than orrery's for the same link:
 * "conflicting documents", container.New). Same patch, same path: one finding listing the machines.
 */
export function patchOverrides(cluster: ClusterModel): SpecFinding[] {
  const kinds = documentKinds(cluster.talos.contract)?.kinds;
  const anyPatch = cluster.talos.patches.length > 0 || cluster.nodes.some((n) => n.patches.length > 0) || (cluster.clusterApi?.pools ?? []).some((p) => p.patches.length > 0);
  if (!kinds || !anyPatch) return [];
  type Message = (machines: string, where: string) => string;
  const found = new Map<string, { finding: Omit<SpecFinding, 'message'>; message: Message; machines: Machine[] }>();
  const note = (key: string, machine: Machine, finding: Omit<SpecFinding, 'message'>, message: Message): void => {
    const entry = found.get(key) ?? { finding, message, machines: [] };
    if (!entry.machines.includes(machine)) entry.machines.push(machine);
    found.set(key, entry);
  };
  for (const m of machines(cluster)) {
    if (m.patches.length === 0) continue;
    const byId = new Map<string, Doc>();
    const links = new Map<string, string>();
    for (const d of m.docs) {
      const kind = d.kind as string | undefined;
      const id = kind === undefined ? 'v1alpha1' : `${kind}/${kinds.get(kind) ? String(d.name) : ''}`;
      const prior = byId.get(id);
      byId.set(id, prior ? mergeInto(prior, d) : d);
      if (kind && LINK_KINDS.includes(kind)) links.set(String(d.name), kind);
    }
    for (const patch of m.patches) {
      patch.documents.forEach((pd, index) => {
        const kind = pd.kind as string | undefined;
        const named = kind !== undefined && kinds.get(kind) === true;
        const id = kind === undefined ? 'v1alpha1' : `${kind}/${named ? String(pd.name) : ''}`;
        const key = `${patch.origin.spec}${patch.origin.pointer}#${index}`;
        const label = kind === undefined ? '' : `${kind}${named ? ` ${JSON.stringify(pd.name)}` : ''}`;
        // A document of a patch file with several says which one it is (as the checks do).
        const title = `patch ${JSON.stringify(patch.name)}${patch.origin.file && patch.documents.length > 1 ? ` (document ${index + 1} of ${patch.documents.length})` : ''}`;
        const other = named && LINK_KINDS.includes(kind!) ? links.get(String(pd.name)) : undefined;
        if (other && other !== kind && pd.$patch !== 'delete') {
          note(`${key}|conflict`, m, { severity: 'error', rule: 'talos-patch/conflicting-link', at: located(patch, index, []) }, (ms, where) =>
            `${title}: ${label} names the link that orrery's ${other} creates (from ${derivedFrom(cluster, other, [], where)}); Talos refuses a config with both ("conflicting documents"): patch the ${other} instead (on ${ms})`);
          return;
        }
        const orrery = byId.get(id);
        if (!orrery) return;
        const diffs = pd.$patch === 'delete' ? [{ path: [], was: orrery, now: undefined }] : changes(kind ?? 'v1alpha1', orrery, pd, named ? ['apiVersion', 'kind', 'name'] : ['apiVersion', 'kind']);
        for (const c of diffs) {
          const what = `${label}${label && c.path.length > 0 ? ' ' : ''}${shown(c.path)}` || label;
          const whole = c.path.length === 0;
          note(`${key}|${c.path.join('.')}`, m, { severity: 'warning', rule: 'talos-patch/overrides-derived', at: located(patch, index, c.path) }, (ms, where) =>
            whole
              ? `${title} deletes orrery's ${what}, which it derives from ${derivedFrom(cluster, kind ?? 'v1alpha1', c.path, where)}, on ${ms}`
              : `${title} overrides ${what}, which orrery derives from ${derivedFrom(cluster, kind ?? 'v1alpha1', c.path, where)}: ${becomes(c.was, c.now)} on ${ms}`);
        }
      });
    }
  }
  // One machine: its own place in the spec; several: the list they are in.
  const where = (ms: readonly Machine[]): string => (ms.length === 1 ? ms[0]!.pointer : ms[0]!.pointer.replace(/\/\d+$/, '/*'));
  for (const m of machines(cluster)) legacyFields(cluster, m, note);
  return [...found.values()].map((e) => ({ ...e.finding, message: e.message(e.machines.map((x) => x.label).join(', '), where(e.machines)) }));
}
