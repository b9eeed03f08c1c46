import type { ParseArgsConfig } from 'node:util';
import { renderDiagnostics, type Diagnostic, type DiagnosticFormat } from '../diagnostics/diagnostic.ts';

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const defaultIo: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

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

export const COMMON_HELP = `Options:
  --spec DIR        spec directory (default: clusters)
  --out DIR         output directory (default: dist)
  --secrets DIR     secrets directory (default: secrets/ beside the spec directory)
  --format FORMAT   diagnostics as text, json or github (GitHub annotations) (default: text)
  -h, --help        show this help`;

export function report(io: Io, diagnostics: readonly Diagnostic[], format: DiagnosticFormat): void {
  if (diagnostics.length === 0) return;
  const text = renderDiagnostics(diagnostics, format);
  (format === 'json' ? io.out : io.err)(text);
}

/** Checks --format; returns an error message or undefined. */
export function formatProblem(command: string, value: unknown, formats: readonly string[] = ['text', 'json', 'github']): string | undefined {
  const list = `${formats.slice(0, -1).join(', ')} or ${formats.at(-1)}`;
  return formats.includes(String(value)) ? undefined : `orrery ${command}: --format must be ${list}, not ${JSON.stringify(value)}\n`;
}
