import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { policyObjects } from '../../lib/components/network-policies/network-policies.ts';
import { REPO } from '../helpers.ts';

type Obj = Record<string, any>;

type Output = ((file: string) => Obj[]) & { files: ReadonlyMap<string, string> };

async function outputOf(example: string): Promise<Output> {
  const spec = example === 'clusters' ? path.join(REPO, 'clusters') : path.join(REPO, 'examples', example, 'clusters');
  const { files, diagnostics } = await compileSpecDir(spec, { cwd: REPO });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return Object.assign((file: string) => {
    const content = files!.get(file);
    if (content === undefined) throw new Error(`${file} was not generated`);
    return (parseAllDocuments(content) as unknown as { toJS(): Obj }[]).map((d) => d.toJS());
  }, { files: files! });
}

/** Cilium's values, from the Flux HelmRelease or the Argo CD Application. */
function ciliumValues(out: Output, cluster: string, engine: 'flux' | 'argocd'): Obj {
  if (engine === 'argocd') return out(`${cluster}/argocd/apps/application-argocd-${cluster}-cilium.yaml`)[0]!.spec.source.helm.valuesObject;
  const file = [...out.files.keys()].find((f) => f.startsWith(`${cluster}/infrastructure/controllers/helmrelease-`) && f.endsWith('-cilium.yaml'))!;
  return out(file)[0]!.spec.values;
}

describe('seed 003 (vtalos): Cilium on Talos and the rello policies', () => {
  it('Cilium values as the seed set them by hand', async () => {
    const v = ciliumValues(await outputOf('vtalos-lab'), 'vtalos', 'flux');
    expect(v).toMatchObject({
      ipam: { mode: 'kubernetes' },
      kubeProxyReplacement: true,
      k8sServiceHost: 'localhost',
      k8sServicePort: 7445,
      cgroup: { autoMount: { enabled: false }, hostRoot: '/sys/fs/cgroup' },
      securityContext: {
        capabilities: {
          ciliumAgent: ['CHOWN', 'KILL', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'SYS_ADMIN', 'SYS_RESOURCE', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'],
          cleanCiliumState: ['NET_ADMIN', 'SYS_ADMIN', 'SYS_RESOURCE'],
        },
      },
      ingressController: { enabled: true, loadbalancerMode: 'dedicated' },
      l2announcements: { enabled: true },
      k8sClientRateLimit: { qps: 100, burst: 120 },
      hubble: { relay: { enabled: true }, ui: { enabled: true } },
    });
    // The seed also set bgpControlPlane.enabled=true without any BGP peering: a no-op that orrery
    // leaves out (the BGP control plane is on exactly when loadBalancing.bgp configures peers).
    expect(v).not.toHaveProperty('bgpControlPlane');
  });

  it('compiles to the seed\'s policies: deny all; rello from anywhere on 8000; rello → CoreDNS 53/udp+tcp; rello → redis 6379; redis from rello 6379', async () => {
    const out = await outputOf('vtalos-lab');
    const np = (name: string): Obj => out(`vtalos/infrastructure/configs/networkpolicy-rello-${name}.yaml`)[0]!.spec;
    expect(np('default-deny')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(np('rello-from-anywhere')).toEqual({ podSelector: { matchLabels: { app: 'rello' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port: 8000 }] }] });
    expect(np('rello-to-coredns')).toEqual({
      podSelector: { matchLabels: { app: 'rello' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
    });
    expect(np('rello-to-redis')).toEqual({ podSelector: { matchLabels: { app: 'rello' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'redis' } } }], ports: [{ protocol: 'TCP', port: 6379 }] }] });
    expect(np('redis-from-rello')).toEqual({ podSelector: { matchLabels: { app: 'redis' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'rello' } } }], ports: [{ protocol: 'TCP', port: 6379 }] }] });
    const ns = out('vtalos/namespaces/namespace-rello.yaml')[0]!;
    expect(ns.metadata.labels).toEqual({ 'pod-security.kubernetes.io/enforce': 'baseline' });
  });

  it('Cilium LB IPAM: a pool on the node subnet (the seed\'s 42.42.42.43 is off it) and an L2 announcement policy', async () => {
    const out = await outputOf('vtalos-lab');
    const pool = out('vtalos/infrastructure/configs/ciliumloadbalancerippool-lab.yaml')[0]!;
    expect(pool.spec.blocks).toEqual([{ cidr: '192.168.42.240/29' }]);
    expect(out('vtalos/infrastructure/configs/ciliuml2announcementpolicy-load-balancer-ips.yaml')[0]!.spec).toMatchObject({ loadBalancerIPs: true });
  });
});

describe('ClusterMesh: seeds 000 and 004 compile to working meshes', () => {
  it.each([
    ['aggrik8s-mesh', 'argocd', { 'talos-east': 1, 'talos-west': 2 }],
    ['equinix-constellation', 'flux', { jupiter: 1, ganymede: 2, callisto: 3 }],
    ['clusters', 'flux', { jupiter: 1, ganymede: 2, callisto: 3 }],
  ] as const)('%s: unique cluster ids, every member peers with every other through the address it is exposed on', async (example, engine, ids) => {
    const out = await outputOf(example);
    const values = Object.fromEntries(Object.keys(ids).map((c) => [c, ciliumValues(out, c, engine)]));
    for (const [c, v] of Object.entries(values)) {
      expect(v.cluster).toEqual({ name: c, id: (ids as Record<string, number>)[c] });
      expect(v.clustermesh.useAPIServer).toBe(true);
      expect(v.clustermesh.apiserver.tls.auto).toEqual({ enabled: true, method: 'cronJob' });
      const peers = v.clustermesh.config.clusters as { name: string; port: number; ips: string[] }[];
      expect(peers.map((p) => p.name).sort()).toEqual(Object.keys(ids).filter((x) => x !== c).sort());
      for (const p of peers) {
        const svc = values[p.name]!.clustermesh.apiserver.service;
        if (svc.type === 'LoadBalancer') expect(p).toEqual({ name: p.name, port: 2379, ips: [svc.loadBalancerIP] });
        else expect(p.port).toBe(svc.nodePort);
        expect(p.ips.length).toBeGreaterThan(0);
      }
      // The shared CA is delivered with the cluster (identical across members: test/secrets).
      // (Flux lists it as a resource; Argo CD's KSOPS generator names it.)
      const listed = engine === 'flux' ? out(`${c}/secrets/kustomization.yaml`)[0]!.resources : out(`${c}/secrets/secret-generator.yaml`)[0]!.files;
      expect(listed.some((r: string) => r.includes('cilium-ca'))).toBe(true);
    }
  });
});

describe('anycast: one address announced over BGP by every cluster that serves it (seed 000)', () => {
  it('ganymede and callisto reserve 203.0.113.10/32 and announce it; jupiter does not', async () => {
    const out = await outputOf('clusters');
    for (const c of ['ganymede', 'callisto']) {
      const pool = out(`${c}/infrastructure/configs/ipaddresspool-metallb-system-ingress.yaml`)[0]!;
      expect(pool.spec).toEqual({ addresses: ['203.0.113.10/32'], autoAssign: false });
      expect(out(`${c}/infrastructure/configs/bgpadvertisement-metallb-system-bgp.yaml`)[0]!.spec.ipAddressPools).toContain('ingress');
      const peers = out(`${c}/infrastructure/configs/bgppeer-metallb-system-tor-${c === 'ganymede' ? 'ams' : 'nyc'}-1.yaml`)[0]!.spec;
      expect(peers).toMatchObject({ peerAddress: '169.254.255.1', peerASN: 65530 });
    }
    expect(() => out('jupiter/infrastructure/configs/ipaddresspool-metallb-system-ingress.yaml')).toThrow('was not generated');
  });
});

describe('policies that need Cilium become CiliumNetworkPolicies', () => {
  it('an FQDN egress gets toFQDNs and the DNS-proxy rule; a peer in another cluster is selected by cluster label', () => {
    const [fqdn, remote] = policyObjects({
      namespace: 'apps',
      allow: [
        { name: 'to-github', direction: 'egress', pods: { app: 'ci' }, peers: [{ fqdn: 'api.github.com' }], ports: [{ port: 443 }] },
        { name: 'from-west', direction: 'ingress', pods: { app: 'api' }, peers: [{ cluster: 'west', namespace: 'web', pods: { app: 'front' } }] },
      ],
    }) as Obj[];
    expect(fqdn!.kind).toBe('CiliumNetworkPolicy');
    expect(fqdn!.spec.egress[0]).toEqual({ toFQDNs: [{ matchName: 'api.github.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] });
    expect(fqdn!.spec.egress[1].toPorts[0].rules).toEqual({ dns: [{ matchPattern: '*' }] });
    expect(remote!.spec.ingress[0].fromEndpoints[0].matchLabels).toEqual({ app: 'front', 'k8s:io.kubernetes.pod.namespace': 'web', 'io.cilium.k8s.policy.cluster': 'west' });
  });
});
