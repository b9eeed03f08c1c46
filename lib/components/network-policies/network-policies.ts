import type { KubeObject } from '../../build/artifacts.ts';
import type { PlatformComponent } from '../../gitops/component.ts';
import type { ClusterModel } from '../../model/model.ts';
import type { NetworkPolicy, Peer, PolicyRule, Port } from '../../spec/types.generated.ts';

const NAMESPACE_LABEL = 'kubernetes.io/metadata.name';
const DNS = { namespace: 'kube-system', pods: { 'k8s-app': 'kube-dns' } };

/** A rule needs Cilium when a peer is a DNS name or another cluster of the mesh. */
export function needsCilium(rule: PolicyRule): boolean {
  return (rule.peers ?? []).some((p) => p.fqdn !== undefined || p.cluster !== undefined);
}

function k8sPeer(p: Peer): Record<string, unknown> {
  if (p.cidr) return { ipBlock: { cidr: p.cidr } };
  return {
    ...(p.namespace ? { namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: p.namespace } } } : {}),
    ...(p.pods || !p.namespace ? { podSelector: { matchLabels: { ...p.pods } } } : {}),
  };
}

function k8sPorts(ports: readonly Port[] | undefined): Record<string, unknown> {
  return ports?.length ? { ports: ports.map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.port, ...(p.endPort ? { endPort: p.endPort } : {}) })) } : {};
}

function networkPolicy(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

function k8sRule(namespace: string, r: PolicyRule): KubeObject {
  const peers = (r.peers ?? []).map(k8sPeer);
  const side = r.direction === 'ingress' ? 'from' : 'to';
  return networkPolicy(namespace, r.name, {
    podSelector: { matchLabels: { ...r.pods } },
    policyTypes: [r.direction === 'ingress' ? 'Ingress' : 'Egress'],
    [r.direction]: [{ ...(peers.length > 0 ? { [side]: peers } : {}), ...k8sPorts(r.ports) }],
  });
}

function ciliumRule(namespace: string, r: PolicyRule): KubeObject {
  const endpoints = (r.peers ?? []).filter((p) => !p.fqdn && !p.cidr).map((p) => ({
    matchLabels: {
      ...Object.fromEntries(Object.entries(p.pods ?? {}).map(([k, v]) => [k, v])),
      'k8s:io.kubernetes.pod.namespace': p.namespace ?? namespace,
      ...(p.cluster ? { 'io.cilium.k8s.policy.cluster': p.cluster } : {}),
    },
  }));
  const fqdns = (r.peers ?? []).filter((p) => p.fqdn).map((p) => (p.fqdn!.includes('*') ? { matchPattern: p.fqdn } : { matchName: p.fqdn }));
  const cidrs = (r.peers ?? []).filter((p) => p.cidr).map((p) => p.cidr!);
  const ports = r.ports?.length ? { toPorts: [{ ports: r.ports.map((p) => ({ port: String(p.port), protocol: p.protocol ?? 'TCP' })) }] } : {};
  const ingress = r.direction === 'ingress';
  const rules: Record<string, unknown>[] = [];
  if (endpoints.length > 0) rules.push({ [ingress ? 'fromEndpoints' : 'toEndpoints']: endpoints, ...ports });
  if (cidrs.length > 0) rules.push({ [ingress ? 'fromCIDR' : 'toCIDR']: cidrs, ...ports });
  if (fqdns.length > 0) rules.push({ toFQDNs: fqdns, ...ports });
  // toFQDNs works only when Cilium's DNS proxy sees the lookups: allow DNS through it.
  if (fqdns.length > 0) {
    rules.push({
      toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': DNS.namespace, 'k8s:k8s-app': 'kube-dns' } }],
      toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: [{ matchPattern: '*' }] } }],
    });
  }
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: { name: r.name, namespace },
    spec: { endpointSelector: { matchLabels: { ...r.pods } }, [ingress ? 'ingress' : 'egress']: rules },
  };
}

/** Kubernetes NetworkPolicies from the spec's intents; CiliumNetworkPolicy where only Cilium can. */
export function policyObjects(policy: NetworkPolicy): KubeObject[] {
  const ns = policy.namespace;
  const out: KubeObject[] = [];
  const deny = policy.defaultDeny ?? [];
  if (deny.length > 0) {
    out.push(networkPolicy(ns, 'default-deny', { podSelector: {}, policyTypes: deny.map((d) => (d === 'ingress' ? 'Ingress' : 'Egress')) }));
  }
  if (policy.allowDns) {
    out.push(
      networkPolicy(ns, 'allow-dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: DNS.namespace } }, podSelector: { matchLabels: DNS.pods } }],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      }),
    );
  }
  for (const r of policy.allow ?? []) out.push(needsCilium(r) ? ciliumRule(ns, r) : k8sRule(ns, r));
  return out;
}

export const networkPoliciesComponent: PlatformComponent = {
  name: 'network-policies',
  enabled: (c: ClusterModel) => c.networkPolicies.length > 0,
  build({ cluster }) {
    return { releases: [], objects: { configs: cluster.networkPolicies.flatMap(policyObjects) } };
  },
};
