// The fake helm, flux, kind and clusterctl.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { clusterOf, fail, issueKey, kubeconfigText, kubeKey, parseArgs, readKubeconfig, sha } from './common.mjs';
import { conditionTrue, reconcile } from './kubectl.mjs';


export function helm(state, argv) {
  const args = parseArgs(argv);
  if (args.positional[0] === 'version') return { stdout: `${state.versions?.helm ?? 'v3.21.0'}+g0000000\n` };
  const kc = readKubeconfig(args.get('--kubeconfig'));
  const c = state.kube?.[kc.server];
  if (!c || c.down) fail(`Error: Kubernetes cluster unreachable: Get "${kc.server}/version": dial tcp: connection refused`);
  const verb = args.positional[0];
  const ns = args.get('--namespace', '-n');
  if (verb === 'list') {
    const name = args.get('--filter').replace(/^\^|\$$/g, '');
    const r = c.helm[`${ns}/${name}`];
    return { stdout: JSON.stringify(r ? [{ name, namespace: ns, revision: String(r.revision), status: r.status, chart: `${r.chart}-${r.version}`, app_version: r.version }] : []) };
  }
  if (verb === 'get' && args.positional[1] === 'values') {
    const r = c.helm[`${ns}/${args.positional[2]}`];
    if (!r) fail(`Error: release: not found`);
    return { stdout: JSON.stringify(r.values ?? null) };
  }
  if (verb === 'upgrade') {
    const [, name, chart] = args.positional;
    if (!args.get('--install')) fail('fake helm: the runner always uses upgrade --install');
    const values = parse(readFileSync(args.get('--values', '-f'), 'utf8'));
    const prev = c.helm[`${ns}/${name}`];
    c.helm[`${ns}/${name}`] = { chart, version: args.get('--version'), repo: args.get('--repo'), status: 'deployed', values, revision: (prev?.revision ?? 0) + 1 };
    return { stdout: `Release "${name}" has been ${prev ? 'upgraded' : 'installed'}. Happy Helming!\n` };
  }
  fail(`fake helm: ${argv.join(' ')} not simulated`);
}

export function flux(state, argv, io) {
  const args = parseArgs(argv);
  if (args.positional[0] === 'version') return { stdout: JSON.stringify({ flux: state.versions?.flux ?? 'v2.9.4' }) };
  const kc = readKubeconfig(args.get('--kubeconfig'));
  const c = state.kube?.[kc.server];
  if (!c) fail('✗ Kubernetes API call failed: connection refused');
  if (args.positional[0] === 'bootstrap' && args.positional[1] === 'git') {
    const url = args.get('--url');
    const key = args.get('--private-key-file');
    if (/^ssh:/.test(url) && (!key || !existsSync(key))) fail('✗ failed to clone repository: ssh: handshake failed: ssh: unable to authenticate');
    let auth = key ? 'deploy-key' : undefined;
    if (/^https:/.test(url)) {
      // --token-auth without --password: the token is the first line of stdin (flux2 cmd/flux/main.go readPasswordFromStdin).
      if (!args.get('--token-auth') || args.get('--password')) fail('fake flux: the runner sends the token on stdin with --token-auth');
      const text = io.stdin.toString('utf8');
      if (!text.includes('\n')) fail('✗ could not read token: could not read from stdin: EOF');
      const token = text.slice(0, text.indexOf('\n'));
      const accepted = state.git?.tokens ?? [];
      if (!accepted.includes(sha(token)) || (args.get('--username') ?? 'git') !== (state.git?.username ?? 'git')) fail('✗ failed to clone repository: authentication required: Invalid username or password.');
      auth = 'token';
    }
    const p = args.get('--path');
    c.crds.push('Kustomization', 'HelmRelease', 'GitRepository', 'HelmRepository');
    c.objects[kubeKey('Namespace', '', 'flux-system')] ??= { kind: 'Namespace', metadata: { name: 'flux-system' } };
    c.objects[kubeKey('Kustomization', 'flux-system', 'flux-system')] = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'flux-system', namespace: 'flux-system' }, spec: { path: `./${p}` }, status: conditionTrue('Ready') };
    c.flux = { path: p, url, auth, readyAfter: c.polls + (state.fluxReadyPolls ?? 0) };
    reconcile(state, io.cwd);
    return { stderr: `► cloning branch "${args.get('--branch')}" from Git repository "${url}"\n✔ bootstrap finished\n` };
  }
  fail(`fake flux: ${argv.join(' ')} not simulated`);
}

export function kind(state, argv) {
  const args = parseArgs(argv);
  const k = (state.kindClusters ??= {});
  const [verb, what] = args.positional;
  if (verb === 'version') return { stdout: `kind ${state.versions?.kind ?? 'v0.30.0'} go1.24.0 linux/amd64\n` };
  if (verb === 'get' && what === 'clusters') return { stdout: Object.keys(k).join('\n') + (Object.keys(k).length ? '\n' : '') , stderr: Object.keys(k).length ? '' : 'No kind clusters found.\n' };
  const name = args.get('--name');
  if (verb === 'get' && what === 'kubeconfig') {
    if (!k[name]) fail(`ERROR: could not locate any control plane nodes for cluster named '${name}'`);
    const c = clusterOf(state, k[name].server);
    return { stdout: kubeconfigText(k[name].server, `kind-${name}`, `kind-${name}`, c.key) };
  }
  if (verb === 'create' && what === 'cluster') {
    if (k[name]) fail(`ERROR: failed to create cluster: node(s) already exist for a cluster with the name "${name}"`);
    const server = `https://127.0.0.1:${40000 + Object.keys(state.kube ?? {}).length}`;
    k[name] = { server };
    const c = clusterOf(state, server);
    c.key = issueKey(state, 'kind');
    const file = args.get('--kubeconfig');
    if (file) writeFileSync(file, kubeconfigText(server, `kind-${name}`, `kind-${name}`, c.key), { mode: 0o600 });
    return { stderr: `Creating cluster "${name}" ...\n` };
  }
  if (verb === 'delete' && what === 'cluster') {
    if (k[name]) {
      delete state.kube[k[name].server];
      delete k[name];
    }
    return { stderr: `Deleting cluster "${name}" ...\n` };
  }
  fail(`fake kind: ${argv.join(' ')} not simulated`);
}

const PROVIDER_TYPES = { '--core': 'CoreProvider', '--bootstrap': 'BootstrapProvider', '--control-plane': 'ControlPlaneProvider', '--infrastructure': 'InfrastructureProvider', '--ipam': 'IPAMProvider', '--addon': 'AddonProvider' };

export function clusterctl(state, argv, io) {
  const args = parseArgs(argv);
  const [verb] = args.positional;
  if (verb === 'version') return { stdout: `${state.versions?.clusterctl ?? 'v1.12.11'}\n` };
  const kc = readKubeconfig(args.get('--kubeconfig'));
  const c = state.kube?.[kc.server];
  if (!c) fail('Error: failed to connect to the management cluster');
  if (verb === 'init') {
    for (const [flag, type] of Object.entries(PROVIDER_TYPES)) {
      const spec = args.get(flag);
      if (!spec) continue;
      const [name, version] = spec.split(':');
      // The providers' CRDs: Cluster API's and the infrastructure's (any kind from here on).
      c.crds.push('Provider', 'Cluster', 'Machine', '*');
      c.objects[kubeKey('Namespace', '', `${name}-system`)] ??= { kind: 'Namespace', metadata: { name: `${name}-system` } };
      c.objects[kubeKey('Provider', `${type}-${name}`, `${type}-${name}`)] = { kind: 'Provider', metadata: { name: `${type}-${name}`, namespace: `${name}-system` }, type, providerName: name, version };
    }
    // The inventory lives in each provider's namespace; get -A finds them.
    return { stderr: 'Fetching providers\nYour management cluster has been initialized successfully!\n' };
  }
  if (verb === 'move') {
    const to = readKubeconfig(args.get('--to-kubeconfig'));
    const target = state.kube?.[to.server];
    if (!target) fail('Error: failed to connect to the target cluster');
    if (!Object.values(target.objects).some((o) => o.kind === 'Provider')) fail('Error: failed to get provider components for the "target" cluster: no providers installed');
    const ns = args.get('--namespace', '-n');
    const machines = Object.values(c.objects).filter((o) => o.kind === 'Machine' && o.metadata.namespace === ns);
    if (machines.some((m) => !m.status?.nodeRef)) fail('Error: failed to get object graph: cannot start the move operation while machines are still provisioning the node');
    if (args.get('--dry-run')) return { stderr: 'Performing move...\n********************************************************\nThis is a dry-run move, will not perform any real action\n********************************************************\n' };
    for (const [key, o] of Object.entries(c.objects)) {
      if (o.metadata?.namespace !== ns || !['Cluster', 'Machine', 'Secret'].includes(o.kind)) continue;
      target.objects[key] = o;
      delete c.objects[key];
    }
    target.objects[kubeKey('Namespace', '', ns)] ??= { kind: 'Namespace', metadata: { name: ns } };
    return { stderr: 'Performing move...\nMoving Cluster API objects Clusters=1\n' };
  }
  void io;
  fail(`fake clusterctl: ${argv.join(' ')} not simulated`);
}
