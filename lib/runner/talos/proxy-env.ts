import net from 'node:net';

/**
 * The proxy talosctl dials a Talos API address through, so that orrery's own probe of port
 * 50000 takes the same path. Talos's client dialer asks golang.org/x/net/http/httpproxy
 * `FromEnvironment().ProxyFunc()` for the URL `https://<address>` on every dial
 * (siderolabs/talos pkg/machinery/client/dialer/proxy.go, DynamicProxyDialer and mapAddress), so
 * the rules are httpproxy's for an https URL: HTTPS_PROXY (or https_proxy) — never HTTP_PROXY —
 * unless NO_PROXY (or no_proxy) or the loopback rule exclude the host. A proxy value without a
 * known scheme is read as http://; socks5 is dialled with SOCKS5, anything else with an HTTP
 * CONNECT over plain TCP (doHTTPConnectHandshake), an https:// proxy included.
 */
export interface TalosProxy {
  readonly url: URL;
  readonly kind: 'connect' | 'socks5';
}

const envAny = (env: NodeJS.ProcessEnv, ...names: string[]): string => {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v !== '') return v;
  }
  return '';
};

function parseProxy(value: string): URL | undefined {
  const known = (u: URL): boolean => ['http:', 'https:', 'socks5:', 'socks5h:'].includes(u.protocol);
  try {
    const u = new URL(value);
    if (known(u)) return u;
  } catch {
    // Not a URL on its own: httpproxy retries with http:// in front.
  }
  try {
    return new URL(`http://${value}`);
  } catch {
    return undefined;
  }
}

/** Splits `host:port` / `[v6]:port` / a bare host, as net.SplitHostPort would (a bare host has no port). */
function splitHostPort(entry: string): { host: string; port: string } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (v6) return { host: v6[1]!, port: v6[2] ?? '' };
  const m = /^([^:]+):(\d+)$/.exec(entry);
  return m ? { host: m[1]!, port: m[2]! } : { host: entry, port: '' };
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const family = net.isIP(base ?? '');
  if (!family || net.isIP(ip) !== family || bits === undefined || !/^\d+$/.test(bits)) return false;
  const list = new net.BlockList();
  list.addSubnet(base!, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
  return list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

const isLoopback = (ip: string): boolean => (net.isIPv4(ip) ? ip.startsWith('127.') : ip === '::1');

/** httpproxy's useProxy: false when the address must be dialled directly. */
function useProxy(host: string, port: string, noProxy: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || (net.isIP(h) && isLoopback(h))) return false;
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return false;
    if (entry.includes('/')) {
      if (net.isIP(h) && inCidr(h, entry)) return false;
      continue;
    }
    const { host: ph, port: pp } = splitHostPort(entry);
    if (net.isIP(ph)) {
      if (net.isIP(h) && ph === h && (pp === '' || pp === port)) return false;
      continue;
    }
    // foo.com matches foo.com and its subdomains; .foo.com and *.foo.com only the subdomains.
    const suffix = ph.startsWith('*.') ? ph.slice(1) : ph.startsWith('.') ? ph : `.${ph}`;
    const matchHost = !ph.startsWith('.') && !ph.startsWith('*.');
    if ((h.endsWith(suffix) || (matchHost && h === suffix.slice(1))) && (pp === '' || pp === port)) return false;
  }
  return true;
}

/** The proxy for `host:port` as talosctl would pick it, or undefined for a direct dial. */
export function talosApiProxy(host: string, port: number, env: NodeJS.ProcessEnv): TalosProxy | undefined {
  const value = envAny(env, 'HTTPS_PROXY', 'https_proxy');
  if (value === '') return undefined;
  const url = parseProxy(value);
  if (!url || !useProxy(host, String(port), envAny(env, 'NO_PROXY', 'no_proxy'))) return undefined;
  return { url, kind: url.protocol === 'socks5:' ? 'socks5' : 'connect' };
}
