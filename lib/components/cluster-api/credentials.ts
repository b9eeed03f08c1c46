import type { ClusterModel } from '../../model/model.ts';
import type { OperatorSecret } from '../../secrets/operator-secrets.ts';
import { BMC_KEYS } from './sidero.ts';

/**
 * CAPMOX reads `url`, `token` and `secret` from the Secret ProxmoxCluster.spec.credentialsRef names
 * (ionos-cloud/cluster-api-provider-proxmox@00320226 pkg/scope/cluster.go setupProxmoxClient:
 * secret.Data["url"|"token"|"secret"]; the optional `insecure` and `root_ca` tune TLS).
 */
export const PROXMOX_CREDENTIAL_KEYS = ['url', 'token', 'secret'] as const;

/**
 * The Secrets a Cluster API cluster's provider reads that only the operator has: the Proxmox API
 * credentials (CAPMOX credentialsRef) and each bound Sidero server's BMC credentials
 * (Server.spec.bmc.userFrom/passFrom secretKeyRef). They live on the cluster's manager, in its
 * Cluster API namespace — a workload's in its management cluster's tree, a self-managed
 * management cluster's in its own (the runner applies them to the kind cluster before the pivot)
 * — so they are declared for the manager, at the key of the cluster that names them, and
 * supplied like every operator Secret (`secrets/<manager>/secret-<namespace>-<name>.yaml`).
 */
export function clusterApiCredentials(cluster: ClusterModel): OperatorSecret[] {
  const capi = cluster.clusterApi;
  if (!capi || capi.provider === 'packet') return [];
  const at = { cluster: capi.manager, source: cluster.source, namespace: capi.namespace };
  const out: OperatorSecret[] = [];
  if (capi.proxmox?.credentialsSecret) {
    out.push({
      ...at,
      pointer: '/provisioning/clusterApi/proxmox/credentialsSecret',
      name: capi.proxmox.credentialsSecret,
      keys: PROXMOX_CREDENTIAL_KEYS,
      consumer: `CAPMOX (the ProxmoxCluster of ${cluster.name})`,
      hint: 'url: the Proxmox VE API, e.g. https://pve.example.com:8006; token: an API token id, user@realm!name; secret: that token\'s secret',
    });
  }
  capi.pools.forEach((pool, p) =>
    pool.servers.forEach((server, s) => {
      if (!server.bmc) return;
      out.push({
        ...at,
        pointer: `/provisioning/clusterApi/machinePools/${p}/servers/${s}/bmc/credentialsSecret`,
        name: server.bmc.credentialsSecret,
        keys: [BMC_KEYS.user, BMC_KEYS.pass],
        consumer: `Sidero (the BMC of server ${server.uuid})`,
        hint: `${BMC_KEYS.user} and ${BMC_KEYS.pass}: the IPMI user and password of the BMC at ${server.bmc.endpoint}`,
      });
    }),
  );
  return out;
}
