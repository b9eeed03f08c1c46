import type { App } from 'cdk8s';
import type { ClusterModel, Model } from '../model/model.ts';
import type { Artifacts } from './artifacts.ts';
import type { SecretRequirement } from '../secrets/requirements.ts';
import type { SecretCheck } from '../secrets/verify-stored.ts';
import type { PlatformComponent } from '../gitops/component.ts';

export interface ClusterContext {
  readonly model: Model;
  readonly cluster: ClusterModel;
  /** The cluster's own cdk8s App: one App per cluster keeps synth linear in the fleet size. */
  readonly app: App;
  /** The secrets directory's files (encrypted), read by the read stage. */
  readonly secrets: ReadonlyMap<string, string>;
  /** The secrets this cluster needs. */
  readonly secretRequirements: readonly SecretRequirement[];
  /** What the read stage verified about the stored files (MAC, one CA per mesh); absent: nothing checked. */
  readonly secretChecks?: ReadonlyMap<string, SecretCheck>;
  /** Every platform component (from the registry): the GitOps layer plans the enabled ones. */
  readonly platform: readonly PlatformComponent[];
}

/**
 * A unit of generation that owns one concern of a cluster. It reads only the model and
 * returns what it emits; registering it is one line in registry.ts.
 */
export interface ClusterComponent {
  readonly name: string;
  build(ctx: ClusterContext): Artifacts;
  /** Findings about the spec that need what the component derives; run with the checks, before build. */
  review?(cluster: ClusterModel): readonly SpecFinding[];
}

/**
 * Something a component finds about the spec from what it derives (e.g. a Talos patch that
 * overrides orrery's own documents). The pipeline locates it in the spec (file:line:col).
 */
export interface SpecFinding {
  readonly severity: 'error' | 'warning';
  readonly rule: string;
  readonly message: string;
  /** The spec file (its specPath) and the JSON pointer in it; in a patch file, the index of its YAML document too. */
  readonly at: { readonly spec: string; readonly pointer: string; readonly document?: number };
}

/** Generation that spans the constellation (fleet docs, cross-cluster wiring). */
export interface ConstellationComponent {
  readonly name: string;
  build(model: Model): Artifacts;
}
