import { toYaml } from '../../output/yaml.ts';
import { clusterDocuments, controlPlaneDocuments, isContract, machineDocuments, type TalosDocument } from './contracts.ts';
import type { PoolIntent, TalosIntent } from './intent.ts';

/**
 * The Cluster API rendering of a Talos intent: per pool, the layers a machine of that pool gets,
 * in the order talosctl applies them (cluster, control plane, machine). Each layer becomes one
 * `strategicPatches` string: CABPT loads every string with configpatcher.LoadPatch, which takes
 * several documents (v1alpha1 partials and typed documents alike), and applies them in order after
 * generating the config (cluster-api-bootstrap-provider-talos@v0.6.12 controllers/talosconfig_controller.go
 * reconcileGenerate). One string per layer keeps one v1alpha1 document per string. JSON 6902
 * `configPatches` are never used: "JSON patches are not compatible with Talos Linux >= 1.12" (CABPT README).
 */
export interface PoolPatches {
  readonly pool: PoolIntent;
  readonly layers: readonly (readonly TalosDocument[])[];
  /** The same layers as strategicPatches strings. */
  readonly strategicPatches: readonly string[];
}

export function patchString(docs: readonly TalosDocument[]): string {
  return docs.map(toYaml).join('---\n');
}

export function clusterApiPatches(intent: TalosIntent, contract: string): PoolPatches[] {
  if (!isContract(contract)) throw new Error(`no renderer for Talos config contract ${contract}`);
  const cluster = clusterDocuments(intent.cluster, contract, 'cluster-api');
  const controlPlane = controlPlaneDocuments(intent.controlPlane, intent.cluster, contract);
  return intent.pools.map((pool) => {
    const layers = [cluster, ...(pool.role === 'controlplane' ? [controlPlane] : []), machineDocuments(pool, contract)].filter((l) => l.length > 0);
    return { pool, layers, strategicPatches: layers.map(patchString) };
  });
}
