import { parse } from 'yaml';
import { argoDestination, argoHub } from '../../gitops/argocd.ts';
import type { ClusterModel, Model } from '../../model/model.ts';
import type { Compiled } from '../sources/compiled.ts';
import { done, pending, StepError, type RunContext, type Step } from '../step.ts';
import type { StdinPayload, TempRef, ToolCommand } from '../tools/command.ts';
import { argocdReconciledStep } from './gitops.ts';
import { kubectl, type KubeTarget } from './kubectl.ts';
import { mergedContextName, mergedContextTarget, type MergedCredentials } from './merged-context.ts';
import { objectsStdin } from './steps.ts';

/**
 * Argo CD finds a cluster by the Secret in its namespace labelled
 * `argocd.argoproj.io/secret-type: cluster`, with `name`, `server` and `config` (JSON: bearerToken
 * or tlsClientConfig with base64 PEM caData/certData/keyData) — argo-cd v3.5.1
 * docs/operator-manual/declarative-setup.md "Clusters".
 */
export const CLUSTER_SECRET_LABEL = 'argocd.argoproj.io/secret-type';

interface KubeconfigDoc {
  readonly 'current-context'?: string;
  readonly contexts?: readonly { readonly name?: string; readonly context?: { readonly cluster?: string; readonly user?: string } }[];
  readonly clusters?: readonly { readonly name?: string; readonly cluster?: { readonly server?: string; readonly 'certificate-authority-data'?: string } }[];
  readonly users?: readonly { readonly name?: string; readonly user?: { readonly 'client-certificate-data'?: string; readonly 'client-key-data'?: string; readonly token?: string } }[];
}

export interface ClusterRegistration {
  readonly secret: Record<string, unknown>;
  /** The `server` Argo CD matches the Applications' destination against. */
  readonly server: string;
  /** The API server's CA (public): what tells a registration of a rebuilt cluster from a current one. */
  readonly caData: string;
}

/**
 * Argo CD looks a destination up by `server` — trailing slashes trimmed, otherwise the exact
 * string (argo-cd v3.5.1 util/settings/cluster_informer.go ClusterCacheByURLIndexer and
 * GetClusterByURL) — or by `name` (util/argo/argo.go GetDestinationServer: "there are no
 * clusters with this name"). The Secret therefore carries the very destination the generator
 * wrote into the Applications (lib/gitops/argocd.ts argoDestination), and the kubeconfig's server
 * only when the Applications name the cluster.
 */
export function normalizedServer(server: string): string {
  return server.replace(/\/+$/, '');
}

/** The cluster Secret for `cluster` in the hub's Argo CD, from the kubeconfig the runner fetched (its current context). */
export function clusterRegistration(options: { readonly cluster: string; readonly namespace: string; readonly destination: { readonly server: string } | { readonly name: string }; readonly kubeconfig: string }): ClusterRegistration {
  const doc = (parse(options.kubeconfig) ?? {}) as KubeconfigDoc;
  const context = doc.contexts?.find((c) => c.name === doc['current-context'])?.context;
  const cluster = doc.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  const user = doc.users?.find((u) => u.name === context?.user)?.user;
  const where = `the kubeconfig of ${options.cluster} (context ${doc['current-context'] ?? '?'})`;
  const caData = cluster?.['certificate-authority-data'];
  if (!cluster?.server || !caData) throw new StepError(`${where} has no server with embedded certificate-authority-data: Argo CD cannot verify the API server`);
  const certData = user?.['client-certificate-data'];
  const keyData = user?.['client-key-data'];
  const token = user?.token;
  if (!(certData && keyData) && !token) throw new StepError(`${where} has neither an embedded client certificate and key nor a token: nothing Argo CD could authenticate with`);
  const server = 'server' in options.destination ? options.destination.server : cluster.server;
  const config = {
    ...(certData && keyData ? {} : { bearerToken: token }),
    tlsClientConfig: { insecure: false, caData, ...(certData && keyData ? { certData, keyData } : {}) },
  };
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `orrery-cluster-${options.cluster}`, namespace: options.namespace, labels: { [CLUSTER_SECRET_LABEL]: 'cluster' } },
    type: 'Opaque',
    stringData: { name: options.cluster, server, config: JSON.stringify(config) },
  };
  return { secret, server, caData };
}

interface StoredSecret {
  readonly metadata?: { readonly labels?: Record<string, string> };
  readonly data?: Record<string, string>;
}

interface Registered {
  readonly label: string | undefined;
  readonly name: string | undefined;
  readonly server: string | undefined;
  readonly caData: string | undefined;
}

/** What a registration on the hub says, decoded in memory (the Secret holds credentials: never shown). */
async function registered(ctx: RunContext, hub: TempRef, namespace: string, name: string): Promise<Registered | undefined> {
  const r = await ctx.exec(kubectl(hub, ['get', 'secret', name, '-n', namespace, '-o', 'json'], { secretOutput: true }), { allowFailure: true, quiet: true });
  if (r.code !== 0) {
    if (/NotFound|not found/.test(r.stderr)) return undefined;
    throw new StepError(`kubectl get secret ${namespace}/${name}: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`}`);
  }
  const s = JSON.parse(r.stdout) as StoredSecret;
  const field = (k: string): string | undefined => (s.data?.[k] === undefined ? undefined : Buffer.from(s.data[k], 'base64').toString('utf8'));
  let caData: string | undefined;
  try {
    caData = (JSON.parse(field('config') ?? '{}') as { tlsClientConfig?: { caData?: string } }).tlsClientConfig?.caData;
  } catch {
    caData = undefined;
  }
  return { label: s.metadata?.labels?.[CLUSTER_SECRET_LABEL], name: field('name'), server: field('server'), caData };
}

/**
 * Registers `target` in the hub's Argo CD: the cluster Secret built from the kubeconfig the runner
 * fetched, piped to kubectl on stdin (never a file in the repository, never an argument). Done
 * when the hub holds a registration with the same name, server and API server CA: the client
 * credentials are not compared (Talos mints a new admin key pair on every `talosctl kubeconfig`:
 * siderolabs/talos@v1.13.9 pkg/kubeconfig/generate.go, x509.NewKeyPair, valid for
 * cluster.adminKubeconfig.certLifetime), so a registration is replaced only when the cluster is
 * another one (rebuilt: another CA) or the destination moved; stale credentials show in the wait
 * that follows, in Argo CD's own words.
 */
export function argocdClusterStep(hub: KubeTarget, target: KubeTarget, model: Model): Step {
  const c = target.cluster.name;
  const namespace = model.constellation.gitops.argocd.namespace;
  const secretName = `orrery-cluster-${c}`;
  const destination = argoDestination(model, target.cluster);
  const label = `<Secret ${namespace}/${secretName}: ${c}'s API server and credentials from its kubeconfig>`;
  const apply = (k: TempRef, stdin: StdinPayload): ToolCommand => kubectl(k, ['apply', '--server-side', '--force-conflicts', '-f', '-'], { stdin });
  const shown = 'server' in destination ? destination.server : `the kubeconfig's server (Applications name ${destination.name})`;
  return {
    id: `${c}/argocd-cluster`,
    cluster: c,
    title: `register ${c} in the Argo CD of ${hub.cluster.name} (server ${shown})`,
    kind: 'change',
    risk: 'safe',
    after: [hub.cluster.name],
    dryRun: () => [apply(hub.placeholder, { label, data: () => Buffer.alloc(0) })],
    async check(ctx) {
      const k = await hub.kubeconfig(ctx);
      const own = await target.kubeconfig(ctx);
      const want = clusterRegistration({ cluster: c, namespace, destination, kubeconfig: await ctx.tmp.read(own.tmp) });
      const have = await registered(ctx, k, namespace, secretName);
      const stdin = objectsStdin(label, [want.secret]);
      if (!have) return pending(`${hub.cluster.name}'s Argo CD does not know ${c}: its Applications for ${want.server} cannot sync`, [apply(k, stdin)]);
      const wrong = [
        have.label !== 'cluster' ? `label ${CLUSTER_SECRET_LABEL}=${have.label ?? '(none)'}` : undefined,
        have.name !== c ? `name ${have.name ?? '(none)'}` : undefined,
        normalizedServer(have.server ?? '') !== normalizedServer(want.server) ? `server ${have.server ?? '(none)'}, not ${want.server}` : undefined,
        have.caData !== want.caData ? `another API server CA (was ${c} rebuilt?)` : undefined,
      ].filter((w): w is string => w !== undefined);
      if (wrong.length === 0) return done(`${hub.cluster.name}'s Argo CD has ${c} as ${want.server}`);
      return pending(`${namespace}/${secretName} on ${hub.cluster.name} has ${wrong.join('; ')}`, [apply(k, stdin)]);
    },
    async act(ctx, checked) {
      for (const cmd of checked.commands) if (!('note' in cmd)) await ctx.exec(cmd);
    },
  };
}

/** The Argo CD hub as the other clusters' steps reach it (the context its bring-up merged), when `cluster` is reconciled from one. */
export function hubTargetFor(model: Model, cluster: ClusterModel, files: MergedCredentials): KubeTarget | undefined {
  const hub = argoHub(model);
  if (model.constellation.gitops.engine !== 'argocd' || !hub || hub.name === cluster.name) return undefined;
  return mergedContextTarget(hub, mergedContextName(hub), files);
}

/**
 * A cluster other than the Argo CD hub (lib/gitops/argocd.ts argoHub): registered in the hub's
 * Argo CD, then its Applications — which live on the hub — Synced and Healthy. The hub is reached
 * through the context its own bring-up merged into the operator's kubeconfig.
 */
export function hubRegistrationSteps(model: Model, compiled: Compiled, target: KubeTarget, files: MergedCredentials): Step[] {
  const hubTarget = hubTargetFor(model, target.cluster, files);
  if (!hubTarget) return [];
  const reconciled = argocdReconciledStep(hubTarget, compiled, model.constellation.gitops.argocd.namespace, target.cluster.name);
  return [argocdClusterStep(hubTarget, target, model), { ...reconciled, after: [hubTarget.cluster.name] }];
}
