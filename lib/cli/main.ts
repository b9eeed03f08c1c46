import { parseArgs } from 'node:util';
import path from 'node:path';
import { defaultIo, formatProblem, type Io } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { redactSecrets } from '../diagnostics/redact.ts';
import { readFileSync } from 'node:fs';
import { closest, distance } from 'fastest-levenshtein';

export type { Io } from './command.ts';

const MAIN_HELP = `orrery — compile a constellation of Talos Kubernetes clusters into a GitOps tree

Usage: orrery <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Run orrery <command> --help for a command's options; orrery --version prints the version.
Exit codes: 0 success, 1 bad input or dist/ out of date, 2 internal error (a bug in orrery);
orrery diff also exits 3 for changes and 4 for dangerous ones with --fail-on dangerous;
orrery plan exits 2 when changes are pending.`;

/** Runs the CLI and returns the exit code. Never throws for bad input. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.out(`${MAIN_HELP}\n`);
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.out(`orrery ${orreryVersion()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const guess = closest(name.replace(/^-+/, ''), COMMANDS.map((c) => c.name));
    io.err(`orrery: unknown command ${JSON.stringify(name)}; did you mean ${JSON.stringify(guess)}?\n\n${MAIN_HELP}\n`);
    return 1;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h', default: false } },
      strict: true,
      allowPositionals: command.allowPositionals ?? false,
    });
  } catch (err) {
    io.err(`orrery ${name}: ${argumentProblem(err as Error & { code?: string }, Object.keys(command.options))}\n\n${command.help}\n`);
    return 1;
  }
  if (parsed.values.help) {
    io.out(`${command.help}\n`);
    return 0;
  }
  if ('format' in command.options) {
    const problem = formatProblem(name, (parsed.values as Record<string, unknown>).format, command.formats);
    if (problem) {
      io.err(problem);
      return 1;
    }
  }
  return command.run({ values: parsed.values, positionals: parsed.positionals, io });
}

/**
 * parseArgs's message, with the closest option for an unknown one (`--strcit` → `--strict`).
 * The option is quoted from the command line the user typed; values are never echoed.
 */
function argumentProblem(err: Error & { code?: string }, known: readonly string[]): string {
  if (err.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return err.message;
  const option = /'([^']+)'/.exec(err.message)?.[1] ?? '';
  const bare = option.replace(/^-+/, '').split('=')[0]!;
  const options = [...known, 'help'];
  const guess = bare.length > 1 ? closest(bare, options) : undefined;
  const near = guess && distance(bare, guess) <= Math.max(2, Math.floor(guess.length / 3));
  return `unknown option ${option}${near ? `; did you mean --${guess}?` : ` (options: ${options.map((o) => `--${o}`).join(', ')})`}`;
}

/** The version of the installed package (its package.json, wherever node_modules put it). */
export function orreryVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** The process entry: bad input exits 1 from `main`; anything thrown is a bug in orrery (exit 2). */
export async function runCli(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  try {
    return await main(argv, io);
  } catch (err) {
    const detail = redactSecrets(err instanceof Error ? (err.stack ?? err.message) : String(err));
    try {
      io.err(`orrery: internal error — this is a bug in orrery, please report it:\n${detail}\n`);
    } catch {
      process.stderr.write(`orrery: internal error — this is a bug in orrery, please report it:\n${detail}\n`);
    }
    return 2;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(path.basename(process.argv[1]));
if (invokedDirectly) {
  process.exitCode = await runCli(process.argv.slice(2));
}
