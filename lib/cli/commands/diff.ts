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
import { report, type Command, type CommandInput } from '../command.ts';

/** Under GitHub's comment limit (65,536 characters) with room for the workflow's own text. */
export const DEFAULT_MAX_BYTES = 60_000;
const MIN_MAX_BYTES = 2_048;

export const EXIT_CHANGES = 3;
export const EXIT_DANGEROUS = 4;

const HELP = `Usage: orrery diff [options]

Says what a change will do to the fleet before it merges: compares the output synth would
write now (compiled in memory, nothing written) with the output directory at the base, object
by object — a moved or reordered object is no change — and states the impact per cluster:
Talos nodes needing apply-config (live or reboot, for the Talos they run), Cluster API
rollouts, Helm upgrades, what Flux or Argo CD will prune, Secrets rotated or re-encrypted
(values are never shown).

Options:
  --spec DIR         spec directory (default: clusters)
  --secrets DIR      secrets directory (default: secrets/ beside the spec directory)
  --out DIR          output directory compared in git (default: dist)
  --base REF         compare with --out at this commit (default: the merge base of HEAD with
                     the default branch: origin/HEAD, main, master, origin/main, origin/master)
  --base-dir DIR     compare with this directory instead of git
  --head-dir DIR     compare this directory instead of compiling the spec
  --format FORMAT    text, markdown (a PR comment) or json (default: text)
  --max-bytes N      size limit of the text or markdown report (default: ${DEFAULT_MAX_BYTES}); objects
                     that do not fit are counted in the footer
  --full FILE        also write the whole report, without a size limit, to FILE
  --fail-on dangerous  exit ${EXIT_DANGEROUS} when a change prunes a protected kind (Namespace, PVC, CRD,
                     CephCluster, Cluster API machines, the CNI) or rolls every control plane
  --exit-zero        exit 0 when there are changes (bad input still exits 1)
  -h, --help         show this help

Exit codes: 0 no change, ${EXIT_CHANGES} changes, ${EXIT_DANGEROUS} dangerous changes with --fail-on dangerous,
1 bad input (spec errors, an unknown --base), 2 an internal error.`;

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

async function runDiff({ values, io }: CommandInput): Promise<number> {
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

export const diffCommand: Command = {
  name: 'diff',
  summary: 'what a change will do to the fleet: object diff and impact against the base (for PR review)',
  help: HELP,
  options: {
    spec: { type: 'string', default: 'clusters' },
    secrets: { type: 'string' },
    out: { type: 'string', default: 'dist' },
    base: { type: 'string' },
    'base-dir': { type: 'string' },
    'head-dir': { type: 'string' },
    format: { type: 'string', default: 'text' },
    'max-bytes': { type: 'string' },
    full: { type: 'string' },
    'fail-on': { type: 'string' },
    'exit-zero': { type: 'boolean', default: false },
  },
  formats: ['text', 'markdown', 'json'],
  run: runDiff,
};
