import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { createCertificateAuthority, ExtendedKeyUsage, KeyUsage } from '../../lib/secrets/pki.ts';

/**
 * Port 50000 of the fake machines, for the runner's mTLS probe: two local TLS servers shaped like
 * Talos's (siderolabs/talos pkg/grpc/tls/tls.go: TLS 1.2 at least, X25519,
 * ECDHE-ECDSA-AES256-GCM-SHA384 for 1.2, an ECDSA certificate) — apid asking for and requiring a
 * client certificate, the maintenance service asking for none — reached through an HTTP CONNECT
 * proxy (HTTPS_PROXY), the way talosctl's dialer reaches nodes through one. The proxy routes
 * CONNECT <address>:50000 by what the fake machine at that address is doing, and answers 502
 * for an address nobody answers on. The tests never dial a real address.
 */
export type ApiMode = 'maintenance' | 'configured';

export interface FakeTalosApi {
  /** For HTTPS_PROXY. */
  readonly proxyUrl: string;
  /** Every CONNECT: the address and what answered (undefined: 502). */
  readonly probes: { readonly address: string; readonly answered?: ApiMode }[];
  close(): Promise<void>;
}

let certificate: Promise<{ cert: string; key: string }> | undefined;

/** One self-signed ECDSA P-256 certificate per test process (the probe verifies nothing). */
export function serverCertificate(): Promise<{ cert: string; key: string }> {
  certificate ??= createCertificateAuthority({
    subject: 'CN=fake talos api',
    algorithm: 'ecdsa-p256',
    validityDays: 30,
    now: new Date(),
    keyUsages: KeyUsage.digitalSignature | KeyUsage.keyCertSign,
    extendedKeyUsages: [ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth],
  }).then((ca) => ({ cert: ca.certificatePem, key: ca.keyPem }));
  return certificate;
}

/** An HTTP/2 SETTINGS frame with no settings: what a gRPC server sends first. */
const SETTINGS_FRAME = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);

/** A TLS server like Talos's on 50000: `mutual` asks for and requires a client certificate. */
export async function talosLikeServer(options: { mutual: boolean; maxVersion?: tls.SecureVersion }): Promise<tls.Server> {
  const { cert, key } = await serverCertificate();
  const server = tls.createServer({
    cert,
    key,
    ca: cert,
    minVersion: 'TLSv1.2',
    maxVersion: options.maxVersion ?? 'TLSv1.3',
    ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384',
    ecdhCurve: 'X25519',
    ALPNProtocols: ['h2'],
    requestCert: options.mutual,
    rejectUnauthorized: options.mutual,
  });
  server.on('secureConnection', (s) => {
    s.on('error', () => undefined);
    s.write(SETTINGS_FRAME);
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const portOf = (s: net.Server): number => (s.address() as net.AddressInfo).port;

export async function startFakeTalosApi(modeOf: (address: string) => ApiMode | undefined): Promise<FakeTalosApi> {
  const apid = await talosLikeServer({ mutual: true });
  const maintenance = await talosLikeServer({ mutual: false });
  const probes: { address: string; answered?: ApiMode }[] = [];
  const sockets = new Set<net.Socket>();
  const proxy = http.createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    client.on('error', () => undefined);
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '');
    const mode = m && m[2] === '50000' ? modeOf(m[1]!) : undefined;
    probes.push({ address: m?.[1] ?? String(req.url), ...(mode ? { answered: mode } : {}) });
    if (!mode) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = net.connect(portOf(mode === 'configured' ? apid : maintenance), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    proxyUrl: `http://127.0.0.1:${portOf(proxy)}`,
    probes,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([apid, maintenance, proxy].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
