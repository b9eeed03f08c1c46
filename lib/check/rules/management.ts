import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import type { ConstellationFacts } from '../context.ts';

/** Management: managers are management clusters; managed clusters use Cluster API and have one manager. */
export function checkManagement({ set, emit, refCluster }: ConstellationFacts): void {
  const cons = set.constellation;
  const cfile = cons.file;
  const managerOf = new Map<string, string>();
  (cons.spec.management ?? []).forEach((m, mi) => {
    const mgr = refCluster(m.cluster, pointer('management', mi, 'cluster'));
    if (mgr && mgr.spec.role !== 'management') emit(cfile, pointer('management', mi, 'cluster'), 'management/not-management', `cluster ${quote(m.cluster)} manages others but its role is ${quote(mgr.spec.role)}; set role: management`);
    m.manages.forEach((w, wi) => {
      const ptr = pointer('management', mi, 'manages', wi);
      const managed = refCluster(w, ptr);
      const prior = managerOf.get(w);
      if (prior) emit(cfile, ptr, 'management/two-managers', `cluster ${quote(w)} is already managed by ${quote(prior)}`);
      managerOf.set(w, m.cluster);
      if (managed && managed.spec.provisioning.method !== 'cluster-api') emit(cfile, ptr, 'management/not-cluster-api', `cluster ${quote(w)} is provisioned with ${quote(managed.spec.provisioning.method)}; only cluster-api clusters can be managed`);
    });
  });
  for (const { file, spec } of set.clusters) {
    if (spec.provisioning.method === 'cluster-api' && !managerOf.has(spec.name) && spec.role !== 'management') {
      emit(file, '/provisioning/method', 'management/unmanaged', `cluster-api cluster ${quote(spec.name)} has no management cluster; list it under management in the constellation`);
    }
  }
}
