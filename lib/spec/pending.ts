import type { Cluster, Constellation } from './types.generated.ts';

/**
 * Spec sections that are validated and checked but not compiled yet, and the capability that
 * will compile them. A component that starts compiling a section deletes its line here.
 */
const PENDING: readonly { section: string; by: string; present: (c: Cluster, k: Constellation) => boolean }[] = [
  // Every spec section compiles: the components (lib/components/*) and Cluster API machines (lib/components/cluster-api).
];

export function pendingSections(cluster: Cluster, constellation: Constellation): string[] {
  return PENDING.filter((p) => p.present(cluster, constellation)).map((p) => `${p.section} (waits for ${p.by})`);
}
