import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Model } from '../model/model.ts';
import type { Registry } from '../registry.ts';
import type { OperatorSecret } from '../secrets/operator-secrets.ts';
import type { SecretRequirement } from '../secrets/requirements.ts';
import type { SecretCheck } from '../secrets/verify-stored.ts';
import { cdk8s } from '../k8s/cdk8s.ts';
import { createRenderer } from '../output/render.ts';
import { contentHash } from '../output/content-hash.ts';
import type { Artifacts } from './artifacts.ts';
import { clusterKey, secretsRead, secretsUnchanged, type ClusterCache, type ClusterCacheEntry } from './cluster-cache.ts';
import { RecordingMap } from '../secrets/recorded-secrets.ts';
import { clusterView, viewIndex } from './cluster-view.ts';

export interface BuildInput {
  readonly model: Model;
  readonly registry: Registry;
  readonly secrets: ReadonlyMap<string, string>;
  readonly requirements: readonly SecretRequirement[];
  readonly secretChecks?: ReadonlyMap<string, SecretCheck>;
  /**
   * The previous synth's entries (already checked against the output on disk) and orrery's code
   * fingerprint: a cluster whose key and Secrets match is not built. Absent: every cluster is
   * built and no entries are made (check, tests).
   */
  /** The last synth's entries, and each cluster's key when made beforehand (clusterKeys: synth makes them while the entries load). */
  readonly cache?: { readonly entries: ClusterCache; readonly fingerprint: string; readonly keys?: ReadonlyMap<string, string> };
  /** Build every cluster from the whole model instead of its view (the test that views lose nothing). */
  readonly wholeModel?: boolean;
  /**
   * Build only one shard: the clusters whose position modulo `count` is `index`, and the fleet-wide
   * files with shard 0. The shards' files are disjoint and their union is the whole output (the
   * shape of synth across worker threads or CI jobs: bench/shape.ts).
   */
  readonly shard?: { readonly index: number; readonly count: number };
}

export interface BuiltOutput {
  /** The files rendered by this run. */
  readonly files: Map<string, string>;
  /** Files of clusters taken from the cache: on disk as the output index recorded them, not rendered. */
  readonly known: Set<string>;
  readonly diagnostics: Diagnostic[];
  readonly referencedSecrets: OperatorSecret[];
  readonly notices: string[];
  /** Namespaces each cluster's tree creates. */
  readonly created: Map<string, string[]>;
  /** The entries for the next run (every cluster, when a cache was given). */
  readonly entries: Map<string, ClusterCacheEntry>;
  /** The clusters built (not taken from the cache), in order. */
  readonly built: string[];
  /** With a cache: the hash of each cluster file rendered (contentHash), for the writer's index (computed once). */
  readonly hashes: Map<string, string>;
}

const clash = (path: string): Diagnostic => ({ severity: 'error', file: path, line: 1, col: 1, pointer: '', rule: 'output/path-clash', message: 'two generators write this file' });

/** A requirement goes to the tree of the cluster that carries it (a Cluster API cluster's Secrets: its manager's). */
function requirementsByTree(requirements: readonly SecretRequirement[]): Map<string, SecretRequirement[]> {
  const out = new Map<string, SecretRequirement[]>();
  for (const r of requirements) {
    const to = r.deliveredTo ?? r.cluster;
    out.set(to, [...(out.get(to) ?? []), r]);
  }
  return out;
}

/**
 * Each cluster's cache key, as buildClusters makes it (its view and the requirements it delivers:
 * clusterKey). Pure; synth makes them while the last synth's entries are still loading.
 */
export function clusterKeys(model: Model, requirements: readonly SecretRequirement[], fingerprint: string): Map<string, string> {
  const requirementsOf = requirementsByTree(requirements);
  const index = viewIndex(model);
  return new Map(model.clusters.map((c) => [c.name, clusterKey(fingerprint, clusterView(model, c.name, index).model, requirementsOf.get(c.name) ?? [])]));
}

/**
 * Runs the components: the fleet-wide ones, then each cluster's on the cluster's view of the
 * model (cluster-view.ts), each cluster's part rendered right after it is built so that its
 * objects are garbage before the next cluster (peak memory at 1000 clusters). A cluster whose
 * cache entry still holds is skipped whole. Pure.
 */
export function buildClusters(input: BuildInput): BuiltOutput {
  const { model, registry, secrets, secretChecks, cache } = input;
  const out: BuiltOutput = { files: new Map(), known: new Set(), diagnostics: [], referencedSecrets: [], notices: [], created: new Map(), entries: new Map(), built: [], hashes: new Map() };
  const take = (files: ReadonlyMap<string, string>): void => {
    for (const [path, content] of files) {
      if (out.files.has(path) || out.known.has(path)) out.diagnostics.push(clash(path));
      else out.files.set(path, content);
    }
  };
  // What a cluster's build says, the same whether it just ran or comes from the cache.
  const absorb = (name: string, entry: ClusterCacheEntry): void => {
    out.diagnostics.push(...entry.diagnostics);
    out.referencedSecrets.push(...entry.referencedSecrets);
    out.notices.push(...entry.notices);
    for (const [c, ns] of entry.namespaces) out.created.set(c, [...(out.created.get(c) ?? []), ns]);
    if (cache) out.entries.set(name, entry);
  };
  const fleet = createRenderer();
  const fleetParts = !input.shard || input.shard.index === 0 ? registry.constellation.map((c) => c.build(model)) : [];
  for (const p of fleetParts) fleet.add(p);
  const fleetRendered = fleet.finish();
  out.diagnostics.push(...fleetRendered.diagnostics);
  take(fleetRendered.files);
  for (const p of fleetParts) {
    out.diagnostics.push(...(p.diagnostics ?? []));
    out.referencedSecrets.push(...(p.referencedSecrets ?? []));
    out.notices.push(...(p.notices ?? []));
  }

  const requirementsOf = requirementsByTree(input.requirements);
  const index = viewIndex(model);
  const viewOf = (name: string): Model => (input.wholeModel ? model : clusterView(model, name, index).model);
  for (const [position, cluster] of model.clusters.entries()) {
    if (input.shard && position % input.shard.count !== input.shard.index) continue;
    const requirements = requirementsOf.get(cluster.name) ?? [];
    const given = input.wholeModel ? undefined : cache?.keys?.get(cluster.name);
    let view: Model | undefined;
    const key = !cache ? '' : (given ?? clusterKey(cache.fingerprint, (view = viewOf(cluster.name)), requirements));
    const prior = cache?.entries.get(cluster.name);
    if (prior && prior.key === key && secretsUnchanged(prior, secrets, secretChecks) && prior.files.every(([f]) => !out.files.has(f) && !out.known.has(f))) {
      for (const [f] of prior.files) out.known.add(f);
      absorb(cluster.name, prior);
      continue;
    }
    view ??= viewOf(cluster.name);
    out.built.push(cluster.name);
    const recordedSecrets = new RecordingMap(secrets);
    const recordedChecks = secretChecks ? new RecordingMap(secretChecks) : undefined;
    // cdk8s is loaded only when a cluster is built (a synth with nothing changed never loads it).
    const app = new (cdk8s().App)({ outdir: 'cdk8s.out' });
    const ctx = { model: view, cluster, app, secrets: recordedSecrets, secretRequirements: requirements, platform: registry.platform, ...(recordedChecks ? { secretChecks: recordedChecks } : {}) };
    const renderer = createRenderer();
    const parts: Artifacts[] = [];
    const namespaces: [string, string][] = [];
    for (const component of registry.cluster) {
      const part = component.build(ctx);
      for (const b of part.bundles) {
        const holder = b.dir.slice(0, b.dir.indexOf('/'));
        for (const o of b.objects) if (o.kind === 'Namespace') namespaces.push([holder, o.metadata.name]);
      }
      renderer.add(part);
      // Only the findings outlive the turn: the objects are rendered and dropped.
      parts.push({ bundles: [], files: [], diagnostics: part.diagnostics ?? [], referencedSecrets: part.referencedSecrets ?? [], notices: part.notices ?? [] });
    }
    const rendered = renderer.finish();
    take(rendered.files);
    const hashed = cache ? [...rendered.files].map(([f, content]) => [f, contentHash(content)] as const) : [];
    for (const [f, h] of hashed) out.hashes.set(f, h);
    absorb(cluster.name, {
      key,
      // (hashes and the Secrets read only matter to a cache: not computed without one)
      secrets: cache ? secretsRead(recordedSecrets, recordedChecks) : [],
      files: hashed,
      diagnostics: [...parts.flatMap((p) => p.diagnostics ?? []), ...rendered.diagnostics],
      referencedSecrets: parts.flatMap((p) => p.referencedSecrets ?? []),
      notices: parts.flatMap((p) => p.notices ?? []),
      namespaces,
    });
  }
  return out;
}
