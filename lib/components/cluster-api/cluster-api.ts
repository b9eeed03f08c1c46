import { readFileSync } from 'node:fs';
import type { KubeObject } from '../../build/artifacts.ts';
import type { ClusterComponent } from '../../build/component.ts';
import type { PlatformComponent } from '../../gitops/component.ts';
import type { ClusterModel, Model } from '../../model/model.ts';
import { clusterApiRequirements } from '../../secrets/requirements.ts';
import { addCommand, operatorSecretFile } from '../../secrets/operator-secrets.ts';
import { SYSTEM_NAMESPACES } from '../../k8s/namespaces.ts';
import { compareCodePoints } from '../../util/order.ts';
import { IMAGE_FACTORY, resolveSchematic } from '../talos/schematic.ts';
import { capiBringUp } from './bring-up.ts';
import { clusterApiObjects } from './objects.ts';
import { clusterApiCredentials } from './credentials.ts';
import { extraDiskDevices } from '../../model/facts/proxmox-disks.ts';
import { lazyTemplate } from '../../util/lazy-template.ts';

const readme = lazyTemplate(() => readFileSync(new URL('./templates/README.md.hbs', import.meta.url), 'utf8'), {
  helpers: { join: (list: unknown, sep: unknown): string => (Array.isArray(list) ? list.join(String(sep)) : '') },
  compile: { noEscape: true, strict: false },
});

/** The Cluster API clusters a cluster's controllers reconcile (itself included once it has pivoted). */
export function managedClusters(model: Model, manager: string): ClusterModel[] {
  return model.clusters.filter((c) => c.clusterApi?.manager === manager && c.clusterApi.provider !== 'packet');
}

/**
 * On a management cluster: the Cluster API objects of the workload clusters it manages, in its
 * last GitOps layer (after its controllers and their configs), and their namespaces. Its own
 * objects are not here (see the cluster component below): applied by GitOps before the pivot,
 * they would make it create its own machines a second time.
 */
export const clusterApiPlatformComponent: PlatformComponent = {
  name: 'cluster-api',
  enabled: (c) => c.manages.length > 0,
  build({ model, cluster }) {
    const workloads = managedClusters(model, cluster.name).filter((c) => !c.clusterApi!.selfManaged);
    const objects = workloads.flatMap((c) => clusterApiObjects(c)?.objects ?? []);
    const namespaces = [...new Set(workloads.map((c) => c.clusterApi!.namespace))].filter((n) => !SYSTEM_NAMESPACES.has(n)).sort(compareCodePoints);
    const [first, ...rest] = namespaces;
    const more: KubeObject[] = rest.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
    return {
      ...(first ? { namespace: { name: first, labels: {} } } : {}),
      releases: [],
      objects: { controllers: more, apps: objects },
      ...(workloads.length > 0 ? { secrets: ['talos-bundle'] } : {}),
    };
  },
};

function secretRows(cluster: ClusterModel): { name: string; from: string }[] {
  const generated = clusterApiRequirements(cluster).map((r) => ({ name: r.secretName!, from: `\`orrery secrets\` (\`secrets/${r.file}\`), which CABPT uses instead of generating a PKI` }));
  // One row per Secret: servers may share BMC credentials.
  const supplied = [...new Map(clusterApiCredentials(cluster).map((s) => [s.name, s])).values()].map((s) => ({
    name: s.name,
    from: `you, for ${s.consumer}: \`${addCommand(s)}\` writes \`secrets/${operatorSecretFile(s)}\` (SOPS-encrypted, keys ${s.keys.map((k) => `\`${k}\``).join(', ')}); synth refuses the spec without it`,
  }));
  return [...generated, ...supplied];
}

function clusterReadme(model: Model, cluster: ClusterModel): string {
  const capi = cluster.clusterApi!;
  const built = clusterApiObjects(cluster)!;
  const bringUp = capiBringUp(model, cluster.name)!;
  const px = capi.proxmox;
  const schematic = resolveSchematic(cluster.talos.schematic).id;
  const extra = px ? capi.pools.flatMap((p) => extraDiskDevices(p.machine.extraDisks.map((d) => d.slot), px.template.bootDisk).map((d, i) => ({ ...d, purpose: p.machine.extraDisks[i]!.purpose }))) : [];
  return readme({
    name: cluster.name,
    provider: capi.provider === 'proxmox' ? 'Proxmox (CAPMOX)' : 'Sidero Metal',
    pivot: capi.selfManaged,
    manager: capi.manager,
    namespace: capi.namespace,
    objectsDir: bringUp.objects.dir,
    clusterctl: bringUp.clusterctlInit.args.join(' '),
    pools: built.pools.map((p) => ({ name: p.pool.name, role: p.pool.role, replicas: p.pool.replicas, machineTemplate: p.machineTemplate, talosConfig: p.talosConfig })),
    workers: capi.pools.some((p) => p.role === 'worker'),
    talosVersion: cluster.talos.version,
    schematic,
    nocloudImage: `https://${IMAGE_FACTORY}/image/${schematic}/${cluster.talos.version}/nocloud-amd64.raw.xz`,
    proxmox: px ? { ...px.template, allowedNodes: px.allowedNodes, addresses: px.ipv4Pool.addresses, prefix: px.ipv4Pool.prefix, gateway: px.ipv4Pool.gateway, dnsServers: px.dnsServers } : undefined,
    extraDisks: extra.filter((d, i, all) => all.findIndex((o) => o.slot === d.slot) === i),
    secrets: secretRows(cluster),
    remote: bringUp.gitops === 'management',
  });
}

const header = (source: string): string => `<!-- Generated by orrery from ${source}. Do not edit: change the spec and run npm run synth. -->\n`;

/** `<cluster>/cluster-api/README.md`, for a Cluster API cluster with a provider to install (not the retired packet). */
export function clusterApiReadme(cluster: Pick<ClusterModel, 'name' | 'clusterApi'>): string | undefined {
  return cluster.clusterApi && cluster.clusterApi.provider !== 'packet' ? `${cluster.name}/cluster-api/README.md` : undefined;
}

/**
 * Per Cluster API cluster: `<cluster>/cluster-api/README.md` (pools, templates, what rolls, the
 * secrets, the bring-up) and, for a management cluster that manages itself, its own objects in
 * `<cluster>/cluster-api/` — a kustomization no GitOps engine points at, which the runner applies
 * to the bootstrap cluster before the pivot.
 */
export const clusterApiComponent: ClusterComponent = {
  name: 'cluster-api',
  build({ model, cluster }) {
    const capi = cluster.clusterApi;
    const readme = clusterApiReadme(cluster);
    if (!capi || !readme) return { bundles: [], files: [] };
    const dir = `${cluster.name}/cluster-api`;
    const files = [{ path: readme, source: cluster.source, content: header(cluster.source) + clusterReadme(model, cluster) }];
    // The provider's credentials, supplied by the operator and delivered with the manager's Secrets.
    const referencedSecrets = clusterApiCredentials(cluster);
    if (!capi.selfManaged) return { bundles: [], files, referencedSecrets };
    // The namespace is not here: the cluster's namespaces/ has it for GitOps; the runner creates it on the bootstrap cluster.
    return { bundles: [{ dir, source: cluster.source, objects: clusterApiObjects(cluster)!.objects }], files, referencedSecrets };
  },
};
