import type { Command } from '../command.ts';
import { DRY_RUN_OPTION, RUNNER_HELP, RUNNER_OPTIONS, runRunnerCommand } from '../../runner/cli.ts';

export const upCommand: Command = {
  name: 'up',
  summary: 'bring clusters up: machines, etcd, credentials, CNI, GitOps — resumable, idempotent',
  help: `Usage: orrery up [CLUSTER…] [options]

Runs the pending steps of each cluster's bring-up in order, each as check → act → verify:
a rerun after a failure resumes where it stopped, a rerun on a healthy cluster does nothing.
talosctl clusters: render configs → talosconfig context → apply (maintenance mode: --insecure)
→ wait installed → bootstrap etcd once → etcd members → kubeconfig context → talosctl health →
wipe data disks marked wipe (confirmed) → namespaces, Secrets, the CNI with the values GitOps
owns → nodes Ready → sops-age → flux bootstrap (or Argo CD) → first reconciliation Ready.
Cluster API: kind bootstrap cluster → clusterctl init → the cluster's objects → control plane
and every Machine's nodeRef → credentials → CNI → the same providers on it → GitOps →
clusterctl move (dry run first) → delete kind; workload clusters: wait, credentials, CNI, GitOps.

  --dry-run         print every step's commands for a fresh cluster; probe and run nothing
  -y, --yes         run without asking (destructive steps still need --confirm)
  --confirm NAME    confirm a destructive step (disk wipe) by its node name; repeatable

${RUNNER_HELP}`,
  options: { ...RUNNER_OPTIONS, ...DRY_RUN_OPTION },
  allowPositionals: true,
  run: (input) => runRunnerCommand(input, 'up'),
};
