import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Model } from '../../model/model.ts';
import { kubeContextStatus, mergeKubeconfig, mergeTalosconfigText, talosconfigTextStatus } from '../credentials.ts';
import { SOPS_AGE_SECRET } from '../../gitops/flux.ts';
import { sopsAgeStep } from '../kube/gitops.ts';
import { hubRegistrationSteps } from '../kube/argocd-cluster.ts';
import { gitopsSteps, releaseOwner } from '../kube/gitops-plan.ts';
import { condition, getJson, kubectl, type KubeObjectStatus, type KubeTarget } from '../kube/kubectl.ts';
import { applyStep, bootstrapSteps, nodesReadyStep, objectsStdin, secretStep } from '../kube/steps.ts';
import { waitStep } from '../kube/wait-step.ts';
import { clusterBootstrap } from '../sources/bootstrap.ts';
import { distPath, type Compiled } from '../sources/compiled.ts';
import { done, NotYet, pending, StepError, WaitTimeout, type RunContext, type Step } from '../step.ts';
import { tildePath } from '../talos/steps.ts';
import { tmp, type DryRunLine, type TempRef, type ToolCommand } from '../tools/command.ts';
import { capiContextName, type RunnerCapiBringUp } from './bring-up.ts';
import { addCommand } from '../../secrets/operator-secrets.ts';
import { CapiSession, CLUSTERS, type Files } from './session.ts';

const MACHINES = 'machines.cluster.x-k8s.io';
const PROVIDERS = 'providers.clusterctl.cluster.x-k8s.io';

function capiKubeTarget(s: CapiSession): KubeTarget {
  return { cluster: s.cluster, placeholder: tmp(s.targetKubeconfig), kubeconfig: (ctx) => s.target(ctx) };
}

/** Steps that only exist before the pivot: done once the cluster manages itself. */
function beforePivot(s: CapiSession, step: Step): Step {
  return {
    ...step,
    async check(ctx) {
      if (await s.pivoted(ctx)) return done(`${s.cluster.name} manages itself (pivoted); nothing to do on the bootstrap cluster`);
      return step.check(ctx);
    },
  };
}

/** A KubeTarget on the kind bootstrap cluster. */
function kindTarget(s: CapiSession): KubeTarget {
  return {
    cluster: s.cluster,
    placeholder: tmp(s.kindKubeconfig),
    async kubeconfig(ctx) {
      const k = await s.kind(ctx);
      if (!k) throw new NotYet(`the bootstrap cluster ${s.kindName} does not exist yet`);
      return k;
    },
  };
}

function initArgs(b: RunnerCapiBringUp): string[] {
  const p = b.providers;
  return ['--core', p.core, '--bootstrap', p.bootstrap, '--control-plane', p.controlPlane, '--infrastructure', p.infrastructure, ...(p.ipam ? ['--ipam', p.ipam] : []), ...(p.addon ? ['--addon', p.addon] : [])];
}

/** The providers a clusterctl inventory must hold: `<Type>/<name>:<version>` (Provider objects: type, providerName, version). */
function wantedProviders(b: RunnerCapiBringUp): string[] {
  const p = b.providers;
  const entries: [string, string | undefined][] = [['CoreProvider', p.core], ['BootstrapProvider', p.bootstrap], ['ControlPlaneProvider', p.controlPlane], ['InfrastructureProvider', p.infrastructure], ['IPAMProvider', p.ipam], ['AddonProvider', p.addon]];
  return entries.filter((e): e is [string, string] => e[1] !== undefined).map(([t, spec]) => `${t}/${spec}`).sort();
}

/**
 * `clusterctl init` with the exact provider versions, on the kind bootstrap cluster or on a
 * management cluster (the same versions: move needs the target's at least as new). Done when the
 * clusterctl inventory (Provider objects: type, providerName, version) holds every one.
 */
export function providersStep(cluster: string, providers: RunnerCapiBringUp['providers'], where: { id: string; label: string }, target: () => KubeTarget, env?: Readonly<Record<string, string>>): Step {
  const b = { providers } as RunnerCapiBringUp;
  const init = (k: TempRef, timeoutMs: number): ToolCommand => ({ tool: 'clusterctl', args: ['init', '--kubeconfig', k, ...initArgs(b), '--wait-providers', `--wait-provider-timeout=${Math.ceil(timeoutMs / 1000)}`], timeoutMs: timeoutMs * 2 + 60_000, ...(env ? { env } : {}) });
  return {
    id: `${cluster}/${where.id}`,
    cluster,
    title: `install the Cluster API providers on ${where.label}`,
    kind: 'change',
    risk: 'safe',
    dryRun: () => [init(target().placeholder, 600_000)],
    async check(ctx) {
      const k = await target().kubeconfig(ctx);
      const list = await getJson<{ items?: { type?: string; providerName?: string; version?: string }[] }>(ctx, k, [PROVIDERS, '-A']);
      const have = (list?.items ?? []).map((i) => `${i.type}/${i.providerName}:${i.version}`).sort();
      const want = wantedProviders(b);
      if (want.every((w) => have.includes(w))) return done(`providers installed: ${want.join(', ')}`);
      if (have.length > 0) throw new StepError(`${where.label} has other Cluster API providers (${have.join(', ')}) than ${want.join(', ')}: upgrade them with clusterctl upgrade apply`);
      return pending('no Cluster API providers installed', [init(k, ctx.options.waitTimeoutMs)]);
    },
    async act(ctx, checked) {
      ctx.reporter.waiting('clusterctl init and the provider Deployments to be Available');
      for (const cmd of checked.commands) if (!('note' in cmd)) await ctx.exec(cmd);
    },
  };
}

function bootstrapClusterStep(s: CapiSession): Step {
  const c = s.cluster.name;
  const create: ToolCommand = { tool: 'kind', args: ['create', 'cluster', '--name', s.kindName, '--kubeconfig', tmp(s.kindKubeconfig), '--wait', '5m'], timeoutMs: 600_000 };
  return beforePivot(s, {
    id: `${c}/bootstrap-cluster`,
    cluster: c,
    title: `create the temporary bootstrap cluster ${s.kindName} (kind)`,
    kind: 'change',
    risk: 'safe',
    dryRun: () => [create],
    async check(ctx) {
      return (await s.kind(ctx)) ? done(`${s.kindName} exists`) : pending(`no kind cluster ${s.kindName}`, [create]);
    },
    async act(ctx) {
      await ctx.tmp.mkdir(c);
      await ctx.exec(create);
      s.invalidate();
    },
  });
}

/** Waits on the Cluster's ControlPlaneInitialized condition (v1beta2 Cluster, api/core/v1beta2/cluster_types.go). */
function controlPlaneStep(s: CapiSession): Step {
  const b = s.bringUp;
  const c = s.cluster.name;
  return waitStep({
    id: `${c}/control-plane`,
    cluster: c,
    title: `wait for the control plane of ${c}`,
    what: `Cluster ${b.namespace}/${c} to report ControlPlaneInitialized`,
    placeholder: homePlaceholder(s),
    kubeconfig: (ctx) => s.home(ctx),
    probe: (k) => kubectl(k, ['get', CLUSTERS, c, '-n', b.namespace, '-o', 'json']),
    async status(ctx, k) {
      const cluster = await getJson<KubeObjectStatus>(ctx, k, [CLUSTERS, c, '-n', b.namespace]);
      if (!cluster) return { ok: false, reason: `no Cluster ${b.namespace}/${c} yet` };
      const cond = condition(cluster, 'ControlPlaneInitialized');
      return cond?.status === 'True' ? { ok: true, reason: 'ControlPlaneInitialized' } : { ok: false, reason: `ControlPlaneInitialized is not True (${cond?.reason ?? 'not reported yet'})` };
    },
  });
}

/** Every Machine of the cluster has a nodeRef (clusterctl move refuses a cluster still provisioning). */
function machinesStep(s: CapiSession): Step {
  const b = s.bringUp;
  const c = s.cluster.name;
  const args = [MACHINES, '-n', b.namespace, '-l', `cluster.x-k8s.io/cluster-name=${c}`];
  return waitStep({
    id: `${c}/machines`,
    cluster: c,
    title: `wait for every Machine of ${c} to join`,
    what: `${b.machines} Machine(s) of ${c} to have a nodeRef`,
    placeholder: homePlaceholder(s),
    kubeconfig: (ctx) => s.home(ctx),
    probe: (k) => kubectl(k, ['get', ...args, '-o', 'json']),
    async status(ctx, k) {
      const items = (await getJson<{ items?: { status?: { nodeRef?: unknown } }[] }>(ctx, k, args))?.items ?? [];
      const joined = items.filter((m) => m.status?.nodeRef).length;
      return joined >= b.machines ? { ok: true, reason: `${joined} Machine(s) with a nodeRef` } : { ok: false, reason: `${joined} of ${b.machines} Machine(s) have a nodeRef (${items.length} exist)` };
    },
  });
}

/** Where the Cluster object lives, as shown in --dry-run. */
function homePlaceholder(s: CapiSession): TempRef {
  return tmp(s.bringUp.role === 'workload' ? `${s.bringUp.managedBy}/kubeconfig` : s.kindKubeconfig);
}

function credentialsStep(s: CapiSession, files: Files): Step {
  const b = s.bringUp;
  const c = s.cluster.name;
  const kubeWhere = tildePath(files.kubeconfigFile, files.home);
  const talosWhere = tildePath(files.talosconfigFile, files.home);
  const lines = (k: TempRef): DryRunLine[] => [
    s.secretCommand(k, b.kubeconfigSecret),
    s.secretCommand(k, b.talosconfigSecret),
    { note: `orrery decodes both in memory and merges context ${capiContextName(c)} into ${kubeWhere} and the talosconfig context into ${talosWhere}, mode 0600` },
  ];
  const fetch = async (ctx: RunContext): Promise<{ kube: string; talos: string; k: TempRef }> => {
    const k = await s.home(ctx);
    return { kube: await s.secretText(ctx, k, b.kubeconfigSecret), talos: await s.secretText(ctx, k, b.talosconfigSecret), k };
  };
  return {
    id: `${c}/credentials`,
    cluster: c,
    title: `kubeconfig and talosconfig of ${c} from ${b.kubeconfigSecret.name} / ${b.talosconfigSecret.name}`,
    kind: 'change',
    risk: 'safe',
    dryRun: () => lines(homePlaceholder(s)),
    async check(ctx) {
      const { kube, talos, k } = await fetch(ctx);
      const kubeStatus = await kubeContextStatus(files.kubeconfigFile, kube);
      const talosStatus = await talosconfigTextStatus(files.talosconfigFile, talos);
      if (kubeStatus === 'same' && talosStatus.status === 'same') return done(`${kubeWhere} and ${talosWhere} have ${c}'s contexts`);
      return pending(`${kubeStatus === 'same' ? '' : `kubeconfig context ${kubeStatus}`}${kubeStatus !== 'same' && talosStatus.status !== 'same' ? ', ' : ''}${talosStatus.status === 'same' ? '' : `talosconfig context ${talosStatus.status}`}`, lines(k));
    },
    async act(ctx) {
      const { kube, talos } = await fetch(ctx);
      await mergeKubeconfig(files.kubeconfigFile, kube);
      await mergeTalosconfigText(files.talosconfigFile, talos);
    },
  };
}

function moveStep(s: CapiSession): Step {
  const b = s.bringUp;
  const c = s.cluster.name;
  const move = (from: TempRef, to: TempRef, dry: boolean): ToolCommand => ({ tool: 'clusterctl', args: ['move', '--kubeconfig', from, '--to-kubeconfig', to, '--namespace', b.namespace, ...(dry ? ['--dry-run'] : [])], timeoutMs: 1_800_000 });
  return {
    id: `${c}/move`,
    cluster: c,
    title: `clusterctl move: ${c} takes over its own Cluster API objects`,
    kind: 'change',
    risk: 'safe',
    dryRun: () => [move(tmp(s.kindKubeconfig), tmp(s.targetKubeconfig), true), move(tmp(s.kindKubeconfig), tmp(s.targetKubeconfig), false)],
    async check(ctx) {
      if (await s.pivoted(ctx)) return done(`${c} holds its own Cluster object`);
      const kind = await s.kind(ctx);
      if (!kind) throw new NotYet(`the bootstrap cluster ${s.kindName} does not exist`);
      const target = await s.target(ctx);
      return pending(`the Cluster object of ${c} is on ${s.kindName}`, [move(kind, target, true), move(kind, target, false)]);
    },
    async act(ctx, checked) {
      // The pivot needs every Machine joined (its nodeRef set): re-check right before moving.
      const list = await getJson<{ items?: { status?: { nodeRef?: unknown } }[] }>(ctx, (await s.kind(ctx))!, [MACHINES, '-n', b.namespace, '-l', `cluster.x-k8s.io/cluster-name=${c}`]);
      const joined = (list?.items ?? []).filter((m) => m.status?.nodeRef).length;
      if (joined < b.machines) throw new StepError(`only ${joined} of ${b.machines} Machines have a nodeRef: clusterctl move would refuse a cluster still provisioning`);
      for (const cmd of checked.commands) if (!('note' in cmd)) await ctx.exec(cmd);
      s.invalidate();
    },
  };
}

function deleteBootstrapStep(s: CapiSession): Step {
  const c = s.cluster.name;
  const del: ToolCommand = { tool: 'kind', args: ['delete', 'cluster', '--name', s.kindName], timeoutMs: 300_000 };
  return {
    id: `${c}/delete-bootstrap-cluster`,
    cluster: c,
    title: `delete the bootstrap cluster ${s.kindName}`,
    kind: 'change',
    risk: 'safe',
    dryRun: () => [del],
    async check(ctx) {
      if (!(await s.kind(ctx))) return done(`no kind cluster ${s.kindName}`);
      if (!(await s.pivoted(ctx))) throw new NotYet(`${c} has not taken over its objects yet`);
      return pending(`${s.kindName} is no longer needed`, [del]);
    },
    async act(ctx) {
      await ctx.exec(del);
      s.invalidate();
    },
  };
}

/** The management cluster's own objects, applied to kind; the directory must exist first (the generator writes it). */
function objectsStep(s: CapiSession, compiled: Compiled, kind: KubeTarget): Step {
  const dir = s.bringUp.objectsDir!;
  const step = applyStep({ id: `${s.cluster.name}/objects`, title: `apply the Cluster API objects of ${s.cluster.name} to ${s.kindName}`, target: kind, source: ['-k', distPath(compiled, dir)] });
  return {
    ...step,
    async check(ctx) {
      if (!existsSync(path.join(compiled.outDir, dir, 'kustomization.yaml'))) {
        throw new StepError(`${distPath(compiled, dir)}/ does not exist — the Cluster API objects of a management cluster come from the Cluster API generator, which has not written them`);
      }
      return step.check(ctx);
    },
  };
}

/**
 * How the operator supplies a provider's Secret: one of the operator Secrets synth refuses the spec
 * without (lib/secrets/referenced-secrets.ts), stored encrypted under secrets/<manager>/ and delivered
 * with the manager's Secrets — never created by hand, so git holds what the cluster runs.
 */
function supplyHint(secret: { namespace: string; name: string; keys: readonly string[]; why: string }, manager: string): string {
  return `${secret.why}: store it with ${addCommand({ cluster: manager, ...secret })}, then npx orrery synth`;
}

/** A Secret of the manager's secrets/ in dist/, decrypted in memory and applied to the bootstrap cluster before the objects. */
function capiSecretStep(s: CapiSession, compiled: Compiled, kind: KubeTarget, file: string): Step {
  const b = s.bringUp;
  const operator = (b.operatorSecrets ?? []).find((o) => file.endsWith(`/secret-${o.namespace}-${o.name}.yaml`));
  return secretStep(kind, compiled, file, {
    ...(operator ? { secret: { namespace: operator.namespace, name: operator.name } } : {}),
    async ifMissing() {
      throw new StepError(`${distPath(compiled, file)} does not exist: ${operator ? supplyHint(operator, s.cluster.name) : 'run npx orrery secrets, then npx orrery synth'}`);
    },
  });
}

/**
 * The Secrets a workload cluster's provider needs on its manager (its credentials): in git, under
 * dist/<manager>/secrets/, so the manager's GitOps engine applies them; the runner waits for them
 * there before it waits for the machines, and says where they come from when they do not arrive.
 */
function operatorSecretsSteps(s: CapiSession): Step[] {
  const b = s.bringUp;
  const c = s.cluster.name;
  const wanted = (b.operatorSecrets ?? []).filter((o) => o.name !== SOPS_AGE_SECRET);
  if (wanted.length === 0) return [];
  const list = wanted.map((o) => `${o.namespace}/${o.name}`).join(', ');
  const step = waitStep({
    id: `${c}/operator-secrets`,
    cluster: c,
    title: `the Secrets ${c}'s provider needs on ${b.managedBy}`,
    what: `${list} on ${b.managedBy}`,
    placeholder: tmp(`${b.managedBy}/kubeconfig`),
    kubeconfig: (ctx) => s.home(ctx),
    probe: (k) => kubectl(k, ['get', 'secret', ...wanted.map((o) => o.name), '-n', b.namespace, '-o', 'name']),
    status,
  });
  // Synth refused the spec without the files, so a Secret that does not arrive is GitOps's: say which, and where to look.
  async function status(ctx: RunContext, k: TempRef): Promise<{ ok: boolean; reason: string }> {
    const missing = [];
    for (const o of wanted) if (!(await getJson(ctx, k, ['secret', o.name, '-n', o.namespace]))) missing.push(o);
    if (missing.length === 0) return { ok: true, reason: `${list} exist` };
    return { ok: false, reason: `${missing.map((o) => `${o.namespace}/${o.name}`).join(', ')} not on ${b.managedBy} yet (${whereFrom(missing)})` };
  }
  const whereFrom = (missing: readonly { namespace: string; name: string }[]): string =>
    `${b.managedBy}'s GitOps engine applies ${missing.map((o) => `dist/${b.managedBy}/secrets/secret-${o.namespace}-${o.name}.yaml`).join(', ')} once pushed: check that the layer holding its Secrets reconciles — a decryption error names sops-age`;
  return [
    {
      ...step,
      async act(ctx, ...rest) {
        try {
          await step.act(ctx, ...rest);
        } catch (err) {
          if (!(err instanceof WaitTimeout)) throw err;
          throw new StepError(`${err.message}: ${(await status(ctx, await s.home(ctx))).reason}`);
        }
      },
    },
  ];
}

function namespaceStdin(namespace: string): ReturnType<typeof objectsStdin> {
  return objectsStdin(`<Namespace ${namespace}>`, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }]);
}

/** The bring-up of one Cluster API cluster. */
export function capiSteps(model: Model, compiled: Compiled, s: CapiSession, files: Files): Step[] {
  const b = s.bringUp;
  const target = capiKubeTarget(s);
  const kind = kindTarget(s);
  // With the manager's Flux reconciling it, the manager installs its CNI too: the runner only waits for its nodes.
  const bootstrap = b.gitopsFromManagement ? [nodesReadyStep(target, b.machines)] : bootstrapSteps(target, compiled, clusterBootstrap(s.cluster, compiled), b.machines, releaseOwner(model, s.cluster, compiled, files));
  const gitops = [...(b.gitopsFromManagement ? [] : gitopsSteps(target, model, compiled)), ...hubRegistrationSteps(model, compiled, target, files)];
  if (b.role === 'workload') {
    // The age key the manager's Flux decrypts this cluster's Secrets with is the runner's to create; the rest are the operator's.
    const manager: KubeTarget = { cluster: s.cluster, placeholder: tmp(`${b.managedBy}/kubeconfig`), kubeconfig: (ctx) => s.manager(ctx) };
    const ageKey = (b.operatorSecrets ?? []).filter((o) => o.name === SOPS_AGE_SECRET);
    const keySteps = ageKey.map((o) => ({ ...sopsAgeStep(manager, model, { namespace: o.namespace, name: o.name, key: 'age.agekey' }), id: `${s.cluster.name}/sops-age-on-${b.managedBy}` }));
    return [...operatorSecretsSteps(s), ...keySteps, controlPlaneStep(s), machinesStep(s), credentialsStep(s, files), ...bootstrap, ...gitops].map((step) => ({ ...step, after: [b.managedBy!] }));
  }
  return [
    bootstrapClusterStep(s),
    beforePivot(s, providersStep(s.cluster.name, b.providers, { id: 'providers-bootstrap', label: `the bootstrap cluster ${s.kindName}` }, () => kind, b.initEnv)),
    // The namespace first: the Secrets below live in it, and kubectl refuses them without it.
    beforePivot(s, applyStep({ id: `${s.cluster.name}/capi-namespace`, title: `create the namespace ${b.namespace} on ${s.kindName}`, target: kind, source: ['-f', '-'], stdin: async () => namespaceStdin(b.namespace), dryRunStdin: namespaceStdin(b.namespace) })),
    ...b.secretFiles.map((f) => beforePivot(s, capiSecretStep(s, compiled, kind, f))),
    beforePivot(s, objectsStep(s, compiled, kind)),
    controlPlaneStep(s),
    machinesStep(s),
    credentialsStep(s, files),
    ...bootstrap,
    // The providers before GitOps: its first reconciliation applies the workload clusters' Cluster API objects.
    providersStep(s.cluster.name, b.providers, { id: 'providers-target', label: s.cluster.name }, () => target, b.initEnv),
    ...gitops,
    moveStep(s),
    deleteBootstrapStep(s),
  ];
}

