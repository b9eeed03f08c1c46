/** A set of mesh groups connected through shared members: one Cilium id space, one CA. */
export interface MeshComponent {
  /** Stable key, e.g. `mesh:east+west` (the group names, sorted). */
  readonly key: string;
  readonly groups: readonly string[];
  /** Member clusters in first-listed order. */
  readonly clusters: readonly string[];
}

/**
 * Groups that share a member see each other's clusters (a member connects to every cluster of
 * every group it is in), so ids, disjoint CIDRs and the CA hold over connected components.
 */
export function meshComponents(groups: readonly { readonly name: string; readonly members: readonly { readonly cluster: string }[] }[]): Map<string, MeshComponent> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  for (const g of groups) for (const m of g.members) if (!parent.has(m.cluster)) parent.set(m.cluster, m.cluster);
  for (const g of groups) {
    const [first, ...rest] = g.members.map((m) => m.cluster);
    for (const r of rest) if (find(r) !== find(first!)) parent.set(find(r), find(first!));
  }
  const byRoot = new Map<string, { groups: string[]; clusters: string[] }>();
  for (const g of groups) {
    if (g.members.length === 0) continue;
    const root = find(g.members[0]!.cluster);
    const entry = byRoot.get(root) ?? { groups: [], clusters: [] };
    entry.groups.push(g.name);
    for (const m of g.members) if (!entry.clusters.includes(m.cluster)) entry.clusters.push(m.cluster);
    byRoot.set(root, entry);
  }
  const out = new Map<string, MeshComponent>();
  for (const { groups: names, clusters } of byRoot.values()) {
    const component = { key: `mesh:${[...names].sort().join('+')}`, groups: names, clusters };
    for (const c of clusters) out.set(c, component);
  }
  return out;
}

/** Cilium's cluster.id range. */
export const MAX_CLUSTER_ID = 255;
