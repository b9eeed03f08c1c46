import type { Journal } from './journal.ts';
import { probeClientCertificate, type ClientCertificateProbe } from './talos/api-probe.ts';
import type { PrivateDir } from './private-dir.ts';
import type { Redactor } from './redactor.ts';
import type { DryRunLine, ToolCommand } from './tools/command.ts';
import { describeFailure, ToolError, type ToolResult, type Tools } from './tools/process-tools.ts';

export type StepState = 'done' | 'pending' | 'blocked';
/** local: prepares files in the private temp dir (always runs, changes nothing live); change: mutates live state; wait: waits for a condition. */
export type StepKind = 'local' | 'change' | 'wait';
/** disruptive: reboots or restarts running machines; destructive: destroys data (typed confirmation). */
export type Risk = 'safe' | 'disruptive' | 'destructive';

export interface StepCheck {
  readonly state: StepState;
  /** Why, in words: "talos-cp-1 is in maintenance mode at 192.168.42.142". */
  readonly reason: string;
  /** What act() runs from this state, exactly (secrets as <tmp:…>). */
  readonly commands: readonly DryRunLine[];
  /** Extra lines shown under the step (a redacted config diff). */
  readonly detail?: readonly string[];
  /** Names the operator must type (or pass with --confirm) before act() runs from this state. */
  readonly confirm?: readonly string[];
}

/**
 * One step of a plan: check live state (read-only), act, verify. A rerun after any failure
 * resumes because every step starts by checking; a healthy cluster checks done everywhere.
 */
export interface Step {
  readonly id: string;
  readonly cluster: string;
  readonly title: string;
  readonly kind: StepKind;
  readonly risk: Risk;
  /** Names the operator must type (or pass with --confirm) before a destructive step. */
  readonly confirmNames?: readonly string[];
  /** What the confirmation is for, after the title: "destroys data" unless said. */
  readonly confirmWhy?: string;
  /** Other clusters this step needs up first (a workload cluster's management cluster). */
  readonly after?: readonly string[];
  /** The commands on a fresh cluster, without probing anything (orrery up --dry-run). */
  dryRun(): readonly DryRunLine[];
  check(ctx: RunContext): Promise<StepCheck>;
  act(ctx: RunContext, checked: StepCheck): Promise<void>;
  /** After act: must report done (default: check again). Waits poll here. */
  verify?(ctx: RunContext): Promise<StepCheck>;
}

/**
 * Thrown by a check whose prerequisite does not exist yet (no kubeconfig before etcd is
 * bootstrapped). After a pending step that is expected: the step is pending too. With nothing
 * pending before it, it is a real problem: the step is blocked with this message.
 */
export class NotYet extends Error {
  constructor(
    message: string,
    /** The tool's own words, shown when the step is blocked (not when it merely waits for earlier steps). */
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** A problem the operator must fix (wrong key, unreachable node, stale dist/): shown, never a stack trace. */
export class StepError extends Error {}

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
  /** Upper bound for every wait (install, etcd, health, nodes Ready, reconciliation). */
  readonly waitTimeoutMs: number;
  readonly pollIntervalMs: number;
  /** Where credentials are merged: TALOSCONFIG / ~/.talos/config, KUBECONFIG / ~/.kube/config, or --talosconfig / --kubeconfig. */
  readonly talosconfigFile: string;
  readonly kubeconfigFile: string;
  /** SSH key for `flux bootstrap git` (its public half is a deploy key with write access). */
  readonly gitPrivateKey?: string;
  /** A file holding the token for an https:// repository (read in memory, piped on stdin, never an argument). */
  readonly gitTokenFile?: string;
  /** The user name sent with the token (default `git`, flux bootstrap git's). */
  readonly gitUsername?: string;
  /** Names confirmed with --confirm (destructive steps). */
  readonly confirmed: ReadonlySet<string>;
  /** --skip-preflight: apply a changed config even when the node lacks a link or disk it names. */
  readonly skipPreflight?: boolean;
}

/** What a step shows while it runs. */
export interface Reporter {
  stepStart(index: number, total: number, step: Step, checked: StepCheck): void;
  command(command: ToolCommand): void;
  waiting(what: string): void;
  stepEnd(index: number, total: number, step: Step, result: { ok: boolean; elapsedMs: number; message?: string }): void;
  info(text: string): void;
}

export const SILENT: Reporter = { stepStart() {}, command() {}, waiting() {}, stepEnd() {}, info() {} };

export class RunContext {
  reporter: Reporter = SILENT;
  /** Does the server at a Talos API address ask for a client certificate? (maintenance detection; tests replace it) */
  clientCertificateProbe: (address: string) => Promise<ClientCertificateProbe> = (address) => probeClientCertificate(address, { env: this.options.env });

  constructor(
    readonly tools: Tools,
    readonly tmp: PrivateDir,
    readonly redactor: Redactor,
    readonly journal: Journal,
    readonly options: RunOptions,
    private readonly sleeper: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Runs a tool; a non-zero exit throws a ToolError whose message is redacted. */
  async exec(command: ToolCommand, options: { allowFailure?: boolean; quiet?: boolean } = {}): Promise<ToolResult> {
    for (const arg of command.args) {
      if (typeof arg === 'string' && this.redactor.has(arg)) throw new Error(`refusing to run ${command.tool}: an argument holds secret material (a bug in orrery)`);
    }
    if (!options.quiet) this.reporter.command(command);
    const raw = await this.tools.run(command);
    const result = command.secretOutput ? { ...raw, stderr: this.redactor.redact(raw.stderr) } : { ...raw, stdout: this.redactor.redact(raw.stdout), stderr: this.redactor.redact(raw.stderr) };
    if (result.code !== 0 && !options.allowFailure) throw new ToolError(command, result, describeFailure(command, { ...result, stdout: command.secretOutput ? '' : result.stdout }));
    return result;
  }

  sleep(ms: number): Promise<void> {
    return this.sleeper(ms);
  }

  /**
   * Polls `probe` until it returns a value (not undefined), up to the wait timeout; reports what
   * it waits for. No fixed sleeps: the first probe runs immediately.
   */
  async poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = this.options.waitTimeoutMs): Promise<T> {
    const started = Date.now();
    this.reporter.waiting(what);
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() - started >= timeoutMs) throw new WaitTimeout(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`);
      await this.sleep(this.options.pollIntervalMs);
    }
  }
}

export class WaitTimeout extends Error {}

export function done(reason: string): StepCheck {
  return { state: 'done', reason, commands: [] };
}

export function pending(reason: string, commands: readonly DryRunLine[], detail?: readonly string[], confirm?: readonly string[]): StepCheck {
  return { state: 'pending', reason, commands, ...(detail ? { detail } : {}), ...(confirm ? { confirm } : {}) };
}

/** The names a step needs confirmed from this state (typed, or --confirm), if any. */
export function confirmationOf(step: Step, check: StepCheck): readonly string[] | undefined {
  if (check.confirm) return check.confirm;
  return step.risk === 'destructive' ? (step.confirmNames ?? []) : undefined;
}

export function blocked(reason: string): StepCheck {
  return { state: 'blocked', reason, commands: [] };
}
