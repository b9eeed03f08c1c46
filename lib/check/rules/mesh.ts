import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import { overlaps, parseCidr, type Cidr } from '../../net/ip.ts';
import type { ConstellationFacts } from '../context.ts';
import { meshComponents } from '../mesh.ts';

/**
 * Mesh groups: members exist and run Cilium. Ids and disjoint pod/service CIDRs hold over each
 * connected component of groups: a member meshes with every cluster of every group it is in.
 */
export function checkMesh({ set, emit, byName, refCluster }: ConstellationFacts): void {
  const cons = set.constellation;
  const cfile = cons.file;
  const meshIds = new Map<string, number>();
  const firstSeen = new Map<string, string>();
  const exposureReported = new Set<string>();
  (cons.spec.meshGroups ?? []).forEach((g, gi) => {
    const seen = new Set<string>();
    g.members.forEach((m, mi) => {
      const ptr = pointer('meshGroups', gi, 'members', mi);
      if (seen.has(m.cluster)) emit(cfile, `${ptr}/cluster`, 'mesh/duplicate-member', `cluster ${quote(m.cluster)} is listed twice in mesh group ${quote(g.name)}`);
      seen.add(m.cluster);
      if (!firstSeen.has(m.cluster)) firstSeen.set(m.cluster, ptr);
      if (m.id !== undefined) {
        const prior = meshIds.get(m.cluster);
        if (prior !== undefined && prior !== m.id) emit(cfile, `${ptr}/id`, 'mesh/conflicting-id', `cluster ${quote(m.cluster)} has id ${prior} in another mesh group; a cluster has one Cilium cluster.id`);
        if (prior === undefined) meshIds.set(m.cluster, m.id);
      }
      const c = refCluster(m.cluster, `${ptr}/cluster`);
      if (c && (c.spec.cni?.name ?? 'cilium') !== 'cilium') emit(cfile, `${ptr}/cluster`, 'mesh/needs-cilium', `cluster ${quote(m.cluster)} does not run Cilium (cni.name: ${quote(c.spec.cni?.name)}); ClusterMesh needs it`);
      // Peers are declared statically in git: each member's clustermesh-apiserver needs an address known now.
      const api = c?.spec.cni?.cilium?.clusterMesh?.apiserver;
      if (c && (api?.serviceType ?? 'LoadBalancer') === 'LoadBalancer' && !api?.loadBalancerIP && !exposureReported.has(m.cluster)) {
        exposureReported.add(m.cluster);
        emit(c.file, c.spec.cni?.cilium ? '/cni/cilium' : '', 'mesh/no-apiserver-address', `cluster ${quote(m.cluster)} is in a ClusterMesh, so its clustermesh-apiserver needs an address its peers can be given: set cni.cilium.clusterMesh.apiserver.loadBalancerIP, or serviceType: NodePort`);
      }
      if (c && api?.serviceType === 'NodePort' && (c.spec.nodes ?? []).length === 0 && !exposureReported.has(m.cluster)) {
        exposureReported.add(m.cluster);
        emit(c.file, '/cni/cilium/clusterMesh/apiserver/serviceType', 'mesh/no-apiserver-address', `cluster ${quote(m.cluster)} exposes its clustermesh-apiserver on a NodePort, but its node addresses are not in the spec (Cluster API machines): use a LoadBalancer with a fixed loadBalancerIP`);
      }
    });
  });
  const components = new Set(meshComponents(cons.spec.meshGroups ?? []).values());
  for (const component of components) {
    const where = component.groups.length > 1 ? `mesh groups ${component.groups.map((n) => quote(n)).join(' and ')} (connected through shared members)` : `mesh group ${quote(component.groups[0])}`;
    const ids = new Map<number, string>();
    const cidrs: { cluster: string; what: string; cidr: Cidr }[] = [];
    for (const cluster of component.clusters) {
      const ptr = firstSeen.get(cluster)!;
      const id = meshIds.get(cluster);
      if (id !== undefined) {
        const other = ids.get(id);
        if (other) emit(cfile, `${ptr}/id`, 'mesh/duplicate-id', `cluster id ${id} is already used by ${quote(other)} in ${where}`);
        else ids.set(id, cluster);
      }
      const c = byName.get(cluster);
      if (!c) continue;
      for (const [what, text] of [['pod CIDR', c.spec.network.podCidr], ['service CIDR', c.spec.network.serviceCidr]] as const) {
        const cidr = parseCidr(text);
        if (!cidr) continue;
        for (const prior of cidrs) {
          if (prior.cluster === cluster || !overlaps(prior.cidr, cidr)) continue;
          const rule = prior.what === 'pod CIDR' && what === 'pod CIDR' ? 'mesh/pod-cidr-overlap' : 'mesh/cidr-overlap';
          emit(cfile, `${ptr}/cluster`, rule, `${what} ${quote(cidr.text)} of ${quote(cluster)} overlaps ${prior.what} ${quote(prior.cidr.text)} of ${quote(prior.cluster)} in ${where}; meshed clusters route each other's pods, so their ranges must be disjoint`);
        }
        cidrs.push({ cluster, what, cidr });
      }
    }
  }

  // A policy peer in another cluster must be one this cluster meshes with.
  const meshOf = meshComponents(cons.spec.meshGroups ?? []);
  for (const { file, spec } of set.clusters) {
    (spec.networkPolicies ?? []).forEach((p, i) =>
      (p.allow ?? []).forEach((r, k) =>
        (r.peers ?? []).forEach((peer, j) => {
          if (peer.cluster && peer.cluster !== spec.name && !meshOf.get(spec.name)?.clusters.includes(peer.cluster)) {
            emit(file, pointer('networkPolicies', i, 'allow', k, 'peers', j, 'cluster'), 'policy/cluster-not-meshed', `${quote(peer.cluster)} is not in a ClusterMesh with ${quote(spec.name)}: traffic from another cluster needs a mesh group`);
          }
        }),
      ),
    );
  }
}
