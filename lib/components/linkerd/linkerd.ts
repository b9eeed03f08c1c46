import type { PlatformComponent } from '../../gitops/component.ts';
import type { ClusterModel } from '../../model/model.ts';
import { trustAnchorCertFile } from '../../secrets/requirements.ts';
import { certManagerIssuesWebhooks, externalWebhookValues, webhookCertificates, type WebhookCertificate } from '../cert-manager/webhook-certificates.ts';

export const LINKERD_REPOSITORY = { name: 'linkerd-edge', url: 'https://helm.linkerd.io/edge' };

/** Linkerd edge releases are tagged edge-YY.M.P; their charts are published as 20YY.M.P. */
export function linkerdChartVersion(release: string): string {
  const m = /^edge-(\d{2})\.(\d+)\.(\d+)$/.exec(release);
  return m ? `20${m[1]}.${m[2]}.${m[3]}` : release;
}

export function linkerdNamespace(cluster: ClusterModel): string {
  return cluster.components.linkerd?.namespace ?? 'linkerd';
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
 * The control plane's admission webhooks, their chart values key and the Secret and Service the
 * chart's templates name (linkerd2@edge-26.8.3 charts/linkerd-control-plane/templates/
 * proxy-injector-rbac.yaml, destination-rbac.yaml, destination.yaml).
 */
const WEBHOOKS: readonly (WebhookCertificate & { readonly values: string })[] = [
  { values: 'proxyInjector', name: 'linkerd-proxy-injector', secretName: 'linkerd-proxy-injector-k8s-tls', service: 'linkerd-proxy-injector' },
  { values: 'profileValidator', name: 'linkerd-sp-validator', secretName: 'linkerd-sp-validator-k8s-tls', service: 'linkerd-sp-validator' },
  { values: 'policyValidator', name: 'linkerd-policy-validator', secretName: 'linkerd-policy-validator-k8s-tls', service: 'linkerd-policy-validator' },
];

/**
 * The namespace as `linkerd install` labels it (charts/linkerd-control-plane/templates/namespace.yaml,
 * rendered only by the CLI; with Helm the namespace is the installer's job): the control-plane
 * markers `linkerd check` looks for, the webhooks kept off their own namespace, and privileged Pod
 * Security because proxy-init needs NET_ADMIN/NET_RAW without the Linkerd CNI (seed 002).
 */
const NAMESPACE_LABELS = (namespace: string): Record<string, string> => ({
  'linkerd.io/is-control-plane': 'true',
  'config.linkerd.io/admission-webhooks': 'disabled',
  'linkerd.io/control-plane-ns': namespace,
  'pod-security.kubernetes.io/enforce': 'privileged',
});

/**
 * Linkerd: the CRDs chart (the Gateway API CRDs come from the gateway-api component, so
 * `installGatewayAPI: false`, as seed 002 did) and the control plane with the identity issuer
 * orrery generated (kubernetes.io/tls) and the trust anchor's public certificate.
 *
 * The chart makes its webhook certificates with `genSelfSignedCert` at render time, a new one on
 * every render: under Argo CD (which renders on every refresh) the caBundle and the Secret change
 * each time. With cert-manager in the cluster, the webhooks get externally issued certificates
 * instead (`externalSecret` + `injectCaFrom`, Linkerd's "Automatically Rotating Webhook TLS
 * Credentials"), issued in the configs layer; the control plane then installs in that layer too,
 * after its certificates exist. A semantic rule requires cert-manager for Linkerd under Argo CD.
 */
export const linkerdComponent: PlatformComponent = {
  name: 'linkerd',
  dependsOn: ['gateway-api'],
  enabled: (c) => c.components.linkerd?.enabled === true,
  build({ cluster, secrets }) {
    const spec = cluster.components.linkerd!;
    const namespace = linkerdNamespace(cluster);
    const release = spec.version ?? cluster.versions.linkerd;
    const version = linkerdChartVersion(release);
    // The anchor is public; without it (orrery secrets not run yet) synth already fails on the issuer Secret.
    const anchor = secrets.get(trustAnchorCertFile(cluster.name)) ?? '';
    const external = certManagerIssuesWebhooks(cluster);
    return {
      namespace: { name: namespace, labels: NAMESPACE_LABELS(namespace) },
      secrets: ['linkerd-identity-issuer'],
      releases: [
        {
          name: 'linkerd-crds',
          namespace,
          repository: LINKERD_REPOSITORY,
          chart: 'linkerd-crds',
          version,
          values: { installGatewayAPI: false },
          valuesRef: { chart: 'linkerd-crds', version: release },
        },
        {
          name: spec.releaseName ?? 'linkerd-control-plane',
          namespace,
          repository: LINKERD_REPOSITORY,
          chart: 'linkerd-control-plane',
          version,
          dependsOn: ['linkerd-crds'],
          ...(external ? { layer: 'configs' as const } : {}),
          values: {
            identityTrustAnchorsPEM: anchor,
            identity: { issuer: { scheme: 'kubernetes.io/tls' } },
            ...(spec.proxyInitRunAsRoot ? { proxyInit: { runAsRoot: true } } : {}),
            ...(spec.highAvailability ? HA_VALUES : {}),
            ...(external ? Object.fromEntries(WEBHOOKS.map((w) => [w.values, externalWebhookValues(namespace, w)])) : {}),
            ...spec.values,
          },
          valuesRef: { chart: 'linkerd-control-plane', version: release },
        },
      ],
      objects: { configs: external ? webhookCertificates(namespace, 'linkerd-webhook', WEBHOOKS) : [] },
    };
  },
};
