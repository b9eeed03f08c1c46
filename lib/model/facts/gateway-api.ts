import type { Cilium, Components } from '../../spec/types.generated.ts';

/**
 * Facts about the Gateway API CRDs that the semantic rules and the components both need, over
 * the spec shape (the resolved cluster model has the same fields). Pure.
 */
export interface GatewayApiInput {
  readonly components?: Components;
  readonly cni?: { readonly name?: string; readonly cilium?: Cilium };
}

export const GATEWAY_API_REPOSITORY = 'https://github.com/kubernetes-sigs/gateway-api';

export function gatewayApiEnabled(c: GatewayApiInput): boolean {
  return c.components?.gatewayApi?.enabled === true;
}

const ciliumIsCni = (c: GatewayApiInput): boolean => (c.cni?.name ?? 'cilium') === 'cilium';

/**
 * Cilium runs its Gateway API controller: asked for directly (cni.cilium.gatewayApi), or as the
 * ingress controller when the Gateway API is there (without it, Cilium's Ingress controller serves).
 */
export function ciliumGatewayEnabled(c: GatewayApiInput): boolean {
  if (!ciliumIsCni(c)) return false;
  return c.cni?.cilium?.gatewayApi === true || (c.components?.ingress?.controller === 'cilium' && gatewayApiEnabled(c));
}

/** external-dns sources that read Gateway API routes. */
export const GATEWAY_SOURCES = ['gateway-httproute', 'gateway-grpcroute', 'gateway-tlsroute'] as const;

/** The external-dns sources in effect: the spec's, else Services and Ingresses, plus HTTP/gRPC routes with the Gateway API. */
export function externalDnsSources(c: GatewayApiInput): string[] {
  const own = c.components?.externalDns?.sources;
  if (own) return [...own];
  return ['service', 'ingress', ...(gatewayApiEnabled(c) ? ['gateway-httproute', 'gateway-grpcroute'] : [])];
}

/**
 * What needs the Gateway API CRDs installed first, with the spec pointer that asks for it.
 * Linkerd's policy controller watches HTTPRoute/GRPCRoute ("Linkerd requires that the Gateway
 * API be installed on your cluster before Linkerd can be installed", linkerd.io Gateway API
 * support); Cilium's operator checks for the CRDs when it starts (docs.cilium.io Gateway API
 * "Prerequisites"); Envoy Gateway and Contour are Gateway API controllers.
 */
export function gatewayApiConsumers(c: GatewayApiInput): { what: string; pointer: string }[] {
  const out: { what: string; pointer: string }[] = [];
  const comp = c.components;
  if (comp?.linkerd?.enabled) out.push({ what: 'Linkerd', pointer: '/components/linkerd/enabled' });
  if (ciliumIsCni(c) && c.cni?.cilium?.gatewayApi) out.push({ what: "Cilium's Gateway API controller", pointer: '/cni/cilium/gatewayApi' });
  const controller = comp?.ingress?.controller;
  if (controller === 'envoy-gateway' || controller === 'contour') out.push({ what: `the ${controller} ingress controller`, pointer: '/components/ingress/controller' });
  if (comp?.externalDns?.enabled && (comp.externalDns.sources ?? []).some((s) => (GATEWAY_SOURCES as readonly string[]).includes(s))) {
    out.push({ what: "external-dns's Gateway route sources", pointer: '/components/externalDns/sources' });
  }
  return out;
}
