import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { SourceFile } from '../read/source-file.ts';
import { parseCidr, type Cidr } from '../net/ip.ts';
import type { Cluster, Versions } from '../spec/types.generated.ts';
import type { SpecSet } from './spec-set.ts';
import type { AddressFacts } from './address-facts.ts';

/** Reports one finding at a JSON pointer of a spec file. */
export type Emit = (file: SourceFile, ptr: string, rule: string, message: string, severity?: Diagnostic['severity']) => void;

/** A cluster under check, with the facts several rule families read (computed once). */
export interface ClusterFacts {
  readonly c: Cluster;
  readonly file: SourceFile;
  readonly emit: Emit;
  /** Address facts of any cluster or node, computed once per check run. */
  readonly addr: AddressFacts;
  readonly method: Cluster['provisioning']['method'];
  readonly nodes: NonNullable<Cluster['nodes']>;
  /** The node network: declared, or derived from the nodes' static addresses. */
  readonly nodeNet: Cidr | undefined;
  /** Every node address of the cluster (static addresses without prefix, DHCP reservations). */
  readonly nodeAddrs: ReadonlySet<string>;
  /** The cluster's own networks, which must be disjoint. */
  readonly nets: readonly { readonly name: string; readonly ptr: string; readonly cidr: Cidr | undefined }[];
  /** Cilium's settings when Cilium is the CNI (the default), else undefined. */
  readonly cilium: NonNullable<NonNullable<Cluster['cni']>['cilium']> | undefined;
  /** Talos and Kubernetes versions in effect (cluster, else constellation, else default). */
  readonly versions: { readonly talos: string; readonly kubernetes: string };
  /** Where each version in effect was set, resolved exactly as lib/resolve does (pinned by a test). */
  readonly versionSources: VersionSources;
}

/** A version in effect and the place that set it (for messages at that place). */
export interface VersionInEffect {
  readonly value: string;
  readonly file: SourceFile;
  /** JSON pointer in `file`; '' when it is orrery's default. */
  readonly ptr: string;
  /** Said after a message when the place is not the cluster's own file. */
  readonly note: string;
}

export interface VersionSources {
  readonly talos: VersionInEffect;
  readonly kubernetes: VersionInEffect;
  readonly cilium: VersionInEffect;
}

type Versioned = { readonly versions?: Versions };

/**
 * Talos, Kubernetes and Cilium versions in effect for a cluster, and where each came from:
 * talos.version / kubernetes.version / cni.cilium.version, else the cluster's versions block,
 * else the constellation's, else the default — the order lib/resolve/resolve.ts applies.
 */
export function versionSources(c: Cluster, file: SourceFile, cons: { file: SourceFile; spec: Versioned } | undefined, defaults: { talos: string; kubernetes: string; cilium: string }): VersionSources {
  const pick = (own: string | undefined, ownPtr: string, key: 'talos' | 'kubernetes' | 'cilium'): VersionInEffect => {
    if (own) return { value: own, file, ptr: ownPtr, note: '' };
    const block = c.versions?.[key];
    if (block) return { value: block, file, ptr: `/versions/${key}`, note: '' };
    const fleet = cons?.spec.versions?.[key];
    if (fleet && cons) return { value: fleet, file: cons.file, ptr: `/versions/${key}`, note: `; set in the constellation's versions, in effect for cluster ${JSON.stringify(c.name)}` };
    return { value: defaults[key], file, ptr: '', note: '' };
  };
  return {
    talos: pick(c.talos?.version, '/talos/version', 'talos'),
    kubernetes: pick(c.kubernetes?.version, '/kubernetes/version', 'kubernetes'),
    cilium: pick(c.cni?.cilium?.version, '/cni/cilium/version', 'cilium'),
  };
}

/** The constellation under check. */
export interface ConstellationFacts {
  readonly set: SpecSet;
  readonly emit: Emit;
  /** Address facts of any cluster or node, computed once per check run. */
  readonly addr: AddressFacts;
  readonly byName: ReadonlyMap<string, { file: SourceFile; spec: Cluster }>;
  /** Looks a cluster up by name, reporting an unknown one at `ptr` of the constellation file. */
  readonly refCluster: (name: string, ptr: string) => { file: SourceFile; spec: Cluster } | undefined;
}

/** The node network: declared, or derived from the nodes' static addresses when all share one. */
export function nodeNetwork(cluster: Cluster): Cidr | undefined {
  if (cluster.network.nodeCidr) return parseCidr(cluster.network.nodeCidr);
  const nets = new Map<string, Cidr>();
  for (const node of cluster.nodes ?? []) {
    for (const a of node.addresses ?? []) {
      const c = parseCidr(a);
      if (c) nets.set(`${c.first}/${c.prefix}`, c);
    }
  }
  return nets.size === 1 ? [...nets.values()][0] : undefined;
}

export function clusterFacts(c: Cluster, file: SourceFile, emit: Emit, sources: VersionSources, addr: AddressFacts): ClusterFacts {
  const nodes = c.nodes ?? [];
  const nodeAddrs = new Set<string>();
  for (const n of nodes) {
    for (const a of n.addresses ?? []) if (parseCidr(a)) nodeAddrs.add(a.split('/')[0]!);
    if (n.reservedAddress) nodeAddrs.add(n.reservedAddress);
  }
  return {
    c,
    file,
    emit,
    addr,
    method: c.provisioning.method,
    nodes,
    nodeNet: nodeNetwork(c),
    nodeAddrs,
    nets: [
      { name: 'the node network', ptr: '/network/nodeCidr', cidr: c.network.nodeCidr ? parseCidr(c.network.nodeCidr) : undefined },
      { name: 'the pod CIDR', ptr: '/network/podCidr', cidr: parseCidr(c.network.podCidr) },
      { name: 'the service CIDR', ptr: '/network/serviceCidr', cidr: parseCidr(c.network.serviceCidr) },
    ],
    cilium: c.cni?.name === undefined || c.cni.name === 'cilium' ? (c.cni?.cilium ?? {}) : undefined,
    versions: { talos: sources.talos.value, kubernetes: sources.kubernetes.value },
    versionSources: sources,
  };
}
