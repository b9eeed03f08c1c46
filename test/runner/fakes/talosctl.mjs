// The fake talosctl: machines in maintenance mode, installs, etcd, kubeconfigs, upgrades, resets.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { clean, clusterOf, fail, issueKey, kubeconfigText, parseArgs, sha } from './common.mjs';


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

// A rendered config as the fakes write it: a v1alpha1 document with the patches' v1alpha1 parts
// merged in, the patches' typed documents (by kind and name), and one document of the fake's own
// bookkeeping (what apply-config learns from the config: CA, endpoint, hostname, …).
const FAKE_KIND = 'OrreryFakeBookkeeping';
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const docKey = (d) => (d.kind ? `${d.kind}/${d.name ?? ''}` : 'v1alpha1');

function merge(base, patch) {
  if (!isObject(base) || !isObject(patch)) return patch;
  const out = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(base[k], v);
  return out;
}

export function configDocs(text) {
  return parseAllDocuments(text).map((d) => d.toJSON()).filter(isObject);
}

function applyPatches(docs, patchTexts) {
  const out = docs.map((d) => ({ ...d }));
  for (const text of patchTexts) {
    for (const p of configDocs(text)) {
      const at = out.findIndex((d) => docKey(d) === docKey(p));
      if (at < 0) out.splice(out.length - 1, 0, p);
      else out[at] = p.kind ? p : merge(out[at], p);
    }
  }
  return out;
}

const writeConfig = (file, docs) => writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
export const bookkeeping = (docs) => docs.find((d) => d.kind === FAKE_KIND) ?? {};

function bundleCa(secretsFile) {
  const bundle = parse(readFileSync(secretsFile, 'utf8'));
  if (!bundle?.certs?.os?.crt || !bundle?.certs?.os?.key) fail('failed to load secrets bundle: certs.os missing (is it still encrypted?)');
  return bundle.certs.os.crt;
}

export function talosctl(state, argv, io) {
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
    for (const type of ['controlplane', 'worker']) {
      const v1 = { version: 'v1alpha1', machine: { type, install: { disk: '/dev/sda', image: base.image } }, cluster: { clusterName: name, controlPlane: { endpoint } } };
      const own = { apiVersion: 'v1alpha1', kind: FAKE_KIND, ...base, type, ...(type === 'controlplane' ? { cpPatches: cpPatches.map(sha) } : {}) };
      writeConfig(path.join(out, `${type}.yaml`), applyPatches([v1, own], type === 'controlplane' ? [...patches, ...cpPatches] : patches));
    }
    // A new admin client certificate every run, as gen config mints one.
    const key = Buffer.from(`FAKE-TALOS-ADMIN-KEY-${randomBytes(12).toString('hex')}`).toString('base64');
    writeFileSync(path.join(out, 'talosconfig'), stringify({ context: name, contexts: { [name]: { endpoints: ['127.0.0.1'], ca, crt: Buffer.from(`crt-${randomBytes(4).toString('hex')}`).toString('base64'), key } } }));
    return { stderr: `Created ${clean(out)}/controlplane.yaml\n` };
  }
  if (cmd === 'machineconfig' && sub === 'patch') {
    const input = args.positional[2];
    const out = args.get('--output', '-o');
    // Every --patch, in order (talosctl applies them one after the other); the last hostname wins.
    const texts = args.all('--patch').map((p) => readFileSync(p.replace(/^@/, ''), 'utf8'));
    const docs = applyPatches(configDocs(readFileSync(input, 'utf8')), texts);
    const own = bookkeeping(docs);
    own.hostname = texts.flatMap((t) => configDocs(t)).filter((d) => d.kind === 'HostnameConfig').at(-1)?.hostname;
    own.nodePatch = sha(texts[0]);
    if (texts.length > 1) own.extraPatches = texts.slice(1).map(sha);
    writeConfig(out, docs);
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
    const text = readFileSync(file, 'utf8');
    const config = bookkeeping(configDocs(text));
    const hash = sha(text);
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
    // How many patch files the applied config was rendered from (the node file and the operator's).
    node.patchFiles = 1 + (config.extraPatches?.length ?? 0);
    // The running config, as `get machineconfig` returns it (the fakes' configs hold no secret).
    node.configText = text;
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
    if (sub === 'machineconfig' || sub === 'mc') {
      if (args.positional[2] && args.positional[2] !== 'v1alpha1') fail(`fake: machineconfig ${args.positional[2]} not found`);
      // Talos 1.12+: the spec is the whole multi-document config as one string (siderolabs/talos#12789).
      return { stdout: `${JSON.stringify({ node: node.address, metadata: { namespace: 'config', type: 'MachineConfigs.config.talos.dev', id: 'v1alpha1' }, spec: node.configText ?? '' }, null, 4)}\n` };
    }
    if (sub === 'links') return { stdout: (node.links ?? []).map((l) => `${JSON.stringify({ node: node.address, metadata: { namespace: 'network', type: 'LinkStatuses.net.talos.dev', id: l.id }, spec: l.spec }, null, 4)}\n`).join('') };
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
  if (cmd === 'reboot') {
    const node = secureNode(state, args);
    if (!args.get('--wait')) fail('fake: the runner reboots with --wait');
    node.boots = (node.boots ?? 0) + 1;
    (t.rebootOrder ??= []).push(node.name);
    return { stderr: `waiting for ${node.address} to reboot: done\n` };
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
