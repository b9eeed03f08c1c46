// Shared pieces of the fake CLIs: argv parsing, the state, kubeconfigs, issued credentials.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parse, stringify } from 'yaml';

export const sha = (data) => createHash('sha256').update(data).digest('hex');
const TMP = /\/[^\s'"]*?orrery-run-[A-Za-z0-9]+\//g;
export const clean = (s) => s.replace(TMP, '<tmp>/');

// --- argv ---------------------------------------------------------------------------------

const BOOLEAN = new Set(['--insecure', '--dry-run', '--wait', '--graceful', '--reboot', '--client', '--short', '--silent', '--server-side', '--force-conflicts', '--all', '--ignore-not-found', '--install', '--wait-providers', '-A', '--all-namespaces', '--force', '--ignore-daemonsets', '--delete-emptydir-data', '--token-auth']);

export function parseArgs(argv) {
  const flags = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('-') && a !== '-') {
      const eq = a.indexOf('=');
      const key = eq > 0 ? a.slice(0, eq) : a;
      let value;
      if (eq > 0) value = a.slice(eq + 1);
      else if (BOOLEAN.has(key)) value = true;
      else value = argv[++i];
      (flags[key] ??= []).push(value);
    } else positional.push(a);
  }
  const get = (...names) => {
    for (const n of names) if (flags[n]) return flags[n][flags[n].length - 1];
    return undefined;
  };
  const all = (...names) => names.flatMap((n) => flags[n] ?? []);
  return { flags, positional, get, all };
}

// --- state --------------------------------------------------------------------------------

export class Exit extends Error {
  constructor(code, stderr = '', stdout = '') {
    super(stderr);
    this.code = code;
    this.stderr = stderr;
    this.stdout = stdout;
  }
}

export function fail(message, code = 1) {
  throw new Exit(code, `${message}\n`);
}

export const kubeKey = (kind, ns, name) => `${kind}/${ns ?? ''}/${name}`;

export function clusterOf(state, server) {
  state.kube ??= {};
  return (state.kube[server] ??= { objects: {}, helm: {}, crds: [], k8sVersion: 'v1.36.2', nodes: [], flux: null, polls: 0 });
}

export function readKubeconfig(file) {
  if (!file) fail('error: no --kubeconfig given (the fakes never read ~/.kube/config)');
  if (!existsSync(file)) fail(`error: stat ${clean(file)}: no such file or directory`);
  const mode = statSync(file).mode & 0o777;
  const doc = parse(readFileSync(file, 'utf8'));
  const ctxName = doc['current-context'];
  const ctx = (doc.contexts ?? []).find((c) => c.name === ctxName);
  const cluster = (doc.clusters ?? []).find((c) => c.name === ctx?.context?.cluster);
  const user = (doc.users ?? []).find((u) => u.name === ctx?.context?.user);
  if (!cluster?.cluster?.server) fail('error: invalid kubeconfig: no server');
  return { server: cluster.cluster.server, key: user?.user?.['client-key-data'], mode };
}

export function kubeconfigText(server, name, context, key, user = context.split('@')[0]) {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': Buffer.from(`ca-of-${server}`).toString('base64') } }],
    users: [{ name: user, user: { 'client-certificate-data': Buffer.from('crt').toString('base64'), 'client-key-data': key } }],
    contexts: [{ name: context, context: { cluster: name, user } }],
    'current-context': context,
  });
}

/** A credential the fake cluster issues: looks secret, is recorded only as the tests' leak probe. */
export function issueKey(state, label) {
  const key = Buffer.from(`FAKE-SECRET-${label}-${randomBytes(12).toString('hex')}`).toString('base64');
  (state.issuedSecrets ??= []).push(key);
  return key;
}
