import type { ClusterApiModel, MachinePoolModel } from '../model/model.ts';
import type { Cluster, Constellation, MachinePool } from '../spec/types.generated.ts';
import { DEFAULTS } from '../model/defaults.ts';
import type { PatchResolver } from './talos-patches.ts';

function resolvePool(p: MachinePool, patches: PatchResolver, index: number): MachinePoolModel {
  const { extraDisks, ...machine } = p.machine ?? {};
  return {
    name: p.name,
    role: p.role,
    replicas: p.replicas,
    machine: { ...machine, extraDisks: (extraDisks ?? []).map((d) => ({ slot: d.slot, purpose: d.purpose ?? DEFAULTS.extraDiskPurpose })) },
    labels: Object.fromEntries(Object.entries(p.labels ?? {}).filter((e): e is [string, string] => e[1] !== undefined)),
    taints: p.taints ?? [],
    servers: p.servers ?? [],
    patches: patches(p.patches, `/provisioning/clusterApi/machinePools/${index}/patches`),
  };
}

/**
 * The Cluster API facts of a cluster, defaults applied. The manager is the management cluster
 * that lists it; a management cluster provisioned by Cluster API that nobody lists manages
 * itself (it is created from a bootstrap cluster and then pivoted onto itself).
 */
export function resolveClusterApi(c: Cluster, cons: Constellation, patches: PatchResolver): ClusterApiModel | undefined {
  const capi = c.provisioning.clusterApi;
  if (c.provisioning.method !== 'cluster-api' || !capi) return undefined;
  const listed = (cons.management ?? []).find((m) => m.manages.includes(c.name))?.cluster;
  const manager = listed ?? c.name;
  const px = capi.proxmox;
  return {
    provider: capi.provider,
    namespace: capi.namespace ?? DEFAULTS.clusterApiNamespace,
    manager,
    selfManaged: listed === undefined && c.role === 'management',
    pools: capi.machinePools.map((p, i) => resolvePool(p, patches, i)),
    ...(px
      ? {
          proxmox: {
            ...(px.credentialsSecret ? { credentialsSecret: px.credentialsSecret } : {}),
            allowedNodes: px.allowedNodes,
            template: { sourceNode: px.template.sourceNode, templateId: px.template.templateId, bootDisk: px.template.bootDisk ?? DEFAULTS.proxmoxBootDisk },
            ipv4Pool: { addresses: px.ipv4Pool.addresses, prefix: px.ipv4Pool.prefix, gateway: px.ipv4Pool.gateway },
            dnsServers: px.dnsServers ?? c.network.nameservers ?? [],
            ...(px.bridge ? { bridge: px.bridge } : {}),
            ...(px.vlan !== undefined ? { vlan: px.vlan } : {}),
          },
        }
      : {}),
    ...(capi.sidero ? { sidero: { ...capi.sidero, environment: capi.sidero.environment ?? c.name } } : {}),
  };
}
