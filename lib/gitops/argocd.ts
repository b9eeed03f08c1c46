import type { KubeBundle, KubeObject } from '../build/artifacts.ts';
import type { FileArtifact } from '../build/artifacts.ts';
import type { ClusterModel, Model } from '../model/model.ts';
import type { Release, UpstreamManifests } from './component.ts';
import { argoUpstreamApplications } from './upstream.ts';
import { clusterDirs, repoPath } from './layout.ts';

export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** Sync waves: namespaces, then secrets, then controllers (releases ordered by dependency), configs, apps. */
export const WAVES = { namespaces: -20, secrets: -10, controllers: 0, configs: 10, apps: 20 } as const;

/**
 * Where Argo CD runs: on the management cluster when the constellation has one (it then reaches
 * the others through their API endpoints), otherwise on each cluster itself.
 */
export function argoDestination(model: Model, cluster: ClusterModel): { server: string } | { name: string } {
  const host = model.clusters.find((c) => c.role === 'management');
  if (!host || host.name === cluster.name) return { server: IN_CLUSTER };
  return cluster.endpoint.url ? { server: cluster.endpoint.url } : { name: cluster.name };
}

const gitPath = (model: Model, rel: string): string => repoPath(model, rel).replace(/^\.\//, '');

function application(model: Model, cluster: ClusterModel, name: string, wave: number, source: Record<string, unknown>, namespace: string | undefined): KubeObject {
  const a = model.constellation.gitops.argocd;
  // Custom resources whose CRDs come from a sibling Application (an earlier wave) cannot be
  // dry-run before those CRDs exist: the sync option skips the dry run for them (Argo CD
  // sync-options "Skip Dry Run for new custom resources types").
  const syncOptions = ['CreateNamespace=true', 'ServerSideApply=true', ...(wave >= WAVES.configs ? ['SkipDryRunOnMissingResource=true'] : [])];
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: a.namespace,
      annotations: { 'argocd.argoproj.io/sync-wave': String(wave) },
      // Deleting the Application deletes what it deployed (app-of-apps cascade).
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: a.project,
      source,
      destination: { ...argoDestination(model, cluster), ...(namespace ? { namespace } : {}) },
      syncPolicy: { ...(a.automated ? { automated: { prune: a.prune, selfHeal: a.selfHeal } } : {}), syncOptions },
    },
  };
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
  readonly directories: readonly { readonly name: string; readonly dir: string; readonly wave: number }[];
}

/**
 * App of apps per cluster: `<cluster>/argocd/` holds the root Application (apply it once with
 * `kubectl apply -k`), `apps/` one child per Helm release (values inline as valuesObject) and per
 * plain directory, ordered by sync waves; `cluster.json` feeds the fleet's ApplicationSet.
 */
export function argoArtifacts(model: Model, cluster: ClusterModel, input: ArgoInput): { bundles: KubeBundle[]; files: FileArtifact[] } {
  const dirs = clusterDirs(cluster.name);
  const git = model.constellation.gitops;
  const source = cluster.source;
  const depth = depths(input.releases);
  const children: KubeObject[] = [
    ...argoUpstreamApplications(model, cluster, input.manifests ?? [], argoDestination(model, cluster)),
    ...input.directories.map((d) => application(model, cluster, `${cluster.name}-${d.name}`, d.wave, { repoURL: git.url, targetRevision: git.branch, path: gitPath(model, d.dir) }, undefined)),
    ...input.releases.map((r) =>
      application(
        model,
        cluster,
        `${cluster.name}-${r.name}`,
        WAVES[r.layer ?? 'controllers'] + depth.get(r.name)!,
        { repoURL: r.repository.url.replace(/^oci:\/\//, ''), chart: r.chart, targetRevision: r.version, helm: { releaseName: r.name, valuesObject: r.values } },
        r.namespace,
      ),
    ),
  ];
  const root: KubeObject = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: `${cluster.name}-root`, namespace: git.argocd.namespace },
    spec: {
      project: git.argocd.project,
      source: { repoURL: git.url, targetRevision: git.branch, path: gitPath(model, `${dirs.argocd}/apps`) },
      destination: { server: IN_CLUSTER, namespace: git.argocd.namespace },
      syncPolicy: git.argocd.automated ? { automated: { prune: git.argocd.prune, selfHeal: git.argocd.selfHeal } } : {},
    },
  };
  const clusterJson = {
    name: cluster.name,
    ...argoDestination(model, cluster),
    repoURL: git.url,
    targetRevision: git.branch,
    path: gitPath(model, `${dirs.argocd}/apps`),
  };
  return {
    bundles: [
      { dir: `${dirs.argocd}/apps`, source, objects: children },
      { dir: dirs.argocd, source, objects: [root] },
    ],
    files: [{ path: `${dirs.argocd}/cluster.json`, source, content: `${JSON.stringify(clusterJson, null, 2)}\n` }],
  };
}

/** One ApplicationSet for the fleet: a root Application per `cluster.json` (git files generator). */
export function argoApplicationSet(model: Model): KubeObject {
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
          source: { repoURL: '{{.repoURL}}', targetRevision: '{{.targetRevision}}', path: '{{.path}}' },
          destination: { server: IN_CLUSTER, namespace: git.argocd.namespace },
          syncPolicy: git.argocd.automated ? { automated: { prune: git.argocd.prune, selfHeal: git.argocd.selfHeal } } : {},
        },
      },
    },
  };
}
