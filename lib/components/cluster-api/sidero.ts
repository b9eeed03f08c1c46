import type { KubeObject } from '../../build/artifacts.ts';
import type { ClusterModel, MachinePoolModel } from '../../model/model.ts';
import type { SideroProvider } from '../../spec/types.generated.ts';
import { resolveSchematic } from '../talos/schematic.ts';
import { factoryPxeAssets, talosDefaultKernelArgs } from '../talos/kernel-args.ts';
import { compareCodePoints } from '../../util/order.ts';
import { API, controlPlaneEndpoint, CLUSTER_NAME_LABEL } from './api.ts';
import type { Infrastructure } from './infrastructure.ts';

/** Label orrery puts on the Servers it binds to a pool; the pool's ServerClass selects it. */
export const POOL_LABEL = 'orrery.dev/machine-pool';
/** Which cluster a cluster-scoped Sidero object is for (not Cluster API's own label: these are not Cluster API objects). */
const CLUSTER_LABEL = 'orrery.dev/cluster';
/** BMC credential keys orrery expects in the operator's Secret. */
export const BMC_KEYS = { user: 'user', pass: 'pass' } as const;

export const serverClassName = (cluster: string, pool: string): string => `${cluster}-${pool}`;

/**
 * The Environment a cluster's servers PXE-boot: the cluster's Talos release built from its
 * schematic, with the command line Sidero's own default Environment uses (Talos's defaults, the
 * consoles, `initrd=initramfs.xz`, `talos.platform=metal`, sorted — sidero@v0.6.13
 * api/v1alpha2 environment_types.go EnvironmentDefaultSpec) plus the schematic's kernel arguments and
 * `talos.config=<metadata server>/configdata?uuid=`. Without that argument Sidero appends its own
 * API endpoint (internal/ipxe/ipxe_server.go appendTalosArguments).
 */
function environment(cluster: ClusterModel, sidero: SideroProvider & { environment: string }): KubeObject {
  const schematic = resolveSchematic(cluster.talos.schematic);
  const assets = factoryPxeAssets(schematic.id, cluster.talos.version);
  const args = [
    ...talosDefaultKernelArgs(cluster.talos.version),
    'console=tty0',
    'console=ttyS0',
    'earlyprintk=ttyS0',
    'initrd=initramfs.xz',
    'talos.platform=metal',
    ...(cluster.talos.schematic?.extraKernelArgs ?? []),
    ...(sidero.metadataServerUrl ? [`talos.config=${sidero.metadataServerUrl.replace(/\/$/, '')}/configdata?uuid=`] : []),
  ].sort(compareCodePoints);
  return {
    apiVersion: API.sidero,
    kind: 'Environment',
    metadata: { name: sidero.environment, labels: { [CLUSTER_LABEL]: cluster.name } },
    spec: { kernel: { url: assets.kernel, args }, initrd: { url: assets.initramfs } },
  };
}

/** The ServerClass a pool draws from: its bound servers, or (none bound) any accepted server. */
function serverClass(cluster: ClusterModel, pool: MachinePoolModel, env: string): KubeObject {
  const name = serverClassName(cluster.name, pool.name);
  return {
    apiVersion: API.sidero,
    kind: 'ServerClass',
    metadata: { name, labels: { [CLUSTER_LABEL]: cluster.name } },
    spec: {
      environmentRef: { apiVersion: API.sidero, kind: 'Environment', name: env },
      qualifiers: {},
      selector: pool.servers.length > 0 ? { matchLabels: { [POOL_LABEL]: name } } : {},
    },
  };
}

/**
 * A server the spec binds, registered ahead of its first PXE boot: Sidero's registration finds the
 * Server by its UUID and keeps it (internal/server/server.go CreateServer creates only missing ones),
 * skips BMC auto-setup when spec.bmc is set, and only accepted servers are wiped and used.
 */
function server(cluster: ClusterModel, pool: MachinePoolModel, srv: MachinePoolModel['servers'][number], namespace: string): KubeObject {
  const ref = (key: string): Record<string, unknown> => ({ secretKeyRef: { namespace, name: srv.bmc!.credentialsSecret, key } });
  return {
    apiVersion: API.sidero,
    kind: 'Server',
    metadata: { name: srv.uuid.toLowerCase(), labels: { [POOL_LABEL]: serverClassName(cluster.name, pool.name), [CLUSTER_LABEL]: cluster.name } },
    spec: {
      accepted: true,
      ...(srv.bmc ? { bmc: { endpoint: srv.bmc.endpoint, userFrom: ref(BMC_KEYS.user), passFrom: ref(BMC_KEYS.pass) } } : {}),
    },
  };
}

/**
 * Sidero Metal v0.6 (maintenance mode): MetalCluster and MetalMachineTemplate
 * (infrastructure.cluster.x-k8s.io/v1alpha3) plus the cluster-scoped metal.sidero.dev objects.
 * Sidero's CAPS sets each Node's providerID itself (caps-controller-manager metalmachine_controller.go
 * patchProviderID), so no cloud controller manager is needed.
 */
export function sideroInfrastructure(cluster: ClusterModel, sidero: SideroProvider & { environment: string }, namespace: string, pools: readonly MachinePoolModel[]): Infrastructure {
  const ownClass = (pool: MachinePoolModel): boolean => pool.servers.length > 0 || (pool.machine.serverClass ?? sidero.serverClass) === undefined;
  const classOf = (pool: MachinePoolModel): string => (ownClass(pool) ? serverClassName(cluster.name, pool.name) : (pool.machine.serverClass ?? sidero.serverClass)!);
  return {
    apiVersion: API.metal,
    clusterKind: 'MetalCluster',
    templateKind: 'MetalMachineTemplate',
    cluster: {
      apiVersion: API.metal,
      kind: 'MetalCluster',
      metadata: { name: cluster.name, namespace, labels: { [CLUSTER_NAME_LABEL]: cluster.name } },
      spec: { controlPlaneEndpoint: controlPlaneEndpoint(cluster) },
    },
    templateSpec: (pool) => ({ template: { spec: { serverClassRef: { apiVersion: API.sidero, kind: 'ServerClass', name: classOf(pool) } } } }),
    extra: [
      environment(cluster, sidero),
      ...pools.filter(ownClass).map((p) => serverClass(cluster, p, sidero.environment)),
      ...pools.flatMap((p) => p.servers.map((s) => server(cluster, p, s, namespace))),
    ],
  };
}
