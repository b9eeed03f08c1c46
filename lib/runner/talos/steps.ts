import { kubeContextStatus, mergeKubeconfig, mergeTalosContext, talosContextStatus } from '../credentials.ts';
import { done, NotYet, pending, StepError, type RunContext, type Step } from '../step.ts';
import { goDuration, tmp, type DryRunLine, type ToolCommand } from '../tools/command.ts';
import { preflight } from './preflight.ts';
import { classifyApply } from './config-changes.ts';
import type { ApplyEffects } from './apply-effects.ts';
import { lastLine, type TalosNode, type TalosSession } from './session.ts';

/** `~/…` for a path under the operator's home (display only). */
export function tildePath(file: string, home: string): string {
  return file.startsWith(`${home}/`) ? `~/${file.slice(home.length + 1)}` : file;
}

const DIFF_LINES = 40;

/** A config diff as shown in a plan: redacted, bounded, secret-looking values masked. */
export function redactedDiff(ctx: RunContext, text: string): string[] {
  const lines = ctx.redactor
    .redact(text)
    .split('\n')
    .filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---)/.test(l))
    .map((l) => l.replace(/^([+-]\s*[\w.-]*(key|token|secret|crt|cert|ca|password|bundle)[\w.-]*:\s*).+$/i, '$1<redacted>'));
  return lines.length > DIFF_LINES ? [...lines.slice(0, DIFF_LINES), `… ${lines.length - DIFF_LINES} more changed lines`] : lines;
}

export function renderStep(s: TalosSession): Step {
  return {
    id: `${s.cluster.name}/render`,
    cluster: s.cluster.name,
    title: `render the machine configs of ${s.cluster.name}`,
    kind: 'local',
    risk: 'safe',
    dryRun: () => s.prepareLines(),
    check: async () => done('local'),
    act: (ctx) => s.prepare(ctx),
  };
}

export function talosconfigStep(s: TalosSession, file: string, home: string): Step {
  const where = tildePath(file, home);
  const note: DryRunLine = { note: `orrery merges context ${s.cluster.name} (endpoints, nodes, ca, client certificate and key) from <tmp:${s.talosconfig}> into ${where}, mode 0600` };
  return {
    id: `${s.cluster.name}/talosconfig`,
    cluster: s.cluster.name,
    title: `talosconfig context ${s.cluster.name} in ${where}`,
    kind: 'change',
    risk: 'safe',
    dryRun: () => [note],
    async check() {
      const status = await talosContextStatus(file, s.cluster.name, s.talosContext());
      if (status === 'same') return done(`${where} has context ${s.cluster.name} with this cluster's CA and endpoints`);
      return pending(status === 'missing' ? `${where} has no context ${s.cluster.name}` : `context ${s.cluster.name} in ${where} has another CA or other endpoints`, [note]);
    },
    act: () => mergeTalosContext(file, s.cluster.name, s.talosContext()),
  };
}

function applyCommand(s: TalosSession, node: TalosNode, maintenance: boolean, dryRun = false): ToolCommand {
  const file = ['--file', tmp(node.config)];
  if (maintenance) return { tool: 'talosctl', args: ['apply-config', '--insecure', '--nodes', node.maintenanceAddress, ...file, ...(dryRun ? ['--dry-run'] : [])], timeoutMs: 120_000 };
  return s.secure(node, ['apply-config', ...file, ...(dryRun ? ['--dry-run'] : [])], { timeoutMs: 120_000 });
}

/** How applying the config goes, in words: who reboots, and what waits for a reboot. */
function describeApply(effects: ApplyEffects, dryRunReboots: boolean): string {
  if ('unknown' in effects) return `Talos applies it ${dryRunReboots ? 'with' : 'without'} a reboot; whether a setting waits for a reboot cannot be told: ${effects.unknown}`;
  const list = (xs: readonly string[]): string => (xs.length > 3 ? `${xs.slice(0, 3).join(', ')} and ${xs.length - 3} more` : xs.join(', '));
  if (effects.rebootsNow.length > 0 || dryRunReboots) return `Talos ${effects.minor} reboots it to apply the config (auto mode)${effects.rebootsNow.length > 0 ? `: ${list(effects.rebootsNow)} ${effects.rebootsNow.length === 1 ? 'is' : 'are'} not applied live` : ''}`;
  const live = `Talos ${effects.minor} applies it live (no reboot)`;
  return effects.needsReboot.length > 0 ? `${live}; it needs a reboot to take effect: ${list(effects.needsReboot)}` : live;
}

/**
 * Maintenance mode → `apply-config --insecure` (the node installs and reboots into its config).
 * Configured → a dry-run apply first: "No changes." (machined's generateDiff) means done;
 * otherwise the redacted diff is shown, the change classified by the Talos the node runs
 * (./config-changes.ts), and the config applied in Talos's default mode (auto: live when
 * possible; Talos 1.14 has no reboot mode and applies everything live). What takes effect only
 * after a reboot is recorded in the journal for the reboot step (./reboot.ts).
 */
export function applyStep(s: TalosSession, node: TalosNode): Step {
  const id = `${s.cluster.name}/apply/${node.name}`;
  return {
    id,
    cluster: s.cluster.name,
    title: `apply the machine config to ${node.name}`,
    kind: 'change',
    risk: 'safe',
    dryRun: () => [applyCommand(s, node, true)],
    async check(ctx) {
      const probe = await s.probe(ctx, node);
      if (probe.mode === 'maintenance') return pending(`${node.name} is in maintenance mode at ${node.maintenanceAddress}`, [applyCommand(s, node, true)]);
      if (probe.mode === 'foreign') throw new StepError(`${node.name} at ${node.address} answers with credentials of another cluster (${probe.detail}): it was configured from another secrets bundle — reset it (orrery reset ${node.name}) or restore ${s.bundleFile}`);
      if (probe.mode === 'unreachable') {
        const journal = await ctx.journal.load(s.cluster.name);
        if (journal.steps[id]) return done(`config applied earlier; ${node.name} is not answering yet (installing or rebooting)`);
        throw new StepError(`${node.name} is unreachable: ${probe.detail} — is it powered on and booted (Talos ISO/PXE for a new machine)?`);
      }
      const dry = await ctx.exec(applyCommand(s, node, false, true), { allowFailure: true, quiet: true });
      if (dry.code !== 0) throw new StepError(`dry-run apply on ${node.name} failed: ${lastLine(dry.stderr)}`);
      const text = `${dry.stdout}\n${dry.stderr}`;
      if (/\bNo changes\.\s*$/m.test(text)) return done(`${node.name} runs this config (stage ${probe.stage})`);
      if (!ctx.options.skipPreflight) {
        const problems = await preflight(ctx, s, node);
        if (problems.length > 0) throw new StepError(`preflight: ${problems.join('; ')} — applying the config could cut ${node.name} off: fix the spec (or the machine), or pass --skip-preflight`);
      }
      const effects = await classifyApply(ctx, s, node);
      s.applyEffects.set(node.name, effects);
      return pending(`${node.name}'s running config differs; ${describeApply(effects, /with a reboot/.test(text))}`, [applyCommand(s, node, false)], redactedDiff(ctx, text));
    },
    async act(ctx, checked) {
      for (const c of checked.commands) if (!('note' in c)) await ctx.exec(c);
      const effects = s.applyEffects.get(node.name);
      if (effects && !('unknown' in effects) && effects.rebootsNow.length === 0 && effects.needsReboot.length > 0) await ctx.journal.recordReboot(s.cluster.name, node.name, effects.needsReboot);
      s.invalidate();
    },
    // The node installs or reboots now; `installed/<node>` waits for it.
    verify: async () => done(`config accepted by ${node.name}`),
  };
}

export function installedStep(s: TalosSession, node: TalosNode): Step {
  const what = `${node.name} to run its installed config (secure API at ${node.address}, stage running)`;
  const probeCommand = s.secure(node, ['get', 'machinestatus', '-o', 'json']);
  const ready = async (ctx: RunContext): Promise<boolean> => {
    s.invalidate();
    const p = await s.probe(ctx, node);
    return p.mode === 'configured' && p.stage === 'running';
  };
  return {
    id: `${s.cluster.name}/installed/${node.name}`,
    cluster: s.cluster.name,
    title: `wait for ${node.name} to boot its config`,
    kind: 'wait',
    risk: 'safe',
    dryRun: () => [{ note: `orrery waits for ${what}` }, probeCommand],
    async check(ctx) {
      const p = await s.probe(ctx, node);
      if (p.mode === 'configured' && p.stage === 'running') return done(`${node.name} is running`);
      return pending(p.mode === 'configured' ? `${node.name} is at stage ${p.stage}` : `${node.name} is not running its config yet (${p.mode})`, [{ note: `orrery waits for ${what}` }, probeCommand]);
    },
    async act(ctx) {
      await ctx.poll(what, async () => ((await ready(ctx)) ? true : undefined));
    },
  };
}

/**
 * etcd is bootstrapped exactly once: first every control plane is asked for /var/lib/etcd/member
 * (CACPPT's rule: data on any node means bootstrapped), failing closed when one cannot answer;
 * then `bootstrap` on the first control plane, where AlreadyExists counts as success
 * (terraform-provider-talos talos_cluster_resource.go does the same).
 */
export function bootstrapStep(s: TalosSession): Step {
  const first = s.controlPlanes[0]!;
  const command = s.secure(first, ['bootstrap'], { timeoutMs: 120_000 });
  const hasMember = async (ctx: RunContext): Promise<TalosNode | undefined> => {
    for (const cp of s.controlPlanes) {
      const p = await s.probe(ctx, cp);
      if (p.mode !== 'configured') throw new NotYet(`${cp.name} is not running its config yet`);
      const r = await ctx.exec(s.secure(cp, ['list', '/var/lib/etcd']), { allowFailure: true, quiet: true });
      if (r.code === 0 && r.stdout.split('\n').some((l) => l.trim() === 'member')) return cp;
      if (r.code !== 0 && !/no such file or directory/i.test(r.stderr)) throw new StepError(`cannot tell whether etcd is bootstrapped on ${cp.name} (${lastLine(r.stderr)}); refusing to bootstrap`);
    }
    return undefined;
  };
  return {
    id: `${s.cluster.name}/etcd-bootstrap`,
    cluster: s.cluster.name,
    title: `bootstrap etcd on ${first.name}`,
    kind: 'change',
    risk: 'safe',
    dryRun: () => [command],
    async check(ctx) {
      const cp = await hasMember(ctx);
      if (cp) return done(`etcd has data on ${cp.name}`);
      return pending(`no control plane has etcd data (${s.controlPlanes.map((n) => n.name).join(', ')} checked)`, [command]);
    },
    async act(ctx) {
      const r = await ctx.exec(command, { allowFailure: true });
      if (r.code !== 0 && !/AlreadyExists/.test(r.stderr)) throw new StepError(`talosctl bootstrap on ${first.name} failed: ${lastLine(r.stderr)}`);
    },
    async verify(ctx) {
      const cp = await ctx.poll(`etcd data on ${first.name}`, async () => hasMember(ctx));
      return done(`etcd has data on ${cp.name}`);
    },
  };
}

/** Rows of `talosctl etcd members` (a table with a header). */
export function etcdMemberCount(stdout: string): number {
  return stdout.split('\n').filter((l) => l.trim() !== '' && !/^(NODE\s+)?ID\s+HOSTNAME/.test(l.trim())).length;
}

export function etcdMembersStep(s: TalosSession): Step {
  const first = s.controlPlanes[0]!;
  const command = s.secure(first, ['etcd', 'members']);
  const want = s.controlPlanes.length;
  const count = async (ctx: RunContext): Promise<number> => {
    const r = await ctx.exec(command, { allowFailure: true, quiet: true });
    if (r.code !== 0) throw new NotYet(`etcd is not answering on ${first.name}`, lastLine(r.stderr));
    return etcdMemberCount(r.stdout);
  };
  const what = `etcd to have ${want} member(s), one per control plane`;
  return {
    id: `${s.cluster.name}/etcd-members`,
    cluster: s.cluster.name,
    title: `wait for ${want} etcd member(s)`,
    kind: 'wait',
    risk: 'safe',
    dryRun: () => [{ note: `orrery waits for ${what}` }, command],
    async check(ctx) {
      const n = await count(ctx);
      return n >= want ? done(`${n} etcd members`) : pending(`${n} of ${want} etcd members`, [{ note: `orrery waits for ${what}` }, command]);
    },
    async act(ctx) {
      await ctx.poll(what, async () => ((await count(ctx).catch(() => 0)) >= want ? true : undefined));
    },
  };
}

export function kubeconfigStep(s: TalosSession, file: string, home: string): Step {
  const where = tildePath(file, home);
  const first = s.controlPlanes[0]!;
  const lines = (): DryRunLine[] => [s.kubeconfigCommand(first), { note: `orrery keeps the kubeconfig in memory and <tmp:${s.kubeconfigFile}>, and merges its context admin@${s.cluster.name} into ${where}, mode 0600` }];
  return {
    id: `${s.cluster.name}/kubeconfig`,
    cluster: s.cluster.name,
    title: `kubeconfig context admin@${s.cluster.name} in ${where}`,
    kind: 'change',
    risk: 'safe',
    dryRun: lines,
    async check(ctx) {
      await s.kubeconfig(ctx);
      const status = await kubeContextStatus(file, s.kubeconfigTextOrThrow());
      if (status === 'same') return done(`${where} has this cluster's context`);
      return pending(status === 'missing' ? `${where} has no context for ${s.cluster.name}` : `the context in ${where} points elsewhere or has another CA`, lines());
    },
    async act(ctx) {
      await s.kubeconfig(ctx);
      await mergeKubeconfig(file, s.kubeconfigTextOrThrow());
    },
  };
}

/**
 * `talosctl health` with the exact node sets (cluster-template#1500: the wrong set never gets
 * healthy). With Talos's CNI set to none it skips "nodes ready" and CoreDNS
 * (pkg/cluster/check/default.go), so it passes before Cilium is installed.
 */
export function healthStep(s: TalosSession): Step {
  const first = s.controlPlanes[0]!;
  const workers = s.nodes.filter((n) => n.role === 'worker');
  const command = (timeout: string): ToolCommand =>
    s.secure(first, ['health', '--control-plane-nodes', s.controlPlanes.map((n) => n.address).join(','), ...(workers.length > 0 ? ['--worker-nodes', workers.map((n) => n.address).join(',')] : []), '--wait-timeout', timeout], { timeoutMs: 60_000 });
  return {
    id: `${s.cluster.name}/health`,
    cluster: s.cluster.name,
    title: `wait for talosctl health`,
    kind: 'wait',
    risk: 'safe',
    dryRun: () => [command('10m0s')],
    async check(ctx) {
      const p = await s.probe(ctx, first);
      if (p.mode !== 'configured') throw new NotYet(`${first.name} is not running its config yet`);
      const r = await ctx.exec(command('10s'), { allowFailure: true, quiet: true });
      return r.code === 0 ? done('talosctl health passes') : pending(`not healthy yet: ${lastLine(r.stderr || r.stdout)}`, [command(goDuration(ctx.options.waitTimeoutMs))]);
    },
    async act(ctx) {
      const timeout = goDuration(ctx.options.waitTimeoutMs);
      ctx.reporter.waiting(`talosctl health (etcd, kubelet, control-plane components, every node registered)`);
      await ctx.exec({ ...command(timeout), timeoutMs: ctx.options.waitTimeoutMs + 30_000 });
    },
  };
}

