import { rookCephCluster } from '../../model/facts/rook-ceph.ts';
import type { Model } from '../../model/model.ts';
import { hubRegistrationSteps } from '../kube/argocd-cluster.ts';
import { gitopsSteps, releaseOwner } from '../kube/gitops-plan.ts';
import type { KubeTarget } from '../kube/kubectl.ts';
import { bootstrapSteps } from '../kube/steps.ts';
import { clusterBootstrap } from '../sources/bootstrap.ts';
import type { Compiled } from '../sources/compiled.ts';
import type { Step } from '../step.ts';
import { tmp } from '../tools/command.ts';
import { wipeStep } from './disks.ts';
import { rebootStep } from './reboot.ts';
import { TalosSession } from './session.ts';
import { applyStep, bootstrapStep, etcdMembersStep, healthStep, installedStep, kubeconfigStep, renderStep, talosconfigStep } from './steps.ts';

export interface Credentials {
  readonly talosconfigFile: string;
  readonly kubeconfigFile: string;
  readonly home: string;
}

export function talosKubeTarget(session: TalosSession): KubeTarget {
  return { cluster: session.cluster, placeholder: tmp(session.kubeconfigFile), kubeconfig: (ctx) => session.kubeconfig(ctx) };
}

/**
 * A talosctl cluster from booted machines to reconciled by GitOps, in the order the consumers
 * impose: machines → etcd → credentials → health → reboots a changed config waits for → data
 * disks → CNI (nothing is Ready before it) → the decryption key → GitOps, which then owns everything.
 */
export function talosctlSteps(model: Model, compiled: Compiled, session: TalosSession, creds: Credentials, beforeGitops: (kube: KubeTarget) => readonly Step[] = () => []): Step[] {
  const cluster = session.cluster;
  const kube = talosKubeTarget(session);
  const ceph = rookCephCluster(cluster);
  return [
    renderStep(session),
    talosconfigStep(session, creds.talosconfigFile, creds.home),
    ...session.nodes.map((n) => applyStep(session, n)),
    ...session.nodes.map((n) => installedStep(session, n)),
    bootstrapStep(session),
    etcdMembersStep(session),
    kubeconfigStep(session, creds.kubeconfigFile, creds.home),
    healthStep(session),
    rebootStep(session, kube, ceph),
    ...session.nodes.filter((n) => n.model.dataDisks.some((d) => d.wipe)).map((n) => wipeStep(session, n, kube, ceph)),
    ...bootstrapSteps(kube, compiled, clusterBootstrap(cluster, compiled), session.nodes.length, releaseOwner(model, cluster, compiled, creds)),
    // Before the engine: what its first reconciliation needs (a management cluster's CAPI providers).
    ...beforeGitops(kube),
    ...gitopsSteps(kube, model, compiled),
    // A cluster other than the Argo CD hub: registered in the hub's Argo CD, which reconciles it.
    ...hubRegistrationSteps(model, compiled, kube, creds),
  ];
}
