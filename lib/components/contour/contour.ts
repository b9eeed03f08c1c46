import type { PlatformComponent } from '../../gitops/component.ts';
import { INGRESS_GATEWAY, ingressEntry } from '../../model/facts/ingress.ts';
import { gatewayClass, ingressGateway, ingressPoolBinding, serviceMetadata } from '../ingress/gateway.ts';

/** The Contour project's own chart repository (projectcontour/helm-charts README). */
const REPOSITORY = { name: 'contour', url: 'https://projectcontour.github.io/helm-charts/' };
/** The controller name Contour's Gateway API support answers to (Contour docs "Using Gateway API with Contour"). */
const CONTROLLER_NAME = 'projectcontour.io/gateway-controller';
export const CONTOUR_CLASS = 'contour';

/**
 * Contour as the ingress controller (seed 002 ran the bitnami chart; the Contour project's own
 * chart 0.7.0 replaces it). The chart deploys one Contour and one Envoy with a static
 * LoadBalancer Service; Contour serves the Gateway API in its "statically provisioned" mode:
 * a GatewayClass with controllerName projectcontour.io/gateway-controller, one Gateway, and
 * `gateway.gatewayRef` in contour.yaml naming it (projectcontour/contour@v1.33.6
 * pkg/config/parameters.go GatewayParameters; the chart renders `configInline` as contour.yaml,
 * templates/contour/configmap.yaml). The Envoy Service is the chart's, so the pool binding goes
 * into `envoy.service.annotations/labels`. The chart's own Gateway API CRDs
 * (`gatewayAPI.manageCRDs`, v1.3.0 experimental) stay off: orrery applies the standard channel.
 */
export const contourComponent: PlatformComponent = {
  name: 'contour',
  dependsOn: ['gateway-api'],
  enabled: (c) => ingressEntry(c)?.controller === 'contour',
  build({ cluster }) {
    const entry = ingressEntry(cluster)!;
    const spec = cluster.components.ingress!;
    const version = spec.version ?? cluster.versions.contour;
    const service = serviceMetadata(ingressPoolBinding(cluster, entry));
    return {
      // Talos enforces baseline by default; Contour and Envoy run unprivileged on ports 8080/8443.
      namespace: { name: entry.namespace, labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
      releases: [
        {
          name: entry.releaseName!,
          namespace: entry.namespace,
          repository: REPOSITORY,
          chart: 'contour',
          version,
          values: {
            gatewayAPI: { manageCRDs: false },
            // Helm merges maps: the chart's other contour.yaml settings (configInline) stay.
            configInline: { gateway: { gatewayRef: { name: INGRESS_GATEWAY, namespace: entry.namespace } } },
            ...(Object.keys(service).length > 0 ? { envoy: { service } } : {}),
            ...spec.values,
          },
          valuesRef: { chart: 'contour', version },
        },
      ],
      objects: { configs: [gatewayClass(CONTOUR_CLASS, CONTROLLER_NAME), ingressGateway(cluster, entry, CONTOUR_CLASS, { infrastructure: false })] },
    };
  },
};
