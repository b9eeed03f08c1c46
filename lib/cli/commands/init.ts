import type { Command } from '../command.ts';

// orrery init's help and options; what it does is in init-run.ts, imported when it runs.
export const initCommand: Command = {
  name: 'init',
  summary: 'start a fleet repository: a commented spec, an age key, .sops.yaml and .gitignore',
  help: `Usage: orrery init [DIR] [options]

Writes a starter fleet into DIR (default: the current directory): clusters/constellation.yaml and
clusters/<cluster>.yaml, commented, that compile as they are; .sops.yaml for the secrets;
a .gitignore that keeps plaintext (talosctl's _out/, decrypted bundles, age keys) out of git.
Uses your age key if sops would find one (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE,
~/.config/sops/age/keys.txt), otherwise creates one there (mode 0600; it is never printed).
Overwrites nothing.

Options:
  --fleet NAME      the constellation's name (default: DIR's name)
  --cluster NAME    the first cluster's name (default: lab)
  -h, --help        show this help`,
  options: { fleet: { type: 'string' }, cluster: { type: 'string', default: 'lab' } },
  allowPositionals: true,
  run: async (input) => (await import('./init-run.ts')).runInit(input),
};
