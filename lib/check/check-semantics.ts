import { quote, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { diagnosticAt, type SourceFile } from '../read/source-file.ts';
import { DEFAULT_VERSIONS } from '../model/defaults.ts';
import type { Cluster } from '../spec/types.generated.ts';
import type { SpecSet } from './spec-set.ts';
import { addressFacts } from './address-facts.ts';
import { clusterFindingsKey, type CheckMemo } from './check-memo.ts';
import { clusterFacts, versionSources, type ClusterFacts, type ConstellationFacts, type Emit } from './context.ts';
import { checkProvisioning } from './rules/provisioning.ts';
import { checkNetwork } from './rules/network.ts';
import { checkDisks } from './rules/disks.ts';
import { checkVersions } from './rules/versions.ts';
import { checkLoadBalancing } from './rules/load-balancing.ts';
import { checkNamespacesAndPolicies } from './rules/policies.ts';
import { checkFleetUniqueness } from './rules/uniqueness.ts';
import { checkMesh } from './rules/mesh.ts';
import { checkAnycast } from './rules/anycast.ts';
import { checkGitOps } from './rules/gitops.ts';
import { checkManagement } from './rules/management.ts';
import { checkClusterApi, checkClusterApiFleet } from './rules/cluster-api.ts';
import { checkComponents, checkComponentsAcrossFleet } from './rules/components.ts';
import { checkAddressSpace } from './rules/address-space.ts';
import { checkIpFamilies } from './rules/ip-family.ts';
import { checkHostAddresses } from './rules/host-addresses.ts';
import { checkRoutes } from './rules/routes.ts';
import { checkBgpPeers } from './rules/bgp-peers.ts';
import { checkDiskDuplicates } from './rules/disk-duplicates.ts';
import { checkPolicyPorts } from './rules/policy-ports.ts';
import { checkPlatformNamespaces } from './rules/platform-namespaces.ts';
import { checkAnycastAddresses } from './rules/anycast-addresses.ts';
import { checkMeshAddresses } from './rules/mesh-addresses.ts';
import { checkManagementCycles } from './rules/management-cycles.ts';
import { checkApps } from './rules/apps.ts';
import { checkLinks } from './rules/links.ts';
import { checkTalosPatches } from './rules/talos-patches.ts';

export { nodeNetwork } from './context.ts';

/** Rule families that look at one cluster file. Adding a family is a file in rules/ and a line here. */
const CLUSTER_RULES: readonly ((facts: ClusterFacts) => void)[] = [
  checkProvisioning,
  checkNetwork,
  checkDisks,
  checkVersions,
  checkLoadBalancing,
  checkNamespacesAndPolicies,
  checkComponents,
  checkAddressSpace,
  checkIpFamilies,
  checkHostAddresses,
  checkRoutes,
  checkBgpPeers,
  checkDiskDuplicates,
  checkPolicyPorts,
  checkPlatformNamespaces,
  checkClusterApi,
  checkLinks,
  checkTalosPatches,
];

/** Rule families that look across the constellation. */
const CONSTELLATION_RULES: readonly ((facts: ConstellationFacts) => void)[] = [
  checkFleetUniqueness,
  checkMesh,
  checkAnycast,
  checkManagement,
  checkGitOps,
  checkComponentsAcrossFleet,
  checkAnycastAddresses,
  checkMeshAddresses,
  checkManagementCycles,
  checkClusterApiFleet,
  checkApps,
];

export interface CheckSemanticsOptions {
  /** Clusters whose files failed the schema: a reference to one is not "unknown". */
  readonly invalidClusters?: ReadonlySet<string>;
  /** The cluster rules' findings of earlier runs, per cluster file (check-memo.ts): the output is the same with or without. */
  readonly memo?: CheckMemo;
}

/** Semantic rules across the whole constellation. Pure: reads only the given documents (and the memo it is given). */
export function checkSemantics(set: SpecSet, options: CheckSemanticsOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const emit: Emit = (file, ptr, rule, message, severity = 'error') => out.push(diagnosticAt(file, ptr, severity, rule, message));
  const cons = set.constellation;
  const addr = addressFacts();

  const byName = new Map<string, { file: SourceFile; spec: Cluster }>();
  for (const entry of set.clusters) {
    const prior = byName.get(entry.spec.name);
    if (prior) emit(entry.file, '/name', 'names/duplicate-cluster', `cluster ${quote(entry.spec.name)} is also defined in ${prior.file.displayPath}`);
    else byName.set(entry.spec.name, entry);
    // A hit stands where the rules would have emitted, so the output is the same either way.
    const key = options.memo ? clusterFindingsKey(options.memo, entry, cons) : undefined;
    const hit = key === undefined ? undefined : options.memo!.get(key);
    if (hit) {
      for (const d of hit) out.push(d);
      continue;
    }
    const start = out.length;
    const facts = clusterFacts(entry.spec, entry.file, emit, versionSources(entry.spec, entry.file, cons, DEFAULT_VERSIONS), addr);
    for (const rule of CLUSTER_RULES) rule(facts);
    if (key !== undefined) options.memo!.put(key, out.slice(start));
  }

  const refCluster = (name: string, ptr: string): { file: SourceFile; spec: Cluster } | undefined => {
    const found = byName.get(name);
    if (!found && !options.invalidClusters?.has(name)) emit(cons.file, ptr, 'refs/cluster', `unknown cluster ${quote(name)} (clusters: ${[...byName.keys()].sort().join(', ') || 'none'})`);
    return found;
  };
  const facts: ConstellationFacts = { set, emit, addr, byName, refCluster };
  for (const rule of CONSTELLATION_RULES) rule(facts);
  return out;
}
