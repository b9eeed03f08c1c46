import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import type * as x509 from '@peculiar/x509';

type X509Library = typeof x509;
let library: Promise<X509Library> | undefined;

/**
 * The X.509 library, loaded on first use behind its polyfill (import it from here, never
 * directly): only certificate generation needs it, so validate and synth never load it.
 * @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill.
 */
export function loadX509(): Promise<X509Library> {
  library ??= (async (): Promise<X509Library> => {
    await import('reflect-metadata');
    const lib = await import('@peculiar/x509');
    lib.cryptoProvider.set(webcrypto as unknown as Parameters<typeof lib.cryptoProvider.set>[0]);
    return lib;
  })();
  return library;
}

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type WebAlgorithm = webcrypto.Algorithm | webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams | webcrypto.EcdsaParams;

export type KeyAlgorithm = 'ecdsa-p256' | 'ed25519' | 'rsa-4096';

export interface KeyPair {
  readonly algorithm: KeyAlgorithm;
  readonly keys: CryptoKeyPair;
}

export interface IssuedCertificate {
  readonly certificatePem: string;
  /** The private key in the PEM form the consumer expects (see `privateKeyPem`). */
  readonly keyPem: string;
  readonly keys: KeyPair;
  readonly certificate: x509.X509Certificate;
}

const ALGORITHMS: Record<KeyAlgorithm, { generate: WebAlgorithm; sign: WebAlgorithm }> = {
  'ecdsa-p256': { generate: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
  ed25519: { generate: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  'rsa-4096': {
    generate: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 4096, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
  },
};

export async function generateKeyPair(algorithm: KeyAlgorithm): Promise<KeyPair> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHMS[algorithm].generate as webcrypto.EcKeyGenParams, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { algorithm, keys };
}

/**
 * The private key PEM as each consumer writes it: ECDSA as SEC1 `EC PRIVATE KEY`, RSA as PKCS#1
 * `RSA PRIVATE KEY`, Ed25519 as PKCS#8 under Talos's `ED25519 PRIVATE KEY` label.
 */
export async function privateKeyPem(pair: KeyPair): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', pair.keys.privateKey));
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  switch (pair.algorithm) {
    case 'ecdsa-p256':
      return key.export({ format: 'pem', type: 'sec1' }).toString();
    case 'rsa-4096':
      return key.export({ format: 'pem', type: 'pkcs1' }).toString();
    case 'ed25519':
      return `-----BEGIN ED25519 PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ED25519 PRIVATE KEY-----\n`;
  }
}

/** A positive random serial below 2^128, as Go's crypto/rand based generators make them. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0]! &= 0x7f;
  return bytes.toString('hex');
}

export interface CaOptions {
  /** Subject as an RFC 4514 string (e.g. `O=talos`, `CN=Cilium CA`); empty for an empty subject. */
  readonly subject: string;
  readonly algorithm: KeyAlgorithm;
  readonly validityDays: number;
  readonly now: Date;
  /** Omit for no path length constraint. */
  readonly pathLength?: number;
  readonly keyUsages: number;
  readonly extendedKeyUsages?: readonly string[];
  /** Signs with this CA instead of self-signing (an intermediate). */
  readonly issuer?: IssuedCertificate;
  readonly authorityKeyIdentifier?: boolean;
}

/** A CA certificate and key. */
export async function createCertificateAuthority(options: CaOptions): Promise<IssuedCertificate> {
  const x509 = await loadX509();
  const keys = await generateKeyPair(options.algorithm);
  const notBefore = new Date(Math.floor(options.now.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + options.validityDays * 86_400_000);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, options.pathLength, true),
    new x509.KeyUsagesExtension(options.keyUsages, true),
    new x509.SubjectKeyIdentifierExtension(randomBytes(20).toString('hex')),
  ];
  if (options.extendedKeyUsages?.length) extensions.push(new x509.ExtendedKeyUsageExtension([...options.extendedKeyUsages]));
  const signingAlgorithm = ALGORITHMS[options.algorithm].sign;
  let certificate: x509.X509Certificate;
  if (options.issuer) {
    if (options.authorityKeyIdentifier) {
      // The AKI must equal the issuer's SKI (random here, as Talos makes them), not a hash of its key.
      const ski = options.issuer.certificate.getExtension(x509.SubjectKeyIdentifierExtension);
      if (ski) extensions.push(new x509.AuthorityKeyIdentifierExtension(ski.keyId));
    }
    certificate = await x509.X509CertificateGenerator.create({
      serialNumber: serialNumber(),
      subject: options.subject,
      issuer: options.issuer.certificate.subject,
      notBefore,
      notAfter,
      publicKey: keys.keys.publicKey,
      signingKey: options.issuer.keys.keys.privateKey,
      signingAlgorithm: ALGORITHMS[options.issuer.keys.algorithm].sign,
      extensions,
    });
  } else {
    certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serialNumber(),
      name: options.subject,
      notBefore,
      notAfter,
      keys: keys.keys,
      signingAlgorithm,
      extensions,
    });
  }
  return { certificatePem: `${certificate.toString('pem')}\n`, keyPem: await privateKeyPem(keys), keys, certificate };
}

/**
 * Key usage flags as @peculiar/x509's KeyUsageFlags numbers them (bit n of RFC 5280 §4.2.1.3's
 * KeyUsage BIT STRING is 2^n), kept here so that naming one does not load the library;
 * test/secrets/pki.test.ts pins them to the library's.
 */
export const KeyUsage = { digitalSignature: 1, nonRepudiation: 2, keyEncipherment: 4, dataEncipherment: 8, keyAgreement: 16, keyCertSign: 32, cRLSign: 64, encipherOnly: 128, decipherOnly: 256 } as const;
/** RFC 5280 §4.2.1.12 key purposes (id-kp-serverAuth, id-kp-clientAuth), as @peculiar/x509's ExtendedKeyUsage names them. */
export const ExtendedKeyUsage = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;

/** Loads a stored certificate and key (SEC1 / PKCS#1 / PKCS#8 PEM) to sign with again. */
export async function loadIssued(certificatePem: string, keyPem: string, algorithm: KeyAlgorithm): Promise<IssuedCertificate> {
  const x509 = await loadX509();
  const pkcs8 = createPrivateKey(keyPem).export({ format: 'der', type: 'pkcs8' });
  const certificate = new x509.X509Certificate(certificatePem);
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, ALGORITHMS[algorithm].generate as webcrypto.EcKeyImportParams, true, ['sign']);
  const publicKey = await certificate.publicKey.export(ALGORITHMS[algorithm].generate as webcrypto.EcKeyImportParams, ['verify']);
  return { certificatePem, keyPem, certificate, keys: { algorithm, keys: { privateKey, publicKey } } };
}
