import { randomBytes, randomInt, X509Certificate } from 'node:crypto';
import { compareVersions } from '../data/talos-kubernetes.ts';
import { createCertificateAuthority, ExtendedKeyUsage, generateKeyPair, KeyUsage, privateKeyPem, type IssuedCertificate } from './pki.ts';
import { toYaml } from '../output/yaml.ts';

/** Talos CAs: 87600h (siderolabs/talos pkg/machinery/config/generate/secrets CAValidityTime). */
const TALOS_CA_DAYS = 3650;
const TOKEN_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** `[0-9a-z]{6}.[0-9a-z]{16}`, uniformly random (as Talos's genToken). */
export function talosToken(): string {
  const part = (n: number): string => Array.from({ length: n }, () => TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)]).join('');
  return `${part(6)}.${part(16)}`;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/**
 * A Talos secrets bundle in the layout `talosctl gen secrets` writes and `gen config
 * --with-secrets` reads: cluster id/secret, bootstrap token, secretbox key, trustd token,
 * etcd / kubernetes / aggregator CAs (ECDSA P-256, SEC1 keys), the OS CA (Ed25519, PKCS#8 under
 * "ED25519 PRIVATE KEY"), the service-account key (RSA 4096, PKCS#1 since contract 1.7);
 * certificates and keys as base64 of their PEM. Ten-year CAs with one shared NotBefore.
 */
export async function talosSecretsBundle(options: { contract: string; now: Date }): Promise<Record<string, unknown>> {
  const usages = { keyUsages: KeyUsage.digitalSignature | KeyUsage.keyCertSign, extendedKeyUsages: [ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth] };
  const ca = (subject: string, algorithm: 'ecdsa-p256' | 'ed25519'): Promise<IssuedCertificate> =>
    createCertificateAuthority({ subject, algorithm, validityDays: TALOS_CA_DAYS, now: options.now, ...usages });
  const [etcd, k8s, aggregator, os] = await Promise.all([
    ca('O=etcd', 'ecdsa-p256'),
    ca('O=kubernetes', 'ecdsa-p256'),
    // Talos builds CA subjects from organizations only: the aggregator CA's subject is empty.
    ca('', 'ecdsa-p256'),
    ca('O=talos', 'ed25519'),
  ]);
  const serviceAccount = await privateKeyPem(await generateKeyPair('rsa-4096'));
  // Before 1.14 the cluster id was URL-safe base64; from 1.14 standard base64 (types/cluster/discovery_identity.go).
  const clusterId = randomBytes(32).toString(compareVersions(options.contract, '1.14') >= 0 ? 'base64' : 'base64url');
  const pad = (s: string): string => s + '='.repeat((4 - (s.length % 4)) % 4);
  const pair = (c: IssuedCertificate) => ({ crt: b64(c.certificatePem), key: b64(c.keyPem) });
  return {
    cluster: { id: pad(clusterId), secret: randomBytes(32).toString('base64') },
    secrets: { bootstraptoken: talosToken(), secretboxencryptionsecret: randomBytes(32).toString('base64') },
    trustdinfo: { token: talosToken() },
    certs: { etcd: pair(etcd), k8s: pair(k8s), k8saggregator: pair(aggregator), k8sserviceaccount: { key: b64(serviceAccount) }, os: pair(os) },
  };
}

/**
 * A Talos secrets bundle as the Secret CABPT reads before it would generate one: `<cluster>-talos`
 * in the Cluster's namespace, key `bundle` = the bundle's YAML (yaml.v2-unmarshalled into
 * secrets.Bundle — cluster-api-bootstrap-provider-talos@v0.6.12 controllers/secrets.go getSecretsBundle).
 * CABPT's own Secret carries the cluster-name label; a pre-seeded one has no owner, so it carries
 * clusterctl's move label to travel with the pivot (cluster-api@v1.12.11 objectgraph.go objMetaToNode).
 */
export function talosBundleSecret(options: { cluster: string; namespace: string; bundle: Record<string, unknown> }): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `${options.cluster}-talos`,
      namespace: options.namespace,
      labels: { 'cluster.x-k8s.io/cluster-name': options.cluster, 'clusterctl.cluster.x-k8s.io/move': '' },
    },
    data: { bundle: b64(toYaml(options.bundle)) },
  };
}

/**
 * The CA every member of a ClusterMesh shares (what seed 004 copies by hand): ECDSA P-256,
 * CN "Cilium CA", three years, as cilium-certgen makes it.
 */
export function ciliumCa(now: Date): Promise<IssuedCertificate> {
  return createCertificateAuthority({
    subject: 'CN=Cilium CA',
    algorithm: 'ecdsa-p256',
    validityDays: 3 * 365,
    now,
    keyUsages: KeyUsage.digitalSignature | KeyUsage.keyCertSign,
    extendedKeyUsages: [ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth],
  });
}

/** The `cilium-ca` Secret the Cilium chart reuses (data ca.crt, ca.key). */
/** Unencrypted marker of which mesh a CA was made for: a merged mesh with two CAs is caught without the key. */
export const MESH_ANNOTATION = 'orrery.dev/mesh';

/**
 * Unencrypted SHA-256 fingerprint of the CA certificate (public): synth compares the members of a
 * mesh without a key, so a half-finished rotation (two CAs in one mesh) is caught in CI. The MAC
 * covers unencrypted values too, so with a key it is also authenticated.
 */
export const CA_FINGERPRINT_ANNOTATION = 'orrery.dev/ca-sha256';

/** `AB:CD:…`, as openssl x509 -fingerprint -sha256 prints it. */
export function caFingerprint(certificatePem: string): string {
  return new X509Certificate(certificatePem).fingerprint256;
}

export function ciliumCaSecret(namespace: string, ca: { certificatePem: string; keyPem: string }, mesh: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'cilium-ca', namespace, annotations: { [MESH_ANNOTATION]: mesh, [CA_FINGERPRINT_ANNOTATION]: caFingerprint(ca.certificatePem) } },
    data: { 'ca.crt': b64(ca.certificatePem), 'ca.key': b64(ca.keyPem) },
  };
}

/** Linkerd trust anchor (root CA): ECDSA P-256 / SHA-256 (Linkerd requires it), ten years, pathlen 1 (step root-ca). */
export function linkerdTrustAnchor(now: Date): Promise<IssuedCertificate> {
  return createCertificateAuthority({
    subject: 'CN=root.linkerd.cluster.local',
    algorithm: 'ecdsa-p256',
    validityDays: 3650,
    now,
    pathLength: 1,
    keyUsages: KeyUsage.keyCertSign | KeyUsage.cRLSign,
  });
}

/** Linkerd identity issuer (intermediate CA): one year (8760h), pathlen 0 (step intermediate-ca). */
export function linkerdIssuer(anchor: IssuedCertificate, now: Date): Promise<IssuedCertificate> {
  return createCertificateAuthority({
    subject: 'CN=identity.linkerd.cluster.local',
    algorithm: 'ecdsa-p256',
    validityDays: 365,
    now,
    pathLength: 0,
    keyUsages: KeyUsage.keyCertSign | KeyUsage.cRLSign,
    issuer: anchor,
    authorityKeyIdentifier: true,
  });
}

export function tlsSecret(name: string, namespace: string, cert: { certificatePem: string; keyPem: string }, caPem: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(cert.certificatePem), 'tls.key': b64(cert.keyPem), 'ca.crt': b64(caPem) },
  };
}
