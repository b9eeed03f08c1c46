import { getJson, kubectl, type KubeTarget } from '../kube/kubectl.ts';
import { done, NotYet, pending, StepError, type RunContext, type Step } from '../step.ts';
import type { TalosNode, TalosSession } from '../talos/session.ts';
import type { DryRunLine, ToolCommand } from '../tools/command.ts';

/**
 * `orrery reset NODE`: graceful (cordon, drain, leave etcd), wipes only STATE and EPHEMERAL —
 * META and user disks are kept — and reboots into maintenance mode, where `orrery up` can
 * configure it again; then the Kubernetes Node object is removed. Destructive: the node's name
 * must be typed or passed with --confirm.
 */
export function resetStep(s: TalosSession, node: TalosNode, kube: KubeTarget): Step {
  const reset = (timeoutMs: number): ToolCommand =>
    s.secure(node, ['reset', '--graceful', '--reboot', '--system-labels-to-wipe', 'STATE', '--system-labels-to-wipe', 'EPHEMERAL', '--wait'], { timeoutMs: timeoutMs + 60_000 });
  const last = node.role === 'controlplane' && s.controlPlanes.length === 1;
  const lines = (ms: number, k = kube.placeholder): DryRunLine[] => [reset(ms), kubectl(k, ['delete', 'node', node.name, '--ignore-not-found'])];
  return {
    id: `${s.cluster.name}/reset/${node.name}`,
    cluster: s.cluster.name,
    title: `reset ${node.name}${last ? ' (the only control plane: this ends the cluster)' : ''}`,
    kind: 'change',
    risk: 'destructive',
    confirmNames: [node.name],
    dryRun: () => lines(1_200_000),
    async check(ctx) {
      s.invalidate();
      const p = await s.probe(ctx, node);
      if (p.mode === 'maintenance') return done(`${node.name} is in maintenance mode (reset)`);
      if (p.mode !== 'configured') throw new StepError(`${node.name} cannot be reset: ${p.mode === 'foreign' ? `it answers with another cluster's credentials (${p.detail})` : `unreachable (${p.detail})`}`);
      return pending(`${node.name} runs its config (stage ${p.stage})`, lines(ctx.options.waitTimeoutMs, await kubeconfigOrPlaceholder(ctx, kube)));
    },
    async act(ctx, checked) {
      ctx.reporter.waiting(`${node.name} to reset and reboot into maintenance mode`);
      const [resetCommand, deleteNode] = checked.commands;
      await ctx.exec(resetCommand as ToolCommand);
      s.invalidate();
      await ctx.journal.forgetNode(s.cluster.name, node.name);
      if (deleteNode && !('note' in deleteNode) && !last) await ctx.exec(deleteNode, { allowFailure: true });
    },
    async verify(ctx) {
      const p = await ctx.poll(`${node.name} to answer in maintenance mode`, async () => {
        s.invalidate();
        const now = await s.probe(ctx, node);
        return now.mode === 'maintenance' ? now : undefined;
      });
      return done(`${node.name} is in maintenance mode (${p.mode})`);
    },
  };
}

async function kubeconfigOrPlaceholder(ctx: RunContext, kube: KubeTarget): Promise<KubeTarget['placeholder']> {
  try {
    const k = await kube.kubeconfig(ctx);
    await getJson(ctx, k, ['nodes']);
    return k;
  } catch (err) {
    if (err instanceof NotYet) return kube.placeholder;
    throw err;
  }
}
