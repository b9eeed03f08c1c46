import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import type { ClusterFacts } from '../context.ts';
import type { DiskSelector } from '../../spec/types.generated.ts';

/** A selector in a canonical form: the same keys and values in any order are the same selector. */
function selectorKey(s: DiskSelector): string {
  return JSON.stringify(Object.entries(s).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Each data disk is another device: the same path or the same selector twice on a node would
 * give Talos two volumes on one disk (a UserVolumeConfig each), and a selector equal to the
 * install disk's would put a data volume on the system disk.
 */
export function checkDiskDuplicates({ c, file, emit, nodes }: ClusterFacts): void {
  nodes.forEach((n, i) => {
    const install = n.installDisk ?? c.talos?.installDisk;
    const installSelector = install?.selector ? selectorKey(install.selector) : undefined;
    const seen = new Map<string, number>();
    (n.dataDisks ?? []).forEach((d, k) => {
      const ptr = pointer('nodes', i, 'dataDisks', k);
      const key = d.path ? `path:${d.path}` : d.selector ? `selector:${selectorKey(d.selector)}` : undefined;
      if (!key) return;
      const prior = seen.get(key);
      if (prior !== undefined) emit(file, ptr, 'disks/duplicate-data-disk', `data disk ${k} of node ${quote(n.name)} is the same ${d.path ? `device ${quote(d.path)}` : 'selector'} as data disk ${prior}; each data disk is another device`);
      else seen.set(key, k);
      if (d.selector && installSelector === selectorKey(d.selector)) {
        emit(file, `${ptr}/selector`, 'disks/data-is-install', `data disk ${k} of node ${quote(n.name)} has the install disk's selector; a data disk must be another device`);
      }
    });
  });
}
