import { talosMinor } from '../../data/talos-kubernetes.ts';
import { compareCodePoints } from '../../util/order.ts';
import type { ObjectChange } from '../compare.ts';
import { fieldDiff, formatPath, plainPath, type FieldChange } from '../field-diff.ts';
import { listSome, type Impact, type ImpactContext } from './impact.ts';
import { imageTag, talosFacts, type TalosFacts } from './talos-facts.ts';
import { talosRuling, type TalosEffect } from '../../model/facts/talos-apply.ts';

interface NodeChange {
  readonly kind: string;
  readonly field: FieldChange;
}

/** The leaves a Talos document change touches (a document added or removed: all of its leaves). */
function leavesOf(c: ObjectChange): NodeChange[] {
  const kind = c.entry.kind ?? 'v1alpha1';
  const fields = c.status === 'added' ? fieldDiff({}, c.entry.value) : c.status === 'removed' ? fieldDiff(c.entry.value, {}) : c.fields;
  return fields.filter((f) => !(kind !== 'v1alpha1' && f.path.length === 1 && (f.path[0] === 'apiVersion' || f.path[0] === 'kind'))).map((field) => ({ kind, field }));
}

/**
 * Which existing nodes a patch file applies to (talos/README.md: cluster → all, controlplane → control
 * planes); an operator's patch file, the nodes whose node file lists it, in either tree.
 */
function targets(file: string, nodes: readonly string[], role: (n: string) => string, lists: (n: string) => readonly string[]): string[] {
  if (file === 'cluster.yaml') return [...nodes];
  if (file === 'controlplane.yaml') return nodes.filter((n) => role(n) !== 'worker');
  const m = /^nodes\/([^/]+)\.yaml$/.exec(file);
  if (m) return nodes.includes(m[1]!) ? [m[1]!] : [];
  return nodes.filter((n) => lists(n).includes(file));
}

const describeRoles = (nodes: readonly string[], role: (n: string) => string): string => {
  const cps = nodes.filter((n) => role(n) === 'controlplane').length;
  const workers = nodes.filter((n) => role(n) === 'worker').length;
  const parts = [cps ? `${cps} control plane${cps > 1 ? 's' : ''}` : '', workers ? `${workers} worker${workers > 1 ? 's' : ''}` : '', nodes.length - cps - workers ? `${nodes.length - cps - workers} of unknown role` : ''];
  return `${listSome(nodes)} (${parts.filter(Boolean).join(', ')})`;
};

const what = (c: NodeChange): string => (c.kind === 'v1alpha1' ? formatPath(c.field.path.slice(0, 3)) : c.kind);
const uniq = (xs: readonly string[]): string[] => [...new Set(xs)].sort(compareCodePoints);

function nodePlan(minor: string, changes: readonly NodeChange[], upgrade: { from?: string; to?: string } | undefined): { severity: Impact['severity']; text: string }[] {
  const rulings = changes.map((c) => ({ c, r: talosRuling(minor, { kind: c.kind, path: plainPath(c.field.path), op: c.field.op }) }));
  const of = (e: TalosEffect): typeof rulings => rulings.filter((x) => x.r.effect === e);
  const out: { severity: Impact['severity']; text: string }[] = [];
  const reboot = of('reboot');
  const restart = of('restart');
  const live = of('live');
  const installOnly = of('install-only').filter((x) => !(upgrade && /image$/.test(formatPath(x.c.field.path))));
  if (reboot.length > 0) {
    out.push({ severity: 'warning', text: `apply-config REBOOTS the node (Talos ${minor}, auto mode): ${uniq(reboot.map((x) => what(x.c))).join(', ')} ${reboot.length === 1 ? 'is' : 'are'} not among the fields Talos ${minor} applies live` });
  } else if (live.length + restart.length > 0) {
    const changed = uniq([...live, ...restart].map((x) => what(x.c)));
    const then = restart.length > 0 ? `; then reboot (talosctl reboot, one node at a time) for ${listSome(uniq(restart.map((x) => `${what(x.c)} (${x.r.why})`)), 3)} to take effect` : '';
    out.push({ severity: restart.length > 0 ? 'warning' : 'info', text: `apply-config applies live on Talos ${minor} (no reboot): ${listSome(changed)}${then}` });
  }
  if (installOnly.length > 0) {
    out.push({ severity: 'info', text: `${listSome(uniq(installOnly.map((x) => formatPath(x.c.field.path))))}: used only by the next install or upgrade` });
  }
  if (upgrade) {
    out.push({ severity: 'warning', text: `talosctl upgrade to ${upgrade.to ?? 'the new installer image'}${upgrade.from ? ` (from ${upgrade.from})` : ''}: installs the image and reboots the node, one at a time (machine.install alone changes nothing on a running node)` });
  }
  return out;
}

function clusterImpacts(group: string, changes: readonly ObjectChange[], before: TalosFacts | undefined, after: TalosFacts | undefined): Impact[] {
  const impacts: Impact[] = [];
  const role = (n: string): string => after?.roles.get(n) ?? before?.roles.get(n) ?? 'unknown';
  const beforeNodes = [...(before?.roles.keys() ?? [])];
  const afterNodes = [...(after?.roles.keys() ?? [])];
  const existing = afterNodes.filter((n) => beforeNodes.includes(n)).sort(compareCodePoints);
  const added = afterNodes.filter((n) => !beforeNodes.includes(n)).sort(compareCodePoints);
  const removed = beforeNodes.filter((n) => !afterNodes.includes(n)).sort(compareCodePoints);
  if (added.length > 0) {
    impacts.push({ group, area: 'talos', severity: 'info', text: `new node${added.length > 1 ? 's' : ''} ${describeRoles(added, role)}: first boot with talosctl apply-config --insecure (see talos/README.md)` });
  }
  if (removed.length > 0) {
    impacts.push({ group, area: 'talos', severity: 'warning', text: `node${removed.length > 1 ? 's' : ''} ${describeRoles(removed, role)} removed from the spec: orrery does not remove machines — drain, talosctl reset, kubectl delete node` });
  }
  const perNode = new Map<string, NodeChange[]>();
  for (const c of changes) {
    const file = c.entry.path.slice(`${group}/talos/`.length);
    const lists = (n: string): string[] => [...(before?.patchFiles.get(n) ?? []), ...(after?.patchFiles.get(n) ?? [])];
    for (const n of targets(file, existing, role, lists)) perNode.set(n, [...(perNode.get(n) ?? []), ...leavesOf(c)]);
  }
  // The same statement for several nodes is said once, for all of them.
  const byText = new Map<string, { nodes: string[]; severity: Impact['severity'] }>();
  for (const n of existing) {
    const fromImage = before?.images.get(n);
    const toImage = after?.images.get(n);
    const upgrade = fromImage !== undefined && toImage !== undefined && fromImage !== toImage ? { from: imageTag(fromImage), to: imageTag(toImage) ?? toImage } : undefined;
    const changed = perNode.get(n) ?? [];
    if (changed.length === 0 && !upgrade) continue;
    // Rules follow the Talos the node runs now: the base tree's installer image.
    const minor = talosMinor(imageTag(fromImage) ?? before?.version ?? after?.version ?? '1.12');
    for (const line of nodePlan(minor, changed, upgrade)) {
      const e = byText.get(line.text) ?? { nodes: [], severity: line.severity };
      e.nodes.push(n);
      byText.set(line.text, e);
    }
  }
  for (const [text, { nodes, severity }] of byText) impacts.push({ group, area: 'talos', severity, text: `${describeRoles(nodes, role)}: ${text}` });
  if (before?.kubernetes && after?.kubernetes && before.kubernetes !== after.kubernetes) {
    // upgrade-k8s patches the machine config in no-reboot mode (siderolabs/talos@v1.13.9:
    // pkg/cluster/kubernetes/patch.go, ApplyConfigurationRequest_NO_REBOOT).
    impacts.push({ group, area: 'kubernetes', severity: 'warning', text: `Kubernetes ${before.kubernetes} → ${after.kubernetes}: run talosctl upgrade-k8s --to ${after.kubernetes} once, against a control plane (it rolls the control-plane components and kubelets without rebooting)` });
  }
  return impacts;
}

/** Per talosctl cluster: which nodes need apply-config, and whether it applies live, reboots or needs an upgrade. */
export function talosImpacts(ctx: ImpactContext): Impact[] {
  const groups = new Map<string, ObjectChange[]>();
  for (const c of ctx.changes) {
    const talosFile = /^[^/]+\/talos\//.test(c.entry.path);
    if (!talosFile) continue;
    if (!groups.has(c.group)) groups.set(c.group, []);
    if (c.entry.type === 'talos') groups.get(c.group)!.push(c);
  }
  return [...groups.keys()].sort(compareCodePoints).flatMap((g) => clusterImpacts(g, groups.get(g)!, talosFacts(ctx.before, g), talosFacts(ctx.after, g)));
}
