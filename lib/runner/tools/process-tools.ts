import { spawn, type ChildProcess } from 'node:child_process';
import type { PrivateDir } from '../private-dir.ts';
import { displayCommand, type Arg, type ToolCommand, type ToolName } from './command.ts';

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** The runner reaches every external CLI through this, and nothing else. */
export interface Tools {
  run(command: ToolCommand): Promise<ToolResult>;
  /** Stops every running tool (SIGINT/SIGTERM of the runner). */
  killAll(): void;
}

export class ToolMissingError extends Error {
  constructor(readonly tool: ToolName) {
    super(`${tool} is not installed (not found on PATH)`);
  }
}

/**
 * The environment tools see: what they need to find themselves, their caches and the user's SSH
 * agent — nothing else. SOPS_AGE_KEY and other credentials in the runner's environment never
 * reach a child; kubeconfigs and talosconfigs are passed as explicit flags, never inherited.
 */
export const PASSED_ENV = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR',
  'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME',
  'SSH_AUTH_SOCK',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
  // kind talks to the container runtime.
  'DOCKER_HOST', 'KIND_EXPERIMENTAL_PROVIDER',
] as const;

export function minimalEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const key of PASSED_ENV) if (env[key] !== undefined) out[key] = env[key];
  return out;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const KILL_GRACE_MS = 5_000;
const MAX_OUTPUT = 32 * 1024 * 1024;

export interface ProcessToolsOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly tmp: PrivateDir;
}

/** Tools as child processes: argument arrays (no shell), stdin for secrets, minimal env, timeouts. */
export class ProcessTools implements Tools {
  private readonly children = new Set<ChildProcess>();
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: ProcessToolsOptions) {
    this.env = minimalEnv(options.env);
  }

  private resolve(arg: Arg): string {
    return typeof arg === 'string' ? arg : `${arg.prefix ?? ''}${this.options.tmp.path(arg.tmp)}`;
  }

  run(command: ToolCommand): Promise<ToolResult> {
    const args = command.args.map((a) => this.resolve(a));
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        // Its own process group: a timeout or Ctrl-C stops the tool and whatever it started.
        child = spawn(command.tool, args, { cwd: this.options.cwd, env: { ...this.env, ...command.env }, shell: false, detached: true, stdio: [command.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
      } catch (err) {
        reject(err);
        return;
      }
      this.children.add(child);
      const out: Buffer[] = [];
      const errOut: Buffer[] = [];
      let size = 0;
      const collect = (into: Buffer[]) => (chunk: Buffer): void => {
        size += chunk.length;
        if (size <= MAX_OUTPUT) into.push(chunk);
      };
      child.stdout!.on('data', collect(out));
      child.stderr!.on('data', collect(errOut));
      let timedOut = false;
      let settled = false;
      const timers: NodeJS.Timeout[] = [];
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        this.children.delete(child);
        resolve({
          code: code ?? (signal ? 128 + 15 : 1),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(errOut).toString('utf8'),
          timedOut,
        });
      };
      timers.push(
        setTimeout(() => {
          timedOut = true;
          killGroup(child, 'SIGTERM');
          timers.push(setTimeout(() => killGroup(child, 'SIGKILL'), KILL_GRACE_MS));
        }, command.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      );
      child.on('error', (err: NodeJS.ErrnoException) => {
        settled = true;
        for (const t of timers) clearTimeout(t);
        this.children.delete(child);
        reject(err.code === 'ENOENT' ? new ToolMissingError(command.tool) : err);
      });
      child.on('close', finish);
      // A process it started may hold the pipes open after it exited: do not wait for that forever.
      child.on('exit', (code, signal) => {
        if (settled) return;
        const t = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish(code, signal);
        }, 1000);
        t.unref();
        timers.push(t);
      });
      if (command.stdin) {
        child.stdin!.on('error', () => undefined);
        child.stdin!.end(command.stdin.data());
      }
    });
  }

  killAll(): void {
    for (const child of this.children) killGroup(child, 'SIGTERM');
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** A failed tool run, with its (already redacted) output. */
export class ToolError extends Error {
  constructor(
    readonly command: ToolCommand,
    readonly result: ToolResult,
    message: string,
  ) {
    super(message);
  }
}

/** One line per failure: the command, the exit, the last lines of stderr (the caller redacts). */
export function describeFailure(command: ToolCommand, result: ToolResult): string {
  const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-6).join('\n    ');
  const how = result.timedOut ? `timed out after ${Math.round((command.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)}s` : `exit ${result.code}`;
  return `${displayCommand(command)}: ${how}${tail ? `\n    ${tail}` : ''}`;
}
