import path from 'node:path';
import { COMMON_HELP, OUT_OPTION, SPEC_OPTIONS, STRICT_OPTION, type Command, type CommandInput } from '../command.ts';

// synth, check and validate: what `--help` and argument parsing need. What they do is in
// compile-run.ts, imported when one of them runs, so that `orrery --help` or another command
// does not load the pipeline.
const runCompile = async (command: 'synth' | 'check' | 'validate', input: CommandInput): Promise<number> => {
  // synth reuses what it built last time for every cluster whose inputs did not change; check never
  // does. Opened first, before the pipeline loads: its snapshot of the output (a worker) overlaps both.
  const opening = command === 'synth' && input.values['no-cache'] !== true ? import('./compile-cache.ts').then((m) => m.openBuildCache(path.resolve(String(input.values.out)))) : undefined;
  return (await import('./compile-run.ts')).runCompile(command, input, opening);
};

const STRICT_HELP = '  --strict          fail on warnings and on keys that are not compiled yet (for CI)';

export const synthCommand: Command = {
  name: 'synth',
  summary: 'compile clusters/ into dist/ (writes only changed files)',
  help: `Usage: orrery synth [options]

Compiles every spec file in --spec into --out. Nothing is written when there is any error;
the previous output stays exactly as it was. Prints the Image Factory boot media of each cluster.
A cluster whose inputs (its spec, what it reads of other clusters, its Secrets, orrery itself)
are unchanged since the last synth, and whose files in --out are as synth left them, is not
built again; --no-cache builds every cluster (the cache lives in orrery's cache directory,
\$ORRERY_CACHE_DIR or node_modules/.cache/orrery; deleting it is always safe).

${COMMON_HELP}
${STRICT_HELP}`,
  options: { ...SPEC_OPTIONS, ...OUT_OPTION, ...STRICT_OPTION, 'no-cache': { type: 'boolean', default: false } },
  run: (input) => runCompile('synth', input),
};

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check the spec (schema and semantic rules) without writing anything',
  help: `Usage: orrery validate [options]

Reads and checks the spec: YAML, schema, semantic rules. Writes nothing. --format json prints
every finding as one JSON array ([] when there is none); notes with the rule
spec/not-compiled-yet name the keys nothing compiles yet.

${COMMON_HELP.replace(/ {2}--out DIR[^\n]*\n/, '').replace(/ {2}--secrets DIR[^\n]*\n/, '')}
${STRICT_HELP}`,
  options: { ...SPEC_OPTIONS, ...OUT_OPTION, ...STRICT_OPTION },
  run: (input) => runCompile('validate', input),
};

export const checkCommand: Command = {
  name: 'check',
  summary: 'exit 1 when dist/ differs from what synth would write (for CI)',
  help: `Usage: orrery check [options]

Compiles the spec in memory and compares the result with --out. Exit 1 and a list of the
differing files when the output is stale (run orrery synth and commit). With --format github
or json each stale file is an error annotation / a JSON entry (rules output/changed,
output/missing, output/orphan, output/foreign).

${COMMON_HELP}
${STRICT_HELP}`,
  options: { ...SPEC_OPTIONS, ...OUT_OPTION, ...STRICT_OPTION },
  run: (input) => runCompile('check', input),
};
