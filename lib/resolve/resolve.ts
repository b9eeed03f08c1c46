import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { diagnosticAt } from '../read/source-file.ts';
import { pointer } from '../diagnostics/pointer.ts';
import type { SpecSet } from '../check/spec-set.ts';
import { nodeNetwork } from '../check/check-semantics.ts';
import { networkOf } from '../net/ip.ts';
import { MAX_CLUSTER_ID, meshComponents } from '../check/mesh.ts';
import { effectiveContract } from '../data/talos-kubernetes.ts';
import type { ClusterModel, ConstellationModel, MeshGroupModel, Model, NodeModel } from '../model/model.ts';
import type { Cluster, Constellation } from '../spec/types.generated.ts';
import { DEFAULTS, DEFAULT_VERSIONS, type ComponentVersions } from '../model/defaults.ts';
import { pendingSections } from '../spec/pending.ts';
import { resolveClusterApi } from './cluster-api.ts';
import { compareCodePoints } from '../util/order.ts';
import { resolveBond, resolveVlans } from './links.ts';
import { patchResolver, type PatchResolver } from './talos-patches.ts';
import { primaryInterface } from '../model/facts/links.ts';
import { listOr, mapOr, NO_ENTRIES } from './empty.ts';

// The model is plain data (object literals, arrays, spec values parsed from YAML), so `for…in`
// sees exactly the own enumerable keys; no per-object arrays of entries, as Object.values and
// Object.entries made (a fifth of resolve's time at 1000 clusters).
// Only objects are visited: a model of 1000 clusters holds some 120 000 objects and 160 000
// strings, numbers and booleans, which need no call.
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') freezeObject(value);
  return value;
}

function freezeObject(value: object): void {
  if (Object.isFrozen(value)) return;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const v of value as unknown[]) if (v !== null && typeof v === 'object') freezeObject(v);
  } else {
    for (const k in value) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== null && typeof v === 'object') freezeObject(v);
    }
  }
}

/**
 * The object without its undefined keys. Made with Object.fromEntries: V8 turns an object that
 * gets more than a dozen keys one by one (`out[k] = v`) into a slow dictionary-mode object — the
 * cluster model has some 30 — which every later stage then reads, freezes and hashes more slowly.
 */
function defined<T extends object>(obj: T): T {
  const entries: [string, unknown][] = [];
  for (const k in obj) if (obj[k] !== undefined) entries.push([k, obj[k]]);
  return Object.fromEntries(entries) as T;
}

/** What each cluster reads from the constellation's lists, gathered in one pass over them (not one per cluster). */
interface FleetIndex {
  readonly managedBy: ReadonlyMap<string, string>;
  readonly manages: ReadonlyMap<string, string[]>;
  readonly mesh: ReadonlyMap<string, { group: string; id: number }[]>;
  readonly anycast: ReadonlyMap<string, NonNullable<Constellation['anycast']>>;
}

function fleetIndex(cons: Constellation, meshGroups: readonly MeshGroupModel[]): FleetIndex {
  const push = <V>(map: Map<string, V[]>, key: string, ...values: V[]): void => {
    const list = map.get(key);
    if (list) list.push(...values);
    else map.set(key, [...values]);
  };
  const managedBy = new Map<string, string>();
  const manages = new Map<string, string[]>();
  for (const m of cons.management ?? []) {
    // The first management entry that lists a cluster manages it.
    for (const name of m.manages) if (!managedBy.has(name)) managedBy.set(name, m.cluster);
    push(manages, m.cluster, ...m.manages);
  }
  const mesh = new Map<string, { group: string; id: number }[]>();
  for (const g of meshGroups) for (const m of g.members) push(mesh, m.cluster, { group: g.name, id: m.id });
  const anycast = new Map<string, NonNullable<Constellation['anycast']>>();
  for (const a of cons.anycast ?? []) for (const name of new Set(a.clusters)) push(anycast, name, a);
  return { managedBy, manages, mesh, anycast };
}

/**
 * Allocates Cilium cluster ids: pinned ids stay; the others take the lowest id free in their
 * connected mesh component (clusters that see each other), in member order. Over 255: an error.
 */
function resolveMeshGroups(set: SpecSet, diagnostics: Diagnostic[]): MeshGroupModel[] {
  const cfile = set.constellation.file;
  const groups = set.constellation.spec.meshGroups ?? [];
  const components = meshComponents(groups);
  const taken = new Map<string, number>();
  for (const g of groups) for (const m of g.members) if (m.id !== undefined) taken.set(m.cluster, m.id);
  const used = new Map<string, Set<number>>();
  for (const [cluster, id] of taken) {
    const key = components.get(cluster)!.key;
    used.set(key, (used.get(key) ?? new Set()).add(id));
  }
  return groups.map((g, gi) => ({
    name: g.name,
    members: g.members.map((m, mi) => {
      if (m.id !== undefined) return { cluster: m.cluster, id: m.id, pinned: true };
      let id = taken.get(m.cluster);
      if (id === undefined) {
        const ids = used.get(components.get(m.cluster)!.key) ?? new Set<number>();
        id = 1;
        while (ids.has(id)) id++;
        const ptr = pointer('meshGroups', gi, 'members', mi);
        if (id > MAX_CLUSTER_ID) {
          diagnostics.push(diagnosticAt(cfile, ptr, 'error', 'mesh/no-free-id', `no free Cilium cluster id (1-${MAX_CLUSTER_ID}) left for ${JSON.stringify(m.cluster)} among the clusters it meshes with`));
        } else {
          diagnostics.push(diagnosticAt(cfile, ptr, 'warning', 'mesh/unpinned-id', `cluster ${JSON.stringify(m.cluster)} was given Cilium cluster id ${id}; pin it (id: ${id}) so that adding or reordering members never renumbers it`));
        }
        ids.add(id);
        used.set(components.get(m.cluster)!.key, ids);
        taken.set(m.cluster, id);
      }
      return { cluster: m.cluster, id, pinned: false };
    }),
  }));
}

function resolveNode(cluster: Cluster, node: NonNullable<Cluster['nodes']>[number], patches: PatchResolver, index: number): NodeModel {
  const addresses = node.addresses ?? [];
  return defined({
    name: node.name,
    role: node.role,
    interface: primaryInterface(node),
    interfaceSelector: node.interfaceSelector,
    dhcp: node.dhcp ?? false,
    reservedAddress: node.reservedAddress,
    addresses,
    maintenanceAddress: node.maintenanceAddress,
    primaryAddress: addresses[0]?.split('/')[0] ?? node.reservedAddress,
    gateway: node.gateway ?? cluster.network.gateway,
    routes: listOr(node.routes),
    nameservers: node.nameservers ?? cluster.network.nameservers ?? [],
    installDisk: node.installDisk ?? cluster.talos?.installDisk,
    dataDisks: mapOr(node.dataDisks, (d) => ({ ...d, purpose: d.purpose ?? DEFAULTS.dataDisk.purpose, wipe: d.wipe ?? DEFAULTS.dataDisk.wipe })),
    schematic: node.schematic ?? cluster.talos?.schematic,
    labels: node.labels ?? NO_ENTRIES,
    taints: listOr(node.taints),
    bond: resolveBond(node),
    vlans: resolveVlans(node),
    patches: patches(node.patches, `/nodes/${index}/patches`),
  }) as NodeModel;
}

const POD_SECURITY_MODES = ['enforce', 'audit', 'warn'] as const;

function resolveCluster(set: SpecSet, entry: SpecSet['clusters'][number], fleet: FleetIndex, base: ComponentVersions): ClusterModel {
  const c = entry.spec;
  const cons = set.constellation.spec;
  const versions: ComponentVersions = { ...base, ...defined({ ...c.versions }) };
  if (c.talos?.version) versions.talos = c.talos.version;
  if (c.kubernetes?.version) versions.kubernetes = c.kubernetes.version;
  const contract = effectiveContract(versions.talos, c.talos?.contract);
  const port = c.endpoint.port ?? DEFAULTS.endpointPort;
  const host = { vip: c.endpoint.vip, dns: c.endpoint.host, address: c.endpoint.address, provider: undefined }[c.endpoint.mode];
  const nodeNet = nodeNetwork(c);
  const managedBy = fleet.managedBy.get(c.name);
  const manages = listOr(fleet.manages.get(c.name));
  const mesh = fleet.mesh.get(c.name) ?? [];
  const cniName = c.cni?.name ?? DEFAULTS.cni;
  const patches = patchResolver(entry.file);
  const podSecurity = (ns: NonNullable<Cluster['namespaces']>[number]): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const mode of POD_SECURITY_MODES) {
      const level = ns.podSecurity?.[mode];
      if (level) out[`pod-security.kubernetes.io/${mode}`] = level;
    }
    return out;
  };
  return defined({
    name: c.name,
    description: c.description,
    source: entry.file.specPath,
    role: c.role,
    site: c.site,
    provisioning: c.provisioning,
    managedBy,
    manages,
    endpoint: defined({
      mode: c.endpoint.mode,
      vip: c.endpoint.vip,
      host: c.endpoint.host,
      address: c.endpoint.address,
      port,
      url: host ? `https://${host.includes(':') ? `[${host}]` : host}:${port}` : undefined,
      extraCertSANs: c.endpoint.extraCertSANs ?? [],
    }),
    network: defined({
      ...c.network,
      nodeCidr: c.network.nodeCidr ?? (nodeNet ? networkOf(nodeNet) : undefined),
      nameservers: c.network.nameservers ?? [],
      timeServers: c.network.timeServers ?? [],
    }),
    versions,
    talos: defined({
      version: versions.talos,
      contract,
      schematic: c.talos?.schematic,
      installDisk: c.talos?.installDisk,
      kubespan: c.talos?.kubespan?.enabled ?? DEFAULTS.kubespan,
      registryMirrors: c.talos?.registryMirrors ?? {},
      sysctls: c.talos?.sysctls ?? {},
      kernelModules: c.talos?.kernelModules ?? [],
      patches: patches(c.talos?.patches, '/talos/patches'),
    }),
    kubernetes: {
      version: versions.kubernetes,
      allowSchedulingOnControlPlanes: c.kubernetes?.allowSchedulingOnControlPlanes ?? DEFAULTS.allowSchedulingOnControlPlanes,
    },
    nodes: (c.nodes ?? []).map((n, i) => resolveNode(c, n, patches, i)),
    machinePools: listOr(c.provisioning.clusterApi?.machinePools),
    clusterApi: resolveClusterApi(c, cons, patches),
    cni: defined({ name: cniName, cilium: cniName === 'cilium' ? { ...c.cni?.cilium } : undefined }),
    loadBalancing: c.loadBalancing ?? { provider: DEFAULTS.loadBalancingProvider },
    components: c.components ?? {},
    namespaces: (c.namespaces ?? []).map((ns) => ({
      name: ns.name,
      labels: { ...ns.labels, ...podSecurity(ns) },
      annotations: ns.annotations ?? NO_ENTRIES,
    })),
    networkPolicies: c.networkPolicies ?? [],
    apps: listOr(c.apps),
    meshGroups: mesh,
    anycast: [...(fleet.anycast.get(c.name) ?? [])],
    pending: pendingSections(c),
  }) as ClusterModel;
}

/**
 * Builds the frozen model. Assumes the spec passed schema and semantic checks; returns
 * warnings it raises itself (allocated mesh ids).
 */
export function resolve(set: SpecSet): { model: Model; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const cons = set.constellation.spec;
  const base: ComponentVersions = { ...DEFAULT_VERSIONS, ...defined({ ...cons.versions }) };
  const meshGroups = resolveMeshGroups(set, diagnostics);
  const constellation: ConstellationModel = defined({
    name: cons.name,
    description: cons.description,
    source: set.constellation.file.specPath,
    gitops: {
      engine: cons.gitops.engine ?? DEFAULTS.gitops.engine,
      url: cons.gitops.repository.url,
      branch: cons.gitops.repository.branch ?? DEFAULTS.gitops.branch,
      path: cons.gitops.repository.path ?? DEFAULTS.gitops.path,
      argocd: { ...DEFAULTS.gitops.argocd, ...defined({ ...cons.gitops.argocd }) },
      flux: { ...DEFAULTS.gitops.flux, ...defined({ ...cons.gitops.flux }) },
    },
    sopsRecipients: cons.sops?.ageRecipients ?? [],
    meshGroups,
    anycast: cons.anycast ?? [],
  });
  const fleet = fleetIndex(cons, meshGroups);
  const clusters = [...set.clusters]
    .sort((a, b) => compareCodePoints(a.spec.name, b.spec.name))
    .map((entry) => resolveCluster(set, entry, fleet, base));
  return { model: deepFreeze({ constellation, clusters }), diagnostics };
}
