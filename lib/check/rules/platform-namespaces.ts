import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import type { ClusterFacts } from '../context.ts';
import type { Cluster } from '../../spec/types.generated.ts';

const ENFORCE = 'pod-security.kubernetes.io/enforce';

/**
 * Namespaces whose pods need the privileged Pod Security level, and why: kube-system (static and
 * system pods, Cilium's agents by default), the CNI's, MetalLB's speakers on the host network,
 * Linkerd's proxy-init (NET_ADMIN), Rook's Ceph daemons (host devices). The platform components
 * label their namespaces privileged themselves (lib/components/*: pinned against the registry in
 * test/reliability/platform-namespaces.test.ts); a spec entry of the same name would override
 * that label, so a stricter enforce level there is refused.
 */
export function privilegedNamespaces(c: Cluster): Map<string, string> {
  const out = new Map<string, string>([['kube-system', 'system pods and static pods']]);
  if ((c.cni?.name ?? 'cilium') === 'cilium') out.set(c.cni?.cilium?.namespace ?? 'kube-system', "Cilium's agents (host network, BPF, privileged)");
  if (c.loadBalancing?.provider === 'metallb') out.set('metallb-system', "MetalLB's speakers (host network, NET_RAW)");
  if (c.components?.linkerd?.enabled) out.set(c.components.linkerd.namespace ?? 'linkerd', "Linkerd's proxy-init (NET_ADMIN, NET_RAW)");
  // Meshed pods in viz's namespace run proxy-init too (components/linkerd-viz labels it privileged).
  if (c.components?.linkerd?.enabled && c.components.linkerd.viz) out.set('linkerd-viz', "Linkerd viz's meshed pods (proxy-init: NET_ADMIN, NET_RAW)");
  if (c.components?.rookCeph?.enabled) out.set(c.components.rookCeph.namespace ?? 'rook-ceph', "Rook's Ceph daemons (host devices, privileged)");
  return out;
}

/** A platform namespace declared in the spec with an enforce level that would stop its own pods. */
export function checkPlatformNamespaces({ c, file, emit }: ClusterFacts): void {
  const needs = privilegedNamespaces(c);
  (c.namespaces ?? []).forEach((ns, i) => {
    const why = needs.get(ns.name);
    if (!why) return;
    const viaLabel = ns.labels?.[ENFORCE];
    const level = ns.podSecurity?.enforce ?? viaLabel;
    if (level === undefined || level === 'privileged') return;
    const ptr = ns.podSecurity?.enforce ? pointer('namespaces', i, 'podSecurity', 'enforce') : pointer('namespaces', i, 'labels', ENFORCE);
    emit(file, ptr, 'namespaces/platform-pod-security', `namespace ${quote(ns.name)} runs ${why}, which need the privileged Pod Security level; enforce ${quote(level)} would stop them — remove it (audit and warn may stay stricter)`);
  });
}
