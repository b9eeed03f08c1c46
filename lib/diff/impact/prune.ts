import path from 'node:path';
import { compareCodePoints } from '../../util/order.ts';
import { entriesOf, type Entry } from '../entries.ts';
import { CAPI_GROUP } from './capi.ts';
import { chartRelease, isCniChart } from './helm.ts';
import { field, listSome, str, type Impact, type ImpactContext } from './impact.ts';

/** A Flux Kustomization or Argo CD Application of the base tree, and the directory it applies. */
interface Owner {
  readonly entry: Entry;
  readonly engine: 'flux' | 'argo';
  /** Repository path it applies (`dist/lab/namespaces`), without `./`. */
  readonly dir: string;
  /** Applies the subdirectories too (a path without kustomization.yaml: Flux generates one). */
  readonly recursive?: boolean;
}

const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';
const ARGO_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
const ARGO_FINALIZER = /^resources-finalizer\.argocd\.argoproj\.io(\/background|\/foreground)?$/;

const isFluxKustomization = (e: Entry): boolean => e.apiGroup === 'kustomize.toolkit.fluxcd.io' && e.kind === 'Kustomization';
const isArgoApplication = (e: Entry): boolean => e.apiGroup === 'argoproj.io' && e.kind === 'Application';

function ownerOf(e: Entry): Owner | undefined {
  if (e.type !== 'object') return undefined;
  const clean = (p: string | undefined): string | undefined => (p === undefined ? undefined : p.replace(/^\.\//, '').replace(/\/+$/, ''));
  if (isFluxKustomization(e)) {
    const dir = clean(str(field(e.value, 'spec', 'path')));
    return dir === undefined ? undefined : { entry: e, engine: 'flux', dir };
  }
  if (isArgoApplication(e)) {
    const sources = [field(e.value, 'spec', 'source'), ...((field(e.value, 'spec', 'sources') as unknown[] | undefined) ?? [])];
    const dir = clean(sources.map((s) => str(field(s, 'path'))).find((p) => p !== undefined));
    return dir === undefined ? undefined : { entry: e, engine: 'argo', dir };
  }
  return undefined;
}

/** The output-relative directory of a repository path: its longest suffix the tree has files under. */
function outputDir(repoDir: string, dirs: ReadonlySet<string>): string | undefined {
  const parts = repoDir.split('/');
  for (let i = 0; i < parts.length; i++) {
    const candidate = parts.slice(i).join('/');
    if (dirs.has(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Every directory an owner applies: its path, and the directories its kustomization.yaml pulls
 * in (orrery's layers include `../../namespaces` and `../../secrets`), transitively.
 */
function appliedDirs(owner: Owner, files: ReadonlyMap<string, string>, dirs: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const start = outputDir(owner.dir, dirs);
  const visit = (dir: string): void => {
    if (out.has(dir)) return;
    out.add(dir);
    const k = files.get(`${dir}/kustomization.yaml`);
    if (k === undefined) return;
    const doc = entriesOf(`${dir}/kustomization.yaml`, k)[0]?.value;
    const resources = field(doc, 'resources');
    if (!Array.isArray(resources)) return;
    for (const r of resources) if (typeof r === 'string' && !/\.(ya?ml|json)$/.test(r)) visit(path.posix.normalize(path.posix.join(dir, r)));
  };
  if (start !== undefined) visit(start);
  return out;
}

function applies(owner: Owner, applied: ReadonlySet<string>, fileDir: string): boolean {
  if (applied.has(fileDir)) return true;
  return owner.recursive === true && fileDir.startsWith(`${owner.dir}/`);
}

/**
 * `<cluster>/flux/` is the path given to `flux bootstrap`, whose own Kustomization (flux-system,
 * written by bootstrap, not by orrery) applies it with `prune: true`
 * (fluxcd/flux2@v2.9.4:pkg/manifestgen/sync/sync.go).
 */
function bootstrapOwner(filePath: string): Owner | undefined {
  const m = /^([^/]+)\/flux\//.exec(filePath);
  if (!m) return undefined;
  const entry: Entry = { key: `${m[1]}|bootstrap`, group: m[1]!, path: `${m[1]}/flux/flux-system`, type: 'object', label: 'Kustomization flux-system/flux-system (flux bootstrap)', value: { spec: { prune: true } } };
  return { entry, engine: 'flux', dir: `${m[1]}/flux`, recursive: true };
}

const meta = (e: Entry, what: 'annotations' | 'labels', key: string): string | undefined => str(field(e.value, 'metadata', what, key));

function syncOptions(value: unknown): string[] {
  const a = str(field(value, 'metadata', 'annotations', ARGO_SYNC_OPTIONS));
  return a ? a.split(',').map((s) => s.trim()) : [];
}

/** Why deleting this object hurts, when it does: the kinds `--fail-on dangerous` stops on. */
export function protectedReason(e: Entry): string | undefined {
  const g = e.apiGroup;
  const k = e.kind;
  if (g === '' && k === 'Namespace') return 'deletes every object in the namespace';
  if (g === '' && k === 'PersistentVolumeClaim') return 'deletes the claim, and its volume when the reclaim policy is Delete (the default of dynamic provisioning)';
  if (g === 'apiextensions.k8s.io' && k === 'CustomResourceDefinition') return 'deletes every custom resource of this type';
  if (g === 'ceph.rook.io' && k === 'CephCluster') return 'tears down the Ceph cluster';
  if (g === 'ceph.rook.io' && (k === 'CephBlockPool' || k === 'CephFilesystem' || k === 'CephObjectStore')) return 'deletes the pool and its data';
  if (g === CAPI_GROUP && k === 'Cluster') return 'deletes the workload cluster and every machine of it';
  if (g === CAPI_GROUP && (k === 'MachineDeployment' || k === 'MachinePool' || k === 'MachineSet')) return `deletes its ${str(field(e.value, 'spec', 'replicas')) ?? ''} machines`.replace('  ', ' ');
  if (g === 'controlplane.cluster.x-k8s.io' && k === 'TalosControlPlane') return 'deletes every control-plane machine';
  const release = chartRelease(e);
  if (release && isCniChart(release.chart)) return `uninstalls the CNI (${release.chart}): pod networking stops`;
  return undefined;
}

interface Fate {
  readonly deleted: boolean;
  readonly how: string;
}

/**
 * What the GitOps engine does with an object that left git. Flux: a Kustomization with
 * `prune: true` deletes it, and so does deleting the Kustomization (deletionPolicy MirrorPrune
 * by default), except objects labelled or annotated `kustomize.toolkit.fluxcd.io/prune: disabled`
 * (fluxcd/kustomize-controller@v1.9.4: docs/spec/v1/kustomizations.md "Prune", "Deletion
 * policy"; internal/controller/kustomization_controller.go deleteObjects, used by prune and
 * finalize alike). Argo CD: automated sync with prune deletes it unless it carries
 * `Prune=false`; deleting an Application with the resources finalizer cascades to everything
 * it applied except CRDs, `Delete=false` and helm.sh/resource-policy: keep — `Prune=false`
 * does not protect there (argoproj/argo-cd@v3.5.1: controller/appcontroller.go shouldBeDeleted;
 * docs/user-guide/sync-options.md "No Resource Deletion"; docs/user-guide/app_deletion.md).
 */
function fateOf(e: Entry, owner: Owner, ownerGone: Fate | undefined): Fate {
  const ownerLabel = `${owner.engine === 'flux' ? 'Flux' : 'Argo CD'} ${owner.entry.label}`;
  if (owner.engine === 'flux') {
    const prune = field(owner.entry.value, 'spec', 'prune') === true;
    const policy = str(field(owner.entry.value, 'spec', 'deletionPolicy')) ?? 'MirrorPrune';
    const deletes = ownerGone ? ownerGone.deleted && (policy === 'Delete' || policy === 'WaitForTermination' || (policy === 'MirrorPrune' && prune)) : prune;
    if (!deletes) return { deleted: false, how: ownerGone ? `left in the cluster: ${ownerLabel} goes without garbage collection` : `left in the cluster: ${ownerLabel} has prune off` };
    if (meta(e, 'annotations', FLUX_PRUNE) === 'disabled' || meta(e, 'labels', FLUX_PRUNE) === 'disabled') {
      return { deleted: false, how: `left in the cluster: it carries ${FLUX_PRUNE}: disabled` };
    }
    return { deleted: true, how: ownerGone ? `deleted with ${ownerLabel} (it garbage-collects what it applied)` : `${ownerLabel} prunes it` };
  }
  const options = syncOptions(e.value);
  const appOptions = ((field(owner.entry.value, 'spec', 'syncPolicy', 'syncOptions') as unknown[] | undefined) ?? []).map(String);
  if (ownerGone) {
    const finalizers = ((field(owner.entry.value, 'metadata', 'finalizers') as unknown[] | undefined) ?? []).map(String);
    if (!ownerGone.deleted || !finalizers.some((f) => ARGO_FINALIZER.test(f))) return { deleted: false, how: `left in the cluster: ${ownerLabel} goes without cascading deletion` };
    const keep = options.includes('Delete=false') || (!options.some((o) => o.startsWith('Delete=')) && appOptions.includes('Delete=false'));
    if (keep || e.kind === 'CustomResourceDefinition' || meta(e, 'annotations', 'helm.sh/resource-policy') === 'keep') return { deleted: false, how: `left in the cluster when ${ownerLabel} is deleted (Delete=false, a CRD, or helm keep)` };
    return { deleted: true, how: `deleted with ${ownerLabel} (cascading deletion; Prune=false does not protect here)` };
  }
  const automatedPrune = field(owner.entry.value, 'spec', 'syncPolicy', 'automated', 'prune') === true;
  const prune = options.find((o) => o.startsWith('Prune=')) ?? appOptions.find((o) => o.startsWith('Prune='));
  if (prune === 'Prune=false') return { deleted: false, how: 'left in the cluster: it carries Prune=false (Argo CD shows it out of sync)' };
  if (prune === 'Prune=confirm') return { deleted: false, how: `${ownerLabel} waits for a confirmation before deleting it` };
  if (!automatedPrune) return { deleted: false, how: `${ownerLabel} prunes only on a manual sync with prune` };
  return { deleted: true, how: `${ownerLabel} prunes it` };
}

/** What Flux and Argo CD will delete: every object that left git, with the reason it goes or stays. */
export function pruneImpacts(ctx: ImpactContext): Impact[] {
  const removed = ctx.changes.flatMap((c) => (c.status === 'removed' ? [c.entry] : c.status === 'renamed' && c.previous ? [c.previous] : [])).filter((e) => e.type === 'object');
  if (removed.length === 0) return [];
  const owners = ctx.entries('before').flatMap((e) => {
    const o = ownerOf(e);
    return o ? [o] : [];
  });
  const removedKeys = new Set(removed.map((e) => e.key));
  const fates = new Map<string, Fate | undefined>();
  const dirs = new Set<string>();
  for (const p of ctx.before.keys()) for (let d = path.posix.dirname(p); d !== '.'; d = path.posix.dirname(d)) dirs.add(d);
  const applied = new Map(owners.map((o) => [o, appliedDirs(o, ctx.before, dirs)]));
  const ownerFor = (e: Entry): Owner | undefined => {
    const dir = path.posix.dirname(e.path);
    const own = owners.find((o) => applies(o, applied.get(o)!, dir));
    if (own) return own;
    const boot = bootstrapOwner(e.path);
    return boot && applies(boot, new Set([boot.dir]), dir) ? boot : undefined;
  };
  const resolveFate = (e: Entry, depth = 0): Fate | undefined => {
    if (fates.has(e.key)) return fates.get(e.key);
    const owner = ownerFor(e);
    if (!owner || depth > 8) return undefined;
    const ownerGone = removedKeys.has(owner.entry.key) ? resolveFate(owner.entry, depth + 1) : undefined;
    const f = fateOf(e, owner, ownerGone);
    fates.set(e.key, f);
    return f;
  };
  // Objects a removed Kustomization or Application applied go with it even if their files stay.
  const gone = [...removed];
  for (const e of ctx.entries('before')) {
    if (e.type !== 'object' || removedKeys.has(e.key)) continue;
    const owner = ownerFor(e);
    if (owner && removedKeys.has(owner.entry.key)) gone.push(e);
  }
  const out: Impact[] = [];
  const plain = new Map<string, string[]>();
  for (const e of gone.sort((a, b) => compareCodePoints(a.key, b.key))) {
    const fate = resolveFate(e);
    const danger = protectedReason(e);
    if (!fate) {
      if (danger) out.push({ group: e.group, area: 'prune', severity: 'warning', text: `${e.label} left the output, but no Flux Kustomization or Argo CD Application of this tree applies ${path.posix.dirname(e.path)}: check who owns it` });
      continue;
    }
    if (danger && fate.deleted) out.push({ group: e.group, area: 'prune', severity: 'dangerous', text: `PRUNES ${e.label}: ${danger} — ${fate.how}` });
    else if (danger) out.push({ group: e.group, area: 'prune', severity: 'warning', text: `${e.label} left git but stays — ${fate.how}; delete it by hand if that is the intent` });
    else {
      const key = `${e.group}\u0000${fate.deleted ? 'deleted' : fate.how}`;
      plain.set(key, [...(plain.get(key) ?? []), e.label]);
    }
  }
  for (const [key, labels] of plain) {
    const [group, how] = key.split('\u0000') as [string, string];
    out.push({ group, area: 'prune', severity: 'info', text: how === 'deleted' ? `prunes ${labels.length} object${labels.length > 1 ? 's' : ''}: ${listSome(labels)}` : `${listSome(labels)} — ${how}` });
  }
  return out;
}
