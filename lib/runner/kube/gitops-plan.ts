import { parse } from 'yaml';
import type { ClusterModel, Model } from '../../model/model.ts';
import { hasEncryptedSecrets, type BootstrapRelease } from '../sources/bootstrap.ts';
import type { Compiled } from '../sources/compiled.ts';
import { argoHub } from '../../gitops/argocd.ts';
import { decryptionKeySecret } from '../../gitops/decryption-key.ts';
import type { Step } from '../step.ts';
import { argocdConfigStep, argocdInstallStep, argocdKsopsStep, argocdReconciledStep, argocdRepositoryStep, argocdRootStep, fluxBootstrapStep, fluxReconciledStep, sopsAgeStep } from './gitops.ts';
import { hubTargetFor } from './argocd-cluster.ts';
import { repoScheme } from './git-credentials.ts';
import type { MergedCredentials } from './merged-context.ts';
import type { KubeTarget } from './kubectl.ts';
import type { ReleaseOwner } from './steps.ts';


/** Workload clusters that the management cluster's Flux reconciles (gitops.flux.workloadsFromManagement). */
export function reconciledFromManagement(model: Model, cluster: ClusterModel): boolean {
  return model.constellation.gitops.engine === 'flux' && model.constellation.gitops.flux.workloadsFromManagement && cluster.managedBy !== undefined;
}

/**
 * Who owns a bootstrap release once the GitOps engine runs: its HelmRelease, or the Argo CD
 * Application of that chart — on the hub for a cluster reconciled from one, where it exists as
 * soon as the hub's ApplicationSet runs but owns the release only once it has synced (before
 * the cluster is registered there it cannot: the runner installs the CNI meanwhile).
 */
export function releaseOwner(model: Model, cluster: ClusterModel, compiled: Compiled, files?: MergedCredentials): (r: BootstrapRelease) => ReleaseOwner | undefined {
  const hub = files ? hubTargetFor(model, cluster, files) : undefined;
  return (r) => {
    if (model.constellation.gitops.engine === 'flux') {
      return { describe: `HelmRelease ${r.namespace}/${r.name}`, args: ['helmreleases.helm.toolkit.fluxcd.io', r.name, '-n', r.namespace] };
    }
    for (const [rel, text] of compiled.files) {
      if (!rel.startsWith(`${cluster.name}/argocd/apps/`)) continue;
      const app = parse(text) as { kind?: string; metadata?: { name?: string; namespace?: string }; spec?: { source?: { chart?: string; helm?: { releaseName?: string } } } } | null;
      if (app?.kind === 'Application' && app.spec?.source?.chart === r.chart && app.metadata?.name) {
        const args = ['applications.argoproj.io', app.metadata.name, '-n', app.metadata.namespace ?? model.constellation.gitops.argocd.namespace];
        if (!hub) return { describe: `Argo CD Application ${app.metadata.name}`, args };
        const synced = (o: { status?: Record<string, unknown> }): boolean => (o.status?.sync as { status?: string } | undefined)?.status === 'Synced';
        return { describe: `Argo CD Application ${app.metadata.name} on ${hub.cluster.name} (Synced)`, args, where: hub, owns: synced };
      }
    }
    return undefined;
  };
}

/**
 * The GitOps hand-over: the decryption key, the engine, the first reconciliation. After this
 * the engine owns everything, the CNI release included.
 */
export function gitopsSteps(target: KubeTarget, model: Model, compiled: Compiled): Step[] {
  const cluster = target.cluster;
  if (reconciledFromManagement(model, cluster)) return [];
  const secrets = hasEncryptedSecrets(compiled, cluster.name);
  if (model.constellation.gitops.engine === 'flux') {
    return [...(secrets ? [sopsAgeStep(target, model, decryptionKeySecret(model))] : []), fluxBootstrapStep(target, model), fluxReconciledStep(target, compiled)];
  }
  // Argo CD runs on the hub when there is one (the others are registered there: ./argocd-cluster.ts), else on each cluster.
  const host = argoHub(model)?.name;
  if (host && host !== cluster.name) return [];
  const ns = model.constellation.gitops.argocd.namespace;
  const scheme = repoScheme(model.constellation.gitops.url);
  const key = decryptionKeySecret(model);
  return [
    argocdInstallStep(target, ns),
    argocdConfigStep(target, compiled, ns),
    ...(secrets ? [sopsAgeStep(target, model, key), argocdKsopsStep(target, compiled, ns)] : []),
    ...(scheme === 'ssh' || scheme === 'https' ? [argocdRepositoryStep(target, model, ns)] : []),
    argocdRootStep(target, compiled, host === cluster.name),
    argocdReconciledStep(target, compiled, ns),
  ];
}
