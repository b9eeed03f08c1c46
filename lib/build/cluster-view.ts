import type { AnycastModel, ClusterModel, MeshGroupModel, Model } from '../model/model.ts';

/**
 * What one cluster's output may read of the constellation: the cluster itself, and the other
 * clusters and fleet facts its components look at —
 * - every member of its mesh groups, and of the groups those members share a group with (one
 *   ClusterMesh CA per connected set of groups, lib/secrets/requirements.ts meshComponents; the
 *   peers' clustermesh-apiserver addresses, lib/components/cilium meshPeers);
 * - the cluster that manages it and the clusters it manages (Flux workloadsFromManagement puts a
 *   workload's HelmReleases in its manager's tree);
 * - its Cluster API manager, and the workloads a manager reconciles (their Cluster API objects
 *   live in the manager's tree);
 * - under Argo CD, the hub (the first management cluster: lib/gitops/argocd.ts argoHub).
 * Synth builds each cluster from this view and nothing else, so that the view's bytes are a
 * complete key for the cluster's output (lib/build/cluster-cache.ts); a test builds every
 * cluster of every fixture both ways and requires the same bytes (test/build/cluster-view.test.ts),
 * which is what catches a component that starts reading something the view leaves out.
 */
export interface ClusterView {
  readonly model: Model;
  /** The clusters in the view besides the cluster itself, in the constellation's order. */
  readonly dependencies: readonly string[];
}

/** The names of the clusters a cluster's output reads (itself included), by the rules above. */
export function viewMembers(model: Model, name: string, index: ViewIndex = viewIndex(model)): Set<string> {
  const self = index.byName.get(name);
  const members = new Set<string>([name]);
  if (!self) return members;
  for (const g of meshComponentOf(index, name)) for (const m of g.members) members.add(m.cluster);
  if (self.managedBy) members.add(self.managedBy);
  for (const m of self.manages) members.add(m);
  if (self.clusterApi) members.add(self.clusterApi.manager);
  for (const w of index.workloadsOf.get(name) ?? []) members.add(w);
  if (model.constellation.gitops.engine === 'argocd' && index.hub) members.add(index.hub);
  return members;
}

/** The model as the cluster's build sees it: the same constellation, restricted to what the cluster reads. */
export function clusterView(model: Model, name: string, index: ViewIndex = viewIndex(model)): ClusterView {
  const members = viewMembers(model, name, index);
  // In the constellation's order, picked through the index (each view costs its own size, not the fleet's).
  const order = (a: number, b: number): number => a - b;
  const clusters: ClusterModel[] = [...members]
    .map((m) => index.position.get(m))
    .filter((i): i is number => i !== undefined)
    .sort(order)
    .map((i) => model.clusters[i]!);
  const groups = meshComponentOf(index, name)
    .map((g) => index.groupPosition.get(g)!)
    .sort(order)
    .map((i) => model.constellation.meshGroups[i]!);
  return {
    model: {
      constellation: {
        ...model.constellation,
        meshGroups: groups,
        anycast: index.anycastOf.get(name) ?? [],
      },
      clusters,
    },
    dependencies: clusters.map((c) => c.name).filter((n) => n !== name),
  };
}

/** Lookups shared by every cluster's view, made once per model (fleets of thousands). */
export interface ViewIndex {
  readonly byName: ReadonlyMap<string, ClusterModel>;
  readonly groupsOf: ReadonlyMap<string, readonly MeshGroupModel[]>;
  readonly workloadsOf: ReadonlyMap<string, readonly string[]>;
  readonly hub?: string;
  readonly position: ReadonlyMap<string, number>;
  readonly groupPosition: ReadonlyMap<MeshGroupModel, number>;
  /** The constellation's anycast declarations each cluster announces, in order. */
  readonly anycastOf: ReadonlyMap<string, readonly AnycastModel[]>;
}

export function viewIndex(model: Model): ViewIndex {
  const groupsOf = new Map<string, MeshGroupModel[]>();
  for (const g of model.constellation.meshGroups) {
    for (const m of g.members) {
      const list = groupsOf.get(m.cluster) ?? [];
      if (!list.includes(g)) list.push(g);
      groupsOf.set(m.cluster, list);
    }
  }
  const workloadsOf = new Map<string, string[]>();
  for (const c of model.clusters) {
    const manager = c.clusterApi?.manager;
    if (manager && manager !== c.name) workloadsOf.set(manager, [...(workloadsOf.get(manager) ?? []), c.name]);
  }
  const hub = model.clusters.find((c) => c.role === 'management')?.name;
  const anycastOf = new Map<string, AnycastModel[]>();
  for (const a of model.constellation.anycast) {
    for (const c of new Set(a.clusters)) anycastOf.set(c, [...(anycastOf.get(c) ?? []), a]);
  }
  return {
    byName: new Map(model.clusters.map((c) => [c.name, c])),
    groupsOf,
    workloadsOf,
    ...(hub ? { hub } : {}),
    position: new Map(model.clusters.map((c, i) => [c.name, i])),
    groupPosition: new Map(model.constellation.meshGroups.map((g, i) => [g, i])),
    anycastOf,
  };
}

const components = new WeakMap<ViewIndex, Map<string, MeshGroupModel[]>>();

/** The mesh groups connected to the cluster's through shared members (breadth first; once per cluster and index). */
function meshComponentOf(index: ViewIndex, name: string): MeshGroupModel[] {
  let memo = components.get(index);
  if (!memo) components.set(index, (memo = new Map()));
  let found = memo.get(name);
  if (!found) memo.set(name, (found = connectedGroups(index, name)));
  return found;
}

function connectedGroups(index: ViewIndex, name: string): MeshGroupModel[] {
  const seen = new Set<MeshGroupModel>();
  const queue = [...(index.groupsOf.get(name) ?? [])];
  while (queue.length > 0) {
    const g = queue.shift()!;
    if (seen.has(g)) continue;
    seen.add(g);
    for (const m of g.members) for (const next of index.groupsOf.get(m.cluster) ?? []) if (!seen.has(next)) queue.push(next);
  }
  return [...seen];
}
