import type { KubeBundle, KubeObject } from '../build/artifacts.ts';
import type { ClusterModel, Model } from '../model/model.ts';
import { LAYERS, type Layer, type UpstreamManifests } from './component.ts';
import { fluxUpstreamObjects, upstreamName } from './upstream.ts';
import { clusterDirs, repoPath } from './layout.ts';
import type { Plan } from './plan.ts';

export const FLUX_NAMESPACE = 'flux-system';
/** The decryption Secret users create from their own age key (never generated into git). */
export const SOPS_AGE_SECRET = 'sops-age';

export interface LayerContent {
  readonly objects: readonly KubeObject[];
  /** Kustomizations included in this layer's (namespaces, secrets). */
  readonly include: readonly string[];
  readonly holdsSecrets: boolean;
}

function helmRepository(name: string, url: string): KubeObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: { name, namespace: FLUX_NAMESPACE },
    spec: { interval: '1h', url, ...(url.startsWith('oci://') ? { type: 'oci' } : {}) },
  };
}

/**
 * The HelmReleases of one layer (a release's `layer`, default controllers); the controllers
 * layer also holds every HelmRepository. A dependency in another namespace is named with its
 * own namespace (HelmRelease `dependsOn[].namespace` defaults to the dependent's).
 */
export function fluxReleaseObjects(plan: Plan, layer: Layer = 'controllers'): KubeObject[] {
  const repositories = new Map<string, KubeObject>();
  const releases: KubeObject[] = [];
  const namespaceOf = new Map(plan.components.flatMap(({ output }) => output.releases.map((r) => [r.name, r.namespace] as const)));
  for (const { output } of plan.components) {
    for (const r of output.releases) {
      repositories.set(r.repository.name, helmRepository(r.repository.name, r.repository.url));
      if ((r.layer ?? 'controllers') !== layer) continue;
      releases.push({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: r.name, namespace: r.namespace },
        spec: {
          interval: '30m',
          releaseName: r.name,
          chart: { spec: { chart: r.chart, version: r.version, interval: '12h', sourceRef: { kind: 'HelmRepository', name: r.repository.name, namespace: FLUX_NAMESPACE } } },
          install: { crds: 'CreateReplace', remediation: { retries: 3 } },
          upgrade: { crds: 'CreateReplace', cleanupOnFail: true, remediation: { retries: 3, remediateLastFailure: true } },
          ...(r.dependsOn?.length ? { dependsOn: r.dependsOn.map((name) => ({ name, namespace: namespaceOf.get(name) ?? r.namespace })) } : {}),
          values: r.values,
        },
      });
    }
  }
  return [...(layer === 'controllers' ? repositories.values() : []), ...releases];
}

/** Flux Kustomization names: one per layer, prefixed with the cluster (several clusters can share one Flux). */
export function kustomizationName(cluster: string, layer: Layer): string {
  return `${cluster}-${layer === 'apps' ? 'apps' : `infra-${layer}`}`;
}

/**
 * The Flux side of one cluster: layer directories with their kustomization.yaml, and the entry
 * directory for `flux bootstrap --path=<path>/<cluster>/flux` (its `orrery/` holds the
 * GitRepository from the spec and one Kustomization per layer; `flux-system/` is bootstrap's).
 */
export function fluxBundles(model: Model, cluster: ClusterModel, layers: ReadonlyMap<Layer, LayerContent>, upstream: readonly UpstreamManifests[] = []): KubeBundle[] {
  const dirs = clusterDirs(cluster.name);
  const bundles: KubeBundle[] = [];
  const source = cluster.source;
  const git = model.constellation.gitops;
  const sourceName = model.constellation.name;
  const present = LAYERS.filter((l) => layers.has(l));
  const layerDir = (l: Layer): string => (l === 'apps' ? `${cluster.name}/apps` : l === 'controllers' ? dirs.controllers : dirs.configs);
  for (const layer of present) {
    const content = layers.get(layer)!;
    bundles.push({ dir: layerDir(layer), source, objects: content.objects, include: content.include });
  }
  const entry: KubeObject[] = [
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: sourceName, namespace: FLUX_NAMESPACE },
      spec: {
        interval: '1m',
        url: git.url,
        ref: { branch: git.branch },
        // flux bootstrap stores its deploy key in the flux-system Secret; ssh URLs reuse it.
        ...(git.url.startsWith('ssh://') ? { secretRef: { name: FLUX_NAMESPACE } } : {}),
      },
    },
  ];
  // Upstream manifests (CRD bundles) come first: the first layer waits for them.
  entry.push(...fluxUpstreamObjects(cluster, upstream, FLUX_NAMESPACE));
  const upstreamNames = upstream.map((m) => ({ name: upstreamName(cluster.name, m) }));
  present.forEach((layer, i) => {
    const content = layers.get(layer)!;
    entry.push({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: kustomizationName(cluster.name, layer), namespace: FLUX_NAMESPACE },
      spec: {
        interval: '10m',
        retryInterval: '1m',
        timeout: '10m',
        sourceRef: { kind: 'GitRepository', name: sourceName },
        path: repoPath(model, layerDir(layer)),
        prune: true,
        wait: true,
        ...(i > 0 ? { dependsOn: [{ name: kustomizationName(cluster.name, present[i - 1]!) }] } : upstreamNames.length > 0 ? { dependsOn: upstreamNames } : {}),
        ...(content.holdsSecrets ? { decryption: { provider: 'sops', secretRef: { name: SOPS_AGE_SECRET } } } : {}),
      },
    });
  });
  bundles.push({ dir: `${dirs.flux}/orrery`, source, objects: entry });
  return bundles;
}
