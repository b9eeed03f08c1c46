import type { ClusterComponent, ConstellationComponent } from './build/component.ts';
import type { PlatformComponent } from './gitops/component.ts';
import { clusterDocsComponent, constellationDocsComponent } from './components/docs/docs.ts';
import { talosComponent } from './components/talos/talos.ts';
import { secretsComponent } from './components/secrets/secrets.ts';
import { gitopsComponent, gitopsFleetComponent } from './gitops/gitops.ts';
import { certManagerComponent } from './components/cert-manager/cert-manager.ts';
import { linkerdComponent } from './components/linkerd/linkerd.ts';
import { ciliumComponent } from './components/cilium/cilium.ts';
import { metallbComponent } from './components/metallb/metallb.ts';
import { networkPoliciesComponent } from './components/network-policies/network-policies.ts';
import { gatewayApiComponent } from './components/gateway-api/gateway-api.ts';
import { ciliumGatewayComponent } from './components/ingress/cilium-ingress.ts';
import { envoyGatewayComponent } from './components/envoy-gateway/envoy-gateway.ts';
import { contourComponent } from './components/contour/contour.ts';
import { metricsServerComponent } from './components/metrics-server/metrics-server.ts';
import { externalDnsComponent } from './components/external-dns/external-dns.ts';
import { linkerdVizComponent } from './components/linkerd-viz/linkerd-viz.ts';
import { rookCephComponent } from './components/rook-ceph/rook-ceph.ts';
import { clusterApiComponent, clusterApiPlatformComponent } from './components/cluster-api/cluster-api.ts';
import { capiBringUp, type CapiBringUp } from './components/cluster-api/bring-up.ts';
import type { Model } from './model/model.ts';

/**
 * The one list of every component orrery has. Engines (the build stage, the GitOps layer)
 * receive these lists and never import a component; adding one is its folder and one line here.
 */
export interface Registry {
  /** Per-cluster generators (Talos files, Secrets, docs, the GitOps tree). */
  readonly cluster: readonly ClusterComponent[];
  /** Fleet-wide generators. */
  readonly constellation: readonly ConstellationComponent[];
  /** Platform components the GitOps layer delivers (Helm releases and their objects). */
  readonly platform: readonly PlatformComponent[];
  /** What the runner needs to bring a Cluster API cluster up (pure, from the model). */
  readonly capiBringUp: (model: Model, cluster: string) => CapiBringUp | undefined;
}

export const REGISTRY: Registry = {
  cluster: [gitopsComponent, secretsComponent, talosComponent, clusterApiComponent, clusterDocsComponent],
  constellation: [constellationDocsComponent, gitopsFleetComponent],
  platform: [
    ciliumComponent,
    metallbComponent,
    certManagerComponent,
    linkerdComponent,
    networkPoliciesComponent,
    gatewayApiComponent,
    ciliumGatewayComponent,
    envoyGatewayComponent,
    contourComponent,
    metricsServerComponent,
    externalDnsComponent,
    linkerdVizComponent,
    rookCephComponent,
    clusterApiPlatformComponent,
  ],
  capiBringUp,
};

export type { CapiBringUp };
