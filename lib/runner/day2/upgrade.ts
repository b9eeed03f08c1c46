import { resourceSpecs } from '../json-stream.ts';
import { waitCephHealthy } from '../kube/ceph.ts';
import { getJson, type KubeTarget } from '../kube/kubectl.ts';
import type { CephClusterRef } from '../../model/facts/rook-ceph.ts';
import { done, NotYet, pending, StepError, WaitTimeout, type RunContext, type Step } from '../step.ts';
import { factoryImage } from '../talos/patches.ts';
import { serverTag } from '../talos/version.ts';
import { lastLine, type TalosNode, type TalosSession } from '../talos/session.ts';
import { healthStep } from '../talos/steps.ts';
import { goDuration, type ToolCommand } from '../tools/command.ts';

/** How long a node may take to report the new version after talosctl upgrade returns. */
const RECONCILE_WINDOW_MS = 300_000;

/**
 * Image Factory images carry a virtual extension named `schematic` whose version is the
 * schematic ID (siderolabs/extensions#356, siderolabs/talos#13139).
 */
export function runningSchematic(stdout: string): string | undefined {
  const ext = resourceSpecs<{ metadata?: { name?: string; version?: string } }>(stdout).find((e) => e.spec.metadata?.name === 'schematic');
  return ext?.spec.metadata?.version;
}

async function running(ctx: RunContext, s: TalosSession, node: TalosNode): Promise<{ version?: string; schematic?: string }> {
  const v = await ctx.exec(s.secure(node, ['version']), { allowFailure: true, quiet: true });
  if (v.code !== 0) throw new NotYet(`${node.name} is not answering`, lastLine(v.stderr));
  const e = await ctx.exec(s.secure(node, ['get', 'extensions', '-o', 'json']), { allowFailure: true, quiet: true });
  const version = serverTag(v.stdout);
  const schematic = e.code === 0 ? runningSchematic(e.stdout) : undefined;
  return { ...(version ? { version } : {}), ...(schematic ? { schematic } : {}) };
}

/**
 * Talos to the spec's version with the node's installer image (the schematic's), one node at a
 * time: the node is upgraded (talosctl drains it, reboots it), its running version and schematic
 * verified afterwards (a mismatch is an A/B rollback: stop), then the whole cluster must be
 * healthy (etcd included) — and Ceph HEALTH_OK when Rook runs — before the next node.
 */
export function upgradeNodeStep(s: TalosSession, node: TalosNode, kube: KubeTarget, ceph: CephClusterRef | undefined): Step {
  const image = node.installImage;
  const want = image ? factoryImage(image) : undefined;
  const command = (timeoutMs: number): ToolCommand => s.secure(node, ['upgrade', '--image', image ?? '<installer image>', '--wait'], { timeoutMs: timeoutMs + 60_000 });
  const health = healthStep(s);
  const current = async (ctx: RunContext): Promise<{ version?: string; schematic?: string; ok: boolean }> => {
    const r = await running(ctx, s, node);
    const ok = r.version === want?.version && (want?.schematic === undefined || r.schematic === want.schematic);
    return { ...r, ok };
  };
  return {
    id: `${s.cluster.name}/upgrade/${node.name}`,
    cluster: s.cluster.name,
    title: `upgrade Talos on ${node.name} to ${want?.version ?? '?'}`,
    kind: 'change',
    risk: 'disruptive',
    dryRun: () => [command(1_200_000), ...health.dryRun()],
    async check(ctx) {
      if (!image || !want) throw new StepError(`${node.patch} sets no installer image: nothing to upgrade to`);
      const r = await current(ctx);
      if (r.ok) return done(`${node.name} runs Talos ${r.version}${r.schematic ? ` (schematic ${r.schematic.slice(0, 12)}…)` : ''}`);
      return pending(`${node.name} runs ${r.version ?? 'an unknown version'}${r.schematic && want.schematic && r.schematic !== want.schematic ? ` with schematic ${r.schematic.slice(0, 12)}…` : ''}, not ${want.version}${want.schematic ? ` (schematic ${want.schematic.slice(0, 12)}…)` : ''}`, [command(ctx.options.waitTimeoutMs), ...health.dryRun()]);
    },
    async act(ctx) {
      ctx.reporter.waiting(`${node.name} to upgrade and reboot (drained first)`);
      await ctx.exec(command(ctx.options.waitTimeoutMs));
      s.invalidate();
      // Post-upgrade verification (talm's reconcile window): a node that comes back with another
      // version or schematic was rolled back to its previous image.
      let last: { version?: string; schematic?: string } | undefined;
      try {
        await ctx.poll(`${node.name} to run ${want!.version}`, async () => {
          const now = await current(ctx).catch((e: unknown) => (e instanceof NotYet ? undefined : Promise.reject(e)));
          if (now) last = now;
          return now?.ok ? now : undefined;
        }, Math.min(ctx.options.waitTimeoutMs, RECONCILE_WINDOW_MS));
      } catch (err) {
        if (!(err instanceof WaitTimeout)) throw err;
        throw new StepError(`${node.name} came back with Talos ${last?.version ?? '?'}${last?.schematic ? ` (schematic ${last.schematic.slice(0, 12)}…)` : ''} instead of ${want!.version}: probably rolled back to its previous image — look at talosctl dmesg before upgrading further`);
      }
      // The upgrade rebooted the node: settings that waited for a reboot (lib/runner/talos/reboot.ts) now hold.
      await ctx.journal.clearReboot(s.cluster.name, node.name);
      // The cluster — etcd first — must be healthy before the next node.
      await health.act(ctx, await health.check(ctx));
      if (ceph) await waitCephHealthy(ctx, await kube.kubeconfig(ctx), ceph);
    },
    async verify(ctx) {
      const r = await current(ctx);
      return r.ok ? done(`${node.name} runs ${r.version}`) : pending(`${node.name} runs ${r.version ?? '?'}`, []);
    },
  };
}

interface VersionInfo {
  readonly serverVersion?: { readonly gitVersion?: string };
}

/** Kubernetes: `talosctl upgrade-k8s --dry-run` first (it stops on a problem), then the upgrade. */
export function upgradeKubernetesStep(s: TalosSession, kube: KubeTarget): Step {
  const first = s.controlPlanes[0]!;
  const to = s.cluster.kubernetes.version;
  const command = (dry: boolean, timeoutMs: number): ToolCommand => s.secure(first, ['upgrade-k8s', '--to', to, ...(dry ? ['--dry-run'] : [])], { timeoutMs: timeoutMs + 60_000 });
  const versions = async (ctx: RunContext): Promise<{ server?: string; kubelets: string[] }> => {
    const k = await kube.kubeconfig(ctx);
    const r = await ctx.exec({ tool: 'kubectl', args: ['--kubeconfig', k, 'version', '-o', 'json'], timeoutMs: 60_000 }, { allowFailure: true, quiet: true });
    const server = r.code === 0 ? (JSON.parse(r.stdout) as VersionInfo).serverVersion?.gitVersion : undefined;
    const nodes = await getJson<{ items?: { status?: { nodeInfo?: { kubeletVersion?: string } } }[] }>(ctx, k, ['nodes']);
    return { ...(server ? { server } : {}), kubelets: (nodes?.items ?? []).map((n) => n.status?.nodeInfo?.kubeletVersion ?? '?') };
  };
  return {
    id: `${s.cluster.name}/upgrade-k8s`,
    cluster: s.cluster.name,
    title: `upgrade Kubernetes to ${to}`,
    kind: 'change',
    risk: 'disruptive',
    dryRun: () => [command(true, 1_800_000), command(false, 1_800_000)],
    async check(ctx) {
      const v = await versions(ctx);
      const behind = v.kubelets.filter((k) => k.replace(/^v/, '') !== to);
      if (v.server?.replace(/^v/, '') === to && behind.length === 0) return done(`API server and ${v.kubelets.length} kubelet(s) run ${to}`);
      return pending(`API server ${v.server ?? '?'}, ${behind.length} kubelet(s) not at ${to}`, [command(true, ctx.options.waitTimeoutMs), command(false, ctx.options.waitTimeoutMs)]);
    },
    async act(ctx, checked) {
      ctx.reporter.waiting(`talosctl upgrade-k8s --to ${to} (dry run first), ${goDuration(ctx.options.waitTimeoutMs)} at most`);
      for (const c of checked.commands) if (!('note' in c)) await ctx.exec(c);
    },
  };
}
