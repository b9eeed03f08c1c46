import type { KubeBundle, KubeObject } from '../build/artifacts.ts';
import type { FileArtifact } from '../build/artifacts.ts';
import type { ClusterModel, Model } from '../model/model.ts';
import type { Release, UpstreamManifests } from './component.ts';
import { UPSTREAM_WAVE } from './upstream.ts';
import { clusterDirs, repoPath } from './layout.ts';
import { compareCodePoints } from '../util/order.ts';

export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** Sync waves: namespaces, then secrets, then controllers (releases ordered by dependency), configs, apps. */
export const WAVES = { project: -30, namespaces: -20, secrets: -10, controllers: 0, configs: 10, apps: 20 } as const;

/**
 * Where Argo CD runs: on the management cluster when the constellation has one (a hub that
 * reaches the others through their API endpoints), otherwise on each cluster itself.
 */
export function argoHub(model: Model): ClusterModel | undefined {
  return model.clusters.find((c) => c.role === 'management');
}

export function argoDestination(model: Model, cluster: ClusterModel): { server: string } | { name: string } {
  const host = argoHub(model);
  if (!host || host.name === cluster.name) return { server: IN_CLUSTER };
  return cluster.endpoint.url ? { server: cluster.endpoint.url } : { name: cluster.name };
}

const gitPath = (model: Model, rel: string): string => repoPath(model, rel).replace(/^\.\//, '');

/**
 * Automated sync "will not reattempt a sync if the previous sync attempt against the same
 * commit-SHA and parameters had failed" (argo-cd v3.5.1 docs/user-guide/auto_sync.md): a child
 * that first syncs before its CRDs exist must retry, with backoff, until its siblings are there.
 */
export const RETRY = { limit: -1, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } } as const;

/** Deleting the Application deletes what it deployed (app-of-apps cascade). */
const CASCADE = 'resources-finalizer.argocd.argoproj.io';

function syncPolicy(model: Model, syncOptions?: readonly string[], prune = true): Record<string, unknown> {
  const a = model.constellation.gitops.argocd;
  return {
    ...(a.automated ? { automated: { prune: a.prune && prune, selfHeal: a.selfHeal } } : {}),
    ...(syncOptions ? { syncOptions: [...syncOptions] } : {}),
    retry: structuredClone(RETRY) as unknown as Record<string, unknown>,
  };
}

interface ChildOptions {
  readonly name: string;
  readonly wave: number;
  readonly source: Record<string, unknown>;
  readonly namespace?: string;
  /** Deleting the Application leaves its resources in place (the CNI: deleting it cuts every node off). */
  readonly keepResources?: boolean;
  /** Its custom resources' CRDs come from a sibling Application synced in an earlier wave. */
  readonly crdsFromSiblings?: boolean;
  /** Automated sync may prune (default true, if the spec allows pruning at all). */
  readonly prune?: boolean;
  /** Sync options in place of the default ones. */
  readonly syncOptions?: readonly string[];
}

function application(model: Model, cluster: ClusterModel, o: ChildOptions): KubeObject {
  const a = model.constellation.gitops.argocd;
  // SkipDryRunOnMissingResource: the dry run of a custom resource fails while its CRD is not
  // installed yet (argo-cd v3.5.1 docs/user-guide/sync-options.md, "Skip Dry Run for new custom resources types").
  // A release in the configs wave or later (Linkerd's control plane after its webhook
  // certificates) creates custom resources of its siblings' CRDs too.
  const skipDryRun = o.crdsFromSiblings === true || o.wave >= WAVES.configs;
  const syncOptions = o.syncOptions ?? ['CreateNamespace=true', 'ServerSideApply=true', ...(skipDryRun ? ['SkipDryRunOnMissingResource=true'] : [])];
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: o.name,
      namespace: a.namespace,
      annotations: { 'argocd.argoproj.io/sync-wave': String(o.wave) },
      ...(o.keepResources ? {} : { finalizers: [CASCADE] }),
    },
    spec: {
      project: childProject(model, cluster),
      source: o.source,
      destination: { ...argoDestination(model, cluster), ...(o.namespace ? { namespace: o.namespace } : {}) },
      syncPolicy: syncPolicy(model, syncOptions, o.prune ?? true),
    },
  };
}

/**
 * Upstream manifests (CRD bundles) as an Application in a wave before the controllers.
 * Server-side apply: the largest Gateway API CRD (HTTPRoute, 429 kB in v1.6.1) exceeds the
 * 256 kB last-applied annotation of client-side apply. Manifests that are never pruned get no
 * cascading finalizer either: deleting the Application must not delete the CRDs (and with them
 * every Gateway and route).
 */
function upstreamApplication(model: Model, cluster: ClusterModel, m: UpstreamManifests): KubeObject {
  return application(model, cluster, {
    name: `${cluster.name}-${m.name}`,
    wave: UPSTREAM_WAVE,
    source: { repoURL: m.url, targetRevision: m.tag, path: m.path },
    keepResources: !m.prune,
    prune: m.prune,
    syncOptions: ['ServerSideApply=true'],
  });
}

/** A hub gives every cluster its own AppProject (its destination only); a per-cluster Argo CD uses the spec's project. */
function childProject(model: Model, cluster: ClusterModel): string {
  return argoHub(model) ? cluster.name : model.constellation.gitops.argocd.project;
}

/** Dependency depth of each release inside its cluster: a release waits one wave per level. */
function depths(releases: readonly Release[]): Map<string, number> {
  const byName = new Map(releases.map((r) => [r.name, r]));
  const memo = new Map<string, number>();
  const depth = (r: Release): number => {
    if (memo.has(r.name)) return memo.get(r.name)!;
    const d = Math.max(-1, ...(r.dependsOn ?? []).map((n) => (byName.get(n) ? depth(byName.get(n)!) : -1))) + 1;
    memo.set(r.name, d);
    return d;
  };
  for (const r of releases) depth(r);
  return memo;
}

export interface ArgoInput {
  readonly releases: readonly Release[];
  /** Upstream manifests (CRD bundles), applied before the Secrets and controllers. */
  readonly manifests?: readonly UpstreamManifests[];
  /** Plain directories Argo CD syncs, with their wave. */
  readonly directories: readonly { readonly name: string; readonly dir: string; readonly wave: number; readonly crdsFromSiblings?: boolean; readonly fromRepoRoot?: boolean }[];
}

/** Argo CD Helm sources name an OCI registry without its scheme. */
const argoRepoURL = (r: Release): string => r.repository.url.replace(/^oci:\/\//, '');

/**
 * On a hub: the cluster's AppProject. It allows the repository, the charts and the upstream
 * manifests this cluster uses, and only this cluster as destination, so one cluster's Applications cannot deploy
 * into another. Synced first by the cluster's root Application (wave below every child).
 */
function appProject(model: Model, cluster: ClusterModel, releases: readonly Release[], manifests: readonly UpstreamManifests[]): KubeObject {
  const git = model.constellation.gitops;
  const repos = [...new Set([git.url, ...releases.map(argoRepoURL), ...manifests.map((m) => m.url)])].sort(compareCodePoints);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: cluster.name, namespace: git.argocd.namespace, annotations: { 'argocd.argoproj.io/sync-wave': String(WAVES.project) } },
    spec: {
      description: `orrery: the Applications of cluster ${cluster.name}`,
      sourceRepos: repos,
      destinations: [{ ...argoDestination(model, cluster), namespace: '*' }],
      // The platform installs CRDs, ClusterRoles, webhooks and Namespaces.
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
    },
  };
}

/**
 * App of apps per cluster: `apps/` holds one child per Helm release (values inline as
 * valuesObject) and per plain directory, ordered by sync waves. A per-cluster Argo CD gets its
 * root Application in `<cluster>/argocd/` (apply it once with `kubectl apply -k`); on a hub the
 * fleet ApplicationSet makes the roots from each `cluster.json`, and `apps/` starts with the
 * cluster's AppProject.
 */
export function argoArtifacts(model: Model, cluster: ClusterModel, input: ArgoInput): { bundles: KubeBundle[]; files: FileArtifact[] } {
  const dirs = clusterDirs(cluster.name);
  const git = model.constellation.gitops;
  const source = cluster.source;
  const depth = depths(input.releases);
  const hub = argoHub(model);
  const children: KubeObject[] = [
    ...(hub ? [appProject(model, cluster, input.releases, input.manifests ?? [])] : []),
    ...(input.manifests ?? []).map((m) => upstreamApplication(model, cluster, m)),
    ...input.directories.map((d) =>
      application(model, cluster, { name: `${cluster.name}-${d.name}`, wave: d.wave, source: { repoURL: git.url, targetRevision: git.branch, path: d.fromRepoRoot ? d.dir : gitPath(model, d.dir) }, crdsFromSiblings: d.crdsFromSiblings }),
    ),
    ...input.releases.map((r) =>
      application(model, cluster, {
        name: `${cluster.name}-${r.name}`,
        wave: WAVES[r.layer ?? 'controllers'] + depth.get(r.name)!,
        source: { repoURL: argoRepoURL(r), chart: r.chart, targetRevision: r.version, helm: { releaseName: r.name, valuesObject: r.values } },
        namespace: r.namespace,
        keepResources: r.bootstrap === true,
      }),
    ),
  ];
  const appsPath = gitPath(model, `${dirs.argocd}/apps`);
  const bundles: KubeBundle[] = [{ dir: `${dirs.argocd}/apps`, source, objects: children }];
  if (hub) {
    // The ApplicationSet's git files generator reads this; `path` is a reserved parameter there.
    const clusterJson = { name: cluster.name, repoURL: git.url, targetRevision: git.branch, appsPath };
    return { bundles, files: [{ path: `${dirs.argocd}/cluster.json`, source, content: `${JSON.stringify(clusterJson, null, 2)}\n` }] };
  }
  const root: KubeObject = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: `${cluster.name}-root`, namespace: git.argocd.namespace },
    spec: {
      project: git.argocd.project,
      source: { repoURL: git.url, targetRevision: git.branch, path: appsPath },
      destination: { server: IN_CLUSTER, namespace: git.argocd.namespace },
      syncPolicy: syncPolicy(model),
    },
  };
  return { bundles: [...bundles, { dir: dirs.argocd, source, objects: [root] }], files: [] };
}

/**
 * The hub's ApplicationSet: a root Application per `cluster.json` (git files generator), on the
 * hub itself (the roots hold child Application objects; the children target each cluster).
 * In goTemplate mode the generator copies the file's keys and then sets `path` to its own map
 * (path, basename, filename, segments…): argo-cd v3.5.1 applicationset/generators/git.go
 * generateParamsFromGitFile. The apps directory is therefore `appsPath`, never `path`.
 * Without a hub there is none: each cluster's Argo CD applies its own root.
 */
export function argoApplicationSet(model: Model): KubeObject | undefined {
  if (!argoHub(model)) return undefined;
  const git = model.constellation.gitops;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: model.constellation.name, namespace: git.argocd.namespace },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ git: { repoURL: git.url, revision: git.branch, files: [{ path: gitPath(model, '*/argocd/cluster.json') }] } }],
      template: {
        metadata: { name: '{{.name}}-root' },
        spec: {
          project: git.argocd.project,
          source: { repoURL: '{{.repoURL}}', targetRevision: '{{.targetRevision}}', path: '{{.appsPath}}' },
          destination: { server: IN_CLUSTER, namespace: git.argocd.namespace },
          syncPolicy: syncPolicy(model),
        },
      },
    },
  };
}
