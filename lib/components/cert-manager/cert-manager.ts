import type { KubeObject } from '../../build/artifacts.ts';
import type { PlatformComponent } from '../../gitops/component.ts';
import type { CertManager } from '../../spec/types.generated.ts';
import { DNS_CREDENTIAL_HINTS, DNS_CREDENTIAL_KEYS, type OperatorSecret } from '../../secrets/operator-secrets.ts';

const REPOSITORY = { name: 'jetstack', url: 'https://charts.jetstack.io' };
/** The default DNS-01 credentials Secret (its keys: DNS_CREDENTIAL_KEYS). */
const DNS01_SECRET = 'dns01-credentials';

const LETSENCRYPT = 'https://acme-v02.api.letsencrypt.org/directory';

function solver(acme: NonNullable<CertManager['acme']>): Record<string, unknown> {
  const dns = acme.dns01;
  if (!dns) return { http01: { ingress: {} } };
  const secret = dns.credentialsSecret ?? DNS01_SECRET;
  switch (dns.provider) {
    case 'google':
      return { dns01: { cloudDNS: { ...(dns.project ? { project: dns.project } : {}), serviceAccountSecretRef: { name: secret, key: 'key.json' } } } };
    case 'cloudflare':
      return { dns01: { cloudflare: { apiTokenSecretRef: { name: secret, key: 'api-token' } } } };
    case 'route53':
      return { dns01: { route53: { accessKeyIDSecretRef: { name: secret, key: 'access-key-id' }, secretAccessKeySecretRef: { name: secret, key: 'secret-access-key' } } } };
  }
}

/** cert-manager with its CRDs, and an ACME ClusterIssuer when the spec gives one. */
export const certManagerComponent: PlatformComponent = {
  name: 'cert-manager',
  enabled: (c) => c.components.certManager?.enabled === true,
  build({ cluster }) {
    const spec = cluster.components.certManager!;
    const namespace = spec.namespace ?? 'cert-manager';
    const dns = spec.acme?.dns01;
    // A ClusterIssuer's solver Secrets are read from the cluster resource namespace, which is
    // cert-manager's own namespace by default (cert-manager docs "Cluster Resource Namespace").
    const operatorSecrets: OperatorSecret[] = dns
      ? [
          {
            cluster: cluster.name,
            source: cluster.source,
            pointer: dns.credentialsSecret ? '/components/certManager/acme/dns01/credentialsSecret' : '/components/certManager/acme/dns01',
            namespace,
            name: dns.credentialsSecret ?? DNS01_SECRET,
            keys: DNS_CREDENTIAL_KEYS[dns.provider],
            consumer: `cert-manager's DNS-01 solver (${dns.provider})`,
            hint: DNS_CREDENTIAL_HINTS[dns.provider],
          },
        ]
      : [];
    const issuers: KubeObject[] = [];
    if (spec.acme) {
      issuers.push({
        apiVersion: 'cert-manager.io/v1',
        kind: 'ClusterIssuer',
        metadata: { name: 'letsencrypt' },
        spec: {
          acme: {
            email: spec.acme.email,
            server: spec.acme.server ?? LETSENCRYPT,
            privateKeySecretRef: { name: 'letsencrypt-account-key' },
            solvers: [solver(spec.acme)],
          },
        },
      });
    }
    return {
      namespace: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
      releases: [
        {
          name: spec.releaseName ?? 'cert-manager',
          namespace,
          repository: REPOSITORY,
          chart: 'cert-manager',
          version: spec.version ?? cluster.versions.certManager,
          // CRDs from the chart, kept when the release goes (deleting them deletes every Certificate).
          values: { crds: { enabled: true, keep: true }, ...spec.values },
          valuesRef: { chart: 'cert-manager', version: spec.version ?? cluster.versions.certManager },
        },
      ],
      objects: { configs: issuers },
      operatorSecrets,
    };
  },
};
