/**
 * Deterministic synthetic constellations for the benchmark, generated in memory as spec text.
 * Modelled on clusters/*.yaml, but every cluster is provisioned with talosctl (3 control
 * planes + 2 workers with static addresses), so that the node checks run too.
 *
 * Address plan for cluster i (0 <= i < MAX_CLUSTERS), all ranges disjoint across the fleet:
 *   node network  10.(i>>8).(i&255).0/24        (10.0.0.0/12)   gateway .1, DNS .2, VIP .5, nodes .11-.15
 *   LB pool       10.(32+(i>>8)).(i&255).0/26   (10.32.0.0/12)  clustermesh-apiserver on .10
 *   pod CIDR      10.128.0.0/9 split into /21s
 *   service CIDR  172.(16+(i>>8)).(i&255).0/24  (172.16.0.0/12)
 * Mesh groups of 3 consecutive clusters (a trailing single cluster joins the previous group);
 * each group shares one anycast ingress address from 198.18.0.0/15.
 */
import { toYaml } from '../lib/output/yaml.ts';
import { buildModel } from '../lib/pipeline.ts';
import { encryptOperatorSecret } from '../lib/secrets/add-secret.ts';
import { operatorSecretFile } from '../lib/secrets/operator-secrets.ts';
import type { Model } from '../lib/model/model.ts';
import type { Cluster, Constellation, MeshGroup, Anycast, Node } from '../lib/spec/types.generated.ts';

export const MAX_CLUSTERS = 4096;
export const NODES_PER_CLUSTER = 5;
const MESH_GROUP_SIZE = 3;
const SITES = ['fra', 'ams', 'nyc', 'sfo', 'sin', 'syd'] as const;

export interface SpecText {
  /** File name inside the spec directory, e.g. `c0001.yaml`. */
  readonly name: string;
  readonly text: string;
}

export interface SyntheticConstellation {
  readonly clusters: number;
  readonly files: readonly SpecText[];
  /** Total size of the spec text in bytes. */
  readonly bytes: number;
}

const ipv4 = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

export const clusterName = (i: number): string => `c${String(i + 1).padStart(4, '0')}`;

/** Member indices of each mesh group: chunks of 3; a lone trailing cluster joins the previous chunk. */
export function meshGroupsOf(count: number): number[][] {
  const groups: number[][] = [];
  for (let i = 0; i < count; i += MESH_GROUP_SIZE) {
    groups.push(Array.from({ length: Math.min(MESH_GROUP_SIZE, count - i) }, (_, k) => i + k));
  }
  const last = groups.at(-1);
  if (groups.length > 1 && last && last.length < 2) {
    groups.pop();
    groups.at(-1)!.push(...last);
  }
  return groups.filter((g) => g.length >= 2);
}

function clusterSpec(i: number, meshGroup: number | undefined): Cluster {
  const a = i >> 8;
  const b = i & 255;
  const net = `10.${a}.${b}`;
  const lb = `10.${32 + a}.${b}`;
  const pod = ipv4(((10 << 24) | (128 << 16)) + i * 2048);
  const name = clusterName(i);
  const site = SITES[i % SITES.length]!;
  const gateway = `${net}.1`;
  const roles: Node['role'][] = ['controlplane', 'controlplane', 'controlplane', 'worker', 'worker'];
  const nodes: Node[] = roles.map((role, k) => {
    const ordinal = role === 'controlplane' ? k + 1 : k - 2;
    const node: Node = {
      name: `${name}-${role === 'controlplane' ? 'cp' : 'worker'}-${ordinal}`,
      role,
      interface: 'eth0',
      addresses: [`${net}.${11 + k}/24`],
    };
    if (role === 'worker') {
      node.dataDisks = [{ path: '/dev/sdb', purpose: 'ceph', wipe: true }];
      node.labels = { 'node.orrery.dev/pool': 'general' };
    }
    return node;
  });
  return {
    apiVersion: 'orrery.dev/v1alpha1',
    kind: 'Cluster',
    name,
    description: `Synthetic workload cluster ${i + 1} in ${site}.`,
    role: 'workload',
    site,
    provisioning: { method: 'talosctl' },
    endpoint: { mode: 'vip', vip: `${net}.5`, extraCertSANs: [`${name}.k8s.example.com`] },
    network: {
      nodeCidr: `${net}.0/24`,
      podCidr: `${pod}/21`,
      serviceCidr: `172.${16 + a}.${b}.0/24`,
      gateway,
      nameservers: [`${net}.2`],
      timeServers: ['time.cloudflare.com'],
    },
    talos: {
      schematic: { extensions: ['siderolabs/iscsi-tools', 'siderolabs/util-linux-tools'] },
      installDisk: { path: '/dev/sda' },
      kubespan: { enabled: true },
      registryMirrors: { 'docker.io': ['https://mirror.example.com/v2/docker.io'] },
      sysctls: { 'net.core.somaxconn': '65535' },
      kernelModules: [{ name: 'br_netfilter' }],
    },
    kubernetes: { allowSchedulingOnControlPlanes: false },
    nodes,
    cni: {
      name: 'cilium',
      cilium: {
        kubeProxyReplacement: true,
        hubble: { relay: true, ui: true },
        ...(meshGroup === undefined ? {} : { clusterMesh: { apiserver: { serviceType: 'LoadBalancer' as const, loadBalancerIP: `${lb}.10` } } }),
      },
    },
    loadBalancing: {
      provider: 'metallb',
      pools: [
        { name: 'services', addresses: [`${lb}.0/26`] },
        ...(meshGroup === undefined ? [] : [{ name: 'ingress', anycast: `ingress-g${meshGroup + 1}` }]),
      ],
      bgp: {
        localASN: 4_200_000_000 + i,
        peers: [
          { name: `tor-${site}-1`, address: '169.254.255.1', asn: 65530, routeVia: gateway },
          { name: `tor-${site}-2`, address: '169.254.255.2', asn: 65530, routeVia: gateway },
        ],
      },
    },
    components: {
      certManager: {
        enabled: true,
        acme: { email: 'ops@example.com', dns01: { provider: 'google', project: 'constellation-dns', credentialsSecret: 'clouddns-credentials' } },
      },
      externalDns: { enabled: true, provider: 'google', project: 'constellation-dns', domainFilters: ['constellation.example.com'], credentialsSecret: 'clouddns-credentials' },
      metricsServer: { enabled: true },
      // Two workers hold the OSDs and are the only nodes Rook can schedule on: one monitor.
      rookCeph: { enabled: true, cluster: { useAllNodes: true, monCount: 1, replicas: 2 } },
      gatewayApi: { enabled: true },
      ingress: meshGroup === undefined ? { controller: 'cilium' } : { controller: 'cilium', loadBalancerPool: 'ingress' },
    },
    namespaces: [
      { name: 'network-services', podSecurity: { enforce: 'privileged' } },
      { name: 'cert-manager', podSecurity: { enforce: 'restricted' } },
      { name: 'monitoring', podSecurity: { enforce: 'baseline', warn: 'restricted' }, labels: { team: 'platform' } },
      {
        name: `app-${name}`,
        podSecurity: { enforce: 'restricted', audit: 'restricted', warn: 'restricted' },
        labels: { team: 'apps' },
        annotations: { 'orrery.dev/owner': `team-${i % 7}` },
      },
    ],
    networkPolicies: [
      {
        namespace: `app-${name}`,
        defaultDeny: ['ingress', 'egress'],
        allowDns: true,
        allow: [{ name: 'whoami-from-anywhere', direction: 'ingress', pods: { app: 'whoami' }, ports: [{ port: 80 }] }],
      },
    ],
  };
}

function constellationSpec(count: number, groups: number[][]): Constellation {
  const meshGroups = groups.map(
    (g, gi): MeshGroup => {
      const members = g.map((i, k) => ({ cluster: clusterName(i), id: k + 1 }));
      return { name: `mesh-g${gi + 1}`, members: members as MeshGroup['members'] };
    },
  );
  const anycast = groups.map(
    (g, gi): Anycast => ({
      name: `ingress-g${gi + 1}`,
      address: ipv4(((198 << 24) | (18 << 16)) + gi + 1),
      clusters: g.map(clusterName) as Anycast['clusters'],
    }),
  );
  return {
    apiVersion: 'orrery.dev/v1alpha1',
    kind: 'Constellation',
    name: 'bench',
    description: `Synthetic constellation of ${count} talosctl clusters in mesh groups of ${MESH_GROUP_SIZE}.`,
    gitops: { engine: 'flux', repository: { url: 'ssh://git@github.com/example/bench.git', branch: 'main', path: 'dist' } },
    versions: { talos: 'v1.13.9', kubernetes: '1.36.2' },
    sops: { ageRecipients: [BENCH_RECIPIENT] },
    ...(meshGroups.length > 0 ? { meshGroups, anycast } : {}),
  };
}

/** The project's test key (test-keys/): public test data. */
export const BENCH_RECIPIENT = 'age1ngwfd0dfm602wsxrmhff7p08zyv0f8ehyflzepetac808hz9r4dscg3dj5';

const HEADER = '# yaml-language-server: $schema=../schemas/orrery.schema.json\n';

/** A constellation of `count` clusters as spec texts (constellation first, then clusters by name). */
export function syntheticConstellation(count: number): SyntheticConstellation {
  if (!Number.isInteger(count) || count < 1 || count > MAX_CLUSTERS) {
    throw new RangeError(`cluster count must be an integer from 1 to ${MAX_CLUSTERS}, got ${count}`);
  }
  const groups = meshGroupsOf(count);
  const groupOf = new Map<number, number>();
  groups.forEach((g, gi) => g.forEach((i) => groupOf.set(i, gi)));
  const files: SpecText[] = [{ name: 'constellation.yaml', text: HEADER + toYaml(constellationSpec(count, groups)) }];
  for (let i = 0; i < count; i++) files.push({ name: `${clusterName(i)}.yaml`, text: HEADER + toYaml(clusterSpec(i, groupOf.get(i))) });
  return { clusters: count, files, bytes: files.reduce((n, f) => n + Buffer.byteLength(f.text), 0) };
}

/**
 * The Secrets the operator supplies for a synthetic fleet (its DNS credentials), as `orrery secrets
 * --add` stores them: encrypted once per distinct Secret, the same text in each cluster's directory.
 */
export async function operatorSecretsOf(model: Model): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const encrypted = new Map<string, string>();
  for (const ref of buildModel(model, [], {}).referencedSecrets ?? []) {
    const key = `${ref.namespace}/${ref.name}/${ref.keys.join(',')}`;
    if (!encrypted.has(key)) {
      const target = { cluster: ref.cluster, namespace: ref.namespace, name: ref.name, keys: ref.keys, type: ref.type ?? 'Opaque', consumers: [ref.consumer] };
      encrypted.set(key, (await encryptOperatorSecret({ model, target, values: new Map(ref.keys.map((k) => [k, 'bench-value'])), now: new Date() })).content);
    }
    files.set(operatorSecretFile(ref), encrypted.get(key)!);
  }
  return files;
}
