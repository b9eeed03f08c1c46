import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import type { ClusterFacts } from '../context.ts';

/** Install and data disks: one rule each, and never the same device twice. */
export function checkDisks({ c, file, emit, nodes }: ClusterFacts): void {
  nodes.forEach((n, i) => {
    const base = pointer('nodes', i);
    const install = n.installDisk ?? c.talos?.installDisk;
    if (n.installDisk?.path && n.installDisk.selector) {
      emit(file, `${base}/installDisk`, 'disks/two-install-rules', 'installDisk has both path and selector: keep one');
    }
    (n.dataDisks ?? []).forEach((d, k) => {
      if (d.path && d.selector) emit(file, `${base}/dataDisks/${k}`, 'disks/two-rules', 'a data disk has both path and selector: keep one');
      if (!d.path && !d.selector) emit(file, `${base}/dataDisks/${k}`, 'disks/no-rule', 'a data disk needs a path or a selector');
      if (d.path && install?.path === d.path) {
        emit(file, `${base}/dataDisks/${k}/path`, 'disks/data-is-install', `${quote(d.path)} is the install disk; a data disk must be another device`);
      }
    });
  });
  if (c.talos?.installDisk?.path && c.talos.installDisk.selector) {
    emit(file, '/talos/installDisk', 'disks/two-install-rules', 'installDisk has both path and selector: keep one');
  }
}
