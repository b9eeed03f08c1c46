import type { Command } from '../command.ts';
import { RUNNER_HELP, RUNNER_OPTIONS, runRunnerCommand } from '../../runner/cli.ts';

export const planCommand: Command = {
  name: 'plan',
  summary: 'probe live clusters (read-only) and list each bring-up step: done, pending or blocked',
  help: `Usage: orrery plan [CLUSTER…] [options]

Compiles the spec in memory, checks that dist/ is up to date, then probes each cluster's live
state — read-only — and prints every step of its bring-up as done, pending or blocked, with
the exact command orrery up would run (secret files as <tmp:…> placeholders).
Exit 0 nothing to do, 2 changes pending, 1 an error or a blocked step.

${RUNNER_HELP}`,
  options: RUNNER_OPTIONS,
  allowPositionals: true,
  run: (input) => runRunnerCommand(input, 'plan'),
};
