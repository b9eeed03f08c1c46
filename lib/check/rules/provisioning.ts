import { quote } from '../../diagnostics/diagnostic.ts';
import type { ClusterFacts } from '../context.ts';

/** How the machines are provisioned: method vs provider settings, control planes, pools, servers. */
export function checkProvisioning({ c, file, emit, method, nodes }: ClusterFacts): void {
  const pools = c.provisioning.clusterApi?.machinePools ?? [];
  // Provisioning shape.
  if (method === 'talosctl' && c.provisioning.clusterApi) {
    emit(file, '/provisioning/clusterApi', 'provisioning/unused-cluster-api', 'clusterApi is set but method is "talosctl"; set method: cluster-api or remove clusterApi');
  }
  if (method === 'cluster-api' && nodes.length > 0) {
    emit(file, '/nodes', 'provisioning/nodes-with-cluster-api', 'nodes are machines provisioned with talosctl; a cluster-api cluster describes its machines in provisioning.clusterApi.machinePools');
  }
  const capi = c.provisioning.clusterApi;
  if (method === 'cluster-api' && capi) {
    if (!capi[capi.provider]) {
      emit(file, '/provisioning/clusterApi', 'provisioning/provider-settings', `provider ${quote(capi.provider)} needs its settings under clusterApi.${capi.provider}`);
    }
    for (const other of ['proxmox', 'packet', 'sidero'] as const) {
      if (other !== capi.provider && capi[other]) {
        emit(file, `/provisioning/clusterApi/${other}`, 'provisioning/provider-settings', `settings for ${quote(other)} but the provider is ${quote(capi.provider)}`);
      }
    }
    if (capi.provider === 'packet') {
      emit(file, '/provisioning/clusterApi/provider', 'provisioning/retired-provider', 'provider "packet" is retired: Equinix Metal shut down on 2026-06-30; orrery will not generate Cluster API objects for it (move the cluster to proxmox or talosctl)', 'warning');
    }
  }
  if (c.endpoint.mode === 'provider' && method !== 'cluster-api') {
    emit(file, '/endpoint/mode', 'endpoint/provider-without-cluster-api', 'endpoint mode "provider" needs an infrastructure provider: use mode vip or dns for talosctl clusters');
  }

  // Control-plane count.
  const controlPlanes =
    method === 'talosctl'
      ? nodes.filter((n) => n.role === 'controlplane').length
      : pools.filter((p) => p.role === 'controlplane').reduce((sum, p) => sum + p.replicas, 0);
  const cpWhere = method === 'talosctl' ? (nodes.length > 0 ? '/nodes' : '') : '/provisioning/clusterApi/machinePools';
  if (controlPlanes === 0) {
    emit(file, cpWhere, 'nodes/no-control-plane', 'the cluster has no control-plane node; add at least one node (or pool replica) with role: controlplane');
  } else if (controlPlanes % 2 === 0) {
    emit(file, cpWhere, 'nodes/even-control-planes', `${controlPlanes} control-plane nodes: etcd needs a majority, so an even count tolerates no more failures than one less; use ${controlPlanes - 1} or ${controlPlanes + 1}`, 'warning');
  }
  const poolNames = new Map<string, number>();
  const serverUuids = new Set<string>();
  pools.forEach((p, i) => {
    const servers = p.servers ?? [];
    if (servers.length > 0 && capi?.provider !== 'sidero') {
      emit(file, `/provisioning/clusterApi/machinePools/${i}/servers`, 'provisioning/servers-not-sidero', 'servers bind machines to registered bare-metal servers; only the sidero provider has them');
    }
    if (servers.length > p.replicas) {
      emit(file, `/provisioning/clusterApi/machinePools/${i}/servers`, 'provisioning/servers-exceed-replicas', `${servers.length} servers are bound but the pool has ${p.replicas} replica(s)`);
    }
    servers.forEach((srv, k) => {
      const uuid = srv.uuid.toLowerCase();
      if (serverUuids.has(uuid)) emit(file, `/provisioning/clusterApi/machinePools/${i}/servers/${k}/uuid`, 'provisioning/duplicate-server', `server ${quote(srv.uuid)} is bound twice`);
      serverUuids.add(uuid);
    });
    if (poolNames.has(p.name)) emit(file, `/provisioning/clusterApi/machinePools/${i}/name`, 'names/duplicate-pool', `machine pool ${quote(p.name)} is declared twice (first at index ${poolNames.get(p.name)})`);
    else poolNames.set(p.name, i);
  });

  if (c.kubernetes?.allowSchedulingOnControlPlanes === undefined && method === 'talosctl' && nodes.length > 0 && nodes.every((n) => n.role === 'controlplane')) {
    emit(file, '/nodes', 'nodes/no-workers', 'every node is a control plane but allowSchedulingOnControlPlanes is not set: workloads would have nowhere to run', 'warning');
  }
}
