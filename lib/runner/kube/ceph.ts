import type { CephClusterRef } from '../../model/facts/rook-ceph.ts';
import type { RunContext } from '../step.ts';
import { goDuration, type TempRef, type ToolCommand } from '../tools/command.ts';
import { getJson, kubectl } from './kubectl.ts';

/** The command Talos's Rook guide gives for "wait between nodes" (siderolabs/docs ceph-with-rook.mdx). */
export function cephHealthyCommand(kubeconfig: TempRef, ref: CephClusterRef, timeoutMs: number): ToolCommand {
  return kubectl(kubeconfig, ['-n', ref.namespace, 'wait', "--for=jsonpath={.status.ceph.health}=HEALTH_OK", `cephclusters.ceph.rook.io/${ref.name}`, `--timeout=${goDuration(timeoutMs)}`], { timeoutMs: timeoutMs + 30_000 });
}

/** Waits for HEALTH_OK when the CephCluster exists; a cluster without Ceph yet has nothing to wait for. */
export async function waitCephHealthy(ctx: RunContext, kubeconfig: TempRef, ref: CephClusterRef | undefined): Promise<void> {
  if (!ref) return;
  const exists = await getJson(ctx, kubeconfig, ['cephclusters.ceph.rook.io', ref.name, '-n', ref.namespace]);
  if (!exists) return;
  ctx.reporter.waiting(`CephCluster ${ref.namespace}/${ref.name} to report HEALTH_OK`);
  await ctx.exec(cephHealthyCommand(kubeconfig, ref, ctx.options.waitTimeoutMs));
}
