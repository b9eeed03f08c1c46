import { parse } from 'yaml';
import type { ClusterModel, Model } from '../../model/model.ts';
import { planComponents } from '../../gitops/plan.ts';
import { REGISTRY } from '../../registry.ts';
import type { Compiled } from './compiled.ts';

/**
 * THE adapter between the compiled GitOps model and the runner's bootstrap steps: which
 * namespaces, encrypted Secrets and Helm releases must exist before the GitOps engine can run
 * (the CNI: nothing is scheduled before it). Everything else reads this shape; when the
 * bootstrap data becomes a typed `BootstrapPlan` (lib/gitops/bootstrap.ts), only this file
 * changes.
 */
export interface BootstrapRelease {
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  readonly repositoryUrl: string;
  readonly version: string;
  /** dist/-relative values file: the exact values the GitOps engine's release carries. */
  readonly valuesFile: string;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface ClusterBootstrap {
  /** dist/-relative kustomize directory of the cluster's namespaces, if it has any. */
  readonly namespacesDir?: string;
  /** dist/-relative SOPS-encrypted Secret files the bootstrap releases consume. */
  readonly secretFiles: readonly string[];
  readonly releases: readonly BootstrapRelease[];
}

interface SecretMeta {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

export function clusterBootstrap(model: Model, cluster: ClusterModel, compiled: Compiled): ClusterBootstrap {
  const plan = planComponents(REGISTRY.platform, { model, cluster, secrets: compiled.secrets });
  const withBootstrap = plan.components.filter(({ output }) => output.releases.some((r) => r.bootstrap));
  const releases = withBootstrap.flatMap(({ output }) =>
    output.releases
      .filter((r) => r.bootstrap)
      .map((r) => {
        const valuesFile = `${cluster.name}/bootstrap/${r.name}-values.yaml`;
        if (!compiled.files.has(valuesFile)) throw new Error(`bootstrap release ${r.name} of ${cluster.name} has no ${valuesFile} in the compiled output`);
        return { name: r.name, namespace: r.namespace, chart: r.chart, repositoryUrl: r.repository.url, version: r.version, valuesFile, values: r.values };
      }),
  );
  const wanted = new Set(withBootstrap.flatMap(({ output }) => output.secrets ?? []));
  const secretFiles: string[] = [];
  for (const [rel, text] of compiled.files) {
    if (!rel.startsWith(`${cluster.name}/secrets/`) || !rel.endsWith('.yaml') || rel.endsWith('/kustomization.yaml')) continue;
    const doc = parse(text) as SecretMeta | null;
    if (doc?.kind === 'Secret' && doc.metadata?.name && wanted.has(doc.metadata.name)) secretFiles.push(rel);
  }
  const namespacesDir = compiled.files.has(`${cluster.name}/namespaces/kustomization.yaml`) ? `${cluster.name}/namespaces` : undefined;
  return { ...(namespacesDir ? { namespacesDir } : {}), secretFiles, releases };
}

/** Every encrypted Secret the cluster's GitOps tree holds (dist/-relative), for the decryption key step. */
export function hasEncryptedSecrets(compiled: Compiled, cluster: string): boolean {
  return compiled.files.has(`${cluster}/secrets/kustomization.yaml`);
}
