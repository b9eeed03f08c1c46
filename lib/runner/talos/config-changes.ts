import { parseAllDocuments } from 'yaml';
import { fieldDiff, plainPath } from '../../diff/field-diff.ts';
import { talosMinor } from '../../data/talos-kubernetes.ts';
import { talosRuling, type TalosChange, type TalosRuling } from '../../model/facts/talos-apply.ts';
import { serverTag } from './version.ts';
import { resourceSpecs } from '../json-stream.ts';
import type { RunContext } from '../step.ts';
import type { ApplyEffects, ConfigChangeEffects } from './apply-effects.ts';
import type { TalosNode, TalosSession } from './session.ts';

type Doc = Record<string, unknown>;

/** A document's identity in a machine config: v1alpha1, or its kind and name (the pairs Talos merges by). */
function identity(doc: Doc): string {
  return typeof doc.kind === 'string' ? `${doc.kind}/${typeof doc.name === 'string' ? doc.name : ''}` : 'v1alpha1';
}

function documents(text: string): Doc[] {
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as unknown)
    .filter((d): d is Doc => typeof d === 'object' && d !== null && !Array.isArray(d));
}

/** Every leaf that differs between two configs (documents paired by identity), as Talos changes. */
export function configChanges(running: readonly Doc[], rendered: readonly Doc[]): TalosChange[] {
  const before = new Map(running.map((d) => [identity(d), d]));
  const after = new Map(rendered.map((d) => [identity(d), d]));
  const out: TalosChange[] = [];
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const kind = id === 'v1alpha1' ? 'v1alpha1' : id.split('/')[0]!;
    for (const f of fieldDiff(before.get(id) ?? {}, after.get(id) ?? {})) {
      const path = plainPath(f.path);
      // A typed document's header is its identity, not a setting.
      if (kind !== 'v1alpha1' && path.length === 1 && (path[0] === 'apiVersion' || path[0] === 'kind')) continue;
      out.push({ kind, path, op: f.op });
    }
  }
  return out;
}

const what = (c: TalosChange): string => (c.kind === 'v1alpha1' ? c.path.slice(0, 2).join('.') || 'v1alpha1' : c.kind);

/** The effects of the changes on a node running Talos `minor`, each setting said once. */
export function changeEffects(minor: string, changes: readonly TalosChange[]): ConfigChangeEffects {
  const rulings: { c: TalosChange; r: TalosRuling }[] = changes.map((c) => ({ c, r: talosRuling(minor, c) }));
  const uniq = (xs: string[]): string[] => [...new Set(xs)];
  return {
    minor,
    rebootsNow: uniq(rulings.filter((x) => x.r.effect === 'reboot').map((x) => what(x.c))),
    needsReboot: uniq(rulings.filter((x) => x.r.effect === 'restart').map((x) => `${what(x.c)} (${x.r.why})`)),
  };
}

/**
 * Reads the node's running config (`get machineconfig`: Talos 1.12+ returns the multi-document
 * config as the spec string, siderolabs/talos#8980 and #12789; the resource is Sensitive, so only
 * in memory, never shown) and the Talos it runs, and classifies the rendered config against it.
 */
export async function classifyApply(ctx: RunContext, s: TalosSession, node: TalosNode): Promise<ApplyEffects> {
  const version = await ctx.exec(s.secure(node, ['version']), { allowFailure: true, quiet: true });
  const tag = version.code === 0 ? serverTag(version.stdout) : undefined;
  if (!tag) return { unknown: `talosctl version did not say which Talos ${node.name} runs` };
  const got = await ctx.exec(s.secure(node, ['get', 'machineconfig', 'v1alpha1', '-o', 'json'], { secretOutput: true, timeoutMs: 30_000 }), { allowFailure: true, quiet: true });
  if (got.code !== 0) return { unknown: `its running config could not be read (${got.stderr.trim().split('\n').pop() ?? `exit ${got.code}`})` };
  const spec = resourceSpecs<unknown>(got.stdout)[0]?.spec;
  const running = typeof spec === 'string' ? documents(spec) : spec && typeof spec === 'object' ? [spec as Doc] : [];
  if (running.length === 0) return { unknown: 'its running config came back empty' };
  const rendered = documents(await ctx.tmp.read(node.config));
  return changeEffects(talosMinor(tag), configChanges(running, rendered));
}
