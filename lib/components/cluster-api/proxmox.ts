import type { ClusterModel, MachinePoolModel, ProxmoxModel } from '../../model/model.ts';
import { API, CLUSTER_NAME_LABEL, controlPlaneEndpoint } from './api.ts';
import type { Infrastructure } from './infrastructure.ts';

/** The primary network device of a CAPMOX machine is the one named net0 (CAPMOX docs/migration-v0.8-v1alpha2.md). */
const PRIMARY_DEVICE = 'net0';

/**
 * CAPMOX (infrastructure.cluster.x-k8s.io/v1alpha2, v0.9): one ProxmoxCluster and a
 * ProxmoxMachineTemplate per pool. Talos specifics CAPMOX ships no flavor for:
 * - checks.skipCloudInitStatus / skipQemuGuestAgent: Talos runs no cloud-init, and the guest agent
 *   only with an extension; without them provisioning stalls on "unable to get cloud-init status"
 *   (CAPMOX#291; the fields exist "for specific Operating Systems like TalOS", api/v1alpha2 proxmoxmachine_types.go).
 * - metadataSettings.providerIDInjection: CAPMOX writes `provider-id: proxmox://<bios uuid>` into the
 *   NoCloud meta-data (pkg/cloudinit/metadata.go), Talos keeps it as platform metadata, and the Talos
 *   CCM (delivered through the Talos config) copies it to Node.spec.providerID — the value CAPMOX puts
 *   in ProxmoxMachine.spec.providerID, so Machines get their nodeRef.
 * - the one network device uses the virtio model, which the Talos link alias selects (intent.ts).
 */
export function proxmoxInfrastructure(cluster: ClusterModel, px: ProxmoxModel, namespace: string): Infrastructure {
  const endpoint = controlPlaneEndpoint(cluster);
  return {
    apiVersion: API.proxmox,
    clusterKind: 'ProxmoxCluster',
    templateKind: 'ProxmoxMachineTemplate',
    cluster: {
      apiVersion: API.proxmox,
      kind: 'ProxmoxCluster',
      metadata: { name: cluster.name, namespace, labels: { [CLUSTER_NAME_LABEL]: cluster.name } },
      spec: {
        controlPlaneEndpoint: endpoint,
        // CAPMOX creates the InClusterIPPool `<cluster>-v4-icip` from this (pkg/kubernetes/ipam/ipam.go).
        ipv4Config: { addresses: [...px.ipv4Pool.addresses], prefix: px.ipv4Pool.prefix, gateway: px.ipv4Pool.gateway },
        dnsServers: [...px.dnsServers],
        allowedNodes: [...px.allowedNodes],
        ...(px.credentialsSecret ? { credentialsRef: { name: px.credentialsSecret, namespace } } : {}),
      },
    },
    templateSpec: (pool: MachinePoolModel) => proxmoxMachineSpec(px, pool),
    extra: [],
  };
}

function proxmoxMachineSpec(px: ProxmoxModel, pool: MachinePoolModel): Record<string, unknown> {
  const m = pool.machine;
  return {
    template: {
      spec: {
        sourceNode: px.template.sourceNode,
        templateID: px.template.templateId,
        full: true,
        ...(m.sockets !== undefined ? { numSockets: m.sockets } : {}),
        ...(m.cores !== undefined ? { numCores: m.cores } : {}),
        ...(m.memoryMiB !== undefined ? { memoryMiB: m.memoryMiB } : {}),
        ...(m.diskGiB !== undefined ? { disks: { bootVolume: { disk: px.template.bootDisk, sizeGb: m.diskGiB } } } : {}),
        // A VLAN tag is Proxmox's (tag= on the device): the VM sees untagged frames, Talos needs no VLANConfig.
        network: { networkDevices: [{ name: PRIMARY_DEVICE, ...(px.bridge ? { bridge: px.bridge } : {}), model: 'virtio', ...(px.vlan !== undefined ? { vlan: px.vlan } : {}) }] },
        checks: { skipCloudInitStatus: true, skipQemuGuestAgent: true },
        metadataSettings: { providerIDInjection: true },
      },
    },
  };
}
