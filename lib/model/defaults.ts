/**
 * Every default orrery applies, in one place. The schema documents the same values. It sits
 * below the stages: check (version rules), resolve (which fills the model from it) and the
 * components (fixed facts such as the KubePrism port) all read it; nothing here imports a stage.
 */
export const DEFAULT_VERSIONS = {
  talos: 'v1.13.9',
  kubernetes: '1.36.2',
  cilium: '1.19.5',
  metallb: '0.16.1',
  certManager: 'v1.21.1',
  externalDns: '1.21.1',
  metricsServer: '3.13.1',
  rookCeph: 'v1.20.6',
  linkerd: 'edge-26.8.3',
  gatewayApi: 'v1.6.1',
  contour: '0.7.0',
  envoyGateway: 'v1.9.0',
  /** alex1989hu/kubelet-serving-cert-approver release tag (the approver the Talos metrics-server guide installs). */
  kubeletServingCertApprover: 'v0.11.0',
} as const;

export type ComponentVersions = { -readonly [K in keyof typeof DEFAULT_VERSIONS]: string };

export const DEFAULTS = {
  gitops: {
    engine: 'flux' as const,
    branch: 'main',
    path: 'dist',
    argocd: { namespace: 'argocd', project: 'default', automated: true, prune: true, selfHeal: true },
    flux: { workloadsFromManagement: false },
  },
  endpointPort: 6443,
  cni: 'cilium' as const,
  cilium: {
    kubeProxyReplacement: true,
    hubble: { relay: true, ui: true },
    ingressController: { enabled: false, loadbalancerMode: 'dedicated' as const },
    gatewayApi: false,
    clusterMeshServiceType: 'LoadBalancer' as const,
  },
  loadBalancingProvider: 'none' as const,
  dataDisk: { purpose: 'ceph' as const, wipe: false },
  kubespan: false,
  allowSchedulingOnControlPlanes: false,
  clusterApiNamespace: 'default',
  /** KubePrism: Talos's local API load balancer; Cilium talks to it instead of kube-proxy. */
  kubePrismPort: 7445,
} as const;
