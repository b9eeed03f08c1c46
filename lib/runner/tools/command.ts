/**
 * The narrow interface between the runner and the external CLIs: a command is data (a tool and
 * an argument array, never a shell string), so it can be printed exactly, recorded in tests and
 * spawned without a shell. Files a tool must read that hold secrets live in the private temp dir
 * and appear in arguments as `<tmp:name>`; secret bytes a tool reads from stdin are described,
 * never shown.
 */
export type ToolName = 'talosctl' | 'kubectl' | 'helm' | 'clusterctl' | 'kind' | 'flux';

/** A path inside the run's private temp directory, optionally glued to a flag prefix (`@`, `--file=`). */
export interface TempRef {
  readonly tmp: string;
  readonly prefix?: string;
}

export type Arg = string | TempRef;

export function tmp(name: string, prefix = ''): TempRef {
  return { tmp: name, prefix };
}

/** Bytes piped to the tool's stdin (secret material: decrypted Secrets, kubeconfigs, keys). */
export interface StdinPayload {
  /** What it is, for display: `<decrypted Secret kube-system/cilium-ca>`. */
  readonly label: string;
  readonly data: () => Buffer;
}

export interface ToolCommand {
  readonly tool: ToolName;
  readonly args: readonly Arg[];
  readonly stdin?: StdinPayload;
  /** Kill the tool after this long (ms). */
  readonly timeoutMs?: number;
  /** Variables added to the tool's minimal environment (never secrets: they are shown). */
  readonly env?: Readonly<Record<string, string>>;
  /** stdout carries credentials (a kubeconfig): never shown, kept only in memory. */
  readonly secretOutput?: boolean;
}

/** Lines that are not tool invocations: what orrery itself does in-process (decrypt, merge a context). */
export interface Note {
  readonly note: string;
}

export type DryRunLine = ToolCommand | Note;

export function isNote(line: DryRunLine): line is Note {
  return 'note' in line;
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX-shell quoting for display: words that need it go in single quotes. */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function displayArg(arg: Arg): string {
  if (typeof arg === 'string') return shellQuote(arg);
  return `${arg.prefix ? shellQuote(arg.prefix) : ''}<tmp:${arg.tmp}>`;
}

/** The exact command line, with temp files as `<tmp:…>` and stdin as `< <label>`. */
export function displayCommand(command: ToolCommand): string {
  const env = Object.entries(command.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`);
  const line = [...env, command.tool, ...command.args.map(displayArg)].join(' ');
  return command.stdin ? `${line} < ${command.stdin.label}` : line;
}

export function displayLine(line: DryRunLine): string {
  return isNote(line) ? `# ${line.note}` : displayCommand(line);
}

/** A duration as Go's flag parser takes it (`90s`, `10m0s`). */
export function goDuration(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s % 60 === 0 ? `${s / 60}m0s` : `${s}s`;
}
