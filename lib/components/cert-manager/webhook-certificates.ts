import type { KubeObject } from '../../build/artifacts.ts';
import type { ClusterModel } from '../../model/model.ts';

/** One admission webhook (or aggregated API) whose serving certificate cert-manager issues. */
export interface WebhookCertificate {
  /** Certificate name; the chart's `injectCaFrom` is `<namespace>/<name>`. */
  readonly name: string;
  /** The Secret the webhook's pods mount (the name the chart expects with `externalSecret: true`). */
  readonly secretName: string;
  /** The Service the API server calls: the certificate's only DNS name, `<service>.<namespace>.svc`. */
  readonly service: string;
}

/** cert-manager issues the webhooks' certificates when it is in the cluster. */
export function certManagerIssuesWebhooks(cluster: ClusterModel): boolean {
  return cluster.components.certManager?.enabled === true;
}

const CERT_MANAGER = 'cert-manager.io/v1';

/**
 * Webhook serving certificates issued in-cluster by cert-manager, with a CA bootstrapped by
 * cert-manager itself (a selfSigned Issuer signs a CA Certificate, which backs a CA Issuer:
 * cert-manager docs "SelfSigned — Bootstrapping CA Issuers"). Nothing random is rendered into
 * the output, so Argo CD's repeated `helm template` produces the same objects every time; the
 * cainjector writes the CA into each webhook's caBundle (`cert-manager.io/inject-ca-from`).
 * Leaf settings follow Linkerd's "Automatically Rotating Webhook TLS Credentials" (ECDSA, server
 * auth, 24h with renewal an hour before expiry); the CA lives ten years, so a leaf renewal never
 * changes the caBundle.
 */
export function webhookCertificates(namespace: string, prefix: string, webhooks: readonly WebhookCertificate[]): KubeObject[] {
  const selfSigned = `${prefix}-selfsigned`;
  const ca = `${prefix}-ca`;
  return [
    { apiVersion: CERT_MANAGER, kind: 'Issuer', metadata: { name: selfSigned, namespace }, spec: { selfSigned: {} } },
    {
      apiVersion: CERT_MANAGER,
      kind: 'Certificate',
      metadata: { name: ca, namespace },
      spec: {
        isCA: true,
        commonName: `${prefix}.${namespace}`,
        secretName: ca,
        duration: '87600h',
        privateKey: { algorithm: 'ECDSA', size: 256 },
        issuerRef: { name: selfSigned, kind: 'Issuer' },
      },
    },
    { apiVersion: CERT_MANAGER, kind: 'Issuer', metadata: { name: ca, namespace }, spec: { ca: { secretName: ca } } },
    ...webhooks.map((w) => ({
      apiVersion: CERT_MANAGER,
      kind: 'Certificate',
      metadata: { name: w.name, namespace },
      spec: {
        secretName: w.secretName,
        commonName: `${w.service}.${namespace}.svc`,
        dnsNames: [`${w.service}.${namespace}.svc`],
        duration: '24h',
        renewBefore: '1h',
        isCA: false,
        privateKey: { algorithm: 'ECDSA' },
        usages: ['server auth'],
        issuerRef: { name: ca, kind: 'Issuer' },
      },
    })),
  ];
}

/** Chart values for one webhook whose certificate comes from cert-manager (Linkerd charts: externalSecret + injectCaFrom). */
export function externalWebhookValues(namespace: string, w: WebhookCertificate): { externalSecret: true; injectCaFrom: string } {
  return { externalSecret: true, injectCaFrom: `${namespace}/${w.name}` };
}
