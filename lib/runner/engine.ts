import { blocked, confirmationOf, NotYet, pending, StepError, WaitTimeout, type RunContext, type Step, type StepCheck } from './step.ts';
import { ToolError, ToolMissingError } from './tools/process-tools.ts';
import type { DryRunLine } from './tools/command.ts';

export interface Outcome {
  readonly step: Step;
  readonly check: StepCheck;
}

function problem(err: unknown): string {
  if (err instanceof ToolError || err instanceof ToolMissingError || err instanceof NotYet || err instanceof WaitTimeout || err instanceof StepError) return err.message;
  throw err;
}

/** Check one step; a missing prerequisite after a pending step is pending, otherwise blocked. */
export async function checkStep(step: Step, ctx: RunContext, upstreamPending: boolean): Promise<StepCheck> {
  try {
    if (step.kind === 'local') {
      await step.act(ctx, pending('local', step.dryRun()));
      return { state: 'done', reason: 'prepared in the private temp directory', commands: step.dryRun() };
    }
    return await step.check(ctx);
  } catch (err) {
    if (err instanceof NotYet && upstreamPending) return pending(`after the steps before it (${err.message})`, step.dryRun());
    if (err instanceof NotYet && err.detail) return blocked(ctx.redactor.redact(`${err.message}: ${err.detail}`));
    return blocked(ctx.redactor.redact(problem(err)));
  }
}

/** orrery plan: probe every step, read-only, in order. */
export async function planSteps(steps: readonly Step[], ctx: RunContext): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const pendingClusters = new Set<string>();
  for (const step of steps) {
    const upstream = pendingClusters.has(step.cluster) || (step.after ?? []).some((c) => pendingClusters.has(c));
    const check = await checkStep(step, ctx, upstream);
    if (check.state !== 'done' && step.kind !== 'local') pendingClusters.add(step.cluster);
    outcomes.push({ step, check });
  }
  return outcomes;
}

/** The commands of every step on a fresh cluster, without probing (orrery up --dry-run). */
export function dryRunLines(steps: readonly Step[]): { step: Step; lines: readonly DryRunLine[] }[] {
  return steps.map((step) => ({ step, lines: step.dryRun() }));
}

export interface ExecuteHooks {
  /** Steps that need confirmation (destructive ones, reboots): may the step run? (typed names or --confirm). */
  confirmDestructive(step: Step, check: StepCheck): Promise<boolean>;
}

export interface ExecuteResult {
  readonly ran: readonly Step[];
  readonly failed?: { readonly step: Step; readonly message: string };
}

/**
 * orrery up: each step in order — check; done → next; blocked → stop; pending → act, then verify
 * (which must report done). The journal records every step that ran. A rerun resumes at the
 * first step whose check is not done.
 */
export async function executeSteps(steps: readonly Step[], ctx: RunContext, hooks: ExecuteHooks): Promise<ExecuteResult> {
  const ran: Step[] = [];
  const total = steps.length;
  for (const [i, step] of steps.entries()) {
    const started = Date.now();
    const check = await checkStep(step, ctx, false);
    if (step.kind === 'local') {
      ctx.reporter.stepStart(i + 1, total, step, check);
      ctx.reporter.stepEnd(i + 1, total, step, { ok: check.state === 'done', elapsedMs: Date.now() - started, ...(check.state !== 'done' ? { message: check.reason } : {}) });
      if (check.state !== 'done') return { ran, failed: { step, message: check.reason } };
      continue;
    }
    if (check.state === 'done') continue;
    ctx.reporter.stepStart(i + 1, total, step, check);
    if (check.state === 'blocked') {
      ctx.reporter.stepEnd(i + 1, total, step, { ok: false, elapsedMs: Date.now() - started, message: check.reason });
      return { ran, failed: { step, message: check.reason } };
    }
    const confirm = confirmationOf(step, check);
    if (confirm && !(await hooks.confirmDestructive(step, check))) {
      const message = `not confirmed: ${step.title} ${step.confirmWhy ?? 'destroys data'}; type the name(s) when asked, or pass --confirm ${confirm.join(',') || '<name>'}`;
      ctx.reporter.stepEnd(i + 1, total, step, { ok: false, elapsedMs: Date.now() - started, message });
      return { ran, failed: { step, message } };
    }
    try {
      await step.act(ctx, check);
      const verified = step.verify ? await step.verify(ctx) : await step.check(ctx);
      if (verified.state !== 'done') throw new VerifyError(`${step.title}: still not done after it ran (${verified.reason})`);
    } catch (err) {
      const message = err instanceof VerifyError ? err.message : ctx.redactor.redact(problem(err));
      ctx.reporter.stepEnd(i + 1, total, step, { ok: false, elapsedMs: Date.now() - started, message });
      return { ran, failed: { step, message } };
    }
    ran.push(step);
    await ctx.journal.recordStep(step.cluster, step.id);
    ctx.reporter.stepEnd(i + 1, total, step, { ok: true, elapsedMs: Date.now() - started });
  }
  return { ran };
}

class VerifyError extends Error {}
