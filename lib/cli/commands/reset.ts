import type { Command } from '../command.ts';
import { DRY_RUN_OPTION, RUNNER_HELP, RUNNER_OPTIONS, runRunnerCommand } from '../../runner/cli.ts';

export const resetCommand: Command = {
  name: 'reset',
  summary: 'reset one Talos node to maintenance mode (typed confirmation)',
  help: `Usage: orrery reset NODE [options]

Gracefully resets NODE (cordon, drain, leave etcd), wiping its STATE and EPHEMERAL partitions —
META and data disks are kept — and reboots it into maintenance mode; then deletes its
Kubernetes Node. You type the node's name to confirm (or pass --confirm NODE).

  --dry-run         print the commands; probe and run nothing
  --confirm NAME    the node's name, to confirm without a terminal
  -y, --yes         do not ask whether to run (the name is still required)

${RUNNER_HELP}`,
  options: { ...RUNNER_OPTIONS, ...DRY_RUN_OPTION },
  allowPositionals: true,
  run: (input) => runRunnerCommand(input, 'reset'),
};
