import type { PlatformComponent, UpstreamManifests } from '../../gitops/component.ts';
import type { ClusterModel } from '../../model/model.ts';

const REPOSITORY = { name: 'metrics-server', url: 'https://kubernetes-sigs.github.io/metrics-server/' };
const APPROVER_REPOSITORY = 'https://github.com/alex1989hu/kubelet-serving-cert-approver';

/**
 * The one switch for kubelet serving-certificate rotation, the CSR approver and metrics-server:
 * the Talos intent reads the same `components.metricsServer.enabled`
 * (lib/components/talos/intent.ts kubeletServingCertRotation), so none comes without the others.
 */
export function metricsServerEnabled(cluster: Pick<ClusterModel, 'components'>): boolean {
  return cluster.components.metricsServer?.enabled === true;
}

/**
 * With `rotate-server-certificates` the kubelets ask for serving certificates through CSRs of
 * signer kubernetes.io/kubelet-serving, which Kubernetes never approves by itself: without an
 * approver they stay Pending and `kubectl logs/exec/port-forward` fail on every node. The Talos
 * guide "Deploying Metrics Server" installs alex1989hu/kubelet-serving-cert-approver for this;
 * its `deploy/standalone` kustomization (namespace with restricted Pod Security, RBAC, one
 * replica) is the release's standalone-install.yaml. It reads `deploy/base` as well.
 */
export function kubeletCsrApprover(cluster: ClusterModel): UpstreamManifests {
  return { name: 'kubelet-serving-cert-approver', url: APPROVER_REPOSITORY, tag: cluster.versions.kubeletServingCertApprover, path: 'deploy/standalone', include: ['deploy'], prune: true };
}

/**
 * metrics-server with its chart defaults: it verifies the kubelets' serving certificates (no
 * --kubelet-insecure-tls), which the rotation above has the cluster CA sign; its own API
 * certificate is made by metrics-server at start (`tls.type: metrics-server`, chart 3.13.1), so
 * nothing is generated at render time and Argo CD sees no drift.
 */
export const metricsServerComponent: PlatformComponent = {
  name: 'metrics-server',
  enabled: (c) => metricsServerEnabled(c),
  build({ cluster }) {
    const spec = cluster.components.metricsServer!;
    const namespace = spec.namespace ?? 'kube-system';
    const version = spec.version ?? cluster.versions.metricsServer;
    return {
      ...(namespace === 'kube-system' ? {} : { namespace: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } }),
      manifests: [kubeletCsrApprover(cluster)],
      releases: [
        {
          name: spec.releaseName ?? 'metrics-server',
          namespace,
          repository: REPOSITORY,
          chart: 'metrics-server',
          version,
          values: { ...spec.values },
          valuesRef: { chart: 'metrics-server', version },
        },
      ],
    };
  },
};
