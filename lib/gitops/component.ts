import type { KubeObject } from '../build/artifacts.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { ClusterModel, Model } from '../model/model.ts';
import type { OperatorSecret } from '../secrets/operator-secrets.ts';

/** The order a GitOps engine applies things in: controllers, then their configs, then apps. */
export type Layer = 'controllers' | 'configs' | 'apps';
export const LAYERS: readonly Layer[] = ['controllers', 'configs', 'apps'];

export interface ChartRepository {
  /** Object name of the Flux HelmRepository (in flux-system). */
  readonly name: string;
  /** https:// Helm repository, or oci:// registry path. */
  readonly url: string;
}

/** One Helm release of a component: a chart at a pinned version with typed values. */
export interface Release {
  readonly name: string;
  readonly namespace: string;
  readonly repository: ChartRepository;
  readonly chart: string;
  /** The chart version as the repository publishes it. */
  readonly version: string;
  readonly values: Readonly<Record<string, unknown>>;
  /** Other releases of this cluster this one waits for (name). */
  readonly dependsOn?: readonly string[];
  /** Installed by hand (or the runner) before the GitOps engine can run, with these same values; the engine adopts it. */
  readonly bootstrap?: boolean;
  /** Where the chart's values.yaml (and values.schema.json) live under shared/schemas/charts, for the tests. */
  readonly valuesRef: { readonly chart: string; readonly version: string };
  /** The layer whose stage installs it (default controllers); configs when it needs custom resources of another release first. */
  readonly layer?: Layer;
}

/**
 * Manifests applied as they are from a directory of an upstream Git repository at a pinned tag
 * (CRD bundles such as the Gateway API's, small add-ons that ship no chart). They come before
 * every layer: the engine fetches them at reconcile time; nothing is copied into the output.
 */
export interface UpstreamManifests {
  /** Unique in the cluster; names the engine's source and its Kustomization/Application. */
  readonly name: string;
  /** https:// Git URL of the repository. */
  readonly url: string;
  readonly tag: string;
  /** Directory inside the repository (no leading ./). */
  readonly path: string;
  /** Directories the kustomization under `path` reads (its bases); default: `path` alone. */
  readonly include?: readonly string[];
  /** CRDs are never pruned or cascade-deleted: deleting a CRD deletes every object of its kind. */
  readonly prune: boolean;
  /** When a bootstrap release needs them first (Cilium's Gateway API): the single manifest the bootstrap applies. */
  readonly bootstrapUrl?: string;
}

export interface ComponentNamespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** What a platform component contributes to one cluster. */
export interface ComponentOutput {
  /** The namespace it runs in; absent for components that only add objects (policies). */
  readonly namespace?: ComponentNamespace;
  readonly releases: readonly Release[];
  /** Custom resources and other objects, by layer (e.g. a ClusterIssuer in configs). */
  readonly objects?: Partial<Record<Layer, readonly KubeObject[]>>;
  /** The generated Secrets it consumes (names of orrery's secret requirements), delivered before its releases. */
  readonly secrets?: readonly string[];
  /** Upstream manifests it needs applied before its releases. */
  readonly manifests?: readonly UpstreamManifests[];
  /** Problems it found; errors stop the write. */
  readonly diagnostics?: readonly Diagnostic[];
  /**
   * Secrets its objects or values reference that the operator supplies (provider credentials, BGP
   * passwords): declared here, they must be in secrets/<cluster>/ or synth names the file to create.
   */
  readonly operatorSecrets?: readonly OperatorSecret[];
}

export interface ComponentContext {
  readonly model: Model;
  readonly cluster: ClusterModel;
  /** The secrets directory's files; public material a component needs (Linkerd's trust anchor certificate). */
  readonly secrets: ReadonlyMap<string, string>;
}

/**
 * A platform component (cert-manager, linkerd, …): one folder that owns its spec section, its
 * defaults and what it emits, registered with one line in lib/registry.ts. The GitOps
 * layer turns its output into Flux or Argo CD objects; it never knows either engine.
 */
export interface PlatformComponent {
  readonly name: string;
  enabled(cluster: ClusterModel): boolean;
  /** Components this one needs, by name: they must be enabled and are applied first. */
  readonly dependsOn?: readonly string[];
  build(ctx: ComponentContext): ComponentOutput;
}
