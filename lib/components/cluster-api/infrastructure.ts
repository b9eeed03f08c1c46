import type { KubeObject } from '../../build/artifacts.ts';
import type { MachinePoolModel } from '../../model/model.ts';

/** What an infrastructure provider contributes to a Cluster API cluster. */
export interface Infrastructure {
  readonly apiVersion: string;
  readonly clusterKind: string;
  readonly templateKind: string;
  /** The infrastructure cluster (ProxmoxCluster, MetalCluster). */
  readonly cluster: KubeObject;
  /** The spec of a pool's machine template (hashed into its name). */
  readonly templateSpec: (pool: MachinePoolModel) => Record<string, unknown>;
  /** Provider objects besides those (Sidero's Environment, ServerClasses, Servers). */
  readonly extra: readonly KubeObject[];
}
