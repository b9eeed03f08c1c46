import type { Command } from '../command.ts';
import { DRY_RUN_OPTION, RUNNER_HELP, RUNNER_OPTIONS, runRunnerCommand } from '../../runner/cli.ts';

export const upgradeCommand: Command = {
  name: 'upgrade',
  summary: "upgrade a talosctl cluster's Talos (node by node) and Kubernetes to the spec's versions",
  help: `Usage: orrery upgrade CLUSTER [options]

Talos to the spec's version with each node's installer image (its schematic), one node at a
time — control planes first — verifying the running version after each node and waiting for
the cluster (etcd included, and Ceph HEALTH_OK with Rook) to be healthy before the next;
then Kubernetes with talosctl upgrade-k8s, dry run first. Nodes already there are skipped.

  --dry-run         print the commands; probe and run nothing
  -y, --yes         run without asking

${RUNNER_HELP}`,
  options: { ...RUNNER_OPTIONS, ...DRY_RUN_OPTION },
  allowPositionals: true,
  run: (input) => runRunnerCommand(input, 'upgrade'),
};
