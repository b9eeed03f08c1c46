import os from 'node:os';
import path from 'node:path';
import { formatDiagnostic, hasErrors } from '../diagnostics/diagnostic.ts';
import { rookCephCluster } from '../model/facts/rook-ceph.ts';
import type { ClusterModel, Model } from '../model/model.ts';
import { bootstrapClusterName } from './capi/bring-up.ts';
import { capiBringUpFromModel, type CapiSource } from './capi/source.ts';
import { CapiSession } from './capi/session.ts';
import { mergedContextName } from './kube/merged-context.ts';
import { capiSteps, providersStep } from './capi/steps.ts';
import { defaultCredentialFiles } from './credentials.ts';
import { resetStep } from './day2/reset.ts';
import { upgradeKubernetesStep, upgradeNodeStep } from './day2/upgrade.ts';
import { dryRunLines, executeSteps, planSteps, type Outcome } from './engine.ts';
import { Journal } from './journal.ts';
import { reconciledFromManagement } from './kube/gitops-plan.ts';
import { createPrivateDir, onInterrupt, PrivateDirError } from './private-dir.ts';
import { Redactor } from './redactor.ts';
import { JsonProgress, planJson, renderDryRun, renderPlanText, summary, TextProgress, type ClusterHeader } from './report.ts';
import { clusterBootstrap } from './sources/bootstrap.ts';
import { loadCompiled, staleFiles, type Compiled } from './sources/compiled.ts';
import { confirmationOf, RunContext, StepError, type RunOptions, type Step } from './step.ts';
import { talosctlSteps, talosKubeTarget } from './talos/cluster-steps.ts';
import { TalosSession } from './talos/session.ts';
import { renderStep } from './talos/steps.ts';
import { displayLine } from './tools/command.ts';
import type { Terminal } from './terminal.ts';
import { ProcessTools, type Tools } from './tools/process-tools.ts';
import { checkTools, type Requirement } from './tools/requirements.ts';

export type RunnerCommand = 'plan' | 'up' | 'upgrade' | 'reset';

export interface RunnerInput {
  readonly command: RunnerCommand;
  /** Clusters to act on (empty: every cluster). */
  readonly clusters: readonly string[];
  /** orrery reset NODE. */
  readonly node?: string;
  readonly specDir: string;
  readonly outDir: string;
  readonly secretsDir?: string;
  /** Journal directory (default: .orrery/state beside the spec directory). */
  readonly stateDir?: string;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly confirm: readonly string[];
  readonly format: 'text' | 'json';
  readonly kubeconfig?: string;
  readonly talosconfig?: string;
  readonly gitPrivateKey?: string;
  readonly gitTokenFile?: string;
  readonly gitUsername?: string;
  /** --skip-preflight (see RunOptions). */
  readonly skipPreflight?: boolean;
  readonly waitTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly terminal: Terminal;
  /** The Cluster API bring-up of a cluster (default: derived from the model). */
  readonly capiSource?: CapiSource;
  /** Tests: tools other than child processes. */
  readonly tools?: (tmp: ReturnType<typeof createPrivateDir>) => Tools;
}

interface ClusterPlan {
  readonly header: ClusterHeader;
  readonly steps: readonly Step[];
  readonly requirements: readonly Requirement[];
}

class InputError extends Error {}

const minorOf = (v: string): string => /^v?(\d+\.\d+)/.exec(v)?.[1] ?? v;

function describeCluster(model: Model, c: ClusterModel): string {
  const engine = model.constellation.gitops.engine === 'flux' ? 'Flux' : 'Argo CD';
  if (c.provisioning.method === 'talosctl') return `talosctl, Talos ${c.talos.version}, ${engine}`;
  return `Cluster API ${c.provisioning.clusterApi?.provider ?? ''}${c.managedBy ? `, managed by ${c.managedBy}` : ', management'}, ${engine}`;
}

function kubeRequirements(model: Model, c: ClusterModel, compiled: Compiled, withPlatform: boolean): Requirement[] {
  const why = c.name;
  const reqs: Requirement[] = [{ tool: 'kubectl', kubernetes: c.kubernetes.version, why }];
  if (!withPlatform) return reqs;
  if (clusterBootstrap(c, compiled).releases.length > 0) reqs.push({ tool: 'helm', kubernetes: c.kubernetes.version, why });
  // orrery's Flux objects are HelmRelease v2 and HelmRepository/GitRepository v1, GA in Flux 2.3.
  if (model.constellation.gitops.engine === 'flux' && !reconciledFromManagement(model, c)) reqs.push({ tool: 'flux', min: 'v2.3.0', why: c.name });
  return reqs;
}

function talosRequirement(c: ClusterModel): Requirement {
  // talosctl decodes every document of orrery's patches: it must know the cluster's contract's kinds.
  return { tool: 'talosctl', min: `v${minorOf(c.talos.version)}.0`, why: `${c.name} (Talos ${c.talos.version})` };
}

function planFor(input: RunnerInput, compiled: Compiled, cluster: ClusterModel, creds: { talosconfigFile: string; kubeconfigFile: string; home: string }): ClusterPlan {
  const { model } = compiled;
  const header = { name: cluster.name, describe: describeCluster(model, cluster) };
  if (input.command === 'plan' || input.command === 'up') {
    if (cluster.provisioning.method === 'talosctl') {
      const session = new TalosSession(cluster, compiled);
      const requirements = [talosRequirement(cluster), ...kubeRequirements(model, cluster, compiled, true)];
      // A talosctl cluster that manages Cluster API clusters runs their providers (the same versions as their bring-up),
      // installed before its GitOps engine applies their objects.
      const managed = cluster.manages.map((m) => model.clusters.find((c) => c.name === m)).find((c) => c?.provisioning.method === 'cluster-api');
      const bringUp = managed ? (input.capiSource ?? capiBringUpFromModel)(model, managed, compiled) : undefined;
      const providers = bringUp && !('problem' in bringUp) ? bringUp.providers : undefined;
      if (providers) requirements.push({ tool: 'clusterctl', min: `v${minorOf(providers.core.split(':')[1] ?? '')}.0`, why: `${cluster.name} (${providers.core})` });
      const steps = talosctlSteps(model, compiled, session, creds, (kube) => (providers ? [providersStep(cluster.name, providers, { id: 'providers', label: cluster.name }, () => kube)] : []));
      return { header, steps, requirements };
    }
    const bringUp = (input.capiSource ?? capiBringUpFromModel)(model, cluster, compiled);
    if ('problem' in bringUp) return { header, steps: [problemStep(cluster.name, bringUp.problem)], requirements: [] };
    const manager = model.clusters.find((c) => c.name === bringUp.managedBy);
    const session = new CapiSession(cluster, bringUp, creds, manager ? mergedContextName(manager) : undefined);
    const reqs: Requirement[] = [...kubeRequirements(model, cluster, compiled, !bringUp.gitopsFromManagement)];
    if (bringUp.role === 'management') {
      reqs.push({ tool: 'kind', why: `${cluster.name} (bootstrap cluster ${bootstrapClusterName(cluster.name)})` });
      reqs.push({ tool: 'clusterctl', min: `v${minorOf(bringUp.providers.core.split(':')[1] ?? '')}.0`, why: `${cluster.name} (${bringUp.providers.core})` });
    }
    return { header, steps: capiSteps(model, compiled, session, creds), requirements: reqs };
  }
  if (cluster.provisioning.method !== 'talosctl') throw new InputError(`orrery ${input.command} works on talosctl clusters; ${cluster.name} is a Cluster API cluster: change its spec and let its management cluster roll the machines`);
  const session = new TalosSession(cluster, compiled);
  const kube = talosKubeTarget(session);
  const reqs = [talosRequirement(cluster), { tool: 'kubectl', kubernetes: cluster.kubernetes.version, why: cluster.name } as Requirement];
  if (input.command === 'upgrade') {
    const ordered = [...session.controlPlanes, ...session.nodes.filter((n) => n.role === 'worker')];
    const ceph = rookCephCluster(cluster);
    return { header, steps: [renderStep(session), ...ordered.map((n) => upgradeNodeStep(session, n, kube, ceph)), upgradeKubernetesStep(session, kube)], requirements: reqs };
  }
  const node = session.nodes.find((n) => n.name === input.node)!;
  return { header: { ...header, describe: `${header.describe}; reset ${node.name}` }, steps: [renderStep(session), resetStep(session, node, kube)], requirements: reqs };
}

/** A cluster the runner cannot bring up yet: one blocked step that says why (the rest of the plan still prints). */
function problemStep(cluster: string, message: string): Step {
  return {
    id: `${cluster}/bring-up`,
    cluster,
    title: `bring up ${cluster}`,
    kind: 'change',
    risk: 'safe',
    dryRun: () => [{ note: `cannot bring ${cluster} up: ${message}` }],
    check: async () => Promise.reject(new StepError(message)),
    act: async () => Promise.reject(new StepError(message)),
  };
}

function selectClusters(input: RunnerInput, model: Model): ClusterModel[] {
  if (input.command === 'reset') {
    const owners = model.clusters.filter((c) => c.nodes.some((n) => n.name === input.node));
    if (owners.length === 0) {
      const known = model.clusters.flatMap((c) => c.nodes.map((n) => n.name));
      throw new InputError(`no node ${JSON.stringify(input.node)} in the spec${known.length ? `; nodes: ${known.join(', ')}` : ''}`);
    }
    return owners;
  }
  const names = input.clusters;
  const unknown = names.filter((n) => !model.clusters.some((c) => c.name === n));
  if (unknown.length > 0) throw new InputError(`no cluster ${unknown.map((u) => JSON.stringify(u)).join(', ')} in the spec; clusters: ${model.clusters.map((c) => c.name).join(', ')}`);
  const chosen = names.length > 0 ? model.clusters.filter((c) => names.includes(c.name)) : [...model.clusters];
  // Management clusters before the clusters they manage (and the Argo CD hub before the clusters it registers); otherwise spec order.
  const rank = (c: ClusterModel): number => 2 * (c.provisioning.method === 'talosctl' ? 0 : c.managedBy ? 2 : 1) + (c.role === 'management' ? 0 : 1);
  return chosen.sort((a, b) => rank(a) - rank(b));
}

function verb(command: RunnerCommand): string {
  return command === 'plan' ? 'up' : command;
}

/** orrery plan / up / upgrade / reset: exit 0 nothing to do (or done), 2 changes pending (plan), 1 error. */
export async function runRunner(input: RunnerInput): Promise<number> {
  const { terminal } = input;
  const say = (t: string): void => terminal.err(`orrery ${input.command}: ${t}\n`);
  const loaded = await loadCompiled({ specDir: input.specDir, outDir: input.outDir, ...(input.secretsDir ? { secretsDir: input.secretsDir } : {}), cwd: input.cwd });
  if (!loaded.compiled || hasErrors(loaded.diagnostics)) {
    for (const d of loaded.diagnostics.filter((x) => x.severity === 'error')) terminal.err(`${formatDiagnostic(d)}\n`);
    say('the spec has errors; fix them first (orrery validate)');
    return 1;
  }
  const compiled = loaded.compiled;
  const home = input.env.HOME ?? os.homedir();
  const defaults = defaultCredentialFiles(input.env, home);
  const creds = {
    talosconfigFile: path.resolve(input.cwd, input.talosconfig ?? defaults.talosconfig),
    kubeconfigFile: path.resolve(input.cwd, input.kubeconfig ?? defaults.kubeconfig),
    home,
  };
  let plans: ClusterPlan[];
  try {
    const clusters = selectClusters(input, compiled.model);
    plans = clusters.map((c) => planFor(input, compiled, c, creds));
  } catch (err) {
    if (err instanceof InputError || err instanceof StepError) {
      say(err.message);
      return 1;
    }
    throw err;
  }

  const stale = (await Promise.all(plans.map((p) => staleFiles(compiled, p.header.name)))).flat();
  const staleNote = `${compiled.outDisplay} is not what synth would write (${stale.slice(0, 5).join(', ')}${stale.length > 5 ? `, … ${stale.length - 5} more` : ''}): run orrery synth first — the runner hands the tools exactly the files GitOps reads`;
  if (input.dryRun) {
    if (stale.length > 0) say(`warning: ${staleNote}`);
    const groups = plans.map((p) => ({ header: p.header, steps: dryRunLines(p.steps) }));
    if (input.format === 'json') terminal.out(`${JSON.stringify(groups.map((g) => ({ cluster: g.header.name, steps: g.steps.map((s) => ({ id: s.step.id, title: s.step.title, commands: s.lines.map(displayLine) })) })), null, 2)}\n`);
    else terminal.out(renderDryRun(groups));
    return 0;
  }

  if (stale.length > 0) {
    say(staleNote);
    return 1;
  }

  let tmpDir;
  try {
    tmpDir = createPrivateDir({ outside: [input.cwd, compiled.outDir, path.resolve(input.cwd, input.specDir)] });
  } catch (err) {
    if (err instanceof PrivateDirError) {
      say(err.message);
      return 1;
    }
    throw err;
  }
  const tools = input.tools ? input.tools(tmpDir) : new ProcessTools({ cwd: input.cwd, env: input.env, tmp: tmpDir });
  const removeHandlers = onInterrupt(() => {
    tools.killAll();
    tmpDir.dispose();
    terminal.err(`\norrery ${input.command}: interrupted; the private temp directory is removed. Run it again: it resumes where it stopped.\n`);
  });
  try {
    const checked = await checkTools(tools, plans.flatMap((p) => p.requirements));
    for (const w of checked.warnings) say(`warning: ${w}`);
    if (checked.problems.length > 0) {
      for (const p of checked.problems) say(p);
      return 1;
    }
    const options: RunOptions = {
      cwd: input.cwd,
      env: input.env,
      home,
      waitTimeoutMs: input.waitTimeoutMs,
      pollIntervalMs: input.pollIntervalMs,
      talosconfigFile: creds.talosconfigFile,
      kubeconfigFile: creds.kubeconfigFile,
      // As given: tools run in the same working directory, and the command line shows no absolute path.
      ...(input.gitPrivateKey ? { gitPrivateKey: input.gitPrivateKey } : {}),
      ...(input.gitTokenFile ? { gitTokenFile: input.gitTokenFile } : {}),
      ...(input.gitUsername ? { gitUsername: input.gitUsername } : {}),
      confirmed: new Set(input.confirm),
      ...(input.skipPreflight ? { skipPreflight: true } : {}),
    };
    const stateDir = input.stateDir ? path.resolve(input.cwd, input.stateDir) : path.join(path.dirname(path.resolve(input.cwd, input.specDir)), '.orrery', 'state');
    const ctx = new RunContext(tools, tmpDir, new Redactor(), new Journal(stateDir), options);
    const steps = plans.flatMap((p) => p.steps);

    if (input.command === 'plan' || !input.yes) {
      const outcomes = await planSteps(steps, ctx);
      const groups = plans.map((p) => ({ header: p.header, outcomes: outcomes.filter((o) => o.step.cluster === p.header.name && p.steps.includes(o.step)) }));
      const n = summary(outcomes);
      if (input.format === 'json') terminal.out(`${JSON.stringify(planJson(groups), null, 2)}\n`);
      else terminal.out(renderPlanText(groups));
      if (input.command === 'plan') {
        if (n.blocked > 0) say(`${n.blocked} step(s) blocked (see above); ${n.pending} pending`);
        else if (n.pending > 0) say(`${n.pending} step(s) pending: orrery ${verb(input.command)} ${plans.map((p) => p.header.name).join(' ')} runs them`);
        else say('nothing to do');
        return n.blocked > 0 ? 1 : n.pending > 0 ? 2 : 0;
      }
      if (n.blocked > 0 && n.pending === 0) {
        say(`${n.blocked} step(s) blocked (see above)`);
        return 1;
      }
      if (n.pending === 0 && n.blocked === 0) {
        say('nothing to do');
        return 0;
      }
      if (!(await confirmRun(input, terminal, outcomes))) {
        say(terminal.interactive ? 'not confirmed; nothing was changed' : `${n.pending} step(s) pending; rerun with --yes to run them without a terminal`);
        return 1;
      }
    }
    ctx.reporter = input.format === 'json' ? new JsonProgress(terminal) : new TextProgress(terminal);
    const result = await executeSteps(steps, ctx, {
      async confirmDestructive(step, check) {
        const names = confirmationOf(step, check) ?? [];
        if (names.every((n) => options.confirmed.has(n))) return true;
        if (!terminal.interactive) return false;
        const answer = await terminal.prompt(`${step.title} ${step.confirmWhy ?? 'destroys data'}. Type ${names.join(' ')} to confirm: `);
        return answer.trim().split(/\s+/).join(' ') === names.join(' ');
      },
    });
    if (result.failed) {
      say(`stopped at ${result.failed.step.cluster}: ${result.failed.step.title}: ${result.failed.message}`);
      say(`fix it and run orrery ${input.command}${input.command === 'reset' ? ` ${input.node}` : ` ${plans.map((p) => p.header.name).join(' ')}`} again: every step re-checks, so it resumes there`);
      return 1;
    }
    say(result.ran.length === 0 ? 'nothing to do' : `${result.ran.length} step(s) ran; ${plans.map((p) => p.header.name).join(', ')} ${input.command === 'reset' ? 'reset' : 'up to date'}`);
    return 0;
  } finally {
    removeHandlers();
    tmpDir.dispose();
  }
}

/** One confirmation for the whole run (on a terminal), unless --yes. */
async function confirmRun(input: RunnerInput, terminal: Terminal, outcomes: readonly Outcome[]): Promise<boolean> {
  if (input.yes) return true;
  if (!terminal.interactive) return false;
  const n = summary(outcomes).pending;
  const disruptive = outcomes.filter((o) => o.check.state === 'pending' && o.step.risk === 'disruptive').length;
  const answer = await terminal.prompt(`Run ${n} pending step(s)${disruptive ? `, ${disruptive} of them restarting machines` : ''}? [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}

