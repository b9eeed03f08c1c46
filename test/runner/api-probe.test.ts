import net from 'node:net';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { probeClientCertificate, readServerFlight } from '../../lib/runner/talos/api-probe.ts';
import { talosApiProxy } from '../../lib/runner/talos/proxy-env.ts';
import { serverCertificate, startFakeTalosApi, talosLikeServer, type FakeTalosApi } from './fake-talos-api.ts';

const servers: net.Server[] = [];
const connections = new Set<net.Socket>();
const apis: FakeTalosApi[] = [];
afterAll(async () => {
  for (const c of connections) c.destroy();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  await Promise.all(apis.map((a) => a.close()));
});

async function listening(server: Promise<tls.Server> | net.Server): Promise<number> {
  const s = await server;
  servers.push(s);
  s.on('connection', (c: net.Socket) => connections.add(c));
  if (!s.listening) await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as net.AddressInfo).port;
}

const probe = (port: number, env: NodeJS.ProcessEnv = {}, timeoutMs?: number): ReturnType<typeof probeClientCertificate> =>
  probeClientCertificate('127.0.0.1', { env, port, ...(timeoutMs ? { timeoutMs } : {}) });

describe('the mTLS probe: does the server on the Talos API port ask for a client certificate?', () => {
  it('a server like apid (client certificate required) asks; one like the maintenance service does not — on TLS 1.2 and 1.2-or-1.3 servers', async () => {
    expect(await probe(await listening(talosLikeServer({ mutual: true })))).toEqual({ requested: true });
    expect(await probe(await listening(talosLikeServer({ mutual: false })))).toEqual({ requested: false });
    expect(await probe(await listening(talosLikeServer({ mutual: true, maxVersion: 'TLSv1.2' })))).toEqual({ requested: true });
    expect(await probe(await listening(talosLikeServer({ mutual: false, maxVersion: 'TLSv1.2' })))).toEqual({ requested: false });
    // The request itself is what counts, not a rejection: a server that asks but accepts none still asks.
    const optional = tls.createServer({ ...(await serverCertificate()), requestCert: true, rejectUnauthorized: false });
    expect(await probe(await listening(optional))).toEqual({ requested: true });
  });

  it('cannot tell (the caller asks talosctl): a closed port, a server that is not TLS, one that never answers', async () => {
    const closed = await listening(net.createServer());
    await new Promise((r) => servers.pop()!.close(r));
    await new Promise((r) => setTimeout(r, 20));
    expect(await probe(closed)).toMatchObject({ unknown: expect.stringContaining('ECONNREFUSED') });
    const http = await listening(net.createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    expect(await probe(http)).toEqual({ unknown: `the server on port ${http} does not speak TLS` });
    const silent = await listening(net.createServer(() => undefined));
    expect(await probe(silent, {}, 300)).toEqual({ unknown: 'no answer within 300ms' });
  });

  it('a server that speaks only TLS 1.3 answers the TLS 1.2 hello with an alert: unknown, never a guess', async () => {
    const s = await talosLikeServer({ mutual: false });
    s.setSecureContext({ ...(await serverCertificate()), minVersion: 'TLSv1.3' });
    const port = await listening(s);
    expect(await probe(port)).toMatchObject({ unknown: expect.stringMatching(/^the server sent TLS alert \d+ to a TLS 1\.2 hello$/) });
  });

  it('through HTTPS_PROXY (HTTP CONNECT, as talosctl dials): routed by address; a proxy that cannot reach it is unknown', async () => {
    const api = await startFakeTalosApi((a) => (a === '192.0.2.10' ? 'maintenance' : a === '192.0.2.11' ? 'configured' : undefined));
    apis.push(api);
    const env = { HTTPS_PROXY: api.proxyUrl };
    expect(await probeClientCertificate('192.0.2.10', { env })).toEqual({ requested: false });
    expect(await probeClientCertificate('192.0.2.11', { env })).toEqual({ requested: true });
    expect(await probeClientCertificate('192.0.2.12', { env })).toEqual({ unknown: `proxy ${new URL(api.proxyUrl).host} answered CONNECT with 502` });
    expect(api.probes).toEqual([{ address: '192.0.2.10', answered: 'maintenance' }, { address: '192.0.2.11', answered: 'configured' }, { address: '192.0.2.12' }]);
    // A SOCKS5 proxy is not spoken: unknown, so talosctl (which speaks it) decides.
    expect(await probeClientCertificate('192.0.2.10', { env: { HTTPS_PROXY: 'socks5://127.0.0.1:1080' } })).toMatchObject({ unknown: expect.stringContaining('SOCKS5') });
  });
});

describe('which proxy: golang.org/x/net/http/httpproxy for https://<address>, as Talos\'s dialer asks it', () => {
  const at = (env: NodeJS.ProcessEnv, host = '10.0.0.5'): string | undefined => talosApiProxy(host, 50000, env)?.url.href;
  it('HTTPS_PROXY (or https_proxy), never HTTP_PROXY; a bare host:port is http://', () => {
    expect(at({ HTTPS_PROXY: 'http://proxy:3128' })).toBe('http://proxy:3128/');
    expect(at({ https_proxy: 'proxy:3128' })).toBe('http://proxy:3128/');
    expect(at({ HTTP_PROXY: 'http://proxy:3128' })).toBeUndefined();
    expect(at({})).toBeUndefined();
  });
  it('NO_PROXY: *, IPs with or without port, CIDRs, domains and their subdomains; loopback never proxied', () => {
    const env = (no: string): NodeJS.ProcessEnv => ({ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: no });
    expect(at(env('*'))).toBeUndefined();
    expect(at(env('10.0.0.5'))).toBeUndefined();
    expect(at(env('10.0.0.5:50000'))).toBeUndefined();
    expect(at(env('10.0.0.5:443'))).toBe('http://proxy:3128/');
    expect(at(env('10.0.0.0/24'))).toBeUndefined();
    expect(at(env('10.0.1.0/24'))).toBe('http://proxy:3128/');
    expect(at(env('example.com'), 'node1.example.com')).toBeUndefined();
    expect(at(env('example.com'), 'example.com')).toBeUndefined();
    expect(at(env('.example.com'), 'example.com')).toBe('http://proxy:3128/');
    expect(at(env('*.example.com'), 'a.example.com')).toBeUndefined();
    expect(at({ no_proxy: 'other.org, 10.0.0.5', HTTPS_PROXY: 'http://p:1' })).toBeUndefined();
    expect(at({ HTTPS_PROXY: 'http://p:1' }, '127.0.0.1')).toBeUndefined();
    expect(at({ HTTPS_PROXY: 'http://p:1' }, 'localhost')).toBeUndefined();
  });
});

describe('the server flight as read off the wire (RFC 5246 §7.4)', () => {
  const record = (type: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([type, 3, 3, body.length >> 8, body.length & 255]), body]);
  const msg = (type: number, len = 0): Buffer => Buffer.concat([Buffer.from([type, 0, len >> 8, len & 255]), Buffer.alloc(len)]);
  it('CertificateRequest before ServerHelloDone means asked; records and messages may be split anywhere', () => {
    const asked = Buffer.concat([record(22, Buffer.concat([msg(2, 40), msg(11, 300)])), record(22, Buffer.concat([msg(12, 100), msg(13, 10), msg(14)]))]);
    expect(readServerFlight(asked)).toEqual({ requested: true });
    expect(readServerFlight(asked.subarray(0, asked.length - 2))).toBeUndefined();
    const notAsked = record(22, Buffer.concat([msg(2, 40), msg(11, 300), msg(12, 100), msg(14)]));
    expect(readServerFlight(notAsked)).toEqual({ requested: false });
    expect(readServerFlight(record(21, Buffer.from([2, 70])))).toEqual({ alert: 70 });
    expect(readServerFlight(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))).toEqual({ notTls: true });
  });
});
