import type { FileArtifact, KubeObject } from '../build/artifacts.ts';
import type { ClusterModel } from '../model/model.ts';
import { objectFileName } from '../output/render.ts';
import { toYaml, yamlHeader } from '../output/yaml.ts';
import { SYSTEM_NAMESPACES } from '../k8s/namespaces.ts';
import type { Release } from './component.ts';
import { clusterDirs } from './layout.ts';
import type { Plan } from './plan.ts';
import { upstreamManifests } from './upstream.ts';

/**
 * A DaemonSet rollout on every node of a large cluster outlasts Helm's 5m default, after which
 * helm-controller's remediation would roll the CNI back (HelmRelease `spec.timeout`: "Defaults
 * to '5m0s'", helm.toolkit.fluxcd.io_helmreleases.yaml, helm-controller v1.6.3). Used by the
 * bootstrap install and by the engine's release of the same chart.
 */
export const CNI_TIMEOUT = '15m';

/** A namespace the bootstrap releases run in: applied (with its Pod Security labels) before `helm install`. */
export interface BootstrapNamespace {
  readonly name: string;
  /** Path of its manifest relative to the output root (`<cluster>/namespaces/namespace-<name>.yaml`). */
  readonly file: string;
}

/** An encrypted Secret a bootstrap release reads at install time (Cilium: the mesh's `cilium-ca`). */
export interface BootstrapSecret {
  readonly name: string;
  readonly namespace: string;
  /** SOPS-encrypted file relative to the output root: decrypt in memory, apply with kubectl. */
  readonly file: string;
}

/** Upstream manifests a bootstrap release needs first (the Gateway API CRDs before Cilium's operator starts). */
export interface BootstrapManifest {
  readonly name: string;
  /** Applied server-side from this URL (the upstream release asset, pinned by tag). */
  readonly url: string;
}

export interface BootstrapRelease {
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  /** https:// chart repository, or oci:// registry. */
  readonly repository: string;
  readonly version: string;
  /** Values file relative to the output root; its bytes are the values the engine owns. */
  readonly valuesFile: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly timeout: string;
}

/**
 * What must run in a new cluster before its GitOps engine can, in order: namespaces, Secrets,
 * Helm releases. Rendered into `<cluster>/bootstrap/` and read by the runner; the engine later
 * adopts each release (same name, namespace and values).
 */
export interface BootstrapPlan {
  readonly cluster: string;
  readonly namespaces: readonly BootstrapNamespace[];
  readonly manifests: readonly BootstrapManifest[];
  readonly secrets: readonly BootstrapSecret[];
  readonly releases: readonly BootstrapRelease[];
}

export interface BootstrapInput {
  readonly cluster: ClusterModel;
  readonly plan: Plan;
  /** Namespace objects the GitOps layer emits for this cluster (in `<cluster>/namespaces/`). */
  readonly namespaces: readonly KubeObject[];
  /** Secrets delivered to `<cluster>/secrets/` (name and namespace), whatever the engine. */
  readonly deliveredSecrets: readonly { readonly name: string; readonly namespace: string }[];
}

/** The releases installed by hand (or the runner) before the engine runs. */
export function bootstrapReleases(plan: Plan): Release[] {
  return plan.components.flatMap(({ output }) => output.releases.filter((r) => r.bootstrap));
}

export function buildBootstrapPlan(input: BootstrapInput): BootstrapPlan {
  const { cluster, plan } = input;
  const dirs = clusterDirs(cluster.name);
  const bootstrapComponents = plan.components.filter(({ output }) => output.releases.some((r) => r.bootstrap));
  const releases = bootstrapReleases(plan);
  const releaseNamespaces = new Set(releases.map((r) => r.namespace));
  // kube-system and the other system namespaces exist already; Talos exempts kube-system from
  // its baseline Pod Security admission, any other CNI namespace needs its `privileged` label
  // before the agent pods are admitted.
  const namespaces = input.namespaces
    .filter((o) => o.kind === 'Namespace' && releaseNamespaces.has(o.metadata.name) && !SYSTEM_NAMESPACES.has(o.metadata.name))
    .map((o) => ({ name: o.metadata.name, file: `${dirs.namespaces}/${objectFileName(o)}` }));
  const consumed = new Set(bootstrapComponents.flatMap(({ output }) => output.secrets ?? []));
  const secrets = input.deliveredSecrets
    .filter((s) => consumed.has(s.name))
    .map((s) => ({ name: s.name, namespace: s.namespace, file: `${dirs.secrets}/secret-${s.namespace}-${s.name}.yaml` }));
  return {
    cluster: cluster.name,
    namespaces,
    manifests: upstreamManifests(plan).flatMap((m) => (m.bootstrapUrl ? [{ name: m.name, url: m.bootstrapUrl }] : [])),
    secrets,
    releases: releases.map((r) => ({
      name: r.name,
      namespace: r.namespace,
      chart: r.chart,
      repository: r.repository.url,
      version: r.version,
      valuesFile: `${cluster.name}/bootstrap/${r.name}-values.yaml`,
      values: r.values,
      timeout: CNI_TIMEOUT,
    })),
  };
}

/** `<cluster>/` relative path → relative to `<cluster>/bootstrap/`, where the commands run. */
const fromBootstrap = (cluster: string, file: string): string =>
  file.startsWith(`${cluster}/bootstrap/`) ? file.slice(`${cluster}/bootstrap/`.length) : `../${file.slice(cluster.length + 1)}`;

/** The helm command for one release, run from `<cluster>/bootstrap/`. */
export function helmInstallCommand(cluster: string, r: BootstrapRelease): string {
  const chart = r.repository.startsWith('oci://') ? `${r.repository}/${r.chart}` : `${r.chart} --repo ${r.repository}`;
  // No --wait: the chart's post-install certgen hook (Cilium 1.18) must run before every
  // Deployment can become Ready (helm waits for resources before post-install hooks).
  return `helm upgrade --install ${r.name} ${chart} --version ${r.version} \\\n  --namespace ${r.namespace} --timeout ${r.timeout} --values ${fromBootstrap(cluster, r.valuesFile)}`;
}

/** `<cluster>/bootstrap/`: values files (bytes the engine owns too), plan.json and the commands. */
export function renderBootstrap(cluster: ClusterModel, bp: BootstrapPlan): FileArtifact[] {
  if (bp.releases.length === 0) return [];
  const source = cluster.source;
  const dir = `${cluster.name}/bootstrap`;
  const header = `<!-- Generated by orrery from ${source}. Do not edit: change the spec and run npx orrery synth. -->\n`;
  const commands = [
    ...bp.namespaces.map((n) => `kubectl apply --server-side -f ${fromBootstrap(cluster.name, n.file)}`),
    ...bp.manifests.map((m) => `kubectl apply --server-side -f ${m.url}`),
    ...bp.secrets.map((s) => `sops --decrypt ${fromBootstrap(cluster.name, s.file)} | kubectl apply --server-side -f -`),
    ...bp.releases.map((r) => helmInstallCommand(cluster.name, r)),
  ];
  const notes = [
    ...(bp.namespaces.length > 0 ? ['The release namespaces first, with the Pod Security labels Talos needs (kube-system is exempt, others are not).'] : []),
    ...(bp.manifests.length > 0 ? ['Then the upstream CRDs a release needs before it starts (the Gateway API for Cilium\'s operator).'] : []),
    ...(bp.secrets.length > 0 ? ['Then the Secrets the charts read at install time (Cilium\'s certgen reuses the mesh\'s `cilium-ca`), decrypted in a pipe, never on disk (needs the age key: `SOPS_AGE_KEY_FILE`).'] : []),
  ];
  return [
    ...bp.releases.map((r) => ({ path: r.valuesFile, source, content: yamlHeader(source) + toYaml(r.values) })),
    { path: `${dir}/plan.json`, source, content: `${JSON.stringify(bp, (k, v) => (k === 'values' ? undefined : v), 2)}\n` },
    {
      path: `${dir}/README.md`,
      source,
      content:
        `${header}# ${cluster.name}: bootstrap\n\nNodes stay NotReady until the CNI runs, and nothing (the GitOps engine included) runs before that.\n` +
        `\`npx orrery up ${cluster.name}\` installs these releases with the new cluster's kubeconfig (and what they need\nfirst, the Secrets decrypted in memory); the GitOps engine then adopts them: its release has the same\nname, namespace and values. By hand, from this directory (\`npx orrery up ${cluster.name} --dry-run\` prints every step):\n` +
        (notes.length > 0 ? `\n${notes.map((n) => `- ${n}`).join('\n')}\n` : '') +
        `\n\`\`\`sh\n${commands.join('\n')}\n\`\`\`\n`,
    },
  ];
}
