import type { KubeObject } from '../../build/artifacts.ts';
import type { ClusterApiModel, ClusterModel, MachinePoolModel } from '../../model/model.ts';
import { talosIntent } from '../talos/intent.ts';
import { clusterApiPatches } from '../talos/cluster-api-patches.ts';
import { API, CLUSTER_NAME_LABEL, controlPlaneEndpoint, DEPLOYMENT_NAME_LABEL, group, names } from './api.ts';
import type { Infrastructure } from './infrastructure.ts';
import { proxmoxInfrastructure } from './proxmox.ts';
import { sideroInfrastructure } from './sidero.ts';
import { templateName } from './template-name.ts';

/**
 * Worker health: replace a machine whose node has not been Ready for 5 minutes, or never showed
 * up within 15 (the values of CAPMOX's examples/MachineHealthCheck). The 40% ceiling is what keeps
 * a fresh cluster alive: every node is NotReady until the CNI runs, so 100% are unhealthy and
 * remediation waits (MachineHealthCheck triggerIf.unhealthyLessThanOrEqualTo). Control planes get
 * none: CACPPT v0.5 implements no remediation (nothing in its controllers handles it).
 */
const HEALTH = {
  nodeStartupTimeoutSeconds: 900,
  unhealthyNodeConditions: [
    { type: 'Ready', status: 'Unknown', timeoutSeconds: 300 },
    { type: 'Ready', status: 'False', timeoutSeconds: 300 },
  ],
  maxUnhealthy: '40%',
};

/** One extra machine per pool while it rolls: CACPPT's default rollingUpdate.maxSurge and the MachineDeployment's below. */
export const ROLLOUT_SURGE = 1;

export interface PoolObjects {
  readonly pool: MachinePoolModel;
  /** The pool's machine template (content-hashed name). */
  readonly machineTemplate: string;
  /** Workers: the TalosConfigTemplate (content-hashed name); control planes: the TalosControlPlane. */
  readonly talosConfig: string;
}

export interface ClusterApiObjects {
  readonly objects: readonly KubeObject[];
  readonly pools: readonly PoolObjects[];
  readonly infrastructure: Infrastructure;
}

function infrastructureOf(cluster: ClusterModel, capi: ClusterApiModel): Infrastructure | undefined {
  if (capi.proxmox) return proxmoxInfrastructure(cluster, capi.proxmox, capi.namespace);
  if (capi.provider === 'sidero') return sideroInfrastructure(cluster, capi.sidero ?? { environment: cluster.name }, capi.namespace, capi.pools);
  return undefined;
}

/**
 * Every Cluster API object of one cluster, in the namespace its management cluster keeps it in.
 * Packet (retired) yields nothing. Pure.
 */
export function clusterApiObjects(cluster: ClusterModel): ClusterApiObjects | undefined {
  const capi = cluster.clusterApi;
  if (!capi) return undefined;
  const infra = infrastructureOf(cluster, capi);
  if (!infra) return undefined;
  const ns = capi.namespace;
  const meta = (name: string, labels: Record<string, string> = {}): KubeObject['metadata'] => ({ name, namespace: ns, labels: { [CLUSTER_NAME_LABEL]: cluster.name, ...labels } });
  const version = `v${cluster.kubernetes.version}`;
  const talosVersion = `v${cluster.talos.contract}`;
  const patches = new Map(clusterApiPatches(talosIntent(cluster), cluster.talos.contract).map((p) => [p.pool.name, p.strategicPatches]));
  const objects: KubeObject[] = [infra.cluster, ...infra.extra];
  const pools: PoolObjects[] = [];
  let controlPlane: string | undefined;

  for (const pool of capi.pools) {
    const spec = infra.templateSpec(pool);
    const machineTemplate = templateName(`${cluster.name}-${pool.name}`, { kind: infra.templateKind, spec });
    objects.push({ apiVersion: infra.apiVersion, kind: infra.templateKind, metadata: meta(machineTemplate), spec });
    const configSpec = {
      generateType: pool.role === 'controlplane' ? 'controlplane' : 'worker',
      // The config contract, set explicitly as CABPT's field docs recommend.
      talosVersion,
      // CABPT writes a HostnameConfig with the Machine's name (Talos >= 1.12).
      hostname: { source: 'MachineName' },
      strategicPatches: [...(patches.get(pool.name) ?? [])],
    };
    if (pool.role === 'controlplane') {
      controlPlane = names.controlPlane(cluster.name, pool.name);
      objects.push({
        apiVersion: API.controlPlane,
        kind: 'TalosControlPlane',
        metadata: meta(controlPlane),
        spec: {
          replicas: pool.replicas,
          version,
          // v1alpha3 takes a core/v1 ObjectReference here (with apiVersion), unlike the v1beta2 refs.
          infrastructureTemplate: { apiVersion: infra.apiVersion, kind: infra.templateKind, name: machineTemplate, namespace: ns },
          controlPlaneConfig: { controlplane: configSpec },
          rolloutStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: ROLLOUT_SURGE } },
        },
      });
      pools.push({ pool, machineTemplate, talosConfig: controlPlane });
      continue;
    }
    const configTemplate = templateName(`${cluster.name}-${pool.name}`, { kind: 'TalosConfigTemplate', configSpec });
    const deployment = names.deployment(cluster.name, pool.name);
    const selector = { [CLUSTER_NAME_LABEL]: cluster.name, [DEPLOYMENT_NAME_LABEL]: deployment };
    objects.push(
      { apiVersion: API.bootstrap, kind: 'TalosConfigTemplate', metadata: meta(configTemplate), spec: { template: { spec: configSpec } } },
      {
        apiVersion: API.core,
        kind: 'MachineDeployment',
        metadata: meta(deployment),
        spec: {
          clusterName: cluster.name,
          replicas: pool.replicas,
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: selector },
            spec: {
              clusterName: cluster.name,
              version,
              bootstrap: { configRef: { apiGroup: group(API.bootstrap), kind: 'TalosConfigTemplate', name: configTemplate } },
              infrastructureRef: { apiGroup: group(infra.apiVersion), kind: infra.templateKind, name: machineTemplate },
            },
          },
          rollout: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: ROLLOUT_SURGE, maxUnavailable: 0 } } },
        },
      },
      {
        apiVersion: API.core,
        kind: 'MachineHealthCheck',
        metadata: meta(deployment),
        spec: {
          clusterName: cluster.name,
          selector: { matchLabels: { [DEPLOYMENT_NAME_LABEL]: deployment } },
          checks: { nodeStartupTimeoutSeconds: HEALTH.nodeStartupTimeoutSeconds, unhealthyNodeConditions: HEALTH.unhealthyNodeConditions.map((c) => ({ ...c })) },
          remediation: { triggerIf: { unhealthyLessThanOrEqualTo: HEALTH.maxUnhealthy } },
        },
      },
    );
    pools.push({ pool, machineTemplate, talosConfig: configTemplate });
  }

  if (!controlPlane) throw new Error(`cluster ${cluster.name} has no control-plane pool (checks require one)`);
  objects.push({
    apiVersion: API.core,
    kind: 'Cluster',
    metadata: meta(cluster.name),
    spec: {
      // CABPT copies these into the generated Talos config (genConfigs): the intent's networks and
      // endpoint reach the machines through here, not through patches.
      clusterNetwork: { pods: { cidrBlocks: [cluster.network.podCidr] }, services: { cidrBlocks: [cluster.network.serviceCidr] } },
      controlPlaneEndpoint: controlPlaneEndpoint(cluster),
      // v1beta2 references name the API group; Cluster API resolves the version from the CRD.
      infrastructureRef: { apiGroup: group(infra.apiVersion), kind: infra.clusterKind, name: cluster.name },
      controlPlaneRef: { apiGroup: group(API.controlPlane), kind: 'TalosControlPlane', name: controlPlane },
    },
  });
  return { objects, pools, infrastructure: infra };
}
