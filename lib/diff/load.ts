import { compareCodePoints } from '../util/order.ts';
import { groupOf } from './group.ts';
import type { OutputTree } from './tree.ts';

/** What the pure diff needs from two trees: the files that differ, and their context. */
export interface LoadedPair {
  /** Changed files plus context (every file of a cluster that changed; GitOps entry points). */
  readonly before: ReadonlyMap<string, string>;
  readonly after: ReadonlyMap<string, string>;
  /** Files whose bytes differ or that exist on one side only, sorted. */
  readonly changed: readonly string[];
  readonly unchanged: number;
  /** Files in the base tree that orrery did not write (flux bootstrap's flux-system/, …): ignored. */
  readonly foreign: readonly string[];
}

/**
 * Files of other groups that decide what happens to a group's objects: the Kustomizations a
 * management cluster's Flux runs for it (`<management>/flux/workloads/<cluster>/`, with
 * gitops.flux.workloadsFromManagement) and the fleet's ApplicationSet (`argocd/`).
 */
const contextOf = (groups: ReadonlySet<string>) => (p: string): boolean => {
  if (groups.has(groupOf(p)) || p.startsWith('argocd/')) return true;
  const m = /^[^/]+\/flux\/workloads\/([^/]+)\//.exec(p);
  return m !== null && groups.has(m[1]!);
};

/**
 * Finds the changed files with as few reads as possible: blob ids decide where both sides have
 * them (git, compiled output); files on disk are read and compared. Then loads the context the
 * impact rules read: every file of a cluster that changed (its Talos README and node files, its
 * Kustomizations and Applications) and the GitOps files elsewhere that apply it.
 */
export async function loadPair(before: OutputTree, after: OutputTree): Promise<LoadedPair> {
  const changed: string[] = [];
  const toCompare: string[] = [];
  let total = 0;
  for (const [p, a] of before.paths) {
    total++;
    if (!after.paths.has(p)) changed.push(p);
    else {
      const b = after.paths.get(p);
      if (a === undefined || b === undefined) toCompare.push(p);
      else if (a !== b) changed.push(p);
    }
  }
  for (const p of after.paths.keys()) {
    if (before.paths.has(p)) continue;
    total++;
    changed.push(p);
  }
  const [readBefore, readAfter] = await Promise.all([before.read(toCompare), after.read(toCompare)]);
  for (const p of toCompare) if (readBefore.get(p) !== readAfter.get(p)) changed.push(p);
  changed.sort(compareCodePoints);

  const inContext = contextOf(new Set(changed.map(groupOf)));
  const wanted = (tree: OutputTree, loaded: Map<string, string>): string[] => [...tree.paths.keys()].filter((p) => !loaded.has(p) && inContext(p));
  const [moreBefore, moreAfter] = await Promise.all([before.read(wanted(before, readBefore)), after.read(wanted(after, readAfter))]);
  // Files read only to compare them (a directory tree) are not context: the rules parse what they get.
  const changedSet = new Set(changed);
  const keep = (m: Map<string, string>): [string, string][] => [...m].filter(([p]) => changedSet.has(p) || inContext(p));
  return {
    before: new Map([...keep(readBefore), ...moreBefore]),
    after: new Map([...keep(readAfter), ...moreAfter]),
    changed,
    unchanged: total - changed.length,
    foreign: before.foreign,
  };
}
