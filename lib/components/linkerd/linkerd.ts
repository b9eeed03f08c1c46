import type { PlatformComponent } from '../../gitops/component.ts';
import { trustAnchorCertFile } from '../../secrets/requirements.ts';

const REPOSITORY = { name: 'linkerd-edge', url: 'https://helm.linkerd.io/edge' };

/** Linkerd edge releases are tagged edge-YY.M.P; their charts are published as 20YY.M.P. */
export function linkerdChartVersion(release: string): string {
  const m = /^edge-(\d{2})\.(\d+)\.(\d+)$/.exec(release);
  return m ? `20${m[1]}.${m[2]}.${m[3]}` : release;
}

const CONTROLLER_RESOURCES = { cpu: { limit: '', request: '100m' }, memory: { limit: '250Mi', request: '50Mi' } };

/**
 * linkerd-control-plane edge-26.8.3 values-ha.yaml as typed data (`helm install -f values-ha.yaml`
 * would merge the file; orrery sets the same keys, and the tests check each against values.yaml).
 */
const HA_VALUES = {
  enablePodDisruptionBudget: true,
  controller: { podDisruptionBudget: { maxUnavailable: 1 } },
  deploymentStrategy: { rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
  enablePodAntiAffinity: true,
  proxy: { resources: { cpu: { request: '100m' }, memory: { limit: '250Mi', request: '20Mi' } } },
  controllerReplicas: 3,
  controllerResources: CONTROLLER_RESOURCES,
  destinationResources: CONTROLLER_RESOURCES,
  identityResources: { cpu: CONTROLLER_RESOURCES.cpu, memory: { limit: '250Mi', request: '10Mi' } },
  heartbeatResources: CONTROLLER_RESOURCES,
  proxyInjectorResources: CONTROLLER_RESOURCES,
  webhookFailurePolicy: 'Fail',
  spValidatorResources: CONTROLLER_RESOURCES,
  highAvailability: true,
};

/**
 * Linkerd: the CRDs chart (Gateway API left to its own component, as seed 002 does) and the
 * control plane with the identity issuer orrery generated (kubernetes.io/tls) and the trust
 * anchor's public certificate.
 */
export const linkerdComponent: PlatformComponent = {
  name: 'linkerd',
  enabled: (c) => c.components.linkerd?.enabled === true,
  build({ cluster, secrets }) {
    const spec = cluster.components.linkerd!;
    const namespace = spec.namespace ?? 'linkerd';
    const release = spec.version ?? cluster.versions.linkerd;
    const version = linkerdChartVersion(release);
    // The anchor is public; without it (orrery secrets not run yet) synth already fails on the issuer Secret.
    const anchor = secrets.get(trustAnchorCertFile(cluster.name)) ?? '';
    return {
      // The proxy-init container needs NET_ADMIN/NET_RAW without the Linkerd CNI (seed 002).
      namespace: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
      secrets: ['linkerd-identity-issuer'],
      releases: [
        {
          name: 'linkerd-crds',
          namespace,
          repository: REPOSITORY,
          chart: 'linkerd-crds',
          version,
          values: { installGatewayAPI: false },
          valuesRef: { chart: 'linkerd-crds', version: release },
        },
        {
          name: spec.releaseName ?? 'linkerd-control-plane',
          namespace,
          repository: REPOSITORY,
          chart: 'linkerd-control-plane',
          version,
          dependsOn: ['linkerd-crds'],
          values: {
            identityTrustAnchorsPEM: anchor,
            identity: { issuer: { scheme: 'kubernetes.io/tls' } },
            ...(spec.proxyInitRunAsRoot ? { proxyInit: { runAsRoot: true } } : {}),
            ...(spec.highAvailability ? HA_VALUES : {}),
            ...spec.values,
          },
          valuesRef: { chart: 'linkerd-control-plane', version: release },
        },
      ],
    };
  },
};
