import { TALOS_CONTRACTS } from './talos-kubernetes.ts';

/**
 * The typed document kinds of each Talos machine-config contract, as the published schemas
 * list them (../shared/schemas/talos/<version>/config.schema.json; a conformance test keeps this
 * table equal to them), with two kind names corrected to what Talos registers (ERRATA.md):
 * KubeSpanEndpointsConfig (the schema says KubeSpanEndpoints) and, in 1.14, UnattendedInstallConfig
 * (the schema says UnattendedInstall).
 *
 * Named kinds carry a `name`; Talos merges a patch document into the config's document of the
 * same apiVersion, kind and name (unnamed kinds: the same apiVersion and kind) and appends it
 * otherwise (siderolabs/talos@v1.13.9 pkg/machinery/config/configpatcher/strategic.go
 * StrategicMerge, documentID; "named" is Go's config.NamedDocument, the types with a Name()
 * method, which are exactly the schema definitions with a `name` property).
 *
 * Each contract adds kinds and removes none; the lists below are what each one adds.
 */
const ADDED: Readonly<Record<(typeof TALOS_CONTRACTS)[number], { readonly named: readonly string[]; readonly unnamed: readonly string[] }>> = {
  '1.12': {
    named: [
      'BondConfig', 'BridgeConfig', 'DHCPv4Config', 'DHCPv6Config', 'DummyLinkConfig', 'EthernetConfig', 'ExistingVolumeConfig',
      'ExtensionServiceConfig', 'HCloudVIPConfig', 'KmsgLogConfig', 'Layer2VIPConfig', 'LinkAliasConfig', 'LinkConfig', 'NetworkRuleConfig',
      'PCIDriverRebindConfig', 'RawVolumeConfig', 'RegistryAuthConfig', 'RegistryMirrorConfig', 'RegistryTLSConfig', 'StaticHostConfig',
      'SwapVolumeConfig', 'TrustedRootsConfig', 'UserVolumeConfig', 'VLANConfig', 'VolumeConfig', 'WireguardConfig',
    ],
    unnamed: [
      'EventSinkConfig', 'HostnameConfig', 'KubeSpanEndpointsConfig', 'NetworkDefaultActionConfig', 'OOMConfig', 'ResolverConfig',
      'SideroLinkConfig', 'TimeSyncConfig', 'WatchdogTimerConfig', 'ZswapConfig',
    ],
  },
  '1.13': {
    named: ['BlackholeRouteConfig', 'ExternalVolumeConfig', 'RoutingRuleConfig', 'TCPProbeConfig', 'VRFConfig'],
    unnamed: ['EnvironmentConfig', 'KubeSpanConfig'],
  },
  '1.14': {
    named: [
      'BGPInstanceConfig', 'CRICustomizationConfig', 'ContainerConfig', 'DiscoveryServiceConfig', 'EtcFileConfig', 'HTTPProbeConfig',
      'KernelModuleConfig', 'KubeAdmissionControlConfig', 'KubeAuthorizerConfig', 'KubeExternalManifestConfig', 'KubeInlineManifestConfig',
      'KubeStaticPodConfig', 'LVMLogicalVolumeConfig', 'LVMVolumeGroupConfig', 'RAIDArrayConfig', 'VethConfig',
    ],
    unnamed: [
      'CRIBaseRuntimeSpecConfig', 'DiscoveryIdentityConfig', 'FilesystemScrubConfig', 'FilesystemTrimConfig', 'ImageCacheConfig',
      'KubeAPIServerCAConfig', 'KubeAPIServerConfig', 'KubeAggregatorCAConfig', 'KubeAuditPolicyConfig', 'KubeAuthenticationConfig',
      'KubeClusterConfig', 'KubeControllerManagerConfig', 'KubeCoreDNSConfig', 'KubeCredentialProviderConfig', 'KubeEtcdEncryptionConfig',
      'KubeFlannelCNIConfig', 'KubeNetworkConfig', 'KubeNodeConfig', 'KubePrismConfig', 'KubeProxyConfig', 'KubeSchedulerConfig',
      'KubeServiceAccountConfig', 'KubeTalosAPIAccessConfig', 'KubeletConfig', 'SecurityProfileConfig', 'SysctlConfig', 'SysfsConfig',
      'UdevRulesConfig', 'UnattendedInstallConfig',
    ],
  },
};

/** Top-level keys of the v1alpha1 document (`persist` is still accepted and written by gen config: ERRATA.md). */
export const V1ALPHA1_KEYS: readonly string[] = ['version', 'debug', 'persist', 'machine', 'cluster'];

/** Every typed document has this apiVersion in contracts 1.12–1.14. */
export const TYPED_API_VERSION = 'v1alpha1';

export interface DocumentKinds {
  /** Kind → whether its documents are named (merged by kind and name). */
  readonly kinds: ReadonlyMap<string, boolean>;
}

const cache = new Map<string, DocumentKinds>();

/** The kinds a contract knows (its own and every older contract's), or undefined for an unknown contract. */
export function documentKinds(contract: string): DocumentKinds | undefined {
  const index = (TALOS_CONTRACTS as readonly string[]).indexOf(contract);
  if (index < 0) return undefined;
  let known = cache.get(contract);
  if (!known) {
    const kinds = new Map<string, boolean>();
    for (const c of TALOS_CONTRACTS.slice(0, index + 1)) {
      for (const k of ADDED[c].named) kinds.set(k, true);
      for (const k of ADDED[c].unnamed) kinds.set(k, false);
    }
    known = { kinds };
    cache.set(contract, known);
  }
  return known;
}

/** The oldest contract that has a kind (for "arrives in 1.14" hints), or undefined. */
export function firstContractWith(kind: string): string | undefined {
  return TALOS_CONTRACTS.find((c) => ADDED[c].named.includes(kind) || ADDED[c].unnamed.includes(kind));
}

/**
 * Link document kinds that share one namespace of link names: two of them with the same name
 * conflict (siderolabs/talos pkg/machinery/config/types/network/link.go conflictingLinkKinds:
 * v1.12.11 without VRFConfig, v1.13.9 adds it, v1.14.0-rc.1 adds VethConfig; container.New refuses
 * "conflicting documents"). A kind a contract lacks never occurs in its documents.
 */
export const LINK_KINDS: readonly string[] = ['BondConfig', 'BridgeConfig', 'DummyLinkConfig', 'LinkConfig', 'VethConfig', 'VLANConfig', 'VRFConfig', 'WireguardConfig'];

/**
 * v1alpha1 fields Talos refuses next to a typed document that replaced them: the config fails
 * validation with both (each kind's V1Alpha1ConflictValidate, run by container.Validate;
 * siderolabs/talos@v1.12.11, @v1.13.9 and @v1.14.0-rc.1 pkg/machinery/config/types/…). A field
 * conflicts when it is set at all (the checks test for presence). Kinds whose checks need more than
 * presence (VolumeConfig encryption) are left out.
 */
const CONFLICTS_1_12: Readonly<Record<string, readonly string[]>> = {
  // network/hostname.go: a static hostname, or stableHostname (AutoHostname other than addr).
  HostnameConfig: ['machine.network.hostname', 'machine.features.stableHostname'],
  // network/resolver.go.
  ResolverConfig: ['machine.network.nameservers', 'machine.network.searchDomains', 'machine.network.disableSearchDomain'],
  // network/time_sync.go: disabled, servers or bootTimeout of machine.time.
  TimeSyncConfig: ['machine.time.disabled', 'machine.time.servers', 'machine.time.bootTimeout'],
};
const CONFLICTS_1_13: Readonly<Record<string, readonly string[]>> = {
  ...CONFLICTS_1_12,
  // network/kubespan.go.
  KubeSpanConfig: ['machine.network.kubespan'],
};
const CONFLICTS_1_14: Readonly<Record<string, readonly string[]>> = {
  ...CONFLICTS_1_13,
  ResolverConfig: [...CONFLICTS_1_12.ResolverConfig!, 'machine.features.hostDNS'],
  KubeClusterConfig: ['cluster.clusterName', 'cluster.controlPlane.endpoint'],
  KubeNetworkConfig: ['cluster.network'],
  KubeFlannelCNIConfig: ['cluster.network'],
  KubeProxyConfig: ['cluster.proxy'],
  KubeAPIServerConfig: ['cluster.apiServer', 'cluster.controlPlane.localAPIServerPort'],
  KubeAPIServerCAConfig: ['cluster.ca'],
  KubeAggregatorCAConfig: ['cluster.aggregatorCA'],
  KubeControllerManagerConfig: ['cluster.controllerManager', 'machine.controlplane.controllerManager'],
  KubeSchedulerConfig: ['cluster.scheduler', 'machine.controlplane.scheduler'],
  KubeCoreDNSConfig: ['cluster.coreDNS'],
  KubeServiceAccountConfig: ['cluster.serviceAccount'],
  KubeletConfig: ['machine.kubelet'],
  KubeCredentialProviderConfig: ['machine.kubelet'],
  KubePrismConfig: ['machine.features.kubePrism'],
  KubeTalosAPIAccessConfig: ['machine.features.kubernetesTalosAPIAccess'],
  KubeNodeConfig: [
    'cluster.allowSchedulingOnControlPlanes', 'cluster.allowSchedulingOnMasters', 'machine.kubelet.nodeIP', 'machine.kubelet.registerWithFQDN',
    'machine.kubelet.skipNodeRegistration', 'machine.nodeLabels', 'machine.nodeAnnotations', 'machine.nodeTaints',
  ],
  UnattendedInstallConfig: ['machine.install'],
  DiscoveryIdentityConfig: ['cluster.id', 'cluster.secret'],
  DiscoveryServiceConfig: ['cluster.discovery'],
};

/** The v1alpha1 fields each typed kind of a contract cannot be used with. */
export function legacyConflicts(contract: string): Readonly<Record<string, readonly string[]>> {
  return contract === '1.12' ? CONFLICTS_1_12 : contract === '1.13' ? CONFLICTS_1_13 : contract === '1.14' ? CONFLICTS_1_14 : {};
}
