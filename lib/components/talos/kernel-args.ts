import { compareVersions } from '../../data/talos-kubernetes.ts';
import { IMAGE_FACTORY } from './schematic.ts';

/**
 * Talos's own kernel command line for a release, as pkg/machinery/kernel DefaultArgs builds it
 * from the release's quirks (talos@v1.12.11, v1.13.9, v1.14.0-rc.1 pkg/machinery/imager/quirks):
 * IMA only up to 1.10, SELinux from 1.10, module.sig_enforce from 1.12, proc_mem.force_override
 * from 1.13; 1.14 drops init_on_alloc=1 and keeps nvme_core.io_timeout for AWS only. Releases
 * before 1.12 are not emitted by orrery.
 */
export function talosDefaultKernelArgs(version: string): string[] {
  const atLeast = (v: string): boolean => compareVersions(version, v) >= 0;
  return [
    ...(atLeast('v1.14.0') ? [] : ['init_on_alloc=1']),
    'slab_nomerge=',
    'pti=on',
    'consoleblank=0',
    ...(atLeast('v1.14.0') ? [] : ['nvme_core.io_timeout=4294967295']),
    'printk.devkmsg=on',
    'selinux=1',
    'module.sig_enforce=1',
    ...(atLeast('v1.13.0') ? ['proc_mem.force_override=never'] : []),
  ];
}

/** PXE assets of a schematic from the Image Factory (its /image/<schematic>/<version>/ paths). */
export function factoryPxeAssets(schematicId: string, version: string, arch = 'amd64'): { kernel: string; initramfs: string } {
  const base = `https://${IMAGE_FACTORY}/image/${schematicId}/${version}`;
  return { kernel: `${base}/kernel-${arch}`, initramfs: `${base}/initramfs-${arch}.xz` };
}
