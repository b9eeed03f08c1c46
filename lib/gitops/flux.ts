import type { KubeBundle, KubeObject } from '../build/artifacts.ts';
import type { ClusterModel, FluxAlertsModel, Model } from '../model/model.ts';
import { compareCodePoints } from '../util/order.ts';
import { LAYERS, type Layer, type Release, type UpstreamManifests } from './component.ts';
import { fluxUpstreamObjects, upstreamName } from './upstream.ts';
import { clusterDirs, repoPath } from './layout.ts';
import type { Plan } from './plan.ts';
import { CNI_TIMEOUT } from './bootstrap.ts';
import { fluxAppKustomizations } from './apps.ts';

export const FLUX_NAMESPACE = 'flux-system';
/**
 * The GitRepository `flux bootstrap` creates (flux-system/flux-system, with its own credentials,
 * SSH or HTTPS/token): the layers read the same clone instead of a second source that polls the
 * same repository and can sit at another revision.
 */
export const BOOTSTRAP_SOURCE = { kind: 'GitRepository', name: FLUX_NAMESPACE } as const;
/** Deletion safety: kustomize-controller never garbage-collects an object with this annotation. */
export const FLUX_PRUNE_DISABLED = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } as const;
/** The decryption Secret users create from their own age key (never generated into git). */
export const SOPS_AGE_SECRET = 'sops-age';

export interface LayerContent {
  readonly objects: readonly KubeObject[];
  /** Kustomizations included in this layer's (namespaces, secrets). */
  readonly include: readonly string[];
  readonly holdsSecrets: boolean;
  /** The layer holds the CNI release: its health check waits longer than the release's own timeout. */
  readonly holdsCni?: boolean;
}

/** Longer than CNI_TIMEOUT, so that helm-controller, not the Kustomization, reports a slow rollout. */
export const CNI_LAYER_TIMEOUT = '20m';

function helmRepository(name: string, url: string): KubeObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: { name, namespace: FLUX_NAMESPACE },
    spec: { interval: '1h', url },
  };
}

/** Helm charts are the OCI artifact's layer of this media type (Helm's own OCI format). */
const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/**
 * A chart published as an OCI artifact: an OCIRepository pinned to the release's version (the
 * tag), which the HelmRelease reads through `chartRef` (helm-controller v1.6.3 CRD: chartRef kind
 * OCIRepository | HelmChart). No index to download, unlike an HTTP HelmRepository.
 */
function ociRepository(r: Release): KubeObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'OCIRepository',
    metadata: { name: ociSourceName(r), namespace: FLUX_NAMESPACE },
    spec: { interval: '12h', url: `${r.repository.url.replace(/\/$/, '')}/${r.chart}`, ref: { tag: r.version }, layerSelector: { mediaType: HELM_CHART_LAYER, operation: 'copy' } },
  };
}
const ociSourceName = (r: Release): string => `${r.repository.name}-${r.chart}`;
const isOci = (r: Release): boolean => r.repository.url.startsWith('oci://');

/**
 * The HelmReleases of one layer (a release's `layer`, default controllers); the controllers
 * layer also holds every chart source (HelmRepository, or OCIRepository for oci://). A dependency
 * in another namespace is named with its own namespace (HelmRelease `dependsOn[].namespace`
 * defaults to the dependent's).
 */
export function fluxReleaseObjects(plan: Plan, layer: Layer = 'controllers'): KubeObject[] {
  const repositories = new Map<string, KubeObject>();
  const releases: KubeObject[] = [];
  const namespaceOf = new Map(plan.components.flatMap(({ output }) => output.releases.map((r) => [r.name, r.namespace] as const)));
  for (const { output } of plan.components) {
    for (const r of output.releases) {
      const source = isOci(r) ? ociRepository(r) : helmRepository(r.repository.name, r.repository.url);
      repositories.set(`${source.kind}/${source.metadata.name}`, source);
      if ((r.layer ?? 'controllers') !== layer) continue;
      releases.push({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        // The CNI is never pruned: a renamed or removed layer would make helm-controller
        // uninstall it from every node, the controllers that could bring it back included.
        metadata: { name: r.name, namespace: r.namespace, ...(r.bootstrap ? { annotations: { ...FLUX_PRUNE_DISABLED } } : {}) },
        spec: {
          interval: '30m',
          releaseName: r.name,
          ...(r.bootstrap ? { timeout: CNI_TIMEOUT } : {}),
          ...(isOci(r)
            ? { chartRef: { kind: 'OCIRepository', name: ociSourceName(r), namespace: FLUX_NAMESPACE } }
            : { chart: { spec: { chart: r.chart, version: r.version, interval: '12h', sourceRef: { kind: 'HelmRepository', name: r.repository.name, namespace: FLUX_NAMESPACE } } } }),
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
 * directory for `flux bootstrap --path=<path>/<cluster>/flux`: its `orrery/` holds one
 * Kustomization per layer, reading bootstrap's own GitRepository; `flux-system/` is bootstrap's.
 * A cluster without layers gets no `orrery/` at all.
 */
export function fluxBundles(model: Model, cluster: ClusterModel, layers: ReadonlyMap<Layer, LayerContent>, upstream: readonly UpstreamManifests[] = []): KubeBundle[] {
  const dirs = clusterDirs(cluster.name);
  const bundles: KubeBundle[] = [];
  const source = cluster.source;
  const present = LAYERS.filter((l) => layers.has(l));
  const layerDir = (l: Layer): string => (l === 'apps' ? `${cluster.name}/apps` : l === 'controllers' ? dirs.controllers : dirs.configs);
  for (const layer of present) {
    const content = layers.get(layer)!;
    bundles.push({ dir: layerDir(layer), source, objects: content.objects, include: content.include });
  }
  if (present.length === 0 && cluster.apps.length === 0) return bundles;
  // Upstream manifests (CRD bundles) come first: the first layer waits for them.
  const upstreamNames = upstream.map((m) => ({ name: upstreamName(cluster.name, m) }));
  const entry: KubeObject[] = [...fluxUpstreamObjects(cluster, upstream, FLUX_NAMESPACE)];
  entry.push(...present.map((layer, i) => {
    const content = layers.get(layer)!;
    return {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: kustomizationName(cluster.name, layer), namespace: FLUX_NAMESPACE },
      spec: {
        interval: '10m',
        retryInterval: '1m',
        timeout: content.holdsCni ? CNI_LAYER_TIMEOUT : '10m',
        sourceRef: { ...BOOTSTRAP_SOURCE },
        path: repoPath(model, layerDir(layer)),
        prune: true,
        wait: true,
        ...(i > 0 ? { dependsOn: [{ name: kustomizationName(cluster.name, present[i - 1]!) }] } : upstreamNames.length > 0 ? { dependsOn: upstreamNames } : {}),
        ...(content.holdsSecrets ? { decryption: { provider: 'sops', secretRef: { name: SOPS_AGE_SECRET } } } : {}),
      },
    } as KubeObject;
  }));
  // The operator's own directories come after every platform layer.
  const last = present.at(-1);
  entry.push(...fluxAppKustomizations(cluster, { namespace: FLUX_NAMESPACE, sourceRef: BOOTSTRAP_SOURCE, ...(last ? { after: kustomizationName(cluster.name, last) } : {}) }));
  const alerts = model.constellation.gitops.flux.alerts;
  if (alerts) entry.push(...alertObjects(alerts, present.flatMap((l) => layers.get(l)!.objects)));
  bundles.push({ dir: `${dirs.flux}/orrery`, source, objects: entry });
  return bundles;
}

export const ALERTS_NAME = 'orrery';

/**
 * gitops.flux.alerts: a Provider and an Alert (notification.toolkit.fluxcd.io/v1beta3, the API of
 * notification-controller v1.9) that send every error event of this cluster's Kustomizations,
 * HelmReleases and sources. An event source without `namespace` means the Alert's own
 * (flux-system): HelmReleases are selected in each namespace that holds one
 * (notification-controller v1.9.3 docs/spec/v1beta3/alerts.md, "Event sources").
 */
function alertObjects(alerts: FluxAlertsModel, objects: readonly KubeObject[]): KubeObject[] {
  const releaseNamespaces = [...new Set(objects.filter((o) => o.kind === 'HelmRelease').map((o) => o.metadata.namespace!))].sort(compareCodePoints);
  return [
    {
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Provider',
      metadata: { name: ALERTS_NAME, namespace: FLUX_NAMESPACE },
      spec: {
        type: alerts.provider,
        ...(alerts.channel ? { channel: alerts.channel } : {}),
        ...(alerts.address ? { address: alerts.address } : {}),
        ...(alerts.secret ? { secretRef: { name: alerts.secret } } : {}),
      },
    },
    {
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Alert',
      metadata: { name: ALERTS_NAME, namespace: FLUX_NAMESPACE },
      spec: {
        providerRef: { name: ALERTS_NAME },
        eventSeverity: 'error',
        eventSources: [
          { kind: 'GitRepository', name: '*' },
          { kind: 'HelmRepository', name: '*' },
          { kind: 'Kustomization', name: '*' },
          ...releaseNamespaces.map((namespace) => ({ kind: 'HelmRelease', name: '*', namespace })),
        ],
      },
    },
  ];
}
