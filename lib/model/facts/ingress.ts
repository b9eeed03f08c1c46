import type { Cilium, Components, LoadBalancing } from '../../spec/types.generated.ts';
import { ciliumGatewayEnabled } from './gateway-api.ts';

/**
 * Facts about the cluster's ingress (the controller that takes traffic in, and the Service that
 * holds its address) that the semantic rules and the components both need. Pure.
 */
export interface IngressInput {
  readonly components?: Components;
  readonly cni?: { readonly name?: string; readonly cilium?: Cilium };
  readonly loadBalancing?: LoadBalancing;
}

/** The Gateway orrery emits for the ingress controller (in the controller's namespace). */
export const INGRESS_GATEWAY = 'ingress';
/** Label a Service carries to take its address from a Cilium LB IPAM pool with autoAssign: false (the pool's serviceSelector). */
export const LB_POOL_LABEL = 'orrery.dev/lb-pool';
/** MetalLB's annotation for "take the address from this pool" (metallb/metallb@v0.16.1 controller/service.go AnnotationAddressPool). */
export const METALLB_POOL_ANNOTATION = 'metallb.io/address-pool';

export type IngressController = 'cilium' | 'envoy-gateway' | 'contour';

export interface IngressEntry {
  readonly controller: IngressController;
  /** gateway: a Gateway API Gateway; cilium-ingress: Cilium's Ingress controller (no Gateway API). */
  readonly mode: 'gateway' | 'cilium-ingress';
  /** Namespace of the controller's release and of the Gateway (Cilium: the Gateway's own namespace). */
  readonly namespace: string;
  readonly releaseName?: string;
  /** The LoadBalancer Service that gets the address, when its name is known before it exists. */
  readonly service?: { readonly namespace: string; readonly name: string };
  readonly pool?: string;
}

const DEFAULT_NAMESPACE: Record<IngressController, string> = { cilium: 'gateway', 'envoy-gateway': 'envoy-gateway-system', contour: 'projectcontour' };

/** Cilium's Ingress load-balancer mode (chart default dedicated: one Service per Ingress). */
export function ciliumIngressMode(c: IngressInput): 'dedicated' | 'shared' {
  return c.cni?.cilium?.ingressController?.loadbalancerMode ?? 'dedicated';
}

/**
 * Contour chart 0.7.0 names the Envoy Service `<fullname>-envoy`; fullname is the release name
 * when it contains the chart name "contour", else `<release>-contour` (Bitnami common.names.fullname).
 */
export function contourEnvoyService(release: string): string {
  return `${release.includes('contour') ? release : `${release}-contour`}-envoy`;
}

/** The cluster's ingress, or undefined when it has none (controller none, or refused ingress-nginx). */
export function ingressEntry(c: IngressInput): IngressEntry | undefined {
  const spec = c.components?.ingress;
  const controller = spec?.controller;
  if (controller !== 'cilium' && controller !== 'envoy-gateway' && controller !== 'contour') return undefined;
  const pool = spec?.loadBalancerPool;
  if (controller === 'cilium' && !ciliumGatewayEnabled(c)) {
    // Cilium's Ingress controller: in shared mode one Service (ingressController.service.name,
    // chart default cilium-ingress) in Cilium's namespace serves every Ingress.
    const namespace = c.cni?.cilium?.namespace ?? 'kube-system';
    return { controller, mode: 'cilium-ingress', namespace, ...(ciliumIngressMode(c) === 'shared' ? { service: { namespace, name: 'cilium-ingress' } } : {}), ...(pool ? { pool } : {}) };
  }
  const namespace = spec?.namespace ?? DEFAULT_NAMESPACE[controller];
  const releaseName = controller === 'cilium' ? undefined : (spec?.releaseName ?? controller);
  // Cilium names a Gateway's Service cilium-gateway-<gateway> in the Gateway's namespace (cilium/cilium
  // operator/pkg/model/translation/gateway-api/translator.go, CiliumGatewayPrefix). Envoy Gateway's
  // Service name ends in a hash of the Gateway's namespace/name (internal/infrastructure/kubernetes/proxy
  // ExpectedResourceHashedName, v1.9.0): not known in advance.
  const service =
    controller === 'cilium' ? { namespace, name: `cilium-gateway-${INGRESS_GATEWAY}` } : controller === 'contour' ? { namespace, name: contourEnvoyService(releaseName!) } : undefined;
  return { controller, mode: 'gateway', namespace, ...(releaseName ? { releaseName } : {}), ...(service ? { service } : {}), ...(pool ? { pool } : {}) };
}

/**
 * What a Service carries to take its address from the named pool: MetalLB reads the pool name
 * from an annotation; Cilium LB IPAM pools with autoAssign: false select their Services by label.
 */
export function poolBinding(c: IngressInput, pool: string): { annotations: Record<string, string>; labels: Record<string, string> } {
  switch (c.loadBalancing?.provider) {
    case 'metallb':
      return { annotations: { [METALLB_POOL_ANNOTATION]: pool }, labels: {} };
    case 'cilium':
      return { annotations: {}, labels: { [LB_POOL_LABEL]: pool } };
    default:
      return { annotations: {}, labels: {} };
  }
}

/** Why the ingress Service cannot be bound to its pool, with the spec pointer to fix. */
export function ingressBindingProblems(c: IngressInput): { pointer: string; message: string }[] {
  const spec = c.components?.ingress;
  const pool = spec?.loadBalancerPool;
  if (!pool) return [];
  const entry = ingressEntry(c);
  if (!entry) {
    return spec?.controller === 'ingress-nginx' ? [] : [{ pointer: '/components/ingress/loadBalancerPool', message: `loadBalancerPool ${JSON.stringify(pool)} binds the ingress Service, but there is no ingress controller (components.ingress.controller is "none"); choose cilium, envoy-gateway or contour` }];
  }
  const pools = c.loadBalancing?.pools ?? [];
  const target = pools.find((p) => p.name === pool);
  if (!target) return []; // refs/lb-pool reports it
  const onlyPool = pools.length === 1;
  const out: { pointer: string; message: string }[] = [];
  if (entry.mode === 'cilium-ingress' && !entry.service && !onlyPool) {
    out.push({
      pointer: '/components/ingress/loadBalancerPool',
      message: `Cilium's Ingress controller in dedicated mode makes one Service per Ingress, which orrery cannot bind to pool ${JSON.stringify(pool)}; set cni.cilium.ingressController.loadbalancerMode: shared (one Service for every Ingress), or enable components.gatewayApi for a Gateway`,
    });
  }
  // LB IPAM hands the addresses of a pool without serviceSelector to any Service: only a pool with
  // autoAssign: false (orrery gives it a selector on the orrery.dev/lb-pool label) is bound.
  if (c.loadBalancing?.provider === 'cilium' && target.anycast === undefined && target.autoAssign !== false && !onlyPool) {
    out.push({
      pointer: '/components/ingress/loadBalancerPool',
      message: `with Cilium LB IPAM the ingress Service takes its address from pool ${JSON.stringify(pool)} only if the pool is reserved: set autoAssign: false on it (other Services then never get its addresses)`,
    });
  }
  return out;
}
