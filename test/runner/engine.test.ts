import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkStep, executeSteps, planSteps } from '../../lib/runner/engine.ts';
import { Journal } from '../../lib/runner/journal.ts';
import { createPrivateDir } from '../../lib/runner/private-dir.ts';
import { Redactor } from '../../lib/runner/redactor.ts';
import { blocked, done, NotYet, pending, RunContext, StepError, type RunOptions, type Step, type StepCheck } from '../../lib/runner/step.ts';
import type { ToolCommand } from '../../lib/runner/tools/command.ts';
import { ToolMissingError, type ToolResult, type Tools } from '../../lib/runner/tools/process-tools.ts';
import { checkTools } from '../../lib/runner/tools/requirements.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Tools that answer from a table and record every call. */
class TableTools implements Tools {
  readonly calls: string[] = [];
  constructor(private readonly answers: Record<string, ToolResult | 'missing'>) {}
  async run(command: ToolCommand): Promise<ToolResult> {
    const line = [command.tool, ...command.args.map((a) => (typeof a === 'string' ? a : `<tmp:${a.tmp}>`))].join(' ');
    this.calls.push(line);
    const a = this.answers[line] ?? this.answers[command.tool];
    if (a === 'missing') throw new ToolMissingError(command.tool);
    return a ?? { code: 0, stdout: '', stderr: '', timedOut: false };
  }
  killAll(): void {}
}

async function context(tools: Tools = new TableTools({})): Promise<RunContext> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'orrery-engine-'));
  dirs.push(base);
  const options: RunOptions = { cwd: base, env: {}, home: base, waitTimeoutMs: 50, pollIntervalMs: 0, talosconfigFile: path.join(base, 't'), kubeconfigFile: path.join(base, 'k'), confirmed: new Set() };
  return new RunContext(tools, createPrivateDir({ base, outside: [] }), new Redactor(), new Journal(path.join(base, 'state')), options, async () => undefined);
}

/** A step over a live flag: pending until act sets it. */
function flagStep(id: string, live: Set<string>, options: Partial<Step> & { needs?: string; failAct?: boolean; verifyFails?: boolean } = {}): Step & { acts: number } {
  const step = {
    id,
    cluster: 'c',
    title: `step ${id}`,
    kind: 'change' as const,
    risk: 'safe' as const,
    acts: 0,
    dryRun: () => [{ note: `do ${id}` }],
    async check(): Promise<StepCheck> {
      if (options.needs && !live.has(options.needs)) throw new NotYet(`${options.needs} missing`);
      return live.has(id) ? done(`${id} is there`) : pending(`${id} missing`, [{ note: `do ${id}` }]);
    },
    async act(): Promise<void> {
      step.acts++;
      if (options.failAct) throw new StepError(`${id} failed`);
      if (!options.verifyFails) live.add(id);
    },
    ...options,
  };
  return step;
}

describe('plan: check every step, read-only', () => {
  it('a missing prerequisite after a pending step is pending; with nothing pending before it, blocked', async () => {
    const ctx = await context();
    const live = new Set<string>();
    const steps = [flagStep('a', live), flagStep('b', live, { needs: 'a' })];
    const outcomes = await planSteps(steps, ctx);
    expect(outcomes.map((o) => [o.step.id, o.check.state])).toEqual([['a', 'pending'], ['b', 'pending']]);
    expect(outcomes[1]!.check.reason).toContain('after the steps before it (a missing)');
    expect(outcomes[1]!.check.commands).toEqual([{ note: 'do b' }]);
    // Negative control: the same NotYet with nothing pending upstream is a real problem.
    expect((await checkStep(steps[1]!, ctx, false)).state).toBe('blocked');
    expect(steps.every((s) => (s as { acts: number }).acts === 0)).toBe(true);
  });

  it('tool failures and missing tools are blocked steps with a message; bugs propagate', async () => {
    const ctx = await context();
    const missing: Step = { ...flagStep('m', new Set()), check: async () => Promise.reject(new ToolMissingError('helm')) };
    expect(await checkStep(missing, ctx, false)).toMatchObject({ state: 'blocked', reason: 'helm is not installed (not found on PATH)' });
    const bug: Step = { ...flagStep('x', new Set()), check: async () => Promise.reject(new TypeError('undefined is not a function')) };
    await expect(checkStep(bug, ctx, false)).rejects.toThrow(TypeError);
  });
});

describe('up: check → act → verify, in order, resumable', () => {
  it('runs only pending steps, records them, and a rerun runs nothing', async () => {
    const ctx = await context();
    const live = new Set(['a']);
    const steps = [flagStep('a', live), flagStep('b', live), flagStep('c', live, { needs: 'b' })];
    const first = await executeSteps(steps, ctx, { confirmDestructive: async () => true });
    expect(first.failed).toBeUndefined();
    expect(first.ran.map((s) => s.id)).toEqual(['b', 'c']);
    expect(Object.keys((await ctx.journal.load('c')).steps)).toEqual(['b', 'c']);
    const again = await executeSteps(steps, ctx, { confirmDestructive: async () => true });
    expect(again.ran).toEqual([]);
    expect(steps.map((s) => (s as { acts: number }).acts)).toEqual([0, 1, 1]);
  });

  it('stops at the first failure; the rerun resumes exactly there', async () => {
    const ctx = await context();
    const live = new Set<string>();
    const failing = flagStep('b', live, { failAct: true });
    const steps = [flagStep('a', live), failing, flagStep('c', live)];
    const first = await executeSteps(steps, ctx, { confirmDestructive: async () => true });
    expect(first.failed).toMatchObject({ message: 'b failed' });
    expect(first.ran.map((s) => s.id)).toEqual(['a']);
    steps[1] = flagStep('b', live);
    const second = await executeSteps(steps, ctx, { confirmDestructive: async () => true });
    expect(second.ran.map((s) => s.id)).toEqual(['b', 'c']);
  });

  it('a step whose verify is not done fails (act is not trusted on its word)', async () => {
    const ctx = await context();
    const r = await executeSteps([flagStep('a', new Set(), { verifyFails: true })], ctx, { confirmDestructive: async () => true });
    expect(r.failed?.message).toMatch(/step a: still not done after it ran \(a missing\)/);
  });

  it('a blocked step stops the run before anything after it', async () => {
    const ctx = await context();
    const live = new Set<string>();
    const stuck: Step = { ...flagStep('a', live), check: async () => blocked('node unreachable') };
    const after = flagStep('b', live);
    const r = await executeSteps([stuck, after], ctx, { confirmDestructive: async () => true });
    expect(r.failed).toMatchObject({ message: 'node unreachable' });
    expect(after.acts).toBe(0);
  });

  it('destructive steps run only when confirmed', async () => {
    const ctx = await context();
    const live = new Set<string>();
    const wipe = flagStep('wipe', live, { risk: 'destructive', confirmNames: ['node-1'] });
    const refused = await executeSteps([wipe], ctx, { confirmDestructive: async () => false });
    expect(refused.failed?.message).toContain('--confirm node-1');
    expect(wipe.acts).toBe(0);
    const asked: string[] = [];
    const ok = await executeSteps([wipe], ctx, { confirmDestructive: async (s) => (asked.push(s.id), true) });
    expect(ok.ran.map((s) => s.id)).toEqual(['wipe']);
    expect(asked).toEqual(['wipe']);
  });

  it('never runs a tool with secret material in an argument', async () => {
    const tools = new TableTools({});
    const ctx = await context(tools);
    ctx.redactor.add('super-secret-token');
    await expect(ctx.exec({ tool: 'kubectl', args: ['--token', 'super-secret-token'] })).rejects.toThrow(/an argument holds secret material/);
    expect(tools.calls).toEqual([]);
  });

  it('errors from tools are redacted', async () => {
    const tools = new TableTools({ kubectl: { code: 1, stdout: '', stderr: 'bad token super-secret-token', timedOut: false } });
    const ctx = await context(tools);
    ctx.redactor.add('super-secret-token');
    await expect(ctx.exec({ tool: 'kubectl', args: ['get'] })).rejects.toThrow('bad token <redacted>');
  });

  it('poll: first probe immediately, then until the timeout', async () => {
    const ctx = await context();
    let n = 0;
    expect(await ctx.poll('x', async () => (++n >= 3 ? 'ok' : undefined))).toBe('ok');
    expect(n).toBe(3);
    await expect(ctx.poll('the thing', async () => undefined, 0)).rejects.toThrow('timed out after 0s waiting for the thing');
  });
});

describe('tool presence and versions before anything runs', () => {
  it('says what is missing, which version is needed and where to get it; all problems at once', async () => {
    const tools = new TableTools({
      'talosctl version --client --short': { code: 0, stdout: 'Client:\nTalos v1.12.4\n', stderr: '', timedOut: false },
      'kubectl version --client -o json': { code: 0, stdout: '{"clientVersion":{"gitVersion":"v1.33.0"}}', stderr: '', timedOut: false },
      'helm version --short': { code: 0, stdout: 'v3.19.0+gabc\n', stderr: '', timedOut: false },
      flux: 'missing',
    });
    const r = await checkTools(tools, [
      { tool: 'talosctl', min: 'v1.13.0', why: 'vtalos (Talos v1.13.9)' },
      { tool: 'kubectl', kubernetes: '1.36.2', why: 'vtalos' },
      { tool: 'helm', kubernetes: '1.36.2', why: 'vtalos' },
      { tool: 'flux', min: 'v2.3.0', why: 'vtalos' },
    ]);
    expect(r.problems).toEqual([
      'talosctl v1.12.4 is too old: vtalos (Talos v1.13.9) needs talosctl v1.13.0 or newer — https://github.com/siderolabs/talos/releases',
      'kubectl v1.33.0 is more than one minor version away from Kubernetes 1.36.2 of vtalos: install kubectl 1.35–1.37 — https://kubernetes.io/docs/tasks/tools/',
      'flux is not installed (not found on PATH): needed for vtalos; install flux v2.3.0 or newer — https://github.com/fluxcd/flux2/releases',
    ]);
    // Helm 3.19 supports Kubernetes 1.31–1.34 (helm.sh version skew table): a warning, not a refusal.
    expect(r.warnings).toEqual(['helm v3.19.0 supports Kubernetes 1.31–1.34; vtalos runs 1.36.2']);
  });

  it('a current toolset passes', async () => {
    const tools = new TableTools({
      'talosctl version --client --short': { code: 0, stdout: 'Client:\nTalos v1.13.9\n', stderr: '', timedOut: false },
      'kubectl version --client -o json': { code: 0, stdout: '{"clientVersion":{"gitVersion":"v1.36.1"}}', stderr: '', timedOut: false },
    });
    const r = await checkTools(tools, [
      { tool: 'talosctl', min: 'v1.13.0', why: 'vtalos' },
      { tool: 'kubectl', kubernetes: '1.36.2', why: 'vtalos' },
    ]);
    expect(r).toMatchObject({ problems: [], warnings: [] });
    expect(tools.calls).toEqual(['talosctl version --client --short', 'kubectl version --client -o json']);
  });
});
