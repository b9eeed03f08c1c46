import type { Outcome } from './engine.ts';
import type { Reporter, Step, StepCheck } from './step.ts';
import { displayCommand, displayLine, type DryRunLine, type ToolCommand } from './tools/command.ts';
import type { Terminal } from './terminal.ts';

const STATE_WIDTH = 8;

function countStates(outcomes: readonly Outcome[]): { done: number; pending: number; blocked: number } {
  const real = outcomes.filter((o) => o.step.kind !== 'local');
  return {
    done: real.filter((o) => o.check.state === 'done').length,
    pending: real.filter((o) => o.check.state === 'pending').length,
    blocked: real.filter((o) => o.check.state === 'blocked').length,
  };
}

export interface ClusterHeader {
  readonly name: string;
  readonly describe: string;
}

/** orrery plan, as text: per cluster, each step's state, why, and the exact commands `up` would run. */
export function renderPlanText(groups: readonly { header: ClusterHeader; outcomes: readonly Outcome[] }[]): string {
  const lines: string[] = [];
  for (const { header, outcomes } of groups) {
    const n = countStates(outcomes);
    lines.push(`${header.name} (${header.describe}): ${n.done} done, ${n.pending} pending, ${n.blocked} blocked`);
    for (const { step, check } of outcomes) {
      const state = step.kind === 'local' && check.state === 'done' ? 'local' : check.state;
      lines.push(`  ${state.padEnd(STATE_WIDTH)} ${step.title}${check.state === 'done' && step.kind !== 'local' ? '' : ` — ${check.reason}`}`);
      if (check.state !== 'done' || step.kind === 'local') {
        for (const c of check.commands) lines.push(`  ${''.padEnd(STATE_WIDTH)}   ${displayLine(c)}`);
        for (const d of check.detail ?? []) lines.push(`  ${''.padEnd(STATE_WIDTH)}   | ${d}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

export function planJson(groups: readonly { header: ClusterHeader; outcomes: readonly Outcome[] }[]): unknown {
  const all = groups.flatMap((g) => g.outcomes);
  return {
    clusters: groups.map(({ header, outcomes }) => ({
      name: header.name,
      describe: header.describe,
      steps: outcomes.map(({ step, check }) => ({
        id: step.id,
        title: step.title,
        kind: step.kind,
        risk: step.risk,
        state: check.state,
        reason: check.reason,
        commands: check.commands.map(displayLine),
        ...(check.detail ? { detail: check.detail } : {}),
      })),
    })),
    summary: countStates(all),
  };
}

export function summary(outcomes: readonly Outcome[]): { done: number; pending: number; blocked: number } {
  return countStates(outcomes);
}

/** orrery up --dry-run: every step's commands on a fresh cluster, as a commented script. */
export function renderDryRun(groups: readonly { header: ClusterHeader; steps: readonly { step: Step; lines: readonly DryRunLine[] }[] }[]): string {
  const out: string[] = ['# orrery up --dry-run: the commands of every step, in order, for a fresh cluster. <tmp:NAME> is a file in', "# orrery's private temp directory (0700, outside the repository, removed after the run); `< <label>` is", '# material orrery pipes to the tool on stdin. orrery up runs only the steps whose check is not done.'];
  for (const { header, steps } of groups) {
    out.push('', `# === ${header.name} (${header.describe}) ===`);
    steps.forEach(({ step, lines }, i) => {
      out.push(`# [${i + 1}/${steps.length}] ${step.title}${step.risk === 'destructive' ? ' (destructive: asks for the node name)' : ''}`);
      for (const l of lines) out.push(displayLine(l));
    });
  }
  return `${out.join('\n')}\n`;
}

function elapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** Progress of orrery up: redrawn in place on a terminal, one quiet line per event otherwise. */
export class TextProgress implements Reporter {
  private timer: NodeJS.Timeout | undefined;
  private waitingFor: string | undefined;
  private started = 0;

  constructor(private readonly terminal: Terminal) {}

  stepStart(index: number, total: number, step: Step, check: StepCheck): void {
    this.started = Date.now();
    this.terminal.err(`[${index}/${total}] ${step.cluster}: ${step.title}${check.state === 'pending' ? ` — ${check.reason}` : ''}\n`);
    // What orrery does in-process (a context merged into ~/.kube/config) is said, not hidden.
    if (step.kind === 'change') for (const line of check.commands) if ('note' in line) this.terminal.err(`  ${displayLine(line)}\n`);
  }

  command(command: ToolCommand): void {
    this.clearLine();
    this.terminal.err(`  $ ${displayCommand(command)}\n`);
  }

  waiting(what: string): void {
    this.clearLine();
    this.waitingFor = what;
    if (!this.terminal.tty) {
      this.terminal.err(`  … waiting for ${what}\n`);
      return;
    }
    const draw = (): void => this.terminal.err(`\r\x1b[2K  … waiting for ${what} (${elapsed(Date.now() - this.started)})`);
    draw();
    this.timer = setInterval(draw, 1000);
    this.timer.unref();
  }

  stepEnd(_index: number, _total: number, _step: Step, result: { ok: boolean; elapsedMs: number; message?: string }): void {
    this.clearLine();
    this.terminal.err(result.ok ? `  ✓ done (${elapsed(result.elapsedMs)})\n` : `  ✗ ${result.message ?? 'failed'}\n`);
  }

  info(text: string): void {
    this.clearLine();
    this.terminal.err(`${text}\n`);
  }

  private clearLine(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.waitingFor && this.terminal.tty) this.terminal.err('\r\x1b[2K');
    this.waitingFor = undefined;
  }
}

/** --format json: one JSON object per line and event. */
export class JsonProgress implements Reporter {
  constructor(private readonly terminal: Terminal) {}

  private emit(event: Record<string, unknown>): void {
    this.terminal.out(`${JSON.stringify(event)}\n`);
  }

  stepStart(index: number, total: number, step: Step, check: StepCheck): void {
    this.emit({ event: 'step', index, total, id: step.id, title: step.title, state: check.state, reason: check.reason });
  }

  command(command: ToolCommand): void {
    this.emit({ event: 'command', command: displayCommand(command) });
  }

  waiting(what: string): void {
    this.emit({ event: 'waiting', for: what });
  }

  stepEnd(index: number, total: number, step: Step, result: { ok: boolean; elapsedMs: number; message?: string }): void {
    this.emit({ event: result.ok ? 'done' : 'failed', index, total, id: step.id, elapsedMs: result.elapsedMs, ...(result.message ? { message: result.message } : {}) });
  }

  info(text: string): void {
    this.emit({ event: 'info', message: text });
  }
}

