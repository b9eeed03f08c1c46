// The fake kubectl: objects, server-side apply and diff, kustomize, waits — and the controllers
// (Flux, Argo CD, Cluster API, the CNI making nodes Ready) that act between two calls.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { clusterOf, Exit, fail, issueKey, kubeconfigText, kubeKey, parseArgs, readKubeconfig, sha, clean } from './common.mjs';


export function docsOf(text) {
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
  configmap: 'ConfigMap',
  node: 'Node', nodes: 'Node', pods: 'Pod', pod: 'Pod', secret: 'Secret', secrets: 'Secret', deployment: 'Deployment', deployments: 'Deployment', namespace: 'Namespace', namespaces: 'Namespace',
  'kustomizations.kustomize.toolkit.fluxcd.io': 'Kustomization', 'helmreleases.helm.toolkit.fluxcd.io': 'HelmRelease', 'applications.argoproj.io': 'Application',
  'cephclusters.ceph.rook.io': 'CephCluster', 'clusters.cluster.x-k8s.io': 'Cluster', 'machines.cluster.x-k8s.io': 'Machine', 'providers.clusterctl.cluster.x-k8s.io': 'Provider',
};
const CORE = new Set(['Node', 'Pod', 'Secret', 'Deployment', 'Namespace', 'ConfigMap', 'List', 'CustomResourceDefinition']);

export const IN_CLUSTER = 'https://kubernetes.default.svc';

/**
 * An Argo CD cluster Secret as the fake keeps it: name, server and the CA (public) readable as
 * `data` again, the client key only as its hash — what the fake Argo CD compares with the key
 * the destination cluster accepts.
 */
function argoCluster(obj) {
  if (obj.metadata?.labels?.['argocd.argoproj.io/secret-type'] !== 'cluster') return {};
  const field = (k) => (obj.stringData?.[k] !== undefined ? obj.stringData[k] : obj.data?.[k] !== undefined ? Buffer.from(obj.data[k], 'base64').toString('utf8') : undefined);
  const config = JSON.parse(field('config') ?? '{}');
  const tls = config.tlsClientConfig ?? {};
  const b64 = (v) => Buffer.from(v).toString('base64');
  return {
    data: { name: b64(field('name') ?? ''), server: b64(field('server') ?? ''), config: b64(JSON.stringify({ tlsClientConfig: { caData: tls.caData } })) },
    argo: { name: field('name'), server: field('server'), caData: tls.caData, keySha: tls.keyData ? sha(tls.keyData) : undefined, certData: Boolean(tls.certData), insecure: tls.insecure },
  };
}

/**
 * Where the fake Argo CD on `c` would deploy an Application: in-cluster, or the cluster Secret
 * whose server (trailing slashes trimmed) or name the destination gives — argo-cd v3.5.1
 * util/argo/argo.go GetDestinationServer and util/settings/cluster_informer.go — with the
 * credentials that cluster accepts. Returns the error condition Argo CD would show, or undefined.
 */
function destinationProblem(state, c, dest) {
  const trim = (u) => (u ?? '').replace(/\/+$/, '');
  if (dest.server && trim(dest.server) === IN_CLUSTER) return undefined;
  const secrets = Object.values(c.objects).filter((o) => o.kind === 'Secret' && o.argo);
  const reg = dest.server ? secrets.find((o) => trim(o.argo.server) === trim(dest.server)) : secrets.find((o) => o.argo.name === dest.name);
  if (!reg) return dest.server ? `error getting cluster by server "${dest.server}": secrets "${trim(dest.server)}" not found` : `there are no clusters with this name: ${dest.name}`;
  const target = state.kube?.[reg.argo.server];
  if (!target || target.down) return `Get "${reg.argo.server}/version": dial tcp: connect: connection refused`;
  if (reg.argo.caData !== Buffer.from(`ca-of-${reg.argo.server}`).toString('base64') || reg.argo.insecure !== false) return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  if (!reg.argo.certData || reg.argo.keySha !== sha(target.key ?? '')) return 'the server has asked for the client to provide credentials';
  return undefined;
}

export function store(c, obj) {
  const ns = obj.metadata?.namespace;
  if (obj.kind !== 'Namespace' && !CORE.has(obj.kind) && !c.crds.includes(obj.kind) && !c.crds.includes('*')) fail(`error: resource mapping not found for name: "${obj.metadata?.name}" kind: "${obj.kind}": no matches for kind "${obj.kind}"`);
  if (ns && !c.objects[kubeKey('Namespace', '', ns)] && !['default', 'kube-system'].includes(ns)) fail(`Error from server (NotFound): namespaces "${ns}" not found`);
  const hash = sha(JSON.stringify(obj));
  const prev = c.objects[kubeKey(obj.kind, ns, obj.metadata.name)];
  // Secrets: only a hash of what was applied, never the data (an Argo CD cluster Secret: its public fields, its credentials hashed).
  const kept = obj.kind === 'Secret' ? { apiVersion: 'v1', kind: 'Secret', metadata: obj.metadata, dataKeys: Object.keys(obj.data ?? obj.stringData ?? {}), hash, ...argoCluster(obj) } : { ...obj, hash, status: prev?.status };
  c.objects[kubeKey(obj.kind, ns, obj.metadata.name)] = kept;
  return prev?.hash === hash ? 'unchanged' : prev ? 'configured' : 'created';
}

function sourceObjects(args, io) {
  const k = args.get('-k', '--kustomize');
  if (k) return kustomize(k);
  const f = args.get('-f', '--filename');
  if (f === '-') return docsOf(io.stdin);
  if (f?.startsWith('https://')) {
    // Upstream release assets the runner applies by pinned URL (never downloaded here).
    if (/kubernetes-sigs\/gateway-api\/releases\/download\/v[0-9.]+\/standard-install\.yaml$/.test(f)) return [{ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gateways.gateway.networking.k8s.io' }, url: f }];
    if (!/argoproj\/argo-cd\/v[0-9.]+\/manifests\/install\.yaml$/.test(f)) fail(`fake kubectl: unexpected URL ${f}`);
    return [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'argocd-server', namespace: args.get('-n', '--namespace') }, argocdInstall: f }];
  }
  if (f) return docsOf(readFileSync(f, 'utf8'));
  fail('error: must specify one of -f and -k');
}

export function conditionTrue(type, reason = type) {
  return { conditions: [{ type, status: 'True', reason }] };
}

/** The controllers: what Flux, Argo CD, CAPI, Cilium and Rook would do between two calls. */
export function reconcile(state, cwd) {
  for (const [server, c] of Object.entries(state.kube ?? {})) {
    c.polls += 1;
    // Nodes: registered once the control plane runs; Ready once a CNI runs.
    if (c.talosCluster) {
      const nodes = Object.values(state.talos.nodes).filter((n) => n.mode === 'configured');
      const cni = Object.values(c.helm).some((r) => r.chart === 'cilium') || nodes.some((n) => n.cniNone === false);
      for (const n of nodes) {
        c.objects[kubeKey('Node', '', n.name)] = { apiVersion: 'v1', kind: 'Node', metadata: { name: n.name }, spec: { unschedulable: (c.cordoned ?? []).includes(n.name) }, status: { ...conditionTrue(cni ? 'Ready' : 'NotReady'), nodeInfo: { kubeletVersion: `v${n.kubernetes ?? '1.36.2'}` } } };
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
          // A layer's SOPS-encrypted Secrets, decrypted by kustomize-controller with the key checked above:
          // only their names are kept (the fake never holds a value).
          // The layer's kustomization.yaml includes ../../secrets as a resource directory.
          const kz = path.join(layer, 'kustomization.yaml');
          const resources = existsSync(kz) ? (parse(readFileSync(kz, 'utf8')).resources ?? []) : [];
          // (A layer of another repository, e.g. Gateway API's CRDs, is not on this disk.)
          for (const dir of [layer, ...resources.map((r) => path.join(layer, r))].filter((d) => existsSync(path.join(d, 'kustomization.yaml')))) {
            for (const file of readdirSync(dir).filter((x) => /^secret-.*\.yaml$/.test(x))) {
              const { metadata } = parse(readFileSync(path.join(dir, file), 'utf8'));
              // A test may hold one back (a Secret Flux cannot decrypt or apply).
              if ((state.fluxWithholds ?? []).includes(`${metadata.namespace}/${metadata.name}`)) continue;
              c.objects[kubeKey('Secret', metadata.namespace, metadata.name)] ??= { kind: 'Secret', metadata: { name: metadata.name, namespace: metadata.namespace }, hash: 'flux' };
            }
          }
        }
      }
    }
    // Argo CD's ApplicationSet (the hub): its git files generator makes a root Application per
    // cluster.json, whose keys are the template's parameters (lib/gitops/argocd.ts argoApplicationSet).
    for (const set of Object.values(c.objects).filter((o) => o.kind === 'ApplicationSet')) {
      for (const gen of set.spec?.generators ?? []) {
        for (const f of gen.git?.files ?? []) {
          const [prefix, suffix] = f.path.split('*');
          const base = path.join(cwd, prefix);
          for (const dir of existsSync(base) ? readdirSync(base) : []) {
            const file = path.join(base, dir + suffix);
            if (!existsSync(file)) continue;
            const p = JSON.parse(readFileSync(file, 'utf8'));
            const name = `${p.name}-root`;
            const key = kubeKey('Application', set.metadata.namespace, name);
            c.objects[key] ??= { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name, namespace: set.metadata.namespace }, spec: { ...set.spec.template.spec, source: { repoURL: p.repoURL, targetRevision: p.targetRevision, path: p.appsPath } }, root: true };
          }
        }
      }
    }
    // Argo CD: the root Application brings its children; Secrets need the decryption key; a child
    // for another cluster needs that cluster registered.
    for (const root of Object.values(c.objects).filter((o) => o.kind === 'Application' && o.root)) {
      const apps = path.join(cwd, root.spec.source.path);
      for (const f of existsSync(apps) ? readdirSync(apps).filter((x) => x.startsWith('application-')) : []) {
        const app = parse(readFileSync(path.join(apps, f), 'utf8'));
        const repo = c.objects[kubeKey('Deployment', app.metadata.namespace, 'argocd-repo-server')];
        const ksops = repo?.spec?.template?.spec?.initContainers?.some((i) => i.name === 'install-ksops');
        const key = !/\/secrets$/.test(app.spec.source.path ?? '') || (c.objects[kubeKey('Secret', app.metadata.namespace, 'sops-age')] && ksops);
        const problem = destinationProblem(state, c, app.spec.destination ?? {});
        const status = problem
          ? { sync: { status: 'Unknown' }, health: { status: 'Unknown' }, conditions: [{ type: 'InvalidSpecError', message: problem }] }
          : { sync: { status: key ? 'Synced' : 'OutOfSync' }, health: { status: key ? 'Healthy' : 'Degraded' } };
        c.objects[kubeKey('Application', app.metadata.namespace, app.metadata.name)] = { ...app, status };
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
      // Workload clusters in this management cluster's git arrive with its Flux, or its Argo CD's synced root.
      const engine = c.flux || Object.values(c.objects).some((o) => o.kind === 'Application' && o.root && o.status?.sync?.status === 'Synced');
      for (const w of state.capi?.workloads?.[server] ?? []) {
        if (!engine || c.objects[kubeKey('Cluster', w.namespace, w.name)]) continue;
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

export function kubectl(state, argv, io) {
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
      if (obj.argocdInstall) {
        const ns = obj.metadata.namespace;
        c.objects[kubeKey('Deployment', ns, 'argocd-server')].status = conditionTrue('Available');
        c.objects[kubeKey('Deployment', ns, 'argocd-repo-server')] = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'argocd-repo-server', namespace: ns }, spec: { template: { spec: { containers: [{ name: 'argocd-repo-server' }] } } }, status: conditionTrue('Available') };
        c.objects[kubeKey('ConfigMap', ns, 'argocd-cm')] = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: ns }, data: {} };
      }
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
      (state.cephWaitsByReboots ??= []).push(state.talos?.rebootOrder?.length ?? 0);
      // kubectl wait blocks until the condition holds; "never" (Infinity-like) simulates a timeout.
      if ((cc.healthyAfter ?? 0) > 100) fail(`error: timed out waiting for the condition on cephclusters/${name}`);
      cc.waitedFor = (cc.waitedFor ?? 0) + (cc.healthyAfter ?? 0);
      cc.healthyAfter = 0;
      return { stdout: `cephcluster.ceph.rook.io/${name} condition met\n` };
    }
    fail(`fake kubectl: wait ${argv.join(' ')} not simulated`);
  }
  if (verb === 'patch') {
    const [, resource, name] = args.positional;
    const kind = RESOURCES[resource];
    const ns = args.get('-n', '--namespace');
    const obj = c.objects[kubeKey(kind, ns, name)];
    if (!obj) fail(`Error from server (NotFound): ${resource} "${name}" not found`);
    const patch = parse(readFileSync(args.get('--patch-file'), 'utf8'));
    if (kind === 'ConfigMap' && args.get('--type') === 'merge') obj.data = { ...obj.data, ...patch.data };
    else if (kind === 'Deployment' && args.get('--type') === 'strategic') {
      // Strategic merge by name, enough for the KSOPS patch: init containers added, containers merged.
      const pod = (obj.spec ??= {}).template ??= { spec: {} };
      const want = patch.spec.template.spec;
      pod.spec.initContainers = [...(pod.spec.initContainers ?? []).filter((i) => !want.initContainers.some((w) => w.name === i.name)), ...want.initContainers];
      pod.spec.containers = (pod.spec.containers ?? []).map((x) => ({ ...x, ...(want.containers.find((w) => w.name === x.name) ?? {}) }));
      pod.spec.volumes = [...(pod.spec.volumes ?? []), ...want.volumes];
    } else fail(`fake kubectl: patch ${resource} --type ${args.get('--type')} not simulated`);
    return { stdout: `${resource}/${name} patched\n` };
  }
  if (verb === 'drain' || verb === 'uncordon') {
    const name = args.positional[1];
    if (!c.objects[kubeKey('Node', '', name)]) fail(`Error from server (NotFound): nodes "${name}" not found`);
    c.cordoned = (c.cordoned ?? []).filter((n) => n !== name);
    if (verb === 'drain') {
      if (!args.get('--ignore-daemonsets')) fail(`error: unable to drain node "${name}" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)`);
      c.cordoned.push(name);
      (c.drained ??= []).push(name);
      return { stdout: `node/${name} cordoned\nnode/${name} drained\n` };
    }
    return { stdout: `node/${name} uncordoned\n` };
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
