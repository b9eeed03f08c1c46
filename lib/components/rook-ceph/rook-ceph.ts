import type { PlatformComponent } from '../../gitops/component.ts';
import type { ClusterModel } from '../../model/model.ts';
import { effectiveMonCount, effectiveReplicas, monCapableNodes, rookCephCluster } from '../../model/facts/rook-ceph.ts';
import { cephStorage } from './storage.ts';

const REPOSITORY = { name: 'rook-release', url: 'https://charts.rook.io/release' };

export function rookEnabled(cluster: Pick<ClusterModel, 'components'>): boolean {
  return rookCephCluster(cluster) !== undefined;
}

/**
 * The chart's default block pool (rook-ceph-cluster v1.20.6 values.yaml `cephBlockPools[0]`) as
 * typed data: Helm replaces a list value wholesale, so setting the pool's size means restating
 * the StorageClass parameters too (the CSI secret names the chart's `tpl` fills in). A test
 * compares this with the chart's values.yaml.
 */
function blockPool(replicas: number, isDefault: boolean): Record<string, unknown> {
  const ns = '{{ .Release.Namespace }}';
  return {
    name: 'ceph-blockpool',
    spec: { failureDomain: 'host', replicated: { size: replicas } },
    storageClass: {
      enabled: true,
      name: 'ceph-block',
      annotations: {},
      labels: {},
      isDefault,
      reclaimPolicy: 'Delete',
      allowVolumeExpansion: true,
      volumeBindingMode: 'Immediate',
      mountOptions: [],
      allowedTopologies: [],
      parameters: {
        imageFormat: '2',
        imageFeatures: 'layering',
        'csi.storage.k8s.io/provisioner-secret-name': 'rook-csi-rbd-provisioner',
        'csi.storage.k8s.io/provisioner-secret-namespace': ns,
        'csi.storage.k8s.io/controller-expand-secret-name': 'rook-csi-rbd-provisioner',
        'csi.storage.k8s.io/controller-expand-secret-namespace': ns,
        'csi.storage.k8s.io/controller-publish-secret-name': 'rook-csi-rbd-provisioner',
        'csi.storage.k8s.io/controller-publish-secret-namespace': ns,
        'csi.storage.k8s.io/node-stage-secret-name': 'rook-csi-rbd-node',
        'csi.storage.k8s.io/node-stage-secret-namespace': ns,
        'csi.storage.k8s.io/fstype': 'ext4',
      },
    },
  };
}

/**
 * Rook Ceph on Talos (siderolabs docs "Ceph Cluster with Rook"; seed 002): the operator chart,
 * then the cluster chart with `operatorNamespace`, both in one namespace labelled privileged
 * (the Ceph daemons and CSI plugins need host devices). `dataDirHostPath: /var/lib/rook` (the
 * Talos guide's, under Talos's writable /var). Storage comes from the disks with purpose ceph
 * (./storage.ts); one replicated block pool with failure domain host and its StorageClass; no
 * CephFilesystem or CephObjectStore unless the operator adds them through `values` (the chart's
 * defaults would create both, with an erasure-coded pool that needs three hosts).
 *
 * Deletion safety: the operator chart's CRDs carry `helm.sh/resource-policy: keep`; the
 * CephCluster gets the same annotation (uninstalling the release keeps it; Argo CD treats it as
 * Delete=false since v2.8, argo-cd#13157) and Argo CD's Prune=false,Delete=false, because Argo CD
 * still prunes a kept object that leaves the rendered chart (argo-cd#17819).
 */
export const rookCephComponent: PlatformComponent = {
  name: 'rook-ceph',
  enabled: (c) => rookEnabled(c),
  build({ cluster }) {
    const spec = cluster.components.rookCeph!;
    const { namespace } = rookCephCluster(cluster)!;
    const version = spec.version ?? cluster.versions.rookCeph;
    const mgrCount = Math.min(2, Math.max(1, monCapableNodes(cluster)));
    return {
      namespace: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
      releases: [
        {
          name: 'rook-ceph',
          namespace,
          repository: REPOSITORY,
          chart: 'rook-ceph',
          version,
          // The CRDs come with the operator and stay (the chart marks them keep).
          values: { crds: { enabled: true } },
          valuesRef: { chart: 'rook-ceph', version },
        },
        {
          name: spec.releaseName ?? 'rook-ceph-cluster',
          namespace,
          repository: REPOSITORY,
          chart: 'rook-ceph-cluster',
          version,
          dependsOn: ['rook-ceph'],
          values: {
            operatorNamespace: namespace,
            cephClusterMetadata: { annotations: { 'helm.sh/resource-policy': 'keep', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' } },
            cephClusterSpec: {
              dataDirHostPath: '/var/lib/rook',
              mon: { count: effectiveMonCount(cluster), allowMultiplePerNode: false },
              // The chart's two managers need two nodes (allowMultiplePerNode: false).
              mgr: { count: mgrCount, allowMultiplePerNode: false },
              dashboard: { enabled: spec.cluster?.dashboard ?? true },
              storage: cephStorage(cluster),
            },
            cephBlockPools: [blockPool(effectiveReplicas(cluster), spec.cluster?.defaultStorageClass ?? true)],
            cephFileSystems: [],
            cephObjectStores: [],
            ...spec.values,
          },
          valuesRef: { chart: 'rook-ceph-cluster', version },
        },
      ],
    };
  },
};
