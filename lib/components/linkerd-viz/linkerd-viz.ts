import type { PlatformComponent } from '../../gitops/component.ts';
import { certManagerIssuesWebhooks, externalWebhookValues, webhookCertificates, type WebhookCertificate } from '../cert-manager/webhook-certificates.ts';
import { LINKERD_REPOSITORY, linkerdChartVersion, linkerdNamespace } from '../linkerd/linkerd.ts';

/**
 * linkerd-viz edge-26.8.3 values-ha.yaml as typed data (the chart ships the file; `helm install
 * -f values-ha.yaml` merges it). Its top-level `resources` anchor is left out: the templates
 * read only the per-component resources below.
 */
const HA_RESOURCES = { cpu: { limit: '', request: '100m' }, memory: { limit: '250Mi', request: '50Mi' } };
const HA_VALUES = {
  enablePodAntiAffinity: true,
  enablePodDisruptionBudget: true,
  tap: { replicas: 3, resources: HA_RESOURCES },
  dashboard: { resources: HA_RESOURCES },
  prometheus: { resources: { cpu: { limit: '', request: '300m' }, memory: { limit: '8192Mi', request: '300Mi' } } },
};

/** The viz webhooks and their Secrets and Services (viz/charts/linkerd-viz/templates/tap-rbac.yaml, tap-injector-rbac.yaml). */
const WEBHOOKS: readonly (WebhookCertificate & { readonly values: 'tap' | 'tapInjector' })[] = [
  { values: 'tap', name: 'tap', secretName: 'tap-k8s-tls', service: 'tap' },
  { values: 'tapInjector', name: 'tap-injector', secretName: 'tap-injector-k8s-tls', service: 'tap-injector' },
];

/**
 * The Linkerd viz extension (seed 002: `helm install linkerd-viz linkerd-edge/linkerd-viz
 * --namespace linkerd-viz --create-namespace`), after the control plane. Its namespace is
 * labelled as `linkerd viz install` labels it (templates/namespace.yaml, rendered only by the
 * CLI): `linkerd.io/extension: viz`, and privileged Pod Security because the injected proxies'
 * linkerd-init needs NET_ADMIN without the Linkerd CNI. HA values when the control plane is HA.
 * Like the control plane, its tap APIService and tap-injector webhook get cert-manager-issued
 * certificates when cert-manager is in the cluster (the chart otherwise generates them at render).
 */
export const linkerdVizComponent: PlatformComponent = {
  name: 'linkerd-viz',
  dependsOn: ['linkerd'],
  enabled: (c) => c.components.linkerd?.enabled === true && c.components.linkerd.viz === true,
  build({ cluster }) {
    const linkerd = cluster.components.linkerd!;
    const namespace = 'linkerd-viz';
    const release = linkerd.version ?? cluster.versions.linkerd;
    const controlPlane = linkerd.releaseName ?? 'linkerd-control-plane';
    const external = certManagerIssuesWebhooks(cluster);
    const linkerdNs = linkerdNamespace(cluster);
    return {
      namespace: { name: namespace, labels: { 'linkerd.io/extension': 'viz', 'pod-security.kubernetes.io/enforce': 'privileged' } },
      releases: [
        {
          name: 'linkerd-viz',
          namespace,
          repository: LINKERD_REPOSITORY,
          chart: 'linkerd-viz',
          version: linkerdChartVersion(release),
          dependsOn: [controlPlane],
          ...(external ? { layer: 'configs' as const } : {}),
          values: {
            ...(linkerdNs !== 'linkerd' ? { linkerdNamespace: linkerdNs } : {}),
            ...(linkerd.highAvailability ? HA_VALUES : {}),
            ...(external
              ? Object.fromEntries(WEBHOOKS.map((w) => [w.values, { ...(linkerd.highAvailability && w.values === 'tap' ? HA_VALUES.tap : {}), ...externalWebhookValues(namespace, w) }]))
              : {}),
          },
          valuesRef: { chart: 'linkerd-viz', version: release },
        },
      ],
      objects: { configs: external ? webhookCertificates(namespace, 'linkerd-viz-webhook', WEBHOOKS) : [] },
    };
  },
};
