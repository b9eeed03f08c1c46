import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { loadAgeIdentities } from '../../sops/keys.ts';
import { decryptSops, SopsError } from '../../sops/sops.ts';
import type { BootstrapRelease, ClusterBootstrap } from '../sources/bootstrap.ts';
import { distPath, type Compiled } from '../sources/compiled.ts';
import { done, NotYet, pending, StepError, type RunContext, type Step, type StepCheck } from '../step.ts';

import type { StdinPayload, TempRef, ToolCommand } from '../tools/command.ts';
import { condition, differs, getJson, kubectl, type KubeObjectStatus, type KubeTarget } from './kubectl.ts';
import { waitStep } from './wait-step.ts';

/** Kubernetes objects piped to `kubectl apply -f -` (a List keeps several in one document). */
export function objectsStdin(label: string, objects: readonly Record<string, unknown>[]): StdinPayload {
  const doc = objects.length === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects };
  return { label, data: () => Buffer.from(JSON.stringify(doc)) };
}

/** An apply step whose check is `kubectl diff --server-side` of the same input. */
export function applyStep(options: {
  readonly id: string;
  readonly title: string;
  readonly target: KubeTarget;
  /** `-k dir`, `-f file` or `-f -` (with stdin). */
  readonly source: readonly string[];
  readonly stdin?: (ctx: RunContext) => Promise<StdinPayload>;
  readonly dryRunStdin?: StdinPayload;
}): Step {
  const { target } = options;
  const apply = (k: TempRef, stdin?: StdinPayload): ToolCommand => kubectl(k, ['apply', '--server-side', '--force-conflicts', ...options.source], stdin ? { stdin } : {});
  const diff = (k: TempRef, stdin?: StdinPayload): ToolCommand => kubectl(k, ['diff', '--server-side', '--force-conflicts', ...options.source], stdin ? { stdin } : {});
  return {
    id: options.id,
    cluster: target.cluster.name,
    title: options.title,
    kind: 'change',
    risk: 'safe',
    dryRun: () => [apply(target.placeholder, options.dryRunStdin)],
    async check(ctx) {
      const k = await target.kubeconfig(ctx);
      const stdin = options.stdin ? await options.stdin(ctx) : undefined;
      return (await differs(ctx, diff(k, stdin))) ? pending('the cluster differs from it', [apply(k, stdin)]) : done('the cluster has it (kubectl diff: no differences)');
    },
    async act(ctx, checked) {
      for (const c of checked.commands) if (!('note' in c)) await ctx.exec(c);
    },
  };
}

/** A Namespace the bootstrap releases run in, with its Pod Security labels, before the release. */
export function namespaceStep(target: KubeTarget, compiled: Compiled, file: string): Step {
  const name = (parse(compiled.files.get(file) ?? '') as { metadata?: { name?: string } } | null)?.metadata?.name ?? file;
  return applyStep({ id: `${target.cluster.name}/namespace/${name}`, title: `apply the namespace ${name}`, target, source: ['-f', distPath(compiled, file)] });
}

/** An upstream manifest a release needs first (the Gateway API CRDs), from its pinned URL. */
export function manifestStep(target: KubeTarget, manifest: { readonly name: string; readonly url: string }): Step {
  return applyStep({ id: `${target.cluster.name}/manifest/${manifest.name}`, title: `apply ${manifest.name} (${manifest.url})`, target, source: ['-f', manifest.url] });
}

/** A SOPS-encrypted Secret from dist/, decrypted in memory and piped to kubectl (never a file, never an argument). */
export function secretStep(target: KubeTarget, compiled: Compiled, file: string, options: { readonly secret?: { readonly namespace: string; readonly name: string }; readonly ifMissing?: (ctx: RunContext) => Promise<StepCheck> } = {}): Step {
  // The file GitOps reads: dist/ (checked against the compiled output before anything runs).
  const onDisk = path.join(compiled.outDir, file);
  const read = (): string | undefined => {
    try {
      return readFileSync(onDisk, 'utf8');
    } catch {
      return undefined;
    }
  };
  const text = read();
  const doc = text ? (parse(text) as { metadata?: { name?: string; namespace?: string } } | null) : undefined;
  const name = options.secret ? `${options.secret.namespace}/${options.secret.name}` : `${doc?.metadata?.namespace ?? 'default'}/${doc?.metadata?.name ?? path.basename(file, '.yaml')}`;
  const label = `<decrypted ${distPath(compiled, file)}>`;
  const decrypt = async (ctx: RunContext): Promise<StdinPayload> => {
    const content = read();
    if (content === undefined) throw new StepError(`${distPath(compiled, file)} does not exist: run orrery secrets and orrery synth`);
    const keys = await loadAgeIdentities(ctx.options.env, ctx.options.home);
    if (keys.identities.length === 0) throw new StepError(`no age key to decrypt ${distPath(compiled, file)}: set SOPS_AGE_KEY_FILE or SOPS_AGE_KEY`);
    let data: Record<string, unknown>;
    try {
      data = (await decryptSops(content, keys.identities, keys.sources)).data;
    } catch (err) {
      if (err instanceof SopsError) throw new StepError(`${distPath(compiled, file)}: ${err.message}`);
      throw err;
    }
    ctx.redactor.addValues((data as { data?: unknown }).data);
    ctx.redactor.addValues((data as { stringData?: unknown }).stringData);
    return objectsStdin(label, [data]);
  };
  const step = applyStep({ id: `${target.cluster.name}/secret/${name}`, title: `apply the Secret ${name}`, target, source: ['-f', '-'], stdin: decrypt, dryRunStdin: { label, data: () => Buffer.alloc(0) } });
  return {
    ...step,
    async check(ctx) {
      if (read() === undefined && options.ifMissing) return options.ifMissing(ctx);
      return step.check(ctx);
    },
  };
}

export function parseGoDuration(text: string): number {
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) ms += Number(m[1]) * { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }[m[2] as 'h' | 'm' | 's' | 'ms'];
  return ms;
}

export function chartRef(release: BootstrapRelease): string[] {
  return release.repositoryUrl.startsWith('oci://') ? [`${release.repositoryUrl.replace(/\/$/, '')}/${release.chart}`] : [release.chart, '--repo', release.repositoryUrl];
}

interface HelmListEntry {
  readonly name?: string;
  readonly status?: string;
  readonly chart?: string;
}

/** The engine's release object for a bootstrap release: once it exists, GitOps owns the release. */
export interface ReleaseOwner {
  readonly describe: string;
  /** `kubectl get` arguments of the engine's object for the release. */
  readonly args: readonly string[];
  /** The cluster that holds it, when not the release's own (an Argo CD hub). */
  readonly where?: KubeTarget;
  /** Whether the object found means the engine really manages the release (default: it exists). */
  readonly owns?: (object: KubeObjectStatus) => boolean;
}

/**
 * Installs a bootstrap release (the CNI) with helm, with the very values file GitOps carries.
 * Done when the GitOps engine's own release object exists (from then on it owns the release:
 * the runner never touches it again), or when helm reports the same chart version deployed
 * with the same user-supplied values.
 */
export function releaseStep(target: KubeTarget, compiled: Compiled, release: BootstrapRelease, owner: ReleaseOwner | undefined): Step {
  const timeoutMs = parseGoDuration(release.timeout);
  // No --wait (as the bootstrap README): Cilium's post-install certgen hook must run before its
  // Deployments can be Ready, and helm waits for resources before post-install hooks. The nodes
  // Ready step that follows is the wait. An OCI registry is addressed by the chart reference itself.
  const install = (k: TempRef): ToolCommand => ({
    tool: 'helm',
    args: ['--kubeconfig', k, 'upgrade', '--install', release.name, ...chartRef(release), '--version', release.version, '--namespace', release.namespace, '--timeout', release.timeout, '--values', distPath(compiled, release.valuesFile)],
    timeoutMs: timeoutMs + 60_000,
  });
  const want = JSON.parse(JSON.stringify(release.values)) as unknown;
  return {
    id: `${target.cluster.name}/release/${release.name}`,
    cluster: target.cluster.name,
    title: `install ${release.chart} ${release.version} (${release.namespace}/${release.name}) with the values GitOps owns`,
    kind: 'change',
    risk: 'safe',
    dryRun: () => [install(target.placeholder)],
    async check(ctx) {
      const k = await target.kubeconfig(ctx);
      if (owner) {
        // A hub that is not up yet owns nothing: the release is the runner's to install.
        const at = owner.where ? await owner.where.kubeconfig(ctx).catch((e: unknown) => (e instanceof NotYet ? undefined : Promise.reject(e))) : k;
        const object = at ? await getJson<KubeObjectStatus>(ctx, at, owner.args) : undefined;
        if (object && (owner.owns?.(object) ?? true)) return done(`${owner.describe} exists: the GitOps engine owns the release`);
      }
      const list = await ctx.exec({ tool: 'helm', args: ['--kubeconfig', k, 'list', '--namespace', release.namespace, '--filter', `^${release.name}$`, '-o', 'json'] }, { quiet: true });
      const entry = (JSON.parse(list.stdout || '[]') as HelmListEntry[]).find((e) => e.name === release.name);
      const commands = [install(k)];
      if (!entry) return pending(`no release ${release.namespace}/${release.name}`, commands);
      if (entry.status !== 'deployed' || entry.chart !== `${release.chart}-${release.version}`) return pending(`release ${release.name} is ${entry.chart ?? '?'} (${entry.status ?? '?'}), not ${release.chart}-${release.version} deployed`, commands);
      const values = await ctx.exec({ tool: 'helm', args: ['--kubeconfig', k, 'get', 'values', release.name, '--namespace', release.namespace, '-o', 'json'] }, { quiet: true });
      const have = (JSON.parse(values.stdout || 'null') as unknown) ?? {};
      return isDeepStrictEqual(have, want) ? done(`${release.chart}-${release.version} deployed with these values`) : pending(`release ${release.name} has other values than ${distPath(compiled, release.valuesFile)}`, commands);
    },
    async act(ctx, checked) {
      ctx.reporter.waiting(`helm to install ${release.name}`);
      for (const c of checked.commands) if (!('note' in c)) await ctx.exec(c);
    },
  };
}

interface NodeList {
  readonly items?: readonly KubeObjectStatus[];
}

/** Every expected node registered and Ready (they only become Ready once the CNI runs). */
export function nodesReadyStep(target: KubeTarget, expected: number): Step {
  return waitStep({
    id: `${target.cluster.name}/nodes-ready`,
    cluster: target.cluster.name,
    title: `wait for ${expected} node(s) Ready`,
    what: `${expected} Kubernetes node(s) to be Ready`,
    placeholder: target.placeholder,
    kubeconfig: (ctx) => target.kubeconfig(ctx),
    probe: (k) => kubectl(k, ['get', 'nodes', '-o', 'json']),
    async status(ctx, k) {
      const items = (await getJson<NodeList>(ctx, k, ['nodes']))?.items ?? [];
      const ready = items.filter((n) => condition(n, 'Ready')?.status === 'True').length;
      return ready >= expected ? { ok: true, reason: `${ready} node(s) Ready` } : { ok: false, reason: `${ready} of ${expected} node(s) Ready (${items.length} registered)` };
    },
  });
}

/** Bootstrap steps before the GitOps engine: namespaces, the Secrets the releases need, the releases, nodes Ready. */
export function bootstrapSteps(target: KubeTarget, compiled: Compiled, plan: ClusterBootstrap, expectedNodes: number, owner: (r: BootstrapRelease) => ReleaseOwner | undefined): Step[] {
  return [
    ...plan.namespaceFiles.map((f) => namespaceStep(target, compiled, f)),
    ...plan.manifests.map((m) => manifestStep(target, m)),
    ...plan.secretFiles.map((f) => secretStep(target, compiled, f)),
    ...plan.releases.map((r) => releaseStep(target, compiled, r, owner(r))),
    nodesReadyStep(target, expectedNodes),
  ];
}
