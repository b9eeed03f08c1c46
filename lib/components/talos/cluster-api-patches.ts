import { toYaml } from '../../output/yaml.ts';
import { clusterDocuments, controlPlaneDocuments, isContract, machineDocuments, type TalosDocument } from './contracts.ts';
import type { PoolIntent, TalosIntent } from './intent.ts';
import { patchComment, patchDocuments } from './patch-files.ts';

/**
 * The Cluster API rendering of a Talos intent: per pool, the layers a machine of that pool gets,
 * in the order talosctl applies them (cluster, control plane, machine). Each layer becomes one
 * `strategicPatches` string: CABPT loads every string with configpatcher.LoadPatch, which takes
 * several documents (v1alpha1 partials and typed documents alike), and applies them in order after
 * generating the config (cluster-api-bootstrap-provider-talos@v0.6.12 controllers/talosconfig_controller.go
 * reconcileGenerate). One string per layer keeps one v1alpha1 document per string. JSON 6902
 * `configPatches` are never used: "JSON patches are not compatible with Talos Linux >= 1.12" (CABPT README).
 * The operator's patches follow orrery's layers, one string each (a patch is one talosctl patch:
 * it may hold a v1alpha1 partial of its own), in the order talosctl nodes get them.
 */
export interface PoolPatches {
  readonly pool: PoolIntent;
  /** orrery's layers. */
  readonly layers: readonly (readonly TalosDocument[])[];
  /** The operator's patches' documents, one entry per patch, after the layers. */
  readonly operator: readonly (readonly TalosDocument[])[];
  /** The layers, then the operator's patches, as strategicPatches strings. */
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
    const scope = `the machines of pool ${pool.name}`;
    return {
      pool,
      layers,
      operator: pool.patches.map((p) => p.documents),
      strategicPatches: [...layers.map(patchString), ...pool.patches.map((p) => patchComment(p, scope) + patchDocuments(p))],
    };
  });
}
