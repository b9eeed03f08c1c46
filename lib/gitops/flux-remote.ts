import type { KubeBundle, KubeObject } from '../build/artifacts.ts';
import type { ClusterModel, Model } from '../model/model.ts';
import type { Layer } from './component.ts';
import { FLUX_NAMESPACE, fluxBundles, kustomizationName, type LayerContent } from './flux.ts';
import { clusterDirs, repoPath } from './layout.ts';

/** Objects of the controllers layer that Flux's helm-controller reconciles on the cluster it runs on. */
const RELEASE_KINDS = new Set(['HelmRepository', 'HelmRelease']);

export interface RemoteFluxInput {
  readonly model: Model;
  /** The workload cluster. */
  readonly cluster: ClusterModel;
  /** Its management cluster, whose Flux reconciles it. */
  readonly manager: string;
  /** The layers as a cluster's own Flux would apply them. */
  readonly layers: ReadonlyMap<Layer, LayerContent>;
}

type Obj = Record<string, any>;

/** Where a workload cluster's HelmReleases live: applied on the management cluster, targeting the workload. */
export function releasesDir(cluster: string): string {
  return `${cluster}/infrastructure/releases`;
}

/**
 * A Cluster API workload cluster reconciled by its management cluster's Flux
 * (`gitops.flux.workloadsFromManagement`), through the kubeconfig Secret CACPPT writes
 * (`<cluster>-kubeconfig`, key `value`) in the cluster's Cluster API namespace. The workload runs no Flux.
 *
 * - Plain manifests (namespaces, Secrets, custom resources) go through Kustomizations with
 *   `spec.kubeConfig`: kustomize-controller applies them into the workload cluster.
 * - HelmReleases stay on the management cluster with `spec.kubeConfig`: helm-controller installs the
 *   chart into the workload cluster; `targetNamespace` and `storageNamespace` are the release's own
 *   namespace there, so the release the runner installed before the CNI was up (same release name,
 *   same storage namespace) is adopted. A HelmRelease applied into a cluster without Flux would do nothing.
 * - Order: the workload's namespaces and Secrets first (`<c>-infra-controllers`), then the releases
 *   on the management cluster (`<c>-helm-releases`, waiting for them), then configs and apps.
 * - Every object a Kustomization or HelmRelease refers to by name must be in its namespace: the
 *   kubeconfig Secret and the `sops-age` decryption Secret (kustomize-controller reads
 *   `decryption.secretRef` in the Kustomization's namespace) live in the Cluster API namespace, so
 *   everything orrery emits for the workload on the management cluster does too, prefixed with the
 *   cluster's name; only the GitRepository is shared (in flux-system).
 */
export function remoteFluxBundles({ model, cluster, manager, layers }: RemoteFluxInput): KubeBundle[] {
  const ns = cluster.clusterApi?.namespace ?? 'default';
  const kubeConfig = { secretRef: { name: `${cluster.name}-kubeconfig`, key: 'value' } };
  const prefixed = (name: string): string => `${cluster.name}-${name}`;
  const source = cluster.source;

  // Split the controllers layer: releases on the management cluster, the rest into the workload.
  const controllers = layers.get('controllers');
  const releases = (controllers?.objects ?? []).filter((o) => RELEASE_KINDS.has(o.kind));
  const remoteLayers = new Map(layers);
  if (controllers) remoteLayers.set('controllers', { ...controllers, objects: controllers.objects.filter((o) => !RELEASE_KINDS.has(o.kind)) });
  const bundles = fluxBundles(model, cluster, remoteLayers);
  const entry = bundles.pop()!;

  const local: KubeObject[] = releases.map((o) => {
    const spec = o.spec as Obj;
    if (o.kind === 'HelmRepository') return { ...o, metadata: { ...o.metadata, name: prefixed(o.metadata.name), namespace: ns } };
    const chart = spec.chart.spec as Obj;
    return {
      ...o,
      metadata: { ...o.metadata, name: prefixed(o.metadata.name), namespace: ns },
      spec: {
        ...spec,
        targetNamespace: o.metadata.namespace,
        storageNamespace: o.metadata.namespace,
        kubeConfig,
        chart: { ...spec.chart, spec: { ...chart, sourceRef: { ...chart.sourceRef, name: prefixed(chart.sourceRef.name), namespace: ns } } },
        ...(spec.dependsOn ? { dependsOn: (spec.dependsOn as Obj[]).map((d) => ({ ...d, name: prefixed(d.name), namespace: ns })) } : {}),
      },
    };
  });

  const kustomizations = entry.objects.filter((o) => o.kind === 'Kustomization');
  const template = kustomizations[0]?.spec as Obj | undefined;
  const sourceRef = template ? { ...template.sourceRef, namespace: FLUX_NAMESPACE } : undefined;
  const remote = kustomizations.map((o) => {
    const spec = o.spec as Obj;
    return { ...o, metadata: { ...o.metadata, namespace: ns }, spec: { ...spec, sourceRef, kubeConfig } } as KubeObject;
  });
  if (local.length > 0 && template) {
    // The releases go in after the workload's namespaces and Secrets, and before its configs.
    const after = remote.findIndex((o) => o.metadata.name === kustomizationName(cluster.name, 'controllers'));
    const name = `${cluster.name}-helm-releases`;
    const { kubeConfig: _none, decryption: _noSecrets, dependsOn: _first, ...rest } = template;
    const releasesKustomization: KubeObject = {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name, namespace: ns },
      spec: { ...rest, sourceRef, path: repoPath(model, releasesDir(cluster.name)), ...(after >= 0 ? { dependsOn: [{ name: remote[after]!.metadata.name }] } : {}) },
    };
    const next = remote[after + 1];
    if (next) remote[after + 1] = { ...next, spec: { ...(next.spec as Obj), dependsOn: [{ name }] } };
    remote.splice(after + 1, 0, releasesKustomization);
    bundles.push({ dir: releasesDir(cluster.name), source, objects: local });
  }
  return [...bundles, { dir: `${clusterDirs(manager).flux}/workloads/${cluster.name}`, source, objects: remote }];
}
