import type { KubeObject } from '../../build/artifacts.ts';
import type { ClusterModel } from '../../model/model.ts';
import { INGRESS_GATEWAY, poolBinding, type IngressEntry } from '../../model/facts/ingress.ts';

/** A GatewayClass for a controller (controllerName as the controller watches for it). */
export function gatewayClass(name: string, controllerName: string): KubeObject {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name }, spec: { controllerName } };
}

/** `{annotations, labels}` with the empty ones left out (how charts and Gateways take Service metadata). */
export function serviceMetadata(binding: { annotations: Record<string, string>; labels: Record<string, string> }): { annotations?: Record<string, string>; labels?: Record<string, string> } {
  return {
    ...(Object.keys(binding.annotations).length > 0 ? { annotations: binding.annotations } : {}),
    ...(Object.keys(binding.labels).length > 0 ? { labels: binding.labels } : {}),
  };
}

/** The annotations and labels the ingress Service needs to take its address from the ingress pool. */
export function ingressPoolBinding(cluster: ClusterModel, entry: IngressEntry): { annotations: Record<string, string>; labels: Record<string, string> } {
  return entry.pool ? poolBinding(cluster, entry.pool) : { annotations: {}, labels: {} };
}

/**
 * The cluster's ingress Gateway: one HTTP listener on port 80 for routes from every namespace.
 * With `infrastructure` (Gateway API standard since v1.2: "labels and annotations that SHOULD be
 * applied to any resources created in response to this Gateway"), the controller puts the pool
 * binding on the Service it creates; controllers with a static Service (Contour's chart) bind it
 * in their values instead and pass `infrastructure: false`.
 */
export function ingressGateway(cluster: ClusterModel, entry: IngressEntry, className: string, options: { infrastructure: boolean }): KubeObject {
  const binding = serviceMetadata(ingressPoolBinding(cluster, entry));
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: INGRESS_GATEWAY, namespace: entry.namespace },
    spec: {
      gatewayClassName: className,
      listeners: [{ name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'All' } } }],
      ...(options.infrastructure && Object.keys(binding).length > 0 ? { infrastructure: binding } : {}),
    },
  };
}
