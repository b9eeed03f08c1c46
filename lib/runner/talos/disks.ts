import type { DiskSelector } from '../../spec/types.generated.ts';
import { resourceSpecs } from '../json-stream.ts';
import { cephHealthyCommand, waitCephHealthy } from '../kube/ceph.ts';
import { getJson, type KubeTarget } from '../kube/kubectl.ts';
import type { CephClusterRef } from '../../model/facts/rook-ceph.ts';
import { done, NotYet, pending, StepError, type RunContext, type Step } from '../step.ts';
import type { DryRunLine, ToolCommand } from '../tools/command.ts';
import type { TalosNode, TalosSession } from './session.ts';

/** Fields of Talos's Disk resource (pkg/machinery/resources/block/disk.go, YAML names). */
export interface DiskSpec {
  readonly dev_path?: string;
  readonly size?: number;
  readonly model?: string;
  readonly serial?: string;
  readonly wwid?: string;
  readonly bus_path?: string;
  readonly transport?: string;
  readonly rotational?: boolean;
  readonly readonly?: boolean;
  readonly cdrom?: boolean;
}

/** Fields of DiscoveredVolume (block/discovered_volume.go): a filesystem or partition signature. */
export interface VolumeSpec {
  readonly type?: string;
  readonly name?: string;
  readonly parent?: string;
}

const UNITS: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };

/** The spec's disk selector, with the same meaning as the CEL orrery writes into Talos volume configs. */
export function diskMatches(disk: DiskSpec, wanted: { path?: string; selector?: DiskSelector }): boolean {
  if (disk.readonly || disk.cdrom) return false;
  if (wanted.path) return disk.dev_path === wanted.path;
  const s = wanted.selector ?? {};
  if (s.model !== undefined && disk.model !== s.model) return false;
  if (s.serial !== undefined && disk.serial !== s.serial) return false;
  if (s.wwid !== undefined && disk.wwid !== s.wwid) return false;
  if (s.busPath !== undefined && disk.bus_path !== s.busPath) return false;
  if (s.type === 'hdd' && !disk.rotational) return false;
  if (s.type === 'ssd' && (disk.rotational || disk.transport === 'nvme')) return false;
  if (s.type === 'nvme' && disk.transport !== 'nvme') return false;
  if (s.type === 'sd' && disk.transport !== 'mmc') return false;
  if (s.size) {
    const m = /^(<=|>=|<|>|==)?\s*([0-9.]+)\s*([A-Za-z]+)$/.exec(s.size);
    if (!m) return false;
    const bytes = Number(m[2]) * (UNITS[m[3]!] ?? NaN);
    const size = disk.size ?? 0;
    const op = m[1] ?? '==';
    const ok = op === '<=' ? size <= bytes : op === '>=' ? size >= bytes : op === '<' ? size < bytes : op === '>' ? size > bytes : size === bytes;
    if (!ok) return false;
  }
  return true;
}

function describe(wanted: { path?: string; selector?: DiskSelector }): string {
  return wanted.path ?? JSON.stringify(wanted.selector ?? {});
}

/**
 * Wipes the data disks the spec marks `wipe` (re-used disks Rook must find blank), once:
 * never a disk Talos uses (the system disk is excluded), never on a node where Rook already runs
 * an OSD, never twice (the journal remembers: after Ceph owns a disk it is not blank again).
 * Destructive: the node's name must be typed or passed with --confirm.
 */
export function wipeStep(s: TalosSession, node: TalosNode, kube: KubeTarget, ceph: CephClusterRef | undefined): Step {
  const wanted = node.model.dataDisks.filter((d) => d.wipe);
  const id = `${s.cluster.name}/wipe/${node.name}`;
  const wipeCommand = (disks: readonly string[]): ToolCommand => s.secure(node, ['wipe', 'disk', ...disks, '--method', 'FAST'], { timeoutMs: 300_000 });
  const selection = async (ctx: RunContext): Promise<{ disks: string[]; blank: boolean }> => {
    const p = await s.probe(ctx, node);
    if (p.mode !== 'configured') throw new NotYet(`${node.name} is not running its config yet`);
    const disks = resourceSpecs<DiskSpec>((await ctx.exec(s.secure(node, ['get', 'disks', '-o', 'json']), { quiet: true })).stdout);
    const system = resourceSpecs<{ diskID?: string }>((await ctx.exec(s.secure(node, ['get', 'systemdisk', '-o', 'json']), { quiet: true })).stdout)[0]?.spec.diskID;
    const chosen = new Set<string>();
    for (const w of wanted) {
      const hits = disks.filter((d) => d.id !== system && diskMatches(d.spec, w));
      if (hits.length === 0) throw new StepError(`no disk on ${node.name} matches ${describe(w)} (the system disk excluded): fix the selector in the spec`);
      for (const h of hits) chosen.add(h.id);
    }
    const volumes = resourceSpecs<VolumeSpec>((await ctx.exec(s.secure(node, ['get', 'discoveredvolumes', '-o', 'json']), { quiet: true })).stdout);
    const used = (disk: string): boolean => volumes.some((v) => v.spec.parent === disk || (v.id === disk && (v.spec.name ?? '') !== ''));
    const list = [...chosen].sort();
    return { disks: list, blank: list.every((d) => !used(d)) };
  };
  const placeholder: DryRunLine[] = [{ note: `orrery resolves ${wanted.map(describe).join(', ')} on ${node.name} with talosctl get disks (system disk excluded)` }, s.secure(node, ['wipe', 'disk', '<matching disks>', '--method', 'FAST'])];
  return {
    id,
    cluster: s.cluster.name,
    title: `wipe the data disks of ${node.name}`,
    kind: 'change',
    risk: 'destructive',
    confirmNames: [node.name],
    dryRun: () => (ceph ? [...placeholder, cephHealthyCommand(kube.placeholder, ceph, 1_800_000)] : placeholder),
    async check(ctx) {
      const journal = await ctx.journal.load(s.cluster.name);
      const earlier = journal.wiped[node.name];
      if (earlier) return done(`wiped ${earlier.disks.join(', ')} on ${earlier.at.slice(0, 10)}; never again (the disks hold data now)`);
      if (ceph) {
        const kubeconfig = await kube.kubeconfig(ctx);
        const osds = await getJson<{ items?: unknown[] }>(ctx, kubeconfig, ['pods', '-n', ceph.namespace, '-l', 'app=rook-ceph-osd', '--field-selector', `spec.nodeName=${node.name}`]);
        if ((osds?.items?.length ?? 0) > 0) return done(`Rook runs OSDs on ${node.name}: its disks hold Ceph data and are never wiped`);
      }
      const { disks, blank } = await selection(ctx);
      if (blank) return done(`${disks.join(', ')} on ${node.name} hold no partition or filesystem`);
      const commands: DryRunLine[] = [wipeCommand(disks)];
      if (ceph) commands.push(cephHealthyCommand(kube.placeholder, ceph, ctx.options.waitTimeoutMs));
      return pending(`${disks.join(', ')} on ${node.name} hold partitions or filesystems`, commands);
    },
    async act(ctx) {
      const { disks, blank } = await selection(ctx);
      if (!blank) await ctx.exec(wipeCommand(disks));
      await ctx.journal.recordWipe(s.cluster.name, node.name, disks);
      // With Ceph already running on other nodes, wait for it to be healthy before the next node.
      if (ceph) await waitCephHealthy(ctx, await kube.kubeconfig(ctx), ceph);
    },
    async verify(ctx) {
      const { disks, blank } = await selection(ctx);
      return blank ? done(`${disks.join(', ')} wiped`) : pending(`${disks.join(', ')} still hold data`, []);
    },
  };
}
