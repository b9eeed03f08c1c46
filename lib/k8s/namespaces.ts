/** Namespaces every Kubernetes cluster has: referable without being declared, never emitted by orrery. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
