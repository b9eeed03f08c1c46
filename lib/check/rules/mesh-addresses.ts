import { quote } from '../../diagnostics/diagnostic.ts';
import { containsAddress, overlaps } from '../../net/ip.ts';
import { sameAddress } from '../address-facts.ts';
import type { ConstellationFacts } from '../context.ts';
import { meshComponents } from '../mesh.ts';

/**
 * Across the clusters of a mesh (connected groups): load-balancer pools are disjoint (two
 * clusters announcing one address to the network they share split its traffic; anycast pools
 * are shared on purpose and skipped), and each clustermesh-apiserver address — which every peer
 * dials — is no other member's node address, pool address or clustermesh-apiserver address.
 */
export function checkMeshAddresses({ set, emit, addr, byName }: ConstellationFacts): void {
  const components = new Set(meshComponents(set.constellation.spec.meshGroups ?? []).values());
  for (const component of components) {
    const members = component.clusters.flatMap((name) => byName.get(name) ?? []);
    for (const [i, a] of members.entries()) {
      const aPools = addr.regularPools(a.spec);
      const api = addr.meshApiserver(a.spec);
      for (const b of members.slice(0, i)) {
        const bPools = addr.regularPools(b.spec);
        for (const pa of aPools) {
          for (const pb of bPools) {
            if (overlaps(pa.range, pb.range)) emit(a.file, pa.ptr, 'mesh/lb-pool-overlap', `${quote(pa.text)} of pool ${quote(pa.pool)} overlaps ${quote(pb.text)} of pool ${quote(pb.pool)} in cluster ${quote(b.spec.name)}, which is in a ClusterMesh with ${quote(a.spec.name)}; meshed clusters need disjoint load-balancer pools (use an anycast address for a shared one)`);
          }
        }
      }
      if (!api) continue;
      for (const b of members) {
        if (b === a) continue;
        for (const n of b.spec.nodes ?? []) {
          if (addr.ips(n).some((o) => sameAddress(o, api.ip))) {
            emit(a.file, api.ptr, 'mesh/apiserver-address-taken', `the clustermesh-apiserver address ${quote(api.text)} is node ${quote(n.name)}'s address in meshed cluster ${quote(b.spec.name)}`);
          }
        }
        const other = addr.meshApiserver(b.spec);
        if (other && sameAddress(other.ip, api.ip) && members.indexOf(b) < i) {
          emit(a.file, api.ptr, 'mesh/apiserver-address-taken', `the clustermesh-apiserver address ${quote(api.text)} is also the one of meshed cluster ${quote(b.spec.name)}; every member needs its own`);
        }
        for (const p of addr.pools(b.spec)) {
          if (containsAddress(p.range, api.ip)) emit(a.file, api.ptr, 'mesh/apiserver-address-taken', `the clustermesh-apiserver address ${quote(api.text)} is inside load-balancer pool ${quote(p.pool)} of meshed cluster ${quote(b.spec.name)} (${quote(p.text)})`);
        }
      }
    }
  }
}
