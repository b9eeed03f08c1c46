// Fake talosctl / kubectl / helm / flux / clusterctl / kind for the runner tests.
//
// Plain JavaScript (not TypeScript): each fake runs as its own process for every call the runner
// makes, and node starts a .mjs file without a TypeScript loader in a fraction of the time.
// Every call appends one JSON line to the log: the tool, its argv (the private temp dir shown as
// <tmp>/…), the stdin size and SHA-256 (never the bytes) and the environment's variable names.
// State (machines, Kubernetes objects, Helm releases, kind clusters, Cluster API) lives in one
// JSON file; Secrets are stored as hashes only, so nothing secret lands in a recorded file.
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';

const sha = (data) => createHash('sha256').update(data).digest('hex');
const TMP = /\/[^\s'"]*?orrery-run-[A-Za-z0-9]+\//g;
const clean = (s) => s.replace(TMP, '<tmp>/');

/** Commands that change live state (what "a second up runs nothing mutating" counts). */
export function isMutating(tool, argv) {
  const { positional: a, get } = parseArgs(argv);
  const dry = get('--dry-run') === true;
  if (tool === 'talosctl') {
    if (a[0] === 'apply-config' || a[0] === 'upgrade-k8s') return !dry;
    return ['bootstrap', 'wipe', 'upgrade', 'reset'].includes(a[0]);
  }
  if (tool === 'kubectl') return ['apply', 'delete', 'create', 'patch'].includes(a[0]);
  if (tool === 'helm') return a[0] === 'upgrade' || a[0] === 'install';
  if (tool === 'flux') return a[0] === 'bootstrap';
  if (tool === 'clusterctl') return (a[0] === 'init' || a[0] === 'move') && !dry;
  if (tool === 'kind') return a[0] === 'create' || a[0] === 'delete';
  return false;
}

// --- argv ---------------------------------------------------------------------------------

const BOOLEAN = new Set(['--insecure', '--dry-run', '--wait', '--graceful', '--reboot', '--client', '--short', '--silent', '--server-side', '--force-conflicts', '--all', '--ignore-not-found', '--install', '--wait-providers', '-A', '--all-namespaces', '--force']);

function parseArgs(argv) {
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

class Exit extends Error {
  constructor(code, stderr = '', stdout = '') {
    super(stderr);
    this.code = code;
    this.stderr = stderr;
    this.stdout = stdout;
  }
}

function fail(message, code = 1) {
  throw new Exit(code, `${message}\n`);
}

const kubeKey = (kind, ns, name) => `${kind}/${ns ?? ''}/${name}`;

function clusterOf(state, server) {
  state.kube ??= {};
  return (state.kube[server] ??= { objects: {}, helm: {}, crds: [], k8sVersion: 'v1.36.2', nodes: [], flux: null, polls: 0 });
}

function readKubeconfig(file) {
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

function kubeconfigText(server, name, context, key, user = context.split('@')[0]) {
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
function issueKey(state, label) {
  const key = Buffer.from(`FAKE-SECRET-${label}-${randomBytes(12).toString('hex')}`).toString('base64');
  (state.issuedSecrets ??= []).push(key);
  return key;
}

// --- talosctl -----------------------------------------------------------------------------

function talosconfigCa(file) {
  if (!file) fail('error: no --talosconfig (the fakes never read ~/.talos/config)');
  const doc = parse(readFileSync(file, 'utf8'));
  const ctx = doc.contexts?.[doc.context];
  if (!ctx?.ca || !ctx.key) fail('rpc error: code = Unavailable desc = connection error: tls: client certificate missing');
  return ctx.ca;
}

function secureNode(state, args) {
  const ca = talosconfigCa(args.get('--talosconfig'));
  const address = args.get('--nodes', '-n');
  const endpoint = args.get('--endpoints', '-e');
  if (!address) fail('error: no nodes');
  if (endpoint && endpoint !== address) fail('fake talosctl: the runner always aims at a node through itself');
  const node = Object.values(state.talos?.nodes ?? {}).find((n) => n.address === address);
  if (!node || node.mode === 'off') fail(`rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp ${address}:50000: connect: no route to host"`);
  if (node.mode === 'maintenance') {
    if (node.maintenanceAddress === address) fail('rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"');
    fail(`rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp ${address}:50000: connect: connection refused"`);
  }
  if (node.mode === 'installing') {
    if (node.installPolls > 0) {
      node.installPolls -= 1;
      fail(`rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp ${address}:50000: connect: connection refused"`);
    }
    node.mode = 'configured';
  }
  if (node.ca !== ca) fail('rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"');
  return node;
}

function machineStatus(node, stage) {
  return `${JSON.stringify({ node: node.address, metadata: { namespace: 'runtime', type: 'MachineStatuses.runtime.talos.dev', id: 'machine' }, spec: { stage, status: { ready: stage === 'running' } } }, null, 4)}\n`;
}

function bundleCa(secretsFile) {
  const bundle = parse(readFileSync(secretsFile, 'utf8'));
  if (!bundle?.certs?.os?.crt || !bundle?.certs?.os?.key) fail('failed to load secrets bundle: certs.os missing (is it still encrypted?)');
  return bundle.certs.os.crt;
}

function talosctl(state, argv, io) {
  const args = parseArgs(argv);
  const [cmd, sub] = args.positional;
  const t = (state.talos ??= { nodes: {} });
  if (cmd === 'version' && args.get('--client')) return { stdout: `Client:\nTalos ${state.versions?.talosctl ?? 'v1.13.9'}\n` };
  if (cmd === 'gen' && sub === 'config') {
    const [, , name, endpoint] = args.positional;
    const secrets = args.get('--with-secrets');
    const out = args.get('--output', '-o');
    if (!secrets || !out) fail('fake: gen config needs --with-secrets and --output');
    const ca = bundleCa(secrets);
    state.talos.clusterName = name;
    const patches = args.all('--config-patch').map((p) => readFileSync(p.replace(/^@/, ''), 'utf8'));
    const cpPatches = args.all('--config-patch-control-plane').map((p) => readFileSync(p.replace(/^@/, ''), 'utf8'));
    const cniNone = patches.some((p) => parseAllDocuments(p).some((d) => d.toJSON()?.cluster?.network?.cni?.name === 'none'));
    mkdirSync(out, { recursive: true });
    const base = { cluster: name, endpoint, ca, secrets: sha(readFileSync(secrets)), patches: patches.map(sha), contract: args.get('--talos-version'), kubernetes: args.get('--kubernetes-version'), image: args.get('--install-image'), cniNone };
    writeFileSync(path.join(out, 'controlplane.yaml'), stringify({ ...base, type: 'controlplane', cpPatches: cpPatches.map(sha) }));
    writeFileSync(path.join(out, 'worker.yaml'), stringify({ ...base, type: 'worker' }));
    // A new admin client certificate every run, as gen config mints one.
    const key = Buffer.from(`FAKE-TALOS-ADMIN-KEY-${randomBytes(12).toString('hex')}`).toString('base64');
    writeFileSync(path.join(out, 'talosconfig'), stringify({ context: name, contexts: { [name]: { endpoints: ['127.0.0.1'], ca, crt: Buffer.from(`crt-${randomBytes(4).toString('hex')}`).toString('base64'), key } } }));
    return { stderr: `Created ${clean(out)}/controlplane.yaml\n` };
  }
  if (cmd === 'machineconfig' && sub === 'patch') {
    const input = args.positional[2];
    const patch = args.get('--patch', '-p').replace(/^@/, '');
    const out = args.get('--output', '-o');
    const doc = parse(readFileSync(input, 'utf8'));
    const text = readFileSync(patch, 'utf8');
    const hostname = parseAllDocuments(text).map((d) => d.toJSON()).find((d) => d?.kind === 'HostnameConfig')?.hostname;
    writeFileSync(out, stringify({ ...doc, hostname, nodePatch: sha(text) }));
    return {};
  }
  if (cmd === 'get' && args.get('--insecure')) {
    const address = args.get('--nodes', '-n');
    const node = Object.values(t.nodes).find((n) => n.maintenanceAddress === address);
    if (!node || node.mode === 'off') fail(`rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp ${address}:50000: connect: no route to host"`);
    if (node.mode !== 'maintenance') fail('rpc error: code = Unavailable desc = connection error: desc = "error reading server preface: remote error: tls: certificate required"');
    if (sub === 'machinestatus') return { stdout: machineStatus(node, 'maintenance') };
    fail(`fake: get ${sub} --insecure not simulated`);
  }
  if (cmd === 'apply-config') {
    const file = args.get('--file', '-f');
    const config = parse(readFileSync(file, 'utf8'));
    const hash = sha(readFileSync(file));
    let node;
    if (args.get('--insecure')) {
      const address = args.get('--nodes', '-n');
      node = Object.values(t.nodes).find((n) => n.maintenanceAddress === address);
      if (!node || node.mode !== 'maintenance') fail('rpc error: code = Unavailable desc = connection error: desc = "error reading server preface: remote error: tls: certificate required"');
    } else node = secureNode(state, args);
    if (config.hostname !== node.name) fail(`fake: config for ${config.hostname} applied to ${node.name}`);
    if (args.get('--dry-run')) {
      const diff = node.config === hash ? 'No changes.' : `@@ -1,3 +1,3 @@\n-  hostname: ${node.name}-old\n+  hostname: ${node.name}\n+  token: ${config.secrets}`;
      return { stderr: `Dry run summary:\nApplied configuration without a reboot (skipped in dry-run).\nConfig diff:\n\n${diff}\n` };
    }
    node.config = hash;
    node.ca = config.ca;
    node.cniNone = config.cniNone;
    node.kubernetes = config.kubernetes;
    if (node.mode === 'maintenance') {
      node.mode = 'installing';
      node.installPolls = node.installTime ?? 1;
      node.stage = 'running';
    }
    t.endpoint = config.endpoint;
    return { stderr: node.mode === 'installing' ? '' : 'Applied configuration without a reboot\n' };
  }
  if (cmd === 'get') {
    const node = secureNode(state, args);
    if (sub === 'machinestatus') return { stdout: machineStatus(node, node.stage ?? 'running') };
    if (sub === 'disks') return { stdout: (node.disks ?? []).map((d) => `${JSON.stringify({ node: node.address, metadata: { id: d.id }, spec: d.spec }, null, 4)}\n`).join('') };
    if (sub === 'systemdisk') return { stdout: `${JSON.stringify({ node: node.address, metadata: { id: 'system-disk' }, spec: { diskID: node.systemDisk ?? 'sda', devPath: `/dev/${node.systemDisk ?? 'sda'}` } }, null, 4)}\n` };
    if (sub === 'discoveredvolumes') return { stdout: (node.volumes ?? []).map((v) => `${JSON.stringify({ node: node.address, metadata: { id: v.id }, spec: v.spec }, null, 4)}\n`).join('') };
    if (sub === 'extensions') return { stdout: node.schematic ? `${JSON.stringify({ node: node.address, metadata: { id: '0' }, spec: { metadata: { name: 'schematic', version: node.schematic } } }, null, 4)}\n` : '' };
    fail(`fake: get ${sub} not simulated`);
  }
  if (cmd === 'list') {
    const node = secureNode(state, args);
    if (args.positional[1] !== '/var/lib/etcd') fail('fake: list only simulates /var/lib/etcd');
    if (!node.etcd) fail('rpc error: code = Unknown desc = lstat /var/lib/etcd: no such file or directory');
    return { stdout: '.\nmember\n' };
  }
  if (cmd === 'bootstrap') {
    const node = secureNode(state, args);
    if (node.role !== 'controlplane') fail('rpc error: code = FailedPrecondition desc = bootstrap is not available on worker nodes');
    if (Object.values(t.nodes).some((n) => n.etcd)) fail('error executing bootstrap: rpc error: code = AlreadyExists desc = etcd data directory is not empty');
    node.etcd = true;
    t.bootstrapped = true;
    // Another client bootstrapped between our check and our call: Talos answers AlreadyExists.
    if (t.bootstrapRace) fail('error executing bootstrap: rpc error: code = AlreadyExists desc = etcd data directory is not empty');
    return {};
  }
  if (cmd === 'etcd' && sub === 'members') {
    const node = secureNode(state, args);
    if (!t.bootstrapped || !Object.values(t.nodes).some((n) => n.etcd)) fail('error getting members: rpc error: code = Unavailable desc = etcd is not running');
    void node;
    // Configured control planes join once etcd runs; a member may lag one probe behind.
    const cps = Object.values(t.nodes).filter((n) => n.role === 'controlplane' && n.mode === 'configured');
    for (const cp of cps) cp.etcd = true;
    const rows = cps.map((cp, i) => `${cp.address}   ${(i + 1).toString(16).padStart(16, '0')}   ${cp.name}   https://${cp.address}:2380   https://${cp.address}:2379   false`);
    return { stdout: `NODE   ID   HOSTNAME   PEER URLS   CLIENT URLS   LEARNER\n${rows.join('\n')}\n` };
  }
  if (cmd === 'kubeconfig') {
    const node = secureNode(state, args);
    if (args.positional[1] !== '-' || args.get('--merge') !== 'false') fail('fake: the runner must read the kubeconfig from stdout (kubeconfig - --merge=false)');
    if (!t.bootstrapped) fail('error copying: rpc error: code = Unavailable desc = kubeconfig is not ready yet (etcd not bootstrapped)');
    const server = t.endpoint;
    const c = clusterOf(state, server);
    c.talosCluster = true;
    c.key ??= issueKey(state, 'kube');
    void node;
    // Talos names the cluster after itself and the user and context admin@<cluster>.
    return { stdout: kubeconfigText(server, t.clusterName, `admin@${t.clusterName}`, c.key, `admin@${t.clusterName}`) };
  }
  if (cmd === 'health') {
    const node = secureNode(state, args);
    const cps = args.get('--control-plane-nodes').split(',');
    const workers = (args.get('--worker-nodes') ?? '').split(',').filter(Boolean);
    const expected = Object.values(t.nodes).map((n) => n.address).sort();
    if ([...cps, ...workers].sort().join() !== expected.join()) fail('waiting for all k8s nodes to report: expected a response with a different node set');
    if (!t.bootstrapped || Object.values(t.nodes).some((n) => n.mode !== 'configured' || (n.role === 'controlplane' && !n.etcd))) fail(`waiting for etcd to be healthy: ...\nhealth check failed: context deadline exceeded (node ${node.name})`);
    return { stdout: 'waiting for etcd to be healthy: OK\nwaiting for all k8s nodes to report: OK\n' };
  }
  if (cmd === 'wipe' && sub === 'disk') {
    const node = secureNode(state, args);
    const disks = args.positional.slice(2);
    if (disks.includes(node.systemDisk ?? 'sda')) fail('rpc error: code = FailedPrecondition desc = blockdevice is in use by volume "EPHEMERAL"');
    node.volumes = (node.volumes ?? []).filter((v) => !disks.includes(v.id) && !disks.includes(v.spec.parent)).concat(disks.map((d) => ({ id: d, spec: { type: 'disk', name: '' } })));
    (node.wiped ??= []).push(...disks);
    return {};
  }
  if (cmd === 'version') {
    const node = secureNode(state, args);
    return { stdout: `Client:\n\tTag:         ${state.versions?.talosctl ?? 'v1.13.9'}\nServer:\n\tNODE:        ${node.address}\n\tTag:         ${node.version}\n` };
  }
  if (cmd === 'upgrade') {
    const node = secureNode(state, args);
    const image = args.get('--image', '-i');
    const m = /installer\/([0-9a-f]{64}):(v\S+)$/.exec(image);
    if (!m) fail(`fake: unexpected installer image ${image}`);
    if (node.rollback) {
      node.rollback = false;
      return { stderr: 'upgrade done; node rebooted\n' };
    }
    node.version = m[2];
    node.schematic = m[1];
    (t.upgradeOrder ??= []).push(node.name);
    return { stderr: 'upgrade done; node rebooted\n' };
  }
  if (cmd === 'upgrade-k8s') {
    secureNode(state, args);
    const to = args.get('--to');
    if (args.get('--dry-run')) return { stdout: `> upgrading to ${to} (dry run)\n` };
    const c = clusterOf(state, t.endpoint);
    c.k8sVersion = `v${to}`;
    for (const n of Object.values(t.nodes)) n.kubernetes = to;
    return { stdout: 'upgrade complete\n' };
  }
  if (cmd === 'reset') {
    const node = secureNode(state, args);
    node.mode = 'maintenance';
    node.config = null;
    node.ca = null;
    node.etcd = false;
    return {};
  }
  fail(`fake talosctl: ${argv.join(' ')} not simulated`);
}

// --- kubernetes objects, kustomize ---------------------------------------------------------

function docsOf(text) {
  return parseAllDocuments(text).map((d) => d.toJSON()).filter(Boolean).flatMap((d) => (d.kind === 'List' ? d.items : [d]));
}

function kustomize(dir) {
  const k = parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));
  const out = [];
  for (const r of k.resources ?? []) {
    const p = path.join(dir, r);
    if (existsSync(path.join(p, 'kustomization.yaml'))) out.push(...kustomize(p));
    else out.push(...docsOf(readFileSync(p, 'utf8')));
  }
  return out;
}

const RESOURCES = {
  node: 'Node', nodes: 'Node', pods: 'Pod', pod: 'Pod', secret: 'Secret', secrets: 'Secret', deployment: 'Deployment', deployments: 'Deployment', namespace: 'Namespace', namespaces: 'Namespace',
  'kustomizations.kustomize.toolkit.fluxcd.io': 'Kustomization', 'helmreleases.helm.toolkit.fluxcd.io': 'HelmRelease', 'applications.argoproj.io': 'Application',
  'cephclusters.ceph.rook.io': 'CephCluster', 'clusters.cluster.x-k8s.io': 'Cluster', 'machines.cluster.x-k8s.io': 'Machine', 'providers.clusterctl.cluster.x-k8s.io': 'Provider',
};
const CORE = new Set(['Node', 'Pod', 'Secret', 'Deployment', 'Namespace', 'ConfigMap', 'List']);

function store(c, obj) {
  const ns = obj.metadata?.namespace;
  if (obj.kind !== 'Namespace' && !CORE.has(obj.kind) && !c.crds.includes(obj.kind)) fail(`error: resource mapping not found for name: "${obj.metadata?.name}" kind: "${obj.kind}": no matches for kind "${obj.kind}"`);
  if (ns && !c.objects[kubeKey('Namespace', '', ns)] && !['default', 'kube-system'].includes(ns)) fail(`Error from server (NotFound): namespaces "${ns}" not found`);
  const hash = sha(JSON.stringify(obj));
  const prev = c.objects[kubeKey(obj.kind, ns, obj.metadata.name)];
  // Secrets: only a hash of what was applied, never the data.
  const kept = obj.kind === 'Secret' ? { apiVersion: 'v1', kind: 'Secret', metadata: obj.metadata, dataKeys: Object.keys(obj.data ?? obj.stringData ?? {}), hash } : { ...obj, hash, status: prev?.status };
  c.objects[kubeKey(obj.kind, ns, obj.metadata.name)] = kept;
  return prev?.hash === hash ? 'unchanged' : prev ? 'configured' : 'created';
}

function sourceObjects(args, io) {
  const k = args.get('-k', '--kustomize');
  if (k) return kustomize(k);
  const f = args.get('-f', '--filename');
  if (f === '-') return docsOf(io.stdin);
  if (f?.startsWith('https://')) {
    if (!/argoproj\/argo-cd\/v[0-9.]+\/manifests\/install\.yaml$/.test(f)) fail(`fake kubectl: unexpected URL ${f}`);
    return [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'argocd-server', namespace: args.get('-n', '--namespace') }, argocdInstall: f }];
  }
  if (f) return docsOf(readFileSync(f, 'utf8'));
  fail('error: must specify one of -f and -k');
}

function conditionTrue(type, reason = type) {
  return { conditions: [{ type, status: 'True', reason }] };
}

/** The controllers: what Flux, Argo CD, CAPI, Cilium and Rook would do between two calls. */
function reconcile(state, cwd) {
  for (const [server, c] of Object.entries(state.kube ?? {})) {
    c.polls += 1;
    // Nodes: registered once the control plane runs; Ready once a CNI runs.
    if (c.talosCluster) {
      const nodes = Object.values(state.talos.nodes).filter((n) => n.mode === 'configured');
      const cni = Object.values(c.helm).some((r) => r.chart === 'cilium') || nodes.some((n) => n.cniNone === false);
      for (const n of nodes) {
        c.objects[kubeKey('Node', '', n.name)] = { apiVersion: 'v1', kind: 'Node', metadata: { name: n.name }, status: { ...conditionTrue(cni ? 'Ready' : 'NotReady'), nodeInfo: { kubeletVersion: `v${n.kubernetes ?? '1.36.2'}` } } };
        if (!cni) c.objects[kubeKey('Node', '', n.name)].status.conditions = [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady' }];
      }
    }
    if (c.capiMachines !== undefined) {
      const cni = Object.values(c.helm).some((r) => r.chart === 'cilium');
      for (let i = 0; i < c.capiMachines; i++) c.objects[kubeKey('Node', '', `m${i}`)] = { kind: 'Node', metadata: { name: `m${i}` }, status: { conditions: [{ type: 'Ready', status: cni ? 'True' : 'False' }] } };
    }
    // Flux: bootstrap made flux-system; orrery's Kustomizations come from the repository path.
    if (c.flux) {
      const dir = path.join(cwd, c.flux.path, 'orrery');
      const entries = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('kustomization-')) : [];
      for (const f of entries) {
        const k = parse(readFileSync(path.join(dir, f), 'utf8'));
        const decrypt = k.spec.decryption?.secretRef?.name;
        const haveKey = !decrypt || c.objects[kubeKey('Secret', 'flux-system', decrypt)];
        const dep = (k.spec.dependsOn ?? []).every((d) => c.objects[kubeKey('Kustomization', 'flux-system', d.name)]?.status?.conditions?.[0]?.status === 'True');
        const ready = haveKey && dep && c.polls > (c.flux.readyAfter ?? 0);
        c.objects[kubeKey('Kustomization', 'flux-system', k.metadata.name)] = { ...k, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: !haveKey ? 'DecryptionFailed' : ready ? 'ReconciliationSucceeded' : 'Progressing', message: !haveKey ? `secret flux-system/${decrypt} not found` : '' }] } };
        if (ready) {
          const layer = path.join(cwd, k.spec.path);
          for (const file of existsSync(layer) ? readdirSync(layer).filter((x) => x.startsWith('helmrelease-')) : []) {
            const hr = parse(readFileSync(path.join(layer, file), 'utf8'));
            c.objects[kubeKey('HelmRelease', hr.metadata.namespace, hr.metadata.name)] = { ...hr, status: conditionTrue('Ready') };
          }
        }
      }
    }
    // Argo CD: the root Application brings its children; Secrets need the decryption key.
    for (const root of Object.values(c.objects).filter((o) => o.kind === 'Application' && o.root)) {
      const apps = path.join(cwd, root.spec.source.path);
      for (const f of existsSync(apps) ? readdirSync(apps).filter((x) => x.startsWith('application-')) : []) {
        const app = parse(readFileSync(path.join(apps, f), 'utf8'));
        const key = !/\/secrets$/.test(app.spec.source.path ?? '') || c.objects[kubeKey('Secret', app.metadata.namespace, 'sops-age')];
        c.objects[kubeKey('Application', app.metadata.namespace, app.metadata.name)] = { ...app, status: { sync: { status: key ? 'Synced' : 'OutOfSync' }, health: { status: key ? 'Healthy' : 'Degraded' } } };
      }
      const repo = /^ssh:/.test(root.spec.source.repoURL) ? Object.values(c.objects).some((o) => o.kind === 'Secret' && o.metadata?.labels?.['argocd.argoproj.io/secret-type'] === 'repository') : true;
      root.status = { sync: { status: repo ? 'Synced' : 'Unknown' }, health: { status: repo ? 'Healthy' : 'Missing' } };
    }
    // Cluster API: Cluster objects become clusters with machines and credentials.
    if (c.crds.includes('Cluster')) {
      for (const cl of Object.values(c.objects).filter((o) => o.kind === 'Cluster')) {
        const spec = state.capi?.clusters?.[cl.metadata.name];
        if (!spec) continue;
        cl.age = (cl.age ?? 0) + 1;
        if (cl.age < 2) continue;
        cl.status = conditionTrue('ControlPlaneInitialized');
        const ns = cl.metadata.namespace;
        const targetServer = `https://${spec.endpoint}:6443`;
        const t = clusterOf(state, targetServer);
        t.capiMachines = spec.machines;
        t.key ??= issueKey(state, `capi-${cl.metadata.name}`);
        for (let i = 0; i < spec.machines; i++) {
          const name = `${cl.metadata.name}-m${i}`;
          c.objects[kubeKey('Machine', ns, name)] ??= { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Machine', metadata: { name, namespace: ns, labels: { 'cluster.x-k8s.io/cluster-name': cl.metadata.name } }, status: {} };
          if (cl.age >= 3) c.objects[kubeKey('Machine', ns, name)].status = { nodeRef: { name: `m${i}` } };
        }
        const secret = (name, key, text) => {
          c.objects[kubeKey('Secret', ns, name)] = { kind: 'Secret', metadata: { name, namespace: ns }, capiValue: { [key]: Buffer.from(text).toString('base64') } };
        };
        if (!c.objects[kubeKey('Secret', ns, `${cl.metadata.name}-kubeconfig`)]) {
          secret(`${cl.metadata.name}-kubeconfig`, 'value', kubeconfigText(targetServer, cl.metadata.name, `${cl.metadata.name}-admin@${cl.metadata.name}`, t.key));
          const talosKey = issueKey(state, `talos-${cl.metadata.name}`);
          secret(`${cl.metadata.name}-talosconfig`, 'talosconfig', stringify({ context: cl.metadata.name, contexts: { [cl.metadata.name]: { endpoints: [spec.endpoint], ca: Buffer.from(`talos-ca-${cl.metadata.name}`).toString('base64'), crt: 'Y3J0', key: talosKey } } }));
        }
      }
      // Workload clusters in this management cluster's git arrive with its Flux.
      for (const w of state.capi?.workloads?.[server] ?? []) {
        if (!c.flux || c.objects[kubeKey('Cluster', w.namespace, w.name)]) continue;
        c.objects[kubeKey('Cluster', w.namespace, w.name)] = { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: w.name, namespace: w.namespace } };
      }
    }
  }
}

function renderGet(c, args) {
  const [, resource, name] = args.positional;
  const kind = RESOURCES[resource];
  if (!kind) fail(`error: the server doesn't have a resource type "${resource}"`);
  if (!CORE.has(kind) && !c.crds.includes(kind)) fail(`error: the server doesn't have a resource type "${resource}"`);
  const ns = args.get('-n', '--namespace');
  const allNs = args.get('-A', '--all-namespaces');
  const matches = Object.values(c.objects).filter((o) => o.kind === kind && (name ? o.metadata.name === name : true) && (allNs || kind === 'Node' || kind === 'Namespace' || (o.metadata.namespace ?? 'default') === (ns ?? 'default')));
  const selector = args.get('-l');
  const field = args.get('--field-selector');
  const filtered = matches.filter((o) => {
    if (selector) {
      const [k, v] = selector.split('=');
      if (o.metadata.labels?.[k] !== v) return false;
    }
    if (field) {
      const [, v] = field.split('=');
      if (o.spec?.nodeName !== v) return false;
    }
    return true;
  });
  const output = args.get('-o', '--output');
  if (name) {
    const obj = filtered[0];
    if (!obj) fail(`Error from server (NotFound): ${resource} "${name}" not found`);
    if (output?.startsWith('jsonpath=')) {
      const m = /^jsonpath=\{\.data\.([\w.-]+)\}$/.exec(output);
      if (m && obj.kind === 'Secret') return { stdout: obj.capiValue?.[m[1]] ?? '', secret: true };
      fail(`fake kubectl: jsonpath ${output} not simulated`);
    }
    return { stdout: JSON.stringify(obj) };
  }
  return { stdout: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: filtered }) };
}

function kubectl(state, argv, io) {
  const args = parseArgs(argv);
  if (args.positional[0] === 'version' && args.get('--client')) return { stdout: JSON.stringify({ clientVersion: { gitVersion: state.versions?.kubectl ?? 'v1.36.1' } }) };
  const kc = readKubeconfig(args.get('--kubeconfig'));
  if (kc.mode & 0o077) fail(`fake kubectl: kubeconfig ${clean(args.get('--kubeconfig'))} is readable by others (mode ${kc.mode.toString(8)})`);
  const c = state.kube?.[kc.server];
  if (!c || c.down) fail(`Unable to connect to the server: dial tcp ${kc.server.replace(/^https:\/\//, '')}: connect: connection refused`);
  if (c.key && kc.key !== c.key) fail('error: You must be logged in to the server (Unauthorized)');
  reconcile(state, io.cwd);
  const verb = args.positional[0];
  if (verb === 'version') return { stdout: JSON.stringify({ clientVersion: { gitVersion: state.versions?.kubectl ?? 'v1.36.1' }, serverVersion: { gitVersion: c.k8sVersion } }) };
  if (verb === 'get') return renderGet(c, args);
  if (verb === 'apply' || verb === 'diff') {
    const objects = sourceObjects(args, io);
    const ns = args.get('-n', '--namespace');
    if (verb === 'diff') {
      const differs = objects.some((o) => {
        const key = kubeKey(o.kind, o.metadata.namespace ?? (o.kind === 'Namespace' ? undefined : ns), o.metadata.name);
        return c.objects[key]?.hash !== sha(JSON.stringify(o.metadata.namespace || o.kind === 'Namespace' || !ns ? o : { ...o, metadata: { ...o.metadata, namespace: ns } }));
      });
      if (differs) throw new Exit(1, '', 'diff -u -N /tmp/LIVE /tmp/MERGED\n(masked)\n');
      return {};
    }
    const lines = [];
    // Namespaces first, as kubectl orders by kind for a List.
    for (const o of [...objects].sort((a, b) => (a.kind === 'Namespace' ? -1 : b.kind === 'Namespace' ? 1 : 0))) {
      const obj = o.metadata.namespace || o.kind === 'Namespace' || !ns ? o : { ...o, metadata: { ...o.metadata, namespace: ns } };
      if (obj.argocdInstall) {
        c.crds.push('Application', 'AppProject', 'ApplicationSet');
        obj.status = conditionTrue('Available');
      }
      const result = store(c, obj);
      if (obj.argocdInstall) c.objects[kubeKey('Deployment', obj.metadata.namespace, 'argocd-server')].status = conditionTrue('Available');
      if (obj.kind === 'Application' && /\/apps$/.test(obj.spec?.source?.path ?? '')) c.objects[kubeKey('Application', obj.metadata.namespace, obj.metadata.name)].root = true;
      lines.push(`${obj.kind.toLowerCase()}/${obj.metadata.name} ${result}`);
    }
    return { stdout: `${lines.join('\n')}\n` };
  }
  if (verb === 'wait') {
    const forArg = args.get('--for');
    const target = args.positional[1];
    if (forArg === 'condition=Available' && target === 'deployment') {
      const ns = args.get('-n');
      const deps = Object.values(c.objects).filter((o) => o.kind === 'Deployment' && o.metadata.namespace === ns);
      if (deps.length === 0) fail('error: no matching resources found');
      return { stdout: deps.map((d) => `deployment.apps/${d.metadata.name} condition met`).join('\n') };
    }
    if (forArg?.startsWith('jsonpath={.status.ceph.health}=') && target.startsWith('cephclusters.ceph.rook.io/')) {
      const name = target.split('/')[1];
      const cc = c.objects[kubeKey('CephCluster', args.get('-n'), name)];
      if (!cc) fail(`Error from server (NotFound): cephclusters.ceph.rook.io "${name}" not found`);
      (state.cephWaits ??= []).push(state.talos?.upgradeOrder?.length ?? 0);
      // kubectl wait blocks until the condition holds; "never" (Infinity-like) simulates a timeout.
      if ((cc.healthyAfter ?? 0) > 100) fail(`error: timed out waiting for the condition on cephclusters/${name}`);
      cc.waitedFor = (cc.waitedFor ?? 0) + (cc.healthyAfter ?? 0);
      cc.healthyAfter = 0;
      return { stdout: `cephcluster.ceph.rook.io/${name} condition met\n` };
    }
    fail(`fake kubectl: wait ${argv.join(' ')} not simulated`);
  }
  if (verb === 'delete') {
    const [, resource, name] = args.positional;
    const kind = RESOURCES[resource];
    const key = kubeKey(kind, kind === 'Node' ? '' : args.get('-n'), name);
    if (!c.objects[key] && !args.get('--ignore-not-found')) fail(`Error from server (NotFound): ${resource} "${name}" not found`);
    delete c.objects[key];
    (c.deleted ??= []).push(name);
    return { stdout: `${resource} "${name}" deleted\n` };
  }
  fail(`fake kubectl: ${argv.join(' ')} not simulated`);
}

// --- helm, flux, kind, clusterctl ----------------------------------------------------------

function helm(state, argv) {
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

function flux(state, argv, io) {
  const args = parseArgs(argv);
  if (args.positional[0] === 'version') return { stdout: JSON.stringify({ flux: state.versions?.flux ?? 'v2.9.4' }) };
  const kc = readKubeconfig(args.get('--kubeconfig'));
  const c = state.kube?.[kc.server];
  if (!c) fail('✗ Kubernetes API call failed: connection refused');
  if (args.positional[0] === 'bootstrap' && args.positional[1] === 'git') {
    const url = args.get('--url');
    const key = args.get('--private-key-file');
    if (/^ssh:/.test(url) && (!key || !existsSync(key))) fail('✗ failed to clone repository: ssh: handshake failed: ssh: unable to authenticate');
    const p = args.get('--path');
    c.crds.push('Kustomization', 'HelmRelease', 'GitRepository', 'HelmRepository');
    c.objects[kubeKey('Namespace', '', 'flux-system')] ??= { kind: 'Namespace', metadata: { name: 'flux-system' } };
    c.objects[kubeKey('Kustomization', 'flux-system', 'flux-system')] = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'flux-system', namespace: 'flux-system' }, spec: { path: `./${p}` }, status: conditionTrue('Ready') };
    c.flux = { path: p, url, readyAfter: c.polls + (state.fluxReadyPolls ?? 0) };
    reconcile(state, io.cwd);
    return { stderr: `► cloning branch "${args.get('--branch')}" from Git repository "${url}"\n✔ bootstrap finished\n` };
  }
  fail(`fake flux: ${argv.join(' ')} not simulated`);
}

function kind(state, argv) {
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

function clusterctl(state, argv, io) {
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
      c.crds.push('Provider', 'Cluster', 'Machine');
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

const TOOLS = { talosctl, kubectl, helm, flux, kind, clusterctl };

// --- entry -------------------------------------------------------------------------------

function readStdin() {
  try {
    return readFileSync(0);
  } catch {
    return Buffer.alloc(0);
  }
}

export function main(tool, stateFile, logFile) {
  const argv = process.argv.slice(2);
  const stdin = process.stdin.isTTY ? Buffer.alloc(0) : readStdin();
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  const mutating = isMutating(tool, argv);
  appendFileSync(logFile, `${JSON.stringify({ tool, args: argv.map(clean), mutating, ...(stdin.length ? { stdin: { bytes: stdin.length, sha256: sha(stdin) } } : {}), env: Object.keys(process.env).sort() })}\n`);
  const save = () => writeFileSync(stateFile, JSON.stringify(state, null, 1));
  const hang = (state.hang ?? []).find((h) => h.tool === tool && argv.join(' ').includes(h.match));
  if (hang) {
    appendFileSync(logFile, `${JSON.stringify({ tool, hanging: true, pid: process.pid })}\n`);
    setInterval(() => {}, 1000);
    return;
  }
  state.mutations ??= 0;
  if (mutating) {
    state.mutations += 1;
    if (state.failAtMutation === state.mutations) {
      state.failAtMutation = undefined;
      state.mutations -= 1;
      save();
      process.stderr.write(`simulated failure of ${tool} ${parseArgs(argv).positional[0]} (fails once)\n`);
      process.exitCode = 1;
      return;
    }
  }
  const once = (state.failOnce ?? []).findIndex((f) => f.tool === tool && argv.join(' ').includes(f.match));
  if (once >= 0) {
    const f = state.failOnce.splice(once, 1)[0];
    if (mutating) state.mutations -= 1;
    save();
    process.stderr.write(`${f.stderr ?? 'simulated failure'}\n`);
    process.exitCode = f.code ?? 1;
    return;
  }
  try {
    const result = TOOLS[tool](state, argv, { stdin: stdin.toString('utf8'), cwd: process.cwd() });
    save();
    if (result.stdout) process.stdout.write(result.stdout);
    if (result.stderr) process.stderr.write(result.stderr);
  } catch (err) {
    if (!(err instanceof Exit)) throw err;
    if (mutating) state.mutations -= 1;
    save();
    if (err.stdout) process.stdout.write(err.stdout);
    process.stderr.write(err.stderr);
    process.exitCode = err.code;
  }
}
