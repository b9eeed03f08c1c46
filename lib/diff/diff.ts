import { compareCodePoints } from '../util/order.ts';
import { compareFiles, type ChangeStatus, type ObjectChange } from './compare.ts';
import { FLEET } from './group.ts';
import { capiImpacts } from './impact/capi.ts';
import { helmImpacts } from './impact/helm.ts';
import { impactContext, type Area, type Impact, type Severity } from './impact/impact.ts';
import { pruneImpacts } from './impact/prune.ts';
import { secretImpacts } from './impact/secrets.ts';
import { talosImpacts } from './impact/talos.ts';
import type { LoadedPair } from './load.ts';

export type Counts = Readonly<Record<ChangeStatus, number>>;

/** One cluster (or the fleet-wide files): what changed and what it will do. */
export interface GroupDiff {
  readonly name: string;
  readonly counts: Counts;
  readonly impacts: readonly Impact[];
  readonly changes: readonly ObjectChange[];
}

export interface DiffResult {
  readonly base: string;
  readonly head: string;
  readonly groups: readonly GroupDiff[];
  readonly totals: Counts;
  readonly files: { readonly changed: number; readonly unchanged: number; readonly foreign: number };
  /** Any impact `--fail-on dangerous` stops on. */
  readonly dangerous: boolean;
}

const SEVERITY_RANK: Record<Severity, number> = { dangerous: 0, warning: 1, info: 2 };
const AREA_RANK: Record<Area, number> = { prune: 0, capi: 1, talos: 2, kubernetes: 3, helm: 4, secrets: 5 };

const zero = (): Record<ChangeStatus, number> => ({ added: 0, changed: 0, removed: 0, renamed: 0, moved: 0 });

/** Whether the change alters anything: a moved object is the same object. */
export const isChange = (c: ObjectChange): boolean => c.status !== 'moved';

/** The pure part of `orrery diff`: compare the loaded trees, classify the impact, group by cluster. */
export function diffLoaded(pair: LoadedPair, labels: { readonly base: string; readonly head: string }): DiffResult {
  const changes = compareFiles(pair.before, pair.after, pair.changed);
  const ctx = impactContext(pair.before, pair.after, changes);
  const impacts = [...pruneImpacts(ctx), ...capiImpacts(ctx), ...talosImpacts(ctx), ...helmImpacts(ctx), ...secretImpacts(ctx)];
  const names = [...new Set([...changes.map((c) => c.group), ...impacts.map((i) => i.group)])].sort((a, b) => (a === FLEET ? -1 : b === FLEET ? 1 : compareCodePoints(a, b)));
  const totals = zero();
  const groups = names.map((name) => {
    const counts = zero();
    const own = changes.filter((c) => c.group === name);
    for (const c of own) {
      counts[c.status]++;
      totals[c.status]++;
    }
    const ranked = impacts
      .filter((i) => i.group === name)
      .map((i, n) => ({ i, n }))
      .sort((a, b) => SEVERITY_RANK[a.i.severity] - SEVERITY_RANK[b.i.severity] || AREA_RANK[a.i.area] - AREA_RANK[b.i.area] || a.n - b.n)
      .map((x) => x.i);
    return { name, counts, impacts: ranked, changes: own };
  });
  return {
    base: labels.base,
    head: labels.head,
    groups,
    totals,
    files: { changed: pair.changed.length, unchanged: pair.unchanged, foreign: pair.foreign.length },
    dangerous: impacts.some((i) => i.severity === 'dangerous'),
  };
}

/** No object changed (moves and byte-only differences such as comments are no change). */
export function hasChanges(result: DiffResult): boolean {
  return result.groups.some((g) => g.changes.some(isChange));
}
