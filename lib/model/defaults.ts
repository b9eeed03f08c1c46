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
  // Cluster API providers, installed with clusterctl init on the bootstrap and the management
  // cluster alike. A set known to work together (../shared/research/capi-runner.md §1.1): core
  // 1.12 is the newest line CAPMOX v0.9 is tested with (its README) and supports Kubernetes 1.36
  // from v1.12.8 (cluster-api@v1.14.0 docs/book/src/reference/versions.md); CABPT v0.6.13 and
  // CACPPT v0.5.14 are the releases that reach Talos 1.14 (CACPPT PR #272), v0.6.12/v0.5.13 stop at 1.13.
  clusterApi: 'v1.12.11',
  cabpt: 'v0.6.13',
  cacppt: 'v0.5.14',
  capmox: 'v0.9.0',
  // CAPMOX v0.9.0's go.mod pins the in-cluster IPAM provider at v1.1.0 (the v1beta2 contract).
  ipamInCluster: 'v1.1.0',
  sidero: 'v0.6.13',
  talosCcm: 'v1.12.0',
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
  /** CAPMOX resizes this slot (its bootVolume.disk); scsi0 is the boot disk of its own templates (docs/Usage.md BOOT_VOLUME_DEVICE). */
  proxmoxBootDisk: 'scsi0',
  extraDiskPurpose: 'ceph' as const,
  /** KubePrism: Talos's local API load balancer; Cilium talks to it instead of kube-proxy. */
  kubePrismPort: 7445,
  bondName: 'bond0',
  /**
   * LACP bonds: Talos warns when miimon, updelay or downdelay is unset for 802.3ad
   * (siderolabs/talos@v1.13.9 pkg/machinery/config/types/network/bond.go validateFor8023AD);
   * these are the values of Talos's own BondConfig example there.
   */
  lacpTimers: { miimon: 100, updelay: 200, downdelay: 200 },
} as const;
