import type { Command } from '../command.ts';
import { DEFAULT_MAX_BYTES, EXIT_CHANGES, EXIT_DANGEROUS } from './diff-limits.ts';

// orrery diff's help and options; what it does is in diff-run.ts, imported when it runs.
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
  run: async (input) => (await import('./diff-run.ts')).runDiff(input),
};
