import type { PlatformComponent } from '../../gitops/component.ts';
import type { ClusterModel } from '../../model/model.ts';
import { ciliumGatewayEnabled } from '../../model/facts/gateway-api.ts';
import { ingressEntry, METALLB_POOL_ANNOTATION } from '../../model/facts/ingress.ts';
import { ingressGateway, ingressPoolBinding, serviceMetadata } from './gateway.ts';

/** cilium 1.19.5 chart default of ingressController.ingressLBAnnotationPrefixes (values.yaml:987). */
const CHART_LB_ANNOTATION_PREFIXES = ['lbipam.cilium.io', 'nodeipam.cilium.io', 'service.beta.kubernetes.io', 'service.kubernetes.io', 'cloud.google.com'];

/** Cilium's Ingress controller runs: asked for in its settings, or as the ingress controller without the Gateway API. */
export function ciliumIngressControllerEnabled(cluster: ClusterModel): boolean {
  return cluster.cni.cilium?.ingressController?.enabled === true || ingressEntry(cluster)?.mode === 'cilium-ingress';
}

/**
 * The Cilium values for ingress (merged into the chart's values by the cilium component):
 * - Gateway API: the controller on, and the chart's GatewayClass `cilium` created unconditionally
 *   ("true", not the chart's "auto" capability probe): orrery applies the CRDs first in both
 *   engines and in the bootstrap, so a missing CRD is a loud failure rather than a silent skip.
 * - Ingress controller: in shared mode the one `cilium-ingress` Service carries the pool binding
 *   (`ingressController.service.annotations/labels` apply to the shared Service only); in
 *   dedicated mode Cilium copies onto each Ingress's Service only the Ingress annotations whose
 *   prefix is in `ingressLBAnnotationPrefixes` (values.yaml:986), which has no `metallb.io`: with
 *   MetalLB it is added, so an Ingress annotated `metallb.io/address-pool` gets its pool.
 */
export function ciliumIngressValues(cluster: ClusterModel, defaultMode: 'dedicated' | 'shared'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (ciliumGatewayEnabled(cluster)) out.gatewayAPI = { enabled: true, gatewayClass: { create: 'true' } };
  if (ciliumIngressControllerEnabled(cluster)) {
    const mode = cluster.cni.cilium?.ingressController?.loadbalancerMode ?? defaultMode;
    const entry = ingressEntry(cluster);
    const service = entry?.mode === 'cilium-ingress' && mode === 'shared' ? serviceMetadata(ingressPoolBinding(cluster, entry)) : {};
    const metallbPrefix = METALLB_POOL_ANNOTATION.split('/')[0]!;
    out.ingressController = {
      enabled: true,
      loadbalancerMode: mode,
      ...(Object.keys(service).length > 0 ? { service } : {}),
      ...(mode === 'dedicated' && cluster.loadBalancing.provider === 'metallb' ? { ingressLBAnnotationPrefixes: [...CHART_LB_ANNOTATION_PREFIXES, metallbPrefix] } : {}),
    };
  }
  return out;
}

/**
 * Cilium as the ingress controller with the Gateway API: the Gateway `ingress` of class
 * `cilium` (the chart creates the class), whose Service (cilium-gateway-ingress) carries the
 * pool binding through `spec.infrastructure`: Cilium merges the Gateway's infrastructure labels
 * and annotations into the Service it generates (cilium/cilium operator/pkg/model/translation/
 * gateway-api/translator.go, desiredService).
 */
export const ciliumGatewayComponent: PlatformComponent = {
  name: 'cilium-gateway',
  dependsOn: ['cilium', 'gateway-api'],
  enabled: (c) => ingressEntry(c)?.controller === 'cilium' && ingressEntry(c)?.mode === 'gateway',
  build({ cluster }) {
    const entry = ingressEntry(cluster)!;
    return {
      // Only the Gateway and the Service Cilium makes for it live here (Envoy runs in the Cilium agents).
      namespace: { name: entry.namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
      releases: [],
      objects: { configs: [ingressGateway(cluster, entry, 'cilium', { infrastructure: true })] },
    };
  },
};
