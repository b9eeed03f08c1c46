import type { ParseArgsConfig } from 'node:util';
import { NOT_COMPILED_YET } from '../spec/pending.ts';
import { renderDiagnostics, type Diagnostic, type DiagnosticFormat } from '../diagnostics/diagnostic.ts';

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Standard input, read whole (bounded) — how secret values reach orrery, never argv. */
  readonly input?: (limit: number) => Promise<{ readonly data: Buffer; readonly tty: boolean }>;
}

/** Reads stdin to its end, refusing more than `limit` bytes; a terminal is not read at all. */
async function readStdin(limit: number): Promise<{ data: Buffer; tty: boolean }> {
  if (process.stdin.isTTY) return { data: Buffer.alloc(0), tty: true };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RangeError(`standard input is larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return { data: Buffer.concat(chunks), tty: false };
}

export const defaultIo: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), input: readStdin };

/** What a command receives once its arguments parsed. */
export interface CommandInput {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
  readonly io: Io;
}

/**
 * One `orrery <name>` command: its help, its options, and what it does. The list of commands is
 * lib/cli/commands/index.ts; main.ts parses arguments and dispatches, nothing else.
 */
export interface Command {
  readonly name: string;
  /** One line for `orrery --help`. */
  readonly summary: string;
  /** The whole `orrery <name> --help` text. */
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  readonly allowPositionals?: boolean;
  /** The values `--format` accepts, when not the diagnostic formats (text, json, github). */
  readonly formats?: readonly string[];
  run(input: CommandInput): Promise<number>;
}

export const SPEC_OPTIONS = {
  spec: { type: 'string', default: 'clusters' },
  secrets: { type: 'string' },
  format: { type: 'string', default: 'text' },
} as const;

export const OUT_OPTION = { out: { type: 'string', default: 'dist' } } as const;

export const STRICT_OPTION = { strict: { type: 'boolean', default: false } } as const;

/**
 * `--strict` (CI): a warning, or a key that is accepted but not compiled yet, fails the run like
 * an error. Other notes (a Secret copied without a key to check its MAC) stay notes.
 */
export function strictDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => (d.severity === 'warning' || (d.severity === 'note' && d.rule === NOT_COMPILED_YET) ? { ...d, severity: 'error', message: `${d.message} (an error with --strict)` } : d));
}

export const COMMON_HELP = `Options:
  --spec DIR        spec directory (default: clusters)
  --out DIR         output directory (default: dist)
  --secrets DIR     secrets directory (default: secrets/ beside the spec directory)
  --format FORMAT   diagnostics as text, json or github (GitHub annotations) (default: text)
  -h, --help        show this help`;

export function report(io: Io, diagnostics: readonly Diagnostic[], format: DiagnosticFormat): void {
  // JSON is one document even when there is nothing to say: `[]`, which a tool can parse.
  if (diagnostics.length === 0 && format !== 'json') return;
  const text = renderDiagnostics(diagnostics, format);
  // JSON for a tool, and GitHub workflow commands, which the runner reads from stdout (GitHub docs
  // "Workflow commands for GitHub Actions": commands are sent to the runner over stdout).
  (format === 'text' ? io.err : io.out)(text);
}

/** Checks --format; returns an error message or undefined. */
export function formatProblem(command: string, value: unknown, formats: readonly string[] = ['text', 'json', 'github']): string | undefined {
  const list = `${formats.slice(0, -1).join(', ')} or ${formats.at(-1)}`;
  return formats.includes(String(value)) ? undefined : `orrery ${command}: --format must be ${list}, not ${JSON.stringify(value)}\n`;
}
