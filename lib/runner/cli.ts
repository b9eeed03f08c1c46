import { defaultIo, type CommandInput } from '../cli/command.ts';
import type { RunnerCommand } from './run.ts';
import { pipeTerminal, processTerminal } from './terminal.ts';

/** Options every runner command shares. */
export const RUNNER_OPTIONS = {
  spec: { type: 'string', default: 'clusters' },
  out: { type: 'string', default: 'dist' },
  secrets: { type: 'string' },
  format: { type: 'string', default: 'text' },
  kubeconfig: { type: 'string' },
  talosconfig: { type: 'string' },
  'git-private-key': { type: 'string' },
  'git-token-file': { type: 'string' },
  'git-username': { type: 'string' },
  state: { type: 'string' },
  yes: { type: 'boolean', short: 'y', default: false },
  confirm: { type: 'string', multiple: true },
  'skip-preflight': { type: 'boolean', default: false },
  'wait-timeout': { type: 'string', default: '20m' },
  'poll-interval': { type: 'string', default: '5s' },
} as const;

export const DRY_RUN_OPTION = { 'dry-run': { type: 'boolean', default: false } } as const;

export const RUNNER_HELP = `Options:
  --spec DIR              spec directory (default: clusters)
  --out DIR               output directory synth wrote (default: dist); it must be up to date
  --secrets DIR           secrets directory (default: secrets/ beside the spec directory)
  --kubeconfig FILE       merge kubeconfig contexts here (default: first KUBECONFIG entry, else ~/.kube/config)
  --talosconfig FILE      merge talosconfig contexts here (default: TALOSCONFIG, else ~/.talos/config)
  --git-private-key FILE  SSH key for flux bootstrap / Argo CD (its public half: a deploy key with write access)
  --git-token-file FILE   token (one line) for an https:// repository: flux bootstrap --token-auth reads it
                          on stdin; Argo CD gets it as the repository's password (write access for Flux)
  --git-username NAME     user name sent with the token (default: git, as flux bootstrap git)
  --state DIR             the journal (default: .orrery/state beside the spec directory; no secrets)
  --skip-preflight        apply a changed config even when the node lacks a link or disk it names
  --wait-timeout DUR      upper bound for every wait: install, etcd, health, nodes Ready, reconciliation (default: 20m)
  --poll-interval DUR     between probes while waiting (default: 5s)
  --format FORMAT         text or json (default: text)
  -h, --help              show this help
Secrets are decrypted in memory with your age key (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE or
~/.config/sops/age/keys.txt); what a tool must read from a file goes to a private 0700 temp
directory outside the repository, removed when the run ends (also on Ctrl-C).`;

/** `90s`, `20m`, `1h30m`, `500ms` → milliseconds. */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed += m[0].length;
  }
  return consumed === text.length && consumed > 0 ? total : undefined;
}

/** Parses the shared options and runs the runner. */
export async function runRunnerCommand({ values, positionals, io }: CommandInput, command: RunnerCommand): Promise<number> {
  const fail = (message: string): number => {
    io.err(`orrery ${command}: ${message}\n`);
    return 1;
  };
  const format = String(values.format);
  if (format !== 'text' && format !== 'json') return fail(`--format must be text or json, not ${JSON.stringify(format)}`);
  const waitTimeoutMs = parseDuration(String(values['wait-timeout']));
  if (waitTimeoutMs === undefined) return fail(`--wait-timeout ${JSON.stringify(values['wait-timeout'])} is not a duration (e.g. 20m, 90s)`);
  const pollIntervalMs = parseDuration(String(values['poll-interval']));
  if (pollIntervalMs === undefined) return fail(`--poll-interval ${JSON.stringify(values['poll-interval'])} is not a duration (e.g. 5s)`);
  if (command === 'reset' && positionals.length !== 1) return fail('give exactly one node: orrery reset NODE');
  if (command === 'upgrade' && positionals.length !== 1) return fail('give exactly one cluster: orrery upgrade CLUSTER');
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  // Questions and redrawn progress only on the process's own terminal; captured output never asks.
  const terminal = io === defaultIo ? processTerminal(io.out, io.err) : pipeTerminal(io.out, io.err);
  // The runner (its steps, the tools it drives) loads when a runner command runs, not with the
  // CLI: its help and options above are all `orrery --help` and the other commands need.
  const { runRunner } = await import('./run.ts');
  return runRunner({
    command,
    clusters: command === 'reset' ? [] : positionals,
    ...(command === 'reset' ? { node: positionals[0]! } : {}),
    specDir: String(values.spec),
    outDir: String(values.out),
    ...(str('secrets') ? { secretsDir: str('secrets')! } : {}),
    ...(str('state') ? { stateDir: str('state')! } : {}),
    ...(str('kubeconfig') ? { kubeconfig: str('kubeconfig')! } : {}),
    ...(str('talosconfig') ? { talosconfig: str('talosconfig')! } : {}),
    ...(str('git-private-key') ? { gitPrivateKey: str('git-private-key')! } : {}),
    ...(str('git-token-file') ? { gitTokenFile: str('git-token-file')! } : {}),
    ...(str('git-username') ? { gitUsername: str('git-username')! } : {}),
    dryRun: values['dry-run'] === true,
    yes: values.yes === true,
    ...(values['skip-preflight'] === true ? { skipPreflight: true } : {}),
    confirm: ((values.confirm as string[] | undefined) ?? []).flatMap((c) => c.split(',')).filter((c) => c !== ''),
    format,
    waitTimeoutMs,
    pollIntervalMs,
    cwd: process.cwd(),
    env: process.env,
    terminal,
  });
}

