import { fluxAppKustomizations } from './apps.ts';
import type { KubeBundle, KubeObject } from '../build/artifacts.ts';
import type { ClusterModel, Model } from '../model/model.ts';
import { LAYERS, type Layer, type UpstreamManifests } from './component.ts';
import { BOOTSTRAP_SOURCE, CNI_LAYER_TIMEOUT, FLUX_NAMESPACE, fluxBundles, kustomizationName, type LayerContent } from './flux.ts';
import { clusterDirs, repoPath } from './layout.ts';
import { fluxUpstreamObjects, upstreamName } from './upstream.ts';

/** Objects that only Flux's own controllers act on: they stay on the management cluster. */
const FLUX_KINDS = new Set(['HelmRelease', 'HelmRepository', 'OCIRepository']);

export interface RemoteFluxInput {
  readonly model: Model;
  /** The workload cluster. */
  readonly cluster: ClusterModel;
  /** Its management cluster, whose Flux reconciles it. */
  readonly manager: string;
  /** The layers as a cluster's own Flux would apply them. */
  readonly layers: ReadonlyMap<Layer, LayerContent>;
  readonly upstream?: readonly UpstreamManifests[];
}

type Obj = Record<string, any>;

/** Where a workload cluster's Flux objects of one layer live: applied on the management cluster, targeting the workload. */
export function releasesDir(cluster: string, layer: Layer): string {
  return `${cluster}/releases/${layer}`;
}

/** The manager-side Kustomization of one layer's releases. */
export function releasesKustomizationName(cluster: string, layer: Layer): string {
  return `${kustomizationName(cluster, layer)}-releases`;
}

/**
 * A Cluster API workload cluster reconciled by its management cluster's Flux
 * (`gitops.flux.workloadsFromManagement`), through the kubeconfig Secret CACPPT writes
 * (`<cluster>-kubeconfig`, key `value`) in the cluster's Cluster API namespace. The workload runs no Flux.
 *
 * - Plain manifests (namespaces, Secrets, custom resources) and upstream manifests (CRD bundles) go
 *   through Kustomizations with `spec.kubeConfig`: kustomize-controller applies them into the workload.
 * - HelmReleases and their chart sources stay on the management cluster: helm-controller installs
 *   the chart into the workload through `spec.kubeConfig`; `targetNamespace` and `storageNamespace`
 *   are the release's own namespace there, so the release the runner installed before the CNI was
 *   up (same release name, same storage namespace) is adopted. A HelmRelease applied into a cluster
 *   without Flux would do nothing.
 * - Order, per layer: its plain manifests (`<c>-infra-controllers`: the workload's namespaces and
 *   Secrets first), then its releases on the manager (`<c>-infra-controllers-releases`, waiting for
 *   them to be Ready), then the next layer.
 * - Every object a Kustomization or HelmRelease refers to by name must be in its namespace: the
 *   kubeconfig Secret and the `sops-age` decryption Secret (kustomize-controller reads
 *   `decryption.secretRef` in the Kustomization's namespace) live in the Cluster API namespace, so
 *   everything orrery emits for the workload on the management cluster does too, prefixed with the
 *   cluster's name; only bootstrap's GitRepository is shared (flux-system/flux-system, a
 *   cross-namespace source reference).
 * - Alerts (`gitops.flux.alerts`) are the management cluster's own; none is emitted per workload.
 */
export function remoteFluxBundles({ model, cluster, manager, layers, upstream = [] }: RemoteFluxInput): KubeBundle[] {
  const ns = cluster.clusterApi?.namespace ?? 'default';
  const kubeConfig = { secretRef: { name: `${cluster.name}-kubeconfig`, key: 'value' } };
  const prefixed = (name: string): string => `${cluster.name}-${name}`;
  const source = cluster.source;
  const bootstrapSource = { ...BOOTSTRAP_SOURCE, namespace: FLUX_NAMESPACE };

  // Split every layer: Flux objects on the management cluster, the rest into the workload.
  const remoteLayers = new Map<Layer, LayerContent>();
  const local = new Map<Layer, KubeObject[]>();
  for (const [layer, content] of layers) {
    const fluxObjects = content.objects.filter((o) => FLUX_KINDS.has(o.kind));
    const rest = content.objects.filter((o) => !FLUX_KINDS.has(o.kind));
    if (fluxObjects.length > 0) local.set(layer, fluxObjects.map((o) => toManager(o, ns, prefixed, kubeConfig)));
    if (rest.length > 0 || content.include.length > 0) remoteLayers.set(layer, { ...content, objects: rest });
  }
  const bundles = remoteLayers.size > 0 ? fluxBundles(model, cluster, remoteLayers, upstream) : [];
  // fluxBundles' entry: the layer Kustomizations (alerts and the upstream objects are redone here).
  const entry = remoteLayers.size > 0 ? bundles.pop()!.objects : [];
  const layerKustomizations = new Map(entry.filter((o) => o.kind === 'Kustomization').map((o) => [o.metadata.name, o]));

  // Upstream sources and their Kustomizations: in the Cluster API namespace, applied into the workload.
  const upstreamObjects = fluxUpstreamObjects(cluster, upstream, ns).map((o) => (o.kind === 'Kustomization' ? ({ ...o, spec: { ...(o.spec as Obj), kubeConfig } } as KubeObject) : o));
  const first = upstream.map((m) => ({ name: upstreamName(cluster.name, m) }));

  // The chain, in layer order: a layer's plain manifests, then its releases.
  const chain: KubeObject[] = [];
  const dependOnPrevious = (): Obj => (chain.length > 0 ? { dependsOn: [{ name: chain[chain.length - 1]!.metadata.name }] } : first.length > 0 ? { dependsOn: first } : {});
  for (const layer of LAYERS) {
    const remote = layerKustomizations.get(kustomizationName(cluster.name, layer));
    if (remote) {
      const { dependsOn: _, ...spec } = remote.spec as Obj;
      chain.push({ ...remote, metadata: { ...remote.metadata, namespace: ns }, spec: { ...spec, sourceRef: bootstrapSource, kubeConfig, ...dependOnPrevious() } } as KubeObject);
    }
    if (local.has(layer)) {
      const timeout = layers.get(layer)!.holdsCni ? CNI_LAYER_TIMEOUT : '10m';
      chain.push({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: releasesKustomizationName(cluster.name, layer), namespace: ns },
        spec: { interval: '10m', retryInterval: '1m', timeout, sourceRef: bootstrapSource, path: repoPath(model, releasesDir(cluster.name, layer)), prune: true, wait: true, ...dependOnPrevious() },
      });
      bundles.push({ dir: releasesDir(cluster.name, layer), source, objects: local.get(layer)! });
    }
  }
  // The operator's own directories, after the whole chain, applied into the workload too.
  const last = chain.at(-1)?.metadata.name;
  const apps = fluxAppKustomizations(cluster, { namespace: ns, sourceRef: bootstrapSource, ...(last ? { after: last } : {}) }).map((k) => ({ ...k, spec: { ...(k.spec as Obj), kubeConfig } }) as KubeObject);
  return [...bundles, { dir: `${clusterDirs(manager).flux}/workloads/${cluster.name}`, source, objects: [...upstreamObjects, ...chain, ...apps] }];
}

/** A Flux object of the workload as the management cluster holds it: in the Cluster API namespace, named after the cluster. */
function toManager(o: KubeObject, ns: string, prefixed: (name: string) => string, kubeConfig: Obj): KubeObject {
  const metadata = { ...o.metadata, name: prefixed(o.metadata.name), namespace: ns };
  if (o.kind !== 'HelmRelease') return { ...o, metadata };
  const spec = o.spec as Obj;
  const ref = (r: Obj): Obj => ({ ...r, name: prefixed(r.name), namespace: ns });
  return {
    ...o,
    metadata,
    spec: {
      ...spec,
      targetNamespace: o.metadata.namespace,
      storageNamespace: o.metadata.namespace,
      kubeConfig,
      ...(spec.chart ? { chart: { ...spec.chart, spec: { ...spec.chart.spec, sourceRef: ref(spec.chart.spec.sourceRef) } } } : {}),
      ...(spec.chartRef ? { chartRef: ref(spec.chartRef) } : {}),
      ...(spec.dependsOn ? { dependsOn: (spec.dependsOn as Obj[]).map(ref) } : {}),
    },
  };
}
