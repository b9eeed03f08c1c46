import type { Model } from '../model/model.ts';

/** Where each concern of a cluster lives in the output (relative to the output root). */
export function clusterDirs(cluster: string): { namespaces: string; secrets: string; controllers: string; configs: string; flux: string; argocd: string } {
  return {
    namespaces: `${cluster}/namespaces`,
    secrets: `${cluster}/secrets`,
    controllers: `${cluster}/infrastructure/controllers`,
    configs: `${cluster}/infrastructure/configs`,
    flux: `${cluster}/flux`,
    argocd: `${cluster}/argocd`,
  };
}

/** A path as the GitOps engine sees it: inside the repository, where the output directory sits. */
export function repoPath(model: Model, rel: string): string {
  const base = model.constellation.gitops.path === '.' ? '' : `${model.constellation.gitops.path}/`;
  return `./${base}${rel}`;
}

