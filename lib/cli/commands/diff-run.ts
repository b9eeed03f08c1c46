import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { hasErrors } from '../../diagnostics/diagnostic.ts';
import { diffLoaded, hasChanges } from '../../diff/diff.ts';
import { directoryTree } from '../../diff/dir-tree.ts';
import { gitRoot, gitTree, resolveBase } from '../../diff/git-tree.ts';
import { loadPair } from '../../diff/load.ts';
import { renderJson } from '../../diff/render-json.ts';
import { renderDiff, type DiffFormat } from '../../diff/render.ts';
import { memoryTree, TreeError, type OutputTree } from '../../diff/tree.ts';
import { compileSpecDir } from '../../pipeline.ts';
import { report, type CommandInput } from '../command.ts';
import { DEFAULT_MAX_BYTES, EXIT_CHANGES, EXIT_DANGEROUS, MIN_MAX_BYTES } from './diff-limits.ts';

async function headTree(values: CommandInput['values'], io: CommandInput['io'], format: string): Promise<OutputTree | number> {
  if (values['head-dir'] !== undefined) return directoryTree(path.resolve(String(values['head-dir'])), String(values['head-dir']));
  const specDir = path.resolve(String(values.spec));
  const result = await compileSpecDir(specDir, values.secrets ? { secretsDir: path.resolve(String(values.secrets)) } : {});
  if (hasErrors(result.diagnostics)) {
    report(io, result.diagnostics, format === 'json' ? 'json' : 'text');
    if (format !== 'json') io.err(`orrery diff: ${result.diagnostics.filter((d) => d.severity === 'error').length} error(s) in the spec; nothing compared\n`);
    return 1;
  }
  report(io, result.diagnostics, 'text');
  return memoryTree(`${String(values.out)}/ as synth would write it from ${String(values.spec)}/`, result.files!);
}

async function baseTree(values: CommandInput['values']): Promise<OutputTree> {
  if (values['base-dir'] !== undefined) return directoryTree(path.resolve(String(values['base-dir'])), String(values['base-dir']));
  const out = path.resolve(String(values.out));
  const root = (await gitRoot(out)) ?? (await gitRoot(process.cwd()));
  if (!root) throw new TreeError(`${String(values.out)} is not in a git work tree; compare with --base-dir DIR instead`);
  const rel = path.relative(root, out);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new TreeError(`${String(values.out)} is outside the git work tree ${root}`);
  const base = await resolveBase({ root, ...(values.base !== undefined ? { ref: String(values.base) } : {}) });
  return gitTree({ base, dir: rel, label: `${String(values.out)}/ at ${base.label}` });
}

function optionProblem(values: CommandInput['values']): string | undefined {
  if (values.base !== undefined && values['base-dir'] !== undefined) return '--base and --base-dir exclude each other';
  if (values['fail-on'] !== undefined && values['fail-on'] !== 'dangerous') return `--fail-on must be dangerous, not ${JSON.stringify(values['fail-on'])}`;
  if (values['max-bytes'] !== undefined) {
    const n = Number(values['max-bytes']);
    if (!Number.isInteger(n) || n < MIN_MAX_BYTES) return `--max-bytes must be a whole number of bytes, at least ${MIN_MAX_BYTES}, not ${JSON.stringify(values['max-bytes'])}`;
  }
  return undefined;
}

/** `orrery diff` (lib/cli/commands/diff.ts). */
export async function runDiff({ values, io }: CommandInput): Promise<number> {
  const format = String(values.format);
  const problem = optionProblem(values);
  if (problem) {
    io.err(`orrery diff: ${problem}\n`);
    return 1;
  }
  const head = await headTree(values, io, format);
  if (typeof head === 'number') return head;
  let base: OutputTree;
  try {
    base = await baseTree(values);
  } catch (err) {
    if (err instanceof TreeError) {
      io.err(`orrery diff: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const result = diffLoaded(await loadPair(base, head), { base: base.label, head: head.label });
  const full = values.full === undefined ? undefined : String(values.full);
  const render = (maxBytes: number | undefined): string =>
    format === 'json' ? renderJson(result) : renderDiff(result, { format: format as DiffFormat, ...(maxBytes !== undefined ? { maxBytes } : {}), ...(full ? { fullDiff: full } : {}) });
  io.out(render(values['max-bytes'] === undefined ? DEFAULT_MAX_BYTES : Number(values['max-bytes'])));
  if (full) await writeFile(path.resolve(full), render(undefined));
  if (!hasChanges(result)) return 0;
  if (values['fail-on'] === 'dangerous' && result.dangerous) {
    io.err(`orrery diff: dangerous changes (see the summary); exit ${EXIT_DANGEROUS} because of --fail-on dangerous\n`);
    return EXIT_DANGEROUS;
  }
  return values['exit-zero'] ? 0 : EXIT_CHANGES;
}
