import type { CephClusterRef } from '../../model/facts/rook-ceph.ts';
import { waitCephHealthy } from '../kube/ceph.ts';
import { kubectl, type KubeTarget } from '../kube/kubectl.ts';
import { done, NotYet, pending, type RunContext, type Step } from '../step.ts';
import { goDuration, type DryRunLine, type TempRef, type ToolCommand } from '../tools/command.ts';
import type { TalosNode, TalosSession } from './session.ts';
import { healthStep } from './steps.ts';

/**
 * Nodes whose applied config takes effect only after a reboot (Talos 1.14 applies every change
 * live — `--mode=reboot` is gone — and the operator reboots where a setting is read only at start;
 * lib/model/facts/talos-apply.ts says which) are rebooted here, one at a time, control planes
 * first, and only with their names confirmed (typed, or --confirm): `kubectl drain` first — Talos's
 * reboot sequence stops the pods but does not drain (internal/app/machined/pkg/runtime/v1alpha1/
 * v1alpha1_sequencer.go: Reboot is StopAllPods → stop everything → reboot; only Upgrade and a
 * graceful Reset cordon and drain; talosctl's own client-side `--drain` exists only from 1.13,
 * siderolabs/talos 9cc7355, so the drain stays kubectl's and visible in the plan) — then
 * `talosctl reboot --wait` (it tracks the node until it is ready again with another boot ID:
 * siderolabs/talos@v1.13.9 cmd/talosctl/cmd/talos/reboot.go, action.BootIDChangedPostCheckFn),
 * `kubectl uncordon` (the cordon is ours), and before the next node the whole cluster healthy
 * (talosctl health) and Ceph HEALTH_OK when Rook runs.
 */
export function rebootStep(s: TalosSession, kube: KubeTarget, ceph: CephClusterRef | undefined): Step {
  const c = s.cluster.name;
  const ordered = [...s.controlPlanes, ...s.nodes.filter((n) => n.role === 'worker')];
  const health = healthStep(s);
  const commands = (node: TalosNode, k: TempRef, timeoutMs: number): ToolCommand[] => [
    kubectl(k, ['drain', node.name, '--ignore-daemonsets', '--delete-emptydir-data', `--timeout=${goDuration(timeoutMs)}`], { timeoutMs: timeoutMs + 30_000 }),
    s.secure(node, ['reboot', '--wait', '--timeout', goDuration(timeoutMs)], { timeoutMs: timeoutMs + 60_000 }),
    kubectl(k, ['uncordon', node.name]),
  ];
  /** Nodes waiting for a reboot: recorded when their config was applied, or about to be (this run's apply checks). */
  const waiting = async (ctx: RunContext): Promise<{ node: TalosNode; reasons: readonly string[] }[]> => {
    const journal = await ctx.journal.load(c);
    return ordered.flatMap((node) => {
      const recorded = journal.reboots[node.name]?.reasons;
      const effects = s.applyEffects.get(node.name);
      const coming = effects && !('unknown' in effects) && effects.rebootsNow.length === 0 ? effects.needsReboot : [];
      const reasons = [...new Set([...(recorded ?? []), ...coming])];
      return reasons.length > 0 ? [{ node, reasons }] : [];
    });
  };
  return {
    id: `${c}/reboot`,
    cluster: c,
    title: `reboot the nodes whose config waits for a reboot`,
    kind: 'change',
    risk: 'disruptive',
    confirmWhy: 'restarts those machines (drained, one at a time)',
    dryRun: () => [{ note: 'a fresh cluster has nothing to reboot; after a change that takes effect only at boot, orrery drains, reboots (talosctl reboot --wait) and uncordons each such node in turn, with talosctl health in between' }],
    async check(ctx) {
      for (const n of ordered) {
        const p = await s.probe(ctx, n);
        if (p.mode !== 'configured') throw new NotYet(`${n.name} is not running its config yet`);
      }
      const nodes = await waiting(ctx);
      if (nodes.length === 0) return done('no node waits for a reboot');
      const k = await kube.kubeconfig(ctx).catch((e: unknown) => (e instanceof NotYet ? kube.placeholder : Promise.reject(e)));
      const lines: DryRunLine[] = nodes.flatMap(({ node }) => commands(node, k, ctx.options.waitTimeoutMs));
      const why = nodes.map(({ node, reasons }) => `${node.name} needs a reboot: ${reasons.join(', ')}`).join('; ');
      return pending(why, [...lines, ...health.dryRun()], undefined, nodes.map(({ node }) => node.name));
    },
    async act(ctx) {
      const nodes = await waiting(ctx);
      const k = await kube.kubeconfig(ctx);
      for (const [i, { node }] of nodes.entries()) {
        const [drain, reboot, uncordon] = commands(node, k, ctx.options.waitTimeoutMs) as [ToolCommand, ToolCommand, ToolCommand];
        ctx.reporter.waiting(`${node.name} to drain, reboot and come back (${i + 1}/${nodes.length})`);
        await ctx.exec(drain);
        await ctx.exec(reboot);
        s.invalidate();
        await ctx.poll(`${node.name} to run its config again`, async () => {
          s.invalidate();
          const p = await s.probe(ctx, node);
          return p.mode === 'configured' && p.stage === 'running' ? true : undefined;
        });
        await ctx.exec(uncordon);
        await ctx.journal.clearReboot(c, node.name);
        s.applyEffects.delete(node.name);
        // The cluster — etcd first — and Ceph healthy before the next node.
        await health.act(ctx, await health.check(ctx));
        if (ceph) await waitCephHealthy(ctx, k, ceph);
      }
    },
    async verify(ctx) {
      const left = await waiting(ctx);
      return left.length === 0 ? done('every node runs its config since its last reboot') : pending(`${left.map((n) => n.node.name).join(', ')} still wait for a reboot`, []);
    },
  };
}
