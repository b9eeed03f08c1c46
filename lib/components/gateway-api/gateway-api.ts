import type { PlatformComponent, UpstreamManifests } from '../../gitops/component.ts';
import type { ClusterModel } from '../../model/model.ts';
import { ciliumGatewayEnabled, GATEWAY_API_REPOSITORY, gatewayApiEnabled } from '../../model/facts/gateway-api.ts';

/**
 * The Gateway API CRDs of one channel at the cluster's pinned release, straight from the
 * upstream repository (kubernetes-sigs/gateway-api@v1.6.1): `config/crd/kustomization.yaml`
 * lists exactly the standard-channel files that `hack/build-install-yaml.sh` concatenates into
 * the release's standard-install.yaml (CRDs and the safe-upgrades ValidatingAdmissionPolicy);
 * `config/crd/experimental/` is the experimental channel. No chart ships them, and copying 1.1 MB
 * of CRDs into every cluster's output would make each bump a giant diff; the engine fetches the
 * tag instead, so the version is one line in the spec.
 */
export function gatewayApiManifests(cluster: ClusterModel): UpstreamManifests {
  const spec = cluster.components.gatewayApi ?? {};
  const tag = spec.version ?? cluster.versions.gatewayApi;
  const channel = spec.channel ?? 'standard';
  return {
    name: 'gateway-api-crds',
    url: GATEWAY_API_REPOSITORY,
    tag,
    path: channel === 'standard' ? 'config/crd' : 'config/crd/experimental',
    prune: false,
    // Cilium's operator enables its Gateway API controller only when the CRDs exist at start
    // (docs.cilium.io "Gateway API Support", Prerequisites): the bootstrap applies them before Cilium.
    ...(ciliumGatewayEnabled(cluster) ? { bootstrapUrl: `${GATEWAY_API_REPOSITORY}/releases/download/${tag}/${channel}-install.yaml` } : {}),
  };
}

/** The Gateway API CRDs, applied before every layer (Flux: a Kustomization the layers wait for; Argo CD: an earlier wave). */
export const gatewayApiComponent: PlatformComponent = {
  name: 'gateway-api',
  enabled: (c) => gatewayApiEnabled(c),
  build({ cluster }) {
    return { releases: [], manifests: [gatewayApiManifests(cluster)] };
  },
};
