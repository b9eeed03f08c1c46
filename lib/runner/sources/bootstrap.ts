import { parse } from 'yaml';
import type { BootstrapPlan } from '../../gitops/bootstrap.ts';
import type { ClusterModel } from '../../model/model.ts';
import type { Compiled } from './compiled.ts';

/**
 * THE adapter between the compiled GitOps output and the runner's bootstrap steps: what must
 * exist before the GitOps engine can run (the CNI: nothing is scheduled before it). It reads the
 * cluster's `BootstrapPlan` exactly as synth wrote it (`dist/<cluster>/bootstrap/plan.json`, built
 * by lib/gitops/bootstrap.ts) and the values files beside it — the bytes the engine's release
 * carries — so the runner and a by-hand operator install the same thing.
 */
export interface BootstrapRelease {
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  /** https:// chart repository or oci:// registry. */
  readonly repositoryUrl: string;
  readonly version: string;
  /** dist/-relative values file: the exact values the GitOps engine's release carries. */
  readonly valuesFile: string;
  readonly values: Readonly<Record<string, unknown>>;
  /** Helm --timeout (a Go duration): long enough for a DaemonSet rollout on every node. */
  readonly timeout: string;
}

export interface ClusterBootstrap {
  /** dist/-relative Namespace files, applied first (their Pod Security labels). */
  readonly namespaceFiles: readonly string[];
  /** Upstream manifests a release needs first (the Gateway API CRDs), by pinned URL. */
  readonly manifests: readonly { readonly name: string; readonly url: string }[];
  /** dist/-relative SOPS-encrypted Secret files the releases read at install time. */
  readonly secretFiles: readonly string[];
  readonly releases: readonly BootstrapRelease[];
}

const EMPTY: ClusterBootstrap = { namespaceFiles: [], manifests: [], secretFiles: [], releases: [] };

export function clusterBootstrap(cluster: ClusterModel, compiled: Compiled): ClusterBootstrap {
  const text = compiled.files.get(`${cluster.name}/bootstrap/plan.json`);
  if (text === undefined) return EMPTY;
  const plan = JSON.parse(text) as BootstrapPlan;
  return {
    namespaceFiles: plan.namespaces.map((n) => n.file),
    manifests: plan.manifests.map((m) => ({ name: m.name, url: m.url })),
    secretFiles: plan.secrets.map((s) => s.file),
    releases: plan.releases.map((r) => {
      const values = compiled.files.get(r.valuesFile);
      if (values === undefined) throw new Error(`bootstrap release ${r.name} of ${cluster.name} has no ${r.valuesFile} in the compiled output`);
      return { name: r.name, namespace: r.namespace, chart: r.chart, repositoryUrl: r.repository, version: r.version, valuesFile: r.valuesFile, values: (parse(values) as Record<string, unknown> | null) ?? {}, timeout: r.timeout };
    }),
  };
}

/** The cluster's GitOps tree holds SOPS-encrypted Secrets (the engine needs the decryption key). */
export function hasEncryptedSecrets(compiled: Compiled, cluster: string): boolean {
  return compiled.files.has(`${cluster}/secrets/kustomization.yaml`);
}
