/**
 * What applying the rendered config does to a configured node, by the one classification of
 * Talos's apply behaviour (lib/model/facts/talos-apply.ts) over the leaves that differ between the
 * node's running config and the rendered one, under the rules of the Talos the node runs.
 */
export interface ConfigChangeEffects {
  /** The Talos minor the node runs (`1.14`). */
  readonly minor: string;
  /** Settings auto mode reboots the node for (Talos 1.12/1.13): apply-config itself reboots it. */
  readonly rebootsNow: readonly string[];
  /** Settings applied live that take effect only after a reboot: `machine.env (running services keep …)`. */
  readonly needsReboot: readonly string[];
}

/** The effects, or why they cannot be told (the running config could not be read). */
export type ApplyEffects = ConfigChangeEffects | { readonly unknown: string };
