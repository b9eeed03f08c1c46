import type { PlatformComponent } from '../../gitops/component.ts';
import { ingressEntry } from '../../model/facts/ingress.ts';
import { gatewayClass, ingressGateway } from '../ingress/gateway.ts';

/** The chart is published only as an OCI artifact (envoyproxy/gateway@v1.9.0 site install-helm.md). */
const REPOSITORY = { name: 'envoyproxy', url: 'oci://docker.io/envoyproxy' };
const CONTROLLER_NAME = 'gateway.envoyproxy.io/gatewayclass-controller';
export const ENVOY_GATEWAY_CLASS = 'envoy-gateway';

/**
 * Envoy Gateway as the ingress controller: its own CRDs, the gateway-helm chart without CRDs,
 * the GatewayClass and the Gateway `ingress`.
 *
 * gateway-helm's `crds.enabled` (default true) installs Gateway API v1.6.1 *experimental* CRDs
 * together with Envoy Gateway's own; the standard CRDs orrery applies carry the safe-upgrades
 * ValidatingAdmissionPolicy that refuses experimental CRDs over standard ones
 * (gateway-api@v1.6.1 config/crd/standard/gateway.networking.k8s.io_vap_safeupgrades.yaml). So the
 * chart runs with `crds.enabled: false` ("Set to false when these resources are managed
 * separately", values.yaml) and Envoy Gateway's own CRDs come from the same release tag, the very
 * files of the chart's crds subchart (charts/gateway-helm/charts/crds/crds/generated), as the
 * project's "Installing CRDs separately" guide prescribes.
 *
 * The Gateway's `spec.infrastructure` annotations and labels go onto the Envoy Service
 * (internal/gatewayapi/translator.go buildIR → proxy metadata → internal/infrastructure/kubernetes/
 * proxy/resource_provider.go Service()). `spec.addresses` is not used: for a LoadBalancer Service
 * Envoy Gateway turns it into `externalIPs`, which no load balancer announces.
 */
export const envoyGatewayComponent: PlatformComponent = {
  name: 'envoy-gateway',
  dependsOn: ['gateway-api'],
  enabled: (c) => ingressEntry(c)?.controller === 'envoy-gateway',
  build({ cluster }) {
    const entry = ingressEntry(cluster)!;
    const spec = cluster.components.ingress!;
    const version = spec.version ?? cluster.versions.envoyGateway;
    return {
      // Talos enforces baseline by default; the controller and the Envoy proxies need no more.
      namespace: { name: entry.namespace, labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
      manifests: [{ name: 'envoy-gateway-crds', url: 'https://github.com/envoyproxy/gateway', tag: version, path: 'charts/gateway-helm/charts/crds/crds/generated', prune: false }],
      releases: [
        {
          name: entry.releaseName!,
          namespace: entry.namespace,
          repository: REPOSITORY,
          chart: 'gateway-helm',
          version,
          values: { crds: { enabled: false }, ...spec.values },
          valuesRef: { chart: 'gateway-helm', version },
        },
      ],
      objects: { configs: [gatewayClass(ENVOY_GATEWAY_CLASS, CONTROLLER_NAME), ingressGateway(cluster, entry, ENVOY_GATEWAY_CLASS, { infrastructure: true })] },
    };
  },
};
