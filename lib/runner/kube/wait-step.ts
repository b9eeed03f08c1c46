import { done, pending, type RunContext, type Step } from '../step.ts';
import type { DryRunLine, TempRef, ToolCommand } from '../tools/command.ts';

/** A wait on a condition of a Kubernetes cluster: check = one probe, act = poll until it holds. */
export interface WaitSpec {
  readonly id: string;
  readonly cluster: string;
  readonly title: string;
  /** What it waits for, in words ("4 Kubernetes node(s) to be Ready"). */
  readonly what: string;
  readonly placeholder: TempRef;
  /** The kubeconfig of the cluster that holds the condition (NotYet while it does not exist). */
  kubeconfig(ctx: RunContext): Promise<TempRef>;
  /** The read-only command the probe runs, shown in plan and --dry-run. */
  probe(kubeconfig: TempRef): ToolCommand;
  status(ctx: RunContext, kubeconfig: TempRef): Promise<{ readonly ok: boolean; readonly reason: string }>;
  readonly after?: readonly string[];
}

export function waitStep(spec: WaitSpec): Step {
  const lines = (k: TempRef): DryRunLine[] => [{ note: `orrery waits for ${spec.what}` }, spec.probe(k)];
  return {
    id: spec.id,
    cluster: spec.cluster,
    title: spec.title,
    kind: 'wait',
    risk: 'safe',
    ...(spec.after ? { after: spec.after } : {}),
    dryRun: () => lines(spec.placeholder),
    async check(ctx) {
      const k = await spec.kubeconfig(ctx);
      const s = await spec.status(ctx, k);
      return s.ok ? done(s.reason) : pending(s.reason, lines(k));
    },
    async act(ctx) {
      const k = await spec.kubeconfig(ctx);
      await ctx.poll(spec.what, async () => ((await spec.status(ctx, k)).ok ? true : undefined));
    },
  };
}
