import type { PlatformComponent } from '../../gitops/component.ts';
import type { ClusterModel } from '../../model/model.ts';
import type { ExternalDns } from '../../spec/types.generated.ts';
import { externalDnsSources } from '../../model/facts/gateway-api.ts';
import { DNS_CREDENTIAL_HINTS, DNS_CREDENTIAL_KEYS, type OperatorSecret } from '../../secrets/operator-secrets.ts';

const REPOSITORY = { name: 'external-dns', url: 'https://kubernetes-sigs.github.io/external-dns/' };
export const EXTERNAL_DNS_SECRET = 'external-dns';
const GOOGLE_MOUNT = '/etc/secrets/service-account';


const fromSecret = (env: string, secret: string, key: string): Record<string, unknown> => ({ name: env, valueFrom: { secretKeyRef: { name: secret, key } } });

/**
 * Provider settings as external-dns's tutorials give them for the chart (kubernetes-sigs/
 * external-dns@external-dns-helm-chart-1.21.1 docs/tutorials): Google Cloud DNS reads a service
 * account key file named by GOOGLE_APPLICATION_CREDENTIALS and needs --google-project outside
 * Google Cloud (gke.md "Static Credentials"); Cloudflare reads CF_API_TOKEN (cloudflare.md
 * "Using Helm"); Route 53 reads the AWS SDK's AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and a
 * region (aws.md: AWS_DEFAULT_REGION).
 */
function providerValues(spec: ExternalDns, secret: string): Record<string, unknown> {
  switch (spec.provider) {
    case 'google':
      return {
        provider: { name: 'google' },
        env: [{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: `${GOOGLE_MOUNT}/key.json` }],
        extraVolumes: [{ name: 'google-credentials', secret: { secretName: secret } }],
        extraVolumeMounts: [{ name: 'google-credentials', mountPath: GOOGLE_MOUNT, readOnly: true }],
        ...(spec.project ? { extraArgs: [`--google-project=${spec.project}`] } : {}),
      };
    case 'cloudflare':
      return { provider: { name: 'cloudflare' }, env: [fromSecret('CF_API_TOKEN', secret, 'api-token')] };
    case 'route53':
      return {
        provider: { name: 'aws' },
        env: [
          fromSecret('AWS_ACCESS_KEY_ID', secret, 'access-key-id'),
          fromSecret('AWS_SECRET_ACCESS_KEY', secret, 'secret-access-key'),
          { name: 'AWS_DEFAULT_REGION', value: spec.region ?? 'us-east-1' },
        ],
      };
    default:
      // A semantic rule refuses external-dns without a provider.
      throw new Error('external-dns without a provider reached the build');
  }
}

/** The credentials Secret external-dns needs from the operator. */
export function externalDnsSecret(cluster: ClusterModel): OperatorSecret {
  const spec = cluster.components.externalDns!;
  return {
    cluster: cluster.name,
    source: cluster.source,
    pointer: '/components/externalDns/credentialsSecret',
    namespace: spec.namespace ?? 'external-dns',
    name: spec.credentialsSecret ?? EXTERNAL_DNS_SECRET,
    keys: DNS_CREDENTIAL_KEYS[spec.provider!],
    consumer: `external-dns (${spec.provider})`,
    hint: DNS_CREDENTIAL_HINTS[spec.provider!],
  };
}

/**
 * external-dns: records for the cluster's Services and routes, in the zones of the domain
 * filters, each owned through a TXT record whose owner id is the cluster's name (so clusters
 * sharing a zone never delete each other's records). Gateway route sources read Gateway API
 * objects, so the component comes after the CRDs.
 */
export const externalDnsComponent: PlatformComponent = {
  name: 'external-dns',
  enabled: (c) => c.components.externalDns?.enabled === true,
  build({ cluster }) {
    const spec = cluster.components.externalDns!;
    const secret = externalDnsSecret(cluster);
    const version = spec.version ?? cluster.versions.externalDns;
    return {
      // The chart runs as non-root with every capability dropped and RuntimeDefault seccomp.
      namespace: { name: secret.namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
      releases: [
        {
          name: spec.releaseName ?? 'external-dns',
          namespace: secret.namespace,
          repository: REPOSITORY,
          chart: 'external-dns',
          version,
          values: {
            ...providerValues(spec, secret.name),
            sources: externalDnsSources(cluster),
            ...(spec.domainFilters?.length ? { domainFilters: [...spec.domainFilters] } : {}),
            txtOwnerId: cluster.name,
            ...spec.values,
          },
          valuesRef: { chart: 'external-dns', version },
        },
      ],
      operatorSecrets: [secret],
    };
  },
};
