import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import type { ConstellationFacts } from '../context.ts';

/**
 * Cluster API management is a tree: a cluster that manages itself, or a loop of managers, has no
 * cluster that can be brought up first (each needs its manager running), and `clusterctl move`
 * would move objects into the cluster they describe.
 */
export function checkManagementCycles({ set, emit }: ConstellationFacts): void {
  const cfile = set.constellation.file;
  const managerOf = new Map<string, { manager: string; ptr: string }>();
  (set.constellation.spec.management ?? []).forEach((m, mi) =>
    m.manages.forEach((w, wi) => {
      if (!managerOf.has(w)) managerOf.set(w, { manager: m.cluster, ptr: pointer('management', mi, 'manages', wi) });
    }),
  );
  const reported = new Set<string>();
  for (const [start, { ptr }] of managerOf) {
    const path = [start];
    let at = managerOf.get(start)?.manager;
    while (at !== undefined && !path.includes(at)) {
      path.push(at);
      at = managerOf.get(at)?.manager;
    }
    if (at !== start) continue;
    // The walk follows "is managed by"; shown the other way round, as the spec writes it.
    const loop = [...path, start].reverse();
    const key = [...path].sort().join(' ');
    if (reported.has(key)) continue;
    reported.add(key);
    emit(
      cfile,
      ptr,
      'management/cycle',
      path.length === 1
        ? `cluster ${quote(start)} manages itself; a management cluster is brought up first, by talosctl or by another manager`
        : `management loops: ${loop.map((c) => quote(c)).join(' → ')} (each manages the next); one of them must be managed by none of the others`,
    );
  }
}
