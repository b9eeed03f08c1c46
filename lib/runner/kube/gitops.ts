import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { identityToRecipient } from 'age-encryption';
import { parse } from 'yaml';
import type { Model } from '../../model/model.ts';
import { FLUX_NAMESPACE } from '../../gitops/flux.ts';
import type { DecryptionKeySecret } from '../../gitops/decryption-key.ts';
import { ARGOCD_REPO_SERVER_PATCH } from '../../gitops/ksops.ts';
import { repoPath } from '../../gitops/layout.ts';
import { loadAgeIdentities } from '../../sops/keys.ts';
import { distPath, type Compiled } from '../sources/compiled.ts';
import { done, pending, StepError, type RunContext, type Step } from '../step.ts';
import { goDuration, type StdinPayload, type TempRef, type ToolCommand } from '../tools/command.ts';
import { ARGOCD_CM_PATCH } from '../../gitops/argocd-config.ts';
import { condition, getJson, kubectl, type KubeObjectStatus, type KubeTarget } from './kubectl.ts';
import { applyStep, objectsStdin } from './steps.ts';
import { DEFAULT_GIT_USERNAME, readGitToken, repoScheme, TOKEN_LABEL, tokenStdin } from './git-credentials.ts';
import { waitStep } from './wait-step.ts';

/** Argo CD's own install manifest, pinned to the release whose CRDs orrery's output is validated against. */
export const ARGOCD_VERSION = 'v3.5.1';
export const ARGOCD_INSTALL_URL = `https://raw.githubusercontent.com/argoproj/argo-cd/${ARGOCD_VERSION}/manifests/install.yaml`;

/**
 * The operator's age identities that belong to the constellation's recipients: what Flux's
 * kustomize-controller needs to decrypt dist/<cluster>/secrets/ (keys ending in `.agekey`).
 */
async function clusterAgeKeys(ctx: RunContext, model: Model): Promise<string> {
  const keys = await loadAgeIdentities(ctx.options.env, ctx.options.home);
  const recipients = new Set(model.constellation.sopsRecipients);
  const mine: string[] = [];
  for (const identity of keys.identities) if (recipients.has(await identityToRecipient(identity))) mine.push(identity);
  if (mine.length === 0) {
    throw new StepError(`none of your age keys (${keys.sources.join(', ') || 'none found'}) matches the constellation's sops.ageRecipients: the cluster could not decrypt its Secrets`);
  }
  const text = `${mine.join('\n')}\n`;
  ctx.redactor.add(text);
  for (const k of mine) ctx.redactor.add(k);
  return text;
}

/** The engine's decryption Secret (and its namespace, created before the engine is installed into it). */
export function sopsAgeStep(target: KubeTarget, model: Model, secret: DecryptionKeySecret): Step {
  const { namespace, name, key } = secret;
  const label = `<Secret ${namespace}/${name} from your age key>`;
  return applyStep({
    id: `${target.cluster.name}/sops-age`,
    title: `create the ${name} Secret (${namespace}) from your age key`,
    target,
    source: ['-f', '-'],
    dryRunStdin: { label, data: () => Buffer.alloc(0) },
    async stdin(ctx): Promise<StdinPayload> {
      const keys = await clusterAgeKeys(ctx, model);
      return objectsStdin(label, [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', data: { [key]: Buffer.from(keys).toString('base64') } },
      ]);
    },
  });
}

/** Names of the Kustomizations / Applications orrery wrote for this cluster (from the compiled output). */
function compiledObjects(compiled: Compiled, prefix: string, kind: string): { name: string; namespace: string }[] {
  const out: { name: string; namespace: string }[] = [];
  for (const [rel, text] of compiled.files) {
    if (!rel.startsWith(prefix) || rel.endsWith('/kustomization.yaml') || !rel.endsWith('.yaml')) continue;
    const doc = parse(text) as { kind?: string; metadata?: { name?: string; namespace?: string } } | null;
    if (doc?.kind === kind && doc.metadata?.name) out.push({ name: doc.metadata.name, namespace: doc.metadata.namespace ?? 'default' });
  }
  return out;
}

/** A deploy key file (ssh) or a token on stdin (https) for `flux bootstrap git`. */
export type FluxAuth = { readonly privateKey: string } | { readonly username: string; readonly token: StdinPayload };

export function fluxBootstrapCommand(k: TempRef, model: Model, cluster: string, auth: FluxAuth | undefined, timeoutMs: number): ToolCommand {
  const git = model.constellation.gitops;
  return {
    tool: 'flux',
    args: [
      '--kubeconfig', k, 'bootstrap', 'git',
      `--url=${git.url}`, `--branch=${git.branch}`,
      // flux bootstrap --path: relative to the repository root (cmd/flux/bootstrap_git.go).
      `--path=${repoPath(model, `${cluster}/flux`).replace(/^\.\//, '')}`,
      ...(auth && 'privateKey' in auth ? [`--private-key-file=${auth.privateKey}`, '--silent'] : []),
      // --token-auth: the token (read from stdin, ./git-credentials.ts) pushes the manifests and
      // becomes the flux-system Secret's username/password the GitRepository syncs with
      // (bootstrap_git.go: secretOpts.Username/Password under bootstrapArgs.tokenAuth).
      ...(auth && 'token' in auth ? ['--token-auth', `--username=${auth.username}`] : []),
      `--timeout=${goDuration(timeoutMs)}`,
    ],
    ...(auth && 'token' in auth ? { stdin: auth.token } : {}),
    timeoutMs: timeoutMs + 60_000,
  };
}

/**
 * `flux bootstrap git` at <repo path>/<cluster>/flux: done when the flux-system Kustomization
 * exists and syncs that path. Bootstrap pushes to the repository: an ssh URL needs the deploy key
 * (--git-private-key), an https URL a token (--git-token-file, on stdin); plain http never gets
 * credentials.
 */
export function fluxBootstrapStep(target: KubeTarget, model: Model): Step {
  const c = target.cluster.name;
  const path = repoPath(model, `${c}/flux`).replace(/^\.\//, '');
  return {
    id: `${c}/flux-bootstrap`,
    cluster: c,
    title: `flux bootstrap git at ${path}`,
    kind: 'change',
    risk: 'safe',
    dryRun: () => [fluxBootstrapCommand(target.placeholder, model, c, repoScheme(model.constellation.gitops.url) === 'https' ? { username: DEFAULT_GIT_USERNAME, token: { label: TOKEN_LABEL, data: () => Buffer.alloc(0) } } : { privateKey: 'DEPLOY_KEY_FILE' }, 600_000)],
    async check(ctx) {
      const k = await target.kubeconfig(ctx);
      const ks = await getJson<KubeObjectStatus>(ctx, k, ['kustomizations.kustomize.toolkit.fluxcd.io', FLUX_NAMESPACE, '-n', FLUX_NAMESPACE]);
      if (ks) {
        const synced = String(ks.spec?.path ?? '').replace(/^\.\//, '');
        if (synced !== path) throw new StepError(`Flux on ${c} already syncs ${synced}, not ${path}: bootstrap it by hand or fix gitops.repository.path`);
        return done(`Flux syncs ${path}`);
      }
      return pending(`Flux is not installed on ${c}`, [fluxBootstrapCommand(k, model, c, await fluxAuth(ctx, model.constellation.gitops.url), ctx.options.waitTimeoutMs)]);
    },
    async act(ctx, checked) {
      ctx.reporter.waiting('flux bootstrap (controllers installed, flux-system synced)');
      for (const cmd of checked.commands) if (!('note' in cmd)) await ctx.exec(cmd);
    },
  };
}

/** What flux bootstrap authenticates with, by the repository URL's scheme. */
async function fluxAuth(ctx: RunContext, url: string): Promise<FluxAuth | undefined> {
  const scheme = repoScheme(url);
  if (scheme === 'ssh') {
    const key = ctx.options.gitPrivateKey;
    if (!key) throw new StepError(`flux bootstrap git over ssh needs the deploy key: pass --git-private-key FILE (its public half must be a deploy key with write access to ${url})`);
    return { privateKey: key };
  }
  if (scheme === 'https') {
    const t = await readGitToken(ctx);
    if (!t) throw new StepError(`flux bootstrap git over https pushes to ${url}: pass --git-token-file FILE (a token with write access; --git-username NAME if your Git host wants one)`);
    return { username: t.username, token: tokenStdin(t.token) };
  }
  if (scheme === 'http') throw new StepError(`${url} is plain http: orrery sends no credentials over it (flux would need --allow-insecure-http); use an https:// or ssh:// URL`);
  return undefined;
}

/** The first reconciliation: every orrery Kustomization Ready (they `wait` for their objects). */
export function fluxReconciledStep(target: KubeTarget, compiled: Compiled): Step {
  const c = target.cluster.name;
  const wanted = compiledObjects(compiled, `${c}/flux/orrery/`, 'Kustomization');
  return waitStep({
    id: `${c}/reconciled`,
    cluster: c,
    title: 'wait for the first Flux reconciliation',
    what: `Flux Kustomizations ${wanted.map((w) => w.name).join(', ')} to be Ready`,
    placeholder: target.placeholder,
    kubeconfig: (ctx) => target.kubeconfig(ctx),
    probe: (k) => kubectl(k, ['get', 'kustomizations.kustomize.toolkit.fluxcd.io', '-n', FLUX_NAMESPACE, '-o', 'json']),
    async status(ctx, k) {
      const list = await getJson<{ items?: KubeObjectStatus[] }>(ctx, k, ['kustomizations.kustomize.toolkit.fluxcd.io', '-n', FLUX_NAMESPACE]);
      const missing = wanted.flatMap((w) => {
        const r = condition(list?.items?.find((i) => i.metadata?.name === w.name), 'Ready');
        if (r?.status === 'True') return [];
        return [r ? `${w.name} (${r.reason ?? 'not ready'}${r.message ? `: ${r.message}` : ''})` : `${w.name} (not created yet)`];
      });
      return missing.length === 0 ? { ok: true, reason: `${wanted.length} Kustomization(s) Ready` } : { ok: false, reason: `not Ready: ${missing.join(', ')}` };
    },
  });
}

/** Argo CD itself, from its pinned upstream manifest (server-side: its CRDs exceed the client-side annotation limit). */
export function argocdInstallStep(target: KubeTarget, namespace: string): Step {
  const c = target.cluster.name;
  const ns = (k: TempRef): ToolCommand => kubectl(k, ['apply', '--server-side', '-f', '-'], { stdin: objectsStdin(`<Namespace ${namespace}>`, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }]) });
  const install = (k: TempRef): ToolCommand => kubectl(k, ['apply', '--server-side', '--force-conflicts', '-n', namespace, '-f', ARGOCD_INSTALL_URL], { timeoutMs: 300_000 });
  const wait = (k: TempRef, timeoutMs: number): ToolCommand => kubectl(k, ['-n', namespace, 'wait', '--for=condition=Available', 'deployment', '--all', `--timeout=${goDuration(timeoutMs)}`], { timeoutMs: timeoutMs + 30_000 });
  return {
    id: `${c}/argocd-install`,
    cluster: c,
    title: `install Argo CD ${ARGOCD_VERSION} in ${namespace}`,
    kind: 'change',
    risk: 'safe',
    dryRun: () => [ns(target.placeholder), install(target.placeholder), wait(target.placeholder, 600_000)],
    async check(ctx) {
      const k = await target.kubeconfig(ctx);
      const server = await getJson<KubeObjectStatus>(ctx, k, ['deployment', 'argocd-server', '-n', namespace]);
      if (server && condition(server, 'Available')?.status === 'True') return done(`Argo CD runs in ${namespace}`);
      return pending(server ? 'argocd-server is not Available' : `Argo CD is not installed in ${namespace}`, [ns(k), install(k), wait(k, ctx.options.waitTimeoutMs)]);
    },
    async act(ctx, checked) {
      for (const cmd of checked.commands) if (!('note' in cmd)) await ctx.exec(cmd);
    },
  };
}

/**
 * The repository credentials Argo CD reads from a Secret labelled
 * argocd.argoproj.io/secret-type=repository: `sshPrivateKey` for ssh, `username`/`password` for
 * https (argo-cd v3.5.1 docs/operator-manual/declarative-setup.md "Repositories"). An https
 * repository without --git-token-file is taken as public: Argo CD reads it without credentials.
 */
export function argocdRepositoryStep(target: KubeTarget, model: Model, namespace: string): Step {
  const git = model.constellation.gitops;
  const https = repoScheme(git.url) === 'https';
  const label = `<Secret ${namespace}/orrery-repository with your ${https ? 'token' : 'deploy key'}>`;
  const step = applyStep({
    id: `${target.cluster.name}/argocd-repository`,
    title: `give Argo CD the repository's ${https ? 'token' : 'deploy key'}`,
    target,
    source: ['-f', '-'],
    dryRunStdin: { label, data: () => Buffer.alloc(0) },
    async stdin(ctx) {
      if (https) {
        const t = await readGitToken(ctx);
        if (!t) throw new StepError(`Argo CD needs a token for ${git.url}: pass --git-token-file FILE`);
        return objectsStdin(label, [
          { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orrery-repository', namespace, labels: { 'argocd.argoproj.io/secret-type': 'repository' } }, stringData: { type: 'git', url: git.url, username: t.username, password: t.token } },
        ]);
      }
      const file = ctx.options.gitPrivateKey;
      if (!file) throw new StepError(`Argo CD needs the deploy key of ${git.url}: pass --git-private-key FILE`);
      const key = await readFile(path.resolve(ctx.options.cwd, file), 'utf8').catch(() => {
        throw new StepError(`cannot read --git-private-key ${file}`);
      });
      ctx.redactor.add(key);
      return objectsStdin(label, [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'orrery-repository', namespace, labels: { 'argocd.argoproj.io/secret-type': 'repository' } },
          stringData: { type: 'git', url: git.url, sshPrivateKey: key },
        },
      ]);
    },
  });
  return {
    ...step,
    async check(ctx) {
      const given = https ? ctx.options.gitTokenFile : ctx.options.gitPrivateKey;
      const flag = https ? '--git-token-file' : '--git-private-key';
      if (https && !given) return done(`${git.url} is read without credentials (a private repository needs --git-token-file)`);
      // Without the key the Secret cannot be compared; one that exists is taken as configured.
      if (!given && (await getJson(ctx, await target.kubeconfig(ctx), ['secret', 'orrery-repository', '-n', namespace]))) {
        return done(`Secret ${namespace}/orrery-repository exists (pass ${flag} to compare it)`);
      }
      return step.check(ctx);
    },
  };
}

/** The root Application of the cluster — or, on the hub, the fleet's ApplicationSet that makes every cluster's. */
export function argocdRootStep(target: KubeTarget, compiled: Compiled, hub: boolean): Step {
  const c = target.cluster.name;
  const dir = hub ? 'argocd' : `${c}/argocd`;
  return applyStep({ id: `${c}/argocd-root`, title: hub ? `apply the fleet's ApplicationSet on ${c}` : `apply the root Application of ${c}`, target, source: ['-k', distPath(compiled, dir)] });
}

/**
 * The argocd-cm keys the output relies on (Application health for sync waves, Cilium's identity
 * exclusion, kustomize exec plugins for KSOPS), as lib/gitops/argocd-config.ts renders them into
 * `<output>/argocd/argocd-cm-patch.yaml`: done when argocd-cm holds every key with that value.
 */
export function argocdConfigStep(target: KubeTarget, compiled: Compiled, namespace: string): Step {
  const c = target.cluster.name;
  const file = ARGOCD_CM_PATCH;
  const want = ((parse(compiled.files.get(file) ?? '') as { data?: Record<string, string> } | null)?.data ?? {}) as Record<string, string>;
  const patch = (k: TempRef): ToolCommand => kubectl(k, ['-n', namespace, 'patch', 'configmap', 'argocd-cm', '--type', 'merge', '--patch-file', distPath(compiled, file)]);
  return {
    id: `${c}/argocd-cm`,
    cluster: c,
    title: `merge the argocd-cm settings orrery's output relies on`,
    kind: 'change',
    risk: 'safe',
    dryRun: () => [patch(target.placeholder)],
    async check(ctx) {
      const k = await target.kubeconfig(ctx);
      const cm = await getJson<{ data?: Record<string, string> }>(ctx, k, ['configmap', 'argocd-cm', '-n', namespace]);
      const missing = Object.keys(want).filter((key) => cm?.data?.[key] !== want[key]);
      return missing.length === 0 ? done(`argocd-cm has ${Object.keys(want).join(', ')}`) : pending(`argocd-cm lacks ${missing.join(', ')}`, [patch(k)]);
    },
    async act(ctx, checked) {
      for (const cmd of checked.commands) if (!('note' in cmd)) await ctx.exec(cmd);
    },
  };
}

/**
 * KSOPS in argocd-repo-server: the patch synth wrote (lib/gitops/ksops.ts, the file a by-hand
 * operator applies too). Done when the Deployment has the patch's init container with its image
 * and the repo server's SOPS_AGE_KEY_FILE with its value.
 */
export function argocdKsopsStep(target: KubeTarget, compiled: Compiled, namespace: string): Step {
  const c = target.cluster.name;
  const file = distPath(compiled, ARGOCD_REPO_SERVER_PATCH);
  type Container = { name?: string; image?: string; env?: { name?: string; value?: string }[] };
  type Pod = { initContainers?: Container[]; containers?: Container[] };
  const want = (parse(compiled.files.get(ARGOCD_REPO_SERVER_PATCH) ?? 'null') as { spec?: { template?: { spec?: Pod } } } | null)?.spec?.template?.spec;
  const patch = (k: TempRef): ToolCommand => kubectl(k, ['-n', namespace, 'patch', 'deployment', 'argocd-repo-server', '--type', 'strategic', '--patch-file', file]);
  const has = (pod: Pod | undefined): boolean => {
    const init = want?.initContainers ?? [];
    const envs = want?.containers?.flatMap((w) => (w.env ?? []).map((e) => ({ container: w.name, ...e }))) ?? [];
    return (
      init.every((w) => pod?.initContainers?.some((i) => i.name === w.name && i.image === w.image)) &&
      envs.every((e) => pod?.containers?.some((x) => x.name === e.container && x.env?.some((v) => v.name === e.name && v.value === e.value)))
    );
  };
  return {
    id: `${c}/argocd-ksops`,
    cluster: c,
    title: `install KSOPS into argocd-repo-server`,
    kind: 'change',
    risk: 'safe',
    dryRun: () => [patch(target.placeholder)],
    async check(ctx) {
      if (!want?.initContainers?.length) throw new StepError(`${file} is not in the compiled output: run orrery synth (it is written when Argo CD reconciles SOPS-encrypted Secrets)`);
      const k = await target.kubeconfig(ctx);
      const d = await getJson<{ spec?: { template?: { spec?: Pod } } }>(ctx, k, ['deployment', 'argocd-repo-server', '-n', namespace]);
      return has(d?.spec?.template?.spec) ? done(`argocd-repo-server runs KSOPS (${file})`) : pending(`argocd-repo-server lacks ${file}`, [patch(k)]);
    },
    async act(ctx, checked) {
      for (const cmd of checked.commands) if (!('note' in cmd)) await ctx.exec(cmd);
    },
  };
}

/** Every Application of cluster `c` Synced and Healthy, in the Argo CD of `target` (the cluster itself, or the hub). */
export function argocdReconciledStep(target: KubeTarget, compiled: Compiled, namespace: string, c: string = target.cluster.name): Step {
  const wanted = compiledObjects(compiled, `${c}/argocd/`, 'Application');
  type App = KubeObjectStatus & { status?: { sync?: { status?: string }; health?: { status?: string }; conditions?: readonly { message?: string }[] } };
  return waitStep({
    id: `${c}/reconciled`,
    cluster: c,
    title: 'wait for the first Argo CD sync',
    what: `Argo CD Applications ${wanted.map((w) => w.name).join(', ')} to be Synced and Healthy`,
    placeholder: target.placeholder,
    kubeconfig: (ctx) => target.kubeconfig(ctx),
    probe: (k) => kubectl(k, ['get', 'applications.argoproj.io', '-n', namespace, '-o', 'json']),
    async status(ctx, k) {
      const list = await getJson<{ items?: App[] }>(ctx, k, ['applications.argoproj.io', '-n', namespace]);
      const missing = wanted.flatMap((w) => {
        const app = list?.items?.find((i) => i.metadata?.name === w.name);
        if (app?.status?.sync?.status === 'Synced' && app.status.health?.status === 'Healthy') return [];
        // Argo CD's own words when it cannot even compare (an unregistered or unreachable destination).
        const why = app?.status?.conditions?.find((x) => x.message)?.message;
        return [why ? `${w.name} (${why})` : w.name];
      });
      return missing.length === 0 ? { ok: true, reason: `${wanted.length} Application(s) Synced and Healthy` } : { ok: false, reason: `not Synced/Healthy: ${missing.join(', ')}` };
    },
  });
}
