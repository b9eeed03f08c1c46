import { quote } from '../../diagnostics/diagnostic.ts';
import { SYSTEM_NAMESPACES } from '../../k8s/namespaces.ts';
import type { ClusterFacts } from '../context.ts';

/** Namespaces are declared once; network policies name known namespaces and peers they can express. */
export function checkNamespacesAndPolicies({ c, file, emit, cilium }: ClusterFacts): void {
  // Namespaces and policy references.
  const nsNames = new Map<string, number>();
  (c.namespaces ?? []).forEach((ns, i) => {
    if (nsNames.has(ns.name)) emit(file, `/namespaces/${i}/name`, 'names/duplicate-namespace', `namespace ${quote(ns.name)} is declared twice`);
    nsNames.set(ns.name, i);
  });
  (c.networkPolicies ?? []).forEach((p, i) => {
    if (!nsNames.has(p.namespace) && !SYSTEM_NAMESPACES.has(p.namespace)) {
      emit(file, `/networkPolicies/${i}/namespace`, 'refs/policy-namespace', `policy for unknown namespace ${quote(p.namespace)}; declare it under namespaces`);
    }
    const names = new Set<string>(['default-deny', 'allow-dns']);
    (p.allow ?? []).forEach((r, k) => {
      const at = `/networkPolicies/${i}/allow/${k}`;
      if (names.has(r.name)) emit(file, `${at}/name`, 'names/duplicate-policy', `policy ${quote(r.name)} is declared twice in namespace ${quote(p.namespace)} (default-deny and allow-dns are taken)`);
      names.add(r.name);
      (r.peers ?? []).forEach((peer, j) => {
        const pat = `${at}/peers/${j}`;
        if ((peer.fqdn || peer.cluster) && cilium === undefined) emit(file, pat, 'policy/needs-cilium', 'a DNS name or another cluster as a peer needs a CiliumNetworkPolicy: the CNI must be Cilium');
        if (peer.fqdn && r.direction === 'ingress') emit(file, `${pat}/fqdn`, 'policy/fqdn-ingress', 'a DNS name can only be an egress destination');
        if (peer.cidr && (peer.namespace || peer.pods || peer.cluster || peer.fqdn)) emit(file, `${pat}/cidr`, 'policy/cidr-with-selector', 'a cidr peer stands alone: put namespaces, pods or names in another peer');
      });
    });
  });
}
