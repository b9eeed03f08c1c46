import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { talosApiProxy, type TalosProxy } from './proxy-env.ts';

/**
 * Does the server on a Talos API port ask for a client certificate? A configured node's apid
 * does (mTLS: tls.RequireAndVerifyClientCert), the maintenance service does not
 * (tls.NoClientCert) — siderolabs/talos pkg/grpc/tls/tls.go, `Mutual` and `ServerOnly`. topf
 * tells maintenance mode apart exactly so (postfinance/topf internal/topf/client.go,
 * checkForMTLS: Go's GetClientCertificate hook records the request).
 *
 * Node's TLS API has no such hook and does not expose whether a certificate was requested
 * (nodejs/node#29882, #40008). So the probe lets Node's TLS client send a TLS 1.2 ClientHello —
 * Talos accepts 1.2 (MinVersion TLS 1.2, ECDHE-ECDSA-AES256-GCM-SHA384 over X25519, same file)
 * — and reads the server's reply off the wire, before TLS decrypts anything: in TLS 1.2 the
 * server's first flight is plaintext (RFC 5246 §7.3): ServerHello, Certificate,
 * ServerKeyExchange, then CertificateRequest (handshake type 13) exactly when the server wants a
 * client certificate, then ServerHelloDone (14). The answer is that message, not an alert or a
 * timing. The connection is dropped right after; no credential is ever sent.
 */
export type ClientCertificateProbe = { readonly requested: boolean } | { readonly unknown: string };

export interface ProbeOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  /** Talos's API port (50000) unless a test serves it elsewhere. */
  readonly port?: number;
}

const TALOS_API_PORT = 50000;
const DEFAULT_TIMEOUT_MS = 3000;
const HANDSHAKE = 22;
const ALERT = 21;
const CERTIFICATE_REQUEST = 13;
const SERVER_HELLO_DONE = 14;

/**
 * What the server's plaintext TLS 1.2 flight says: `requested` true/false once ServerHelloDone
 * is there, an alert's description, or undefined while more bytes are needed.
 */
export function readServerFlight(bytes: Buffer): { requested: boolean } | { alert: number } | { notTls: true } | undefined {
  let handshake = Buffer.alloc(0);
  let offset = 0;
  while (bytes.length - offset >= 5) {
    const type = bytes[offset]!;
    const major = bytes[offset + 1]!;
    const length = bytes.readUInt16BE(offset + 3);
    if (major !== 3 || (type !== HANDSHAKE && type !== ALERT)) return { notTls: true };
    if (bytes.length - offset - 5 < length) break;
    const fragment = bytes.subarray(offset + 5, offset + 5 + length);
    offset += 5 + length;
    if (type === ALERT) return { alert: fragment[1] ?? 0 };
    handshake = Buffer.concat([handshake, fragment]);
    let seenRequest = false;
    for (let m = 0; handshake.length - m >= 4; ) {
      const msgType = handshake[m]!;
      const msgLength = handshake.readUIntBE(m + 1, 3);
      if (handshake.length - m - 4 < msgLength) break;
      if (msgType === CERTIFICATE_REQUEST) seenRequest = true;
      if (msgType === SERVER_HELLO_DONE) return { requested: seenRequest };
      m += 4 + msgLength;
    }
  }
  return undefined;
}

/** A raw byte stream to host:port — direct, or tunnelled with HTTP CONNECT as Talos's dialer does. */
function dial(host: string, port: number, proxy: TalosProxy | undefined, signal: AbortSignal): Promise<{ socket: net.Socket; early: Buffer }> {
  return new Promise((resolve, reject) => {
    const target = proxy ? { host: proxy.url.hostname.replace(/^\[|\]$/g, ''), port: Number(proxy.url.port || (proxy.url.protocol === 'https:' ? 443 : 80)) } : { host, port };
    const socket = net.connect(target);
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    signal.addEventListener('abort', () => fail(new Error('timed out')), { once: true });
    socket.once('error', fail);
    socket.once('connect', () => {
      if (!proxy) {
        socket.removeListener('error', fail);
        resolve({ socket, early: Buffer.alloc(0) });
        return;
      }
      const authority = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
      const auth = proxy.url.username ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(proxy.url.username)}:${decodeURIComponent(proxy.url.password)}`).toString('base64')}\r\n` : '';
      socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nUser-Agent: orrery\r\n${auth}\r\n`);
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.removeListener('data', onData);
        socket.pause();
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'))?.[1];
        if (status !== '200') {
          fail(new Error(`proxy ${proxy.url.host} answered CONNECT with ${status ?? 'no HTTP status'}`));
          return;
        }
        socket.removeListener('error', fail);
        resolve({ socket, early: head.subarray(end + 4) });
      };
      socket.on('data', onData);
    });
  });
}

/**
 * Asks the server at `address` (port 50000) whether it wants a client certificate. `unknown`
 * when that cannot be told (no route, refused, not TLS, an alert, a SOCKS proxy, the timeout):
 * the caller then asks talosctl.
 */
export async function probeClientCertificate(address: string, options: ProbeOptions): Promise<ClientCertificateProbe> {
  const port = options.port ?? TALOS_API_PORT;
  const proxy = talosApiProxy(address, port, options.env);
  if (proxy?.kind === 'socks5') return { unknown: `a SOCKS5 proxy (${proxy.url.host}) is configured; the probe speaks only HTTP CONNECT` };
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let raw: net.Socket | undefined;
  let client: tls.TLSSocket | undefined;
  try {
    const { socket, early } = await dial(address, port, proxy, abort.signal);
    raw = socket;
    return await new Promise<ClientCertificateProbe>((resolve) => {
      let seen = Buffer.alloc(0);
      const settle = (r: ClientCertificateProbe): void => {
        resolve(r);
        socket.destroy();
        client?.destroy();
      };
      // Between Node's TLS client and the socket: every byte from the server is read here first.
      const tap = new Duplex({
        read() {
          socket.resume();
        },
        write(chunk: Buffer, _encoding, callback) {
          socket.write(chunk, callback);
        },
      });
      const inspect = (chunk: Buffer): void => {
        seen = Buffer.concat([seen, chunk]);
        const flight = readServerFlight(seen);
        if (!flight) {
          if (!tap.push(chunk)) socket.pause();
          return;
        }
        if ('requested' in flight) settle({ requested: flight.requested });
        else if ('alert' in flight) settle({ unknown: `the server sent TLS alert ${flight.alert} to a TLS 1.2 hello` });
        else settle({ unknown: `the server on port ${port} does not speak TLS` });
      };
      const ms = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      abort.signal.addEventListener('abort', () => settle({ unknown: `no answer within ${ms < 1000 ? `${ms}ms` : `${Math.round(ms / 1000)}s`}` }), { once: true });
      socket.on('data', inspect);
      socket.on('error', (err) => settle({ unknown: err.message }));
      socket.on('end', () => settle({ unknown: 'the server closed the connection during the handshake' }));
      client = tls.connect({ socket: tap as unknown as net.Socket, rejectUnauthorized: false, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ALPNProtocols: ['h2'] });
      // Errors of the TLS client (it is torn down mid-handshake on purpose) decide nothing.
      client.on('error', () => undefined);
      if (early.length > 0) inspect(early);
      socket.resume();
    });
  } catch (err) {
    return { unknown: (err as Error).message };
  } finally {
    clearTimeout(timer);
    raw?.destroy();
    client?.destroy();
  }
}
