import path from 'node:path';
import { hasErrors, type DiagnosticFormat } from '../../diagnostics/diagnostic.ts';
import { checkOutput, writeOutput, OutputError } from '../../output/writer.ts';
import { gitSummary } from '../../output/git-summary.ts';
import { indexFileFor } from '../../output/writer-index.ts';
import { compileSpecDir } from '../../pipeline.ts';
import { loadAgeIdentities } from '../../sops/keys.ts';
import { COMMON_HELP, OUT_OPTION, report, SPEC_OPTIONS, type Command, type CommandInput, type Io } from '../command.ts';

function pendingNote(io: Io, result: Awaited<ReturnType<typeof compileSpecDir>>): void {
  const pending = new Map<string, string[]>();
  for (const c of result.model?.clusters ?? []) for (const p of c.pending) pending.set(p, [...(pending.get(p) ?? []), c.name]);
  if (pending.size === 0) return;
  io.err('not compiled yet (validated only):\n');
  for (const [section, clusters] of pending) io.err(`  ${section}: ${clusters.join(', ')}\n`);
}

/** synth, check and validate: compile the spec, then write it, compare it, or stop. */
async function runCompile(command: 'synth' | 'check' | 'validate', { values, io }: CommandInput): Promise<number> {
  const format = values.format as DiagnosticFormat;
  const specDir = path.resolve(String(values.spec));
  // With a decryption key at hand, every stored Secret's MAC is checked before it is copied.
  const identities = command === 'validate' ? undefined : await loadAgeIdentities();
  const result = await compileSpecDir(specDir, { build: command !== 'validate', ...(values.secrets ? { secretsDir: path.resolve(String(values.secrets)) } : {}), ...(identities ? { identities } : {}) });
  report(io, result.diagnostics, format);
  if (hasErrors(result.diagnostics)) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    if (format !== 'json') io.err(`orrery ${command}: ${errors} error(s); nothing was written\n`);
    return 1;
  }
  if (format === 'text') pendingNote(io, result);
  if (command === 'validate') {
    if (format === 'text') io.err(`orrery validate: ${result.model!.clusters.length} cluster(s), no errors\n`);
    return 0;
  }
  const shownOut = String(values.out);
  const outDir = path.resolve(shownOut);
  const files = result.files!;
  const lock = { onWait: (holder: string) => io.err(`orrery ${command}: waiting for ${holder} to finish writing ${shownOut}\n`) };
  try {
    if (command === 'check') return checkStale(io, shownOut, files.size, await checkOutput(outDir, files, { lock }));
    const written = await writeOutput(outDir, files, { lock, index: indexFileFor(outDir) });
    for (const w of written.warnings) io.err(`orrery synth: warning: ${w}\n`);
    io.err(`orrery synth: ${written.written.length} written, ${written.removed.length} removed, ${written.unchanged} unchanged in ${shownOut}\n`);
    const summary = await gitSummary(outDir);
    if (summary) io.err(`orrery synth: ${shownOut}: ${summary}\n`);
    return 0;
  } catch (err) {
    // A full disk, a read-only mount, a file in the way: the machine's state, not a bug (exit 1).
    if (err instanceof OutputError) {
      io.err(`orrery ${command}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

function checkStale(io: Io, shownOut: string, total: number, diff: Awaited<ReturnType<typeof checkOutput>>): number {
  for (const w of diff.warnings) io.err(`orrery check: warning: ${w}\n`);
  const stale = [...diff.changed.map((f) => `changed  ${f}`), ...diff.added.map((f) => `missing  ${f}`), ...diff.orphans.map((f) => `orphan   ${f}`), ...diff.conflicts.map((f) => `foreign  ${f}`)];
  if (stale.length === 0) {
    io.err(`orrery check: ${shownOut} is up to date (${total} files)\n`);
    return 0;
  }
  io.err(`orrery check: ${shownOut} is not what synth would write:\n${stale.map((s) => `  ${s}\n`).join('')}run npm run synth and commit the result\n`);
  return 1;
}

export const synthCommand: Command = {
  name: 'synth',
  summary: 'compile clusters/ into dist/ (writes only changed files)',
  help: `Usage: orrery synth [options]

Compiles every spec file in --spec into --out. Nothing is written when there is any error;
the previous output stays exactly as it was.

${COMMON_HELP}`,
  options: { ...SPEC_OPTIONS, ...OUT_OPTION },
  run: (input) => runCompile('synth', input),
};

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check the spec (schema and semantic rules) without writing anything',
  help: `Usage: orrery validate [options]

Reads and checks the spec: YAML, schema, semantic rules. Writes nothing.

${COMMON_HELP.replace(/ {2}--out DIR[^\n]*\n/, '').replace(/ {2}--secrets DIR[^\n]*\n/, '')}`,
  options: { ...SPEC_OPTIONS, ...OUT_OPTION },
  run: (input) => runCompile('validate', input),
};

export const checkCommand: Command = {
  name: 'check',
  summary: 'exit 1 when dist/ differs from what synth would write (for CI)',
  help: `Usage: orrery check [options]

Compiles the spec in memory and compares the result with --out. Exit 1 and a list of the
differing files when the output is stale (run orrery synth and commit).

${COMMON_HELP}`,
  options: { ...SPEC_OPTIONS, ...OUT_OPTION },
  run: (input) => runCompile('check', input),
};
