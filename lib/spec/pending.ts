import type { Cluster, Constellation } from './types.generated.ts';

/**
 * Spec sections that are validated and checked but not compiled yet, and the capability that
 * will compile them. A component that starts compiling a section deletes its line here.
 */
const PENDING: readonly { section: string; by: string; present: (c: Cluster, k: Constellation) => boolean }[] = [
  // Components the GitOps component model compiles already: cert-manager, linkerd.
  ...(['externalDns', 'metricsServer', 'rookCeph', 'gatewayApi'] as const).map((name) => ({
    section: `components.${name}`,
    by: 'its component',
    present: (c: Cluster) => (c.components?.[name] as { enabled?: boolean } | undefined)?.enabled === true,
  })),
  { section: 'components.ingress', by: 'its component', present: (c) => !['none', 'cilium'].includes(c.components?.ingress?.controller ?? 'none') },
];

export function pendingSections(cluster: Cluster, constellation: Constellation): string[] {
  return PENDING.filter((p) => p.present(cluster, constellation)).map((p) => `${p.section} (waits for ${p.by})`);
}
