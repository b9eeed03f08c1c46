import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapClusterName, type RunnerCapiBringUp } from '../../lib/runner/capi/bring-up.ts';
import { runRunner, type RunnerInput } from '../../lib/runner/run.ts';
import { pipeTerminal } from '../../lib/runner/terminal.ts';
import { encryptSops, KUBERNETES_SECRET_REGEX } from '../../lib/sops/sops.ts';
import { commandLines, mutating, TEST_AGE_KEY, workspace, type Workspace } from './harness.ts';

const RECIPIENT = 'age1ngwfd0dfm602wsxrmhff7p08zyv0f8ehyflzepetac808hz9r4dscg3dj5';
const PROXMOX_TOKEN = 'proxmox-api-token-0f9a8b7c6d5e4f3a';

/**
 * A hand-made bring-up for the bundled constellation (clusters/: jupiter manages ganymede and
 * callisto on Proxmox), standing in for the Cluster API generator's export.
 */
function bringUp(cluster: string): RunnerCapiBringUp {
  const providers = { core: 'cluster-api:v1.12.11', bootstrap: 'talos:v0.6.13', controlPlane: 'talos:v0.5.14', infrastructure: 'proxmox:v0.9.0', ipam: 'in-cluster:v1.1.0' };
  const secrets = { kubeconfigSecret: { name: `${cluster}-kubeconfig`, key: 'value' }, talosconfigSecret: { name: `${cluster}-talosconfig`, key: 'talosconfig' } };
  if (cluster === 'jupiter') {
    return {
      cluster,
      role: 'management',
      namespace: 'constellation',
      providers,
      objectsDir: 'jupiter/cluster-api',
      secretFiles: ['jupiter/secrets/secret-constellation-jupiter-talos.yaml', 'jupiter/operator-secrets/secret-constellation-proxmox-fra.yaml'],
      ...secrets,
      machines: 6,
      gitopsFromManagement: false,
    };
  }
  return { cluster, role: 'workload', managedBy: 'jupiter', namespace: 'constellation', providers, secretFiles: [], ...secrets, machines: 6, gitopsFromManagement: false };
}

async function run(w: Workspace, argv: Partial<RunnerInput> & { clusters?: string[]; real?: boolean }): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const saved = { cwd: process.cwd(), PATH: process.env.PATH };
  process.chdir(w.dir);
  process.env.PATH = `${w.bin}${path.delimiter}${saved.PATH}`;
  try {
    const code = await runRunner({
      command: 'up',
      clusters: [],
      specDir: 'clusters',
      outDir: 'dist',
      dryRun: false,
      yes: true,
      confirm: [],
      format: 'text',
      gitPrivateKey: 'home/deploy-key',
      waitTimeoutMs: 5000,
      pollIntervalMs: 0,
      cwd: w.dir,
      env: { PATH: process.env.PATH, HOME: w.home, TMPDIR: w.tmpBase, SOPS_AGE_KEY: TEST_AGE_KEY, ...w.networkEnv },
      terminal: pipeTerminal((t) => (out += t), (t) => (err += t)),
      ...(argv.real ? {} : { capiSource: (_model, cluster) => bringUp(cluster.name) }),
      ...argv,
    });
    return { code, out, err };
  } finally {
    process.chdir(saved.cwd);
    process.env.PATH = saved.PATH;
  }
}

const spaces: Workspace[] = [];
afterAll(async () => Promise.all(spaces.map((w) => w.dispose())));

async function constellation(options: { handMade?: boolean; argocd?: boolean } = { handMade: true }): Promise<Workspace> {
  const w = await workspace('clusters', {
    // Argo CD instead of Flux: jupiter, the management cluster, is the hub (lib/gitops/argocd.ts argoHub).
    ...(options.argocd ? { respec: (dir: string) => writeFileSync(path.join(dir, 'clusters/constellation.yaml'), readFileSync(path.join(dir, 'clusters/constellation.yaml'), 'utf8').replace('engine: flux', 'engine: argocd')) } : {}),
    state: (s) => {
      s.capi = {
        clusters: { jupiter: { endpoint: '10.10.10.5', machines: 6 }, ganymede: { endpoint: '10.20.10.5', machines: 6 }, callisto: { endpoint: '10.30.10.5', machines: 6 } },
        // What jupiter's Flux brings from git: the workload clusters' Cluster API objects.
        workloads: { 'https://10.10.10.5:6443': [{ name: 'ganymede', namespace: 'constellation' }, { name: 'callisto', namespace: 'constellation' }] },
      };
    },
  });
  spaces.push(w);
  writeFileSync(path.join(w.home, 'deploy-key'), 'fake deploy key\n', { mode: 0o600 });
  if (options.handMade) {
    // An operator Secret stored encrypted beside the output (the hand-made bring-up's secretFiles).
    mkdirSync(path.join(w.dir, 'dist/jupiter/operator-secrets'), { recursive: true });
    const secret = await encryptSops(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'proxmox-fra', namespace: 'constellation' }, stringData: { url: 'https://pve-fra-1:8006', token: PROXMOX_TOKEN } },
      { recipients: [RECIPIENT], encryptedRegex: KUBERNETES_SECRET_REGEX, lastModified: '2026-12-01T00:00:00Z' },
    );
    writeFileSync(path.join(w.dir, 'dist/jupiter/operator-secrets/secret-constellation-proxmox-fra.yaml'), secret);
  }
  return w;
}

const GATEWAY_API = 'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml';
const KIND_KUBECONFIG = 'kubectl --kubeconfig <tmp>/jupiter/bootstrap-cluster.kubeconfig';
const JUPITER = [
  'kind create cluster --name jupiter-bootstrap --kubeconfig <tmp>/jupiter/bootstrap-cluster.kubeconfig --wait 5m',
  'clusterctl init --kubeconfig <tmp>/jupiter/bootstrap-cluster.kubeconfig --core cluster-api:v1.12.11 --bootstrap talos:v0.6.13 --control-plane talos:v0.5.14 --infrastructure proxmox:v0.9.0 --ipam in-cluster:v1.1.0 --wait-providers --wait-provider-timeout=5',
  // The namespace, then jupiter-talos (the pre-seeded PKI) and the Proxmox credentials, decrypted on stdin.
  `${KIND_KUBECONFIG} apply --server-side --force-conflicts -f -`,
  `${KIND_KUBECONFIG} apply --server-side --force-conflicts -f -`,
  `${KIND_KUBECONFIG} apply --server-side --force-conflicts -f -`,
  `${KIND_KUBECONFIG} apply --server-side --force-conflicts -k dist/jupiter/cluster-api`,
  `kubectl --kubeconfig <tmp>/jupiter/kubeconfig apply --server-side --force-conflicts -f ${GATEWAY_API}`,
  'kubectl --kubeconfig <tmp>/jupiter/kubeconfig apply --server-side --force-conflicts -f -',
  'helm --kubeconfig <tmp>/jupiter/kubeconfig upgrade --install cilium cilium --repo https://helm.cilium.io --version 1.19.5 --namespace kube-system --timeout 15m --values dist/jupiter/bootstrap/cilium-values.yaml',
  'clusterctl init --kubeconfig <tmp>/jupiter/kubeconfig --core cluster-api:v1.12.11 --bootstrap talos:v0.6.13 --control-plane talos:v0.5.14 --infrastructure proxmox:v0.9.0 --ipam in-cluster:v1.1.0 --wait-providers --wait-provider-timeout=5',
  'kubectl --kubeconfig <tmp>/jupiter/kubeconfig apply --server-side --force-conflicts -f -',
  'flux --kubeconfig <tmp>/jupiter/kubeconfig bootstrap git --url=ssh://git@github.com/example/constellation.git --branch=main --path=dist/jupiter/flux --private-key-file=home/deploy-key --silent --timeout=5s',
  'clusterctl move --kubeconfig <tmp>/jupiter/bootstrap-cluster.kubeconfig --to-kubeconfig <tmp>/jupiter/kubeconfig --namespace constellation',
  'kind delete cluster --name jupiter-bootstrap',
];

const WORKLOAD = (c: string): string[] => [
  `kubectl --kubeconfig <tmp>/${c}/kubeconfig apply --server-side --force-conflicts -f ${GATEWAY_API}`,
  `kubectl --kubeconfig <tmp>/${c}/kubeconfig apply --server-side --force-conflicts -f -`,
  `helm --kubeconfig <tmp>/${c}/kubeconfig upgrade --install cilium cilium --repo https://helm.cilium.io --version 1.19.5 --namespace kube-system --timeout 15m --values dist/${c}/bootstrap/cilium-values.yaml`,
  `kubectl --kubeconfig <tmp>/${c}/kubeconfig apply --server-side --force-conflicts -f -`,
  `flux --kubeconfig <tmp>/${c}/kubeconfig bootstrap git --url=ssh://git@github.com/example/constellation.git --branch=main --path=dist/${c}/flux --private-key-file=home/deploy-key --silent --timeout=5s`,
];

describe('the Cluster API constellation (clusters/) from a kind bootstrap cluster, through the pivot', () => {
  let w: Workspace;
  let up: { code: number; out: string; err: string };
  beforeAll(async () => {
    w = await constellation();
    up = await run(w, {});
  }, 300_000);

  it('jupiter: kind → pinned providers → its objects → credentials → CNI → providers on it → Flux → move (dry run first) → delete kind; then the workload clusters', () => {
    expect(up.code, up.err).toBe(0);
    // Workload clusters after their management cluster, in spec order.
    expect(mutating(w.log())).toEqual([...JUPITER, ...WORKLOAD('callisto'), ...WORKLOAD('ganymede')]);
    const moves = commandLines(w.log(), (e) => e.tool === 'clusterctl' && e.args.includes('move'));
    expect(moves).toEqual([
      'clusterctl move --kubeconfig <tmp>/jupiter/bootstrap-cluster.kubeconfig --to-kubeconfig <tmp>/jupiter/kubeconfig --namespace constellation --dry-run',
      'clusterctl move --kubeconfig <tmp>/jupiter/bootstrap-cluster.kubeconfig --to-kubeconfig <tmp>/jupiter/kubeconfig --namespace constellation',
    ]);
    const s = w.state();
    expect(s.kindClusters).toEqual({});
    const jupiter = s.kube['https://10.10.10.5:6443'];
    expect(jupiter.objects['Cluster/constellation/jupiter']).toBeDefined();
    expect(Object.keys(jupiter.objects).filter((k) => k.startsWith('Machine/constellation/jupiter-'))).toHaveLength(6);
  });

  it('credentials of every cluster from its Secrets, merged under CAPI’s context names; none in the repository', () => {
    const kube = parse(readFileSync(path.join(w.home, '.kube/config'), 'utf8'));
    expect(kube.contexts.map((c: { name: string }) => c.name)).toEqual(['jupiter-admin@jupiter', 'callisto-admin@callisto', 'ganymede-admin@ganymede']);
    const talos = parse(readFileSync(path.join(w.home, '.talos/config'), 'utf8'));
    expect(Object.keys(talos.contexts)).toEqual(['jupiter', 'callisto', 'ganymede']);
    const records = [w.logText(), up.out, up.err];
    for (const k of w.state().issuedSecrets as string[]) for (const r of records) expect(r.includes(k)).toBe(false);
    for (const r of [...records, w.stateText()]) expect(r.includes(PROXMOX_TOKEN)).toBe(false);
    expect(w.leftovers()).toEqual([]);
  });

  it('a rerun after the pivot (kind gone) changes nothing: the cluster is reached through its merged context', async () => {
    w.clearLog();
    const again = await run(w, {});
    expect(again.code, again.err).toBe(0);
    expect(again.err).toContain('nothing to do');
    expect(mutating(w.log())).toEqual([]);
    expect(commandLines(w.log(), (e) => e.tool === 'kind')).toEqual(['kind version', 'kind get clusters']);
    const plan = await run(w, { command: 'plan' });
    expect(plan.code).toBe(0);
    expect(plan.out).toContain(`done     create the temporary bootstrap cluster ${bootstrapClusterName('jupiter')} (kind)`);
  });
});

describe('the pivot is resumable', () => {
  it('a failed move: the rerun moves (dry run again first) and deletes kind; nothing before is redone', async () => {
    const w = await constellation();
    w.update((s) => (s.failOnce = [{ tool: 'clusterctl', match: 'move --kubeconfig', stderr: 'Error: action failed after 10 attempts: failed to pause the Cluster: connection reset by peer' }]));
    const first = await run(w, { clusters: ['jupiter'] });
    expect(first.code).toBe(1);
    expect(first.err).toContain('stopped at jupiter: clusterctl move: jupiter takes over its own Cluster API objects');
    expect(first.err).toContain('failed to pause the Cluster: connection reset by peer');
    expect(Object.keys(w.state().kindClusters)).toEqual(['jupiter-bootstrap']);
    w.clearLog();
    const second = await run(w, { clusters: ['jupiter'] });
    expect(second.code, second.err).toBe(0);
    expect(mutating(w.log())).toEqual(JUPITER.slice(-2));
    expect(commandLines(w.log(), (e) => e.tool === 'clusterctl' && e.args.includes('--dry-run'))).toHaveLength(1);
  }, 300_000);

  it('the generator’s own bring-up (REGISTRY.capiBringUp): the Proxmox credentials from the delivered encrypted files — jupiter’s decrypted in memory onto kind, the workloads’ by jupiter’s Flux', async () => {
    // The operator Secrets are one mechanism with every other referenced Secret (lib/secrets/referenced-secrets.ts):
    // the bundled constellation supplies placeholders (secrets/jupiter/secret-constellation-proxmox-*.yaml).
    const w = await constellation({ handMade: false });
    const plan = await run(w, { command: 'plan', real: true });
    expect(plan.code, plan.err).toBe(2);
    expect(plan.out).toContain('pending  apply the Secret constellation/proxmox-fra — after the steps before it (the bootstrap cluster jupiter-bootstrap does not exist yet)');
    expect(plan.out).toContain("the Secrets callisto's provider needs on jupiter");
    const up = await run(w, { real: true });
    expect(up.code, up.err).toBe(0);
    // proxmox-fra went to kind on stdin, decrypted in memory: its placeholder token is in no record.
    // On kind, on stdin: the namespace, jupiter-talos and proxmox-fra (the dry run names them; the log has no values).
    expect(mutating(w.log()).filter((l) => l.startsWith(KIND_KUBECONFIG) && l.endsWith('-f -'))).toHaveLength(3);
    expect(up.err).toContain('< <decrypted dist/jupiter/secrets/secret-constellation-proxmox-fra.yaml>');
    // The placeholder's token id (secrets/jupiter/secret-constellation-proxmox-fra.yaml), plain and as the Secret's base64.
    const token = 'orrery-example@pve!placeholder';
    for (const r of [w.logText(), up.out, up.err, w.stateText()]) {
      expect(r.includes(token)).toBe(false);
      expect(r.includes(Buffer.from(token).toString('base64'))).toBe(false);
    }
    // The workloads' credentials arrived on jupiter with its Flux (the secrets layer), not by hand.
    const jupiter = w.state().kube['https://10.10.10.5:6443'];
    for (const n of ['proxmox-nyc', 'proxmox-ams']) expect(jupiter.objects[`Secret/constellation/${n}`]?.hash, n).toBe('flux');
    expect(w.state().kindClusters).toEqual({});
    w.clearLog();
    expect((await run(w, { real: true })).err).toContain('nothing to do');
    expect(mutating(w.log())).toEqual([]);
  }, 300_000);

  it('a workload’s credentials that never arrive on its manager stop the run at that cluster, saying where they come from', async () => {
    const w = await constellation({ handMade: false });
    w.update((s) => (s.fluxWithholds = ['constellation/proxmox-nyc']));
    const r = await run(w, { real: true, clusters: ['jupiter', 'callisto'] });
    expect(r.code).toBe(1);
    expect(r.err).toContain("stopped at callisto: the Secrets callisto's provider needs on jupiter");
    // Synth refused the spec without the file, so what is left to check is the manager's GitOps.
    expect(r.err).toContain("constellation/proxmox-nyc not on jupiter yet (jupiter's GitOps engine applies dist/jupiter/secrets/secret-constellation-proxmox-nyc.yaml once pushed: check that the layer holding its Secrets reconciles");
    // Nothing of callisto was applied by hand meanwhile: the runner never creates an operator's Secret.
    expect(w.state().kube['https://10.10.10.5:6443'].objects['Secret/constellation/proxmox-nyc']).toBeUndefined();
  }, 300_000);

  it('without the operator’s credentials file the runner refuses the spec, naming the file and the command', async () => {
    const w = await constellation({ handMade: false });
    rmSync(path.join(w.dir, 'secrets/jupiter/secret-constellation-proxmox-nyc.yaml'));
    const r = await run(w, { real: true });
    expect(r.code).toBe(1);
    expect(r.err).toContain('create secrets/jupiter/secret-constellation-proxmox-nyc.yaml');
    expect(r.err).toContain('npx orrery secrets --add jupiter/constellation/proxmox-nyc');
    expect(r.err).toContain('the spec has errors');
    expect(mutating(w.log())).toEqual([]);
  });

  it('a retired provider is said plainly', async () => {
    const equinix = await workspace('equinix-constellation');
    spaces.push(equinix);
    const r = await equinix.run(['plan', 'jupiter']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('provider packet has no maintained Cluster API provider to install (Equinix Metal shut down on 2026-06-30)');
  });
});

describe('Argo CD on the hub: jupiter runs it, ganymede and callisto are registered in it', () => {
  const JUPITER_API = 'https://10.10.10.5:6443';
  const ENDPOINTS: Record<string, string> = { ganymede: 'https://10.20.10.5:6443', callisto: 'https://10.30.10.5:6443' };
  type App = { metadata: { name: string }; spec: { destination: { server?: string; name?: string } }; status?: { sync?: { status?: string }; health?: { status?: string }; conditions?: { message: string }[] } };
  const appsOf = (w: Workspace, c: string): App[] => Object.values(w.state().kube[JUPITER_API].objects as Record<string, App & { kind: string }>).filter((o) => o.kind === 'Application' && o.metadata.name.startsWith(`${c}-`) && o.metadata.name !== `${c}-root`);
  /** The destinations synth wrote into the cluster's Applications (what Argo CD matches the Secret's server against). */
  const compiledServers = (w: Workspace, c: string): string[] => {
    const dir = path.join(w.dir, 'dist', c, 'argocd/apps');
    const docs = readdirSync(dir).filter((f) => f.startsWith('application-')).map((f) => parse(readFileSync(path.join(dir, f), 'utf8')) as App);
    return [...new Set(docs.map((d) => d.spec.destination.server ?? `name:${d.spec.destination.name}`))];
  };
  let w: Workspace;
  let hubOnly: { code: number; out: string; err: string };
  beforeAll(async () => {
    w = await constellation({ handMade: true, argocd: true });
    hubOnly = await run(w, { clusters: ['jupiter'] });
  }, 300_000);

  it('negative control: with only the hub up, its Argo CD has the workload clusters\' Applications but cannot reach their destination', () => {
    expect(hubOnly.code, hubOnly.err).toBe(0);
    const apps = appsOf(w, 'ganymede');
    expect(apps.length).toBeGreaterThan(0);
    for (const a of apps) {
      expect(a.status?.sync?.status).toBe('Unknown');
      expect(a.status?.conditions?.[0]?.message).toBe(`error getting cluster by server "${ENDPOINTS.ganymede}": secrets "${ENDPOINTS.ganymede}" not found`);
    }
  });

  it('plan: each workload cluster gets a registration step on the hub, with the exact server its Applications use', async () => {
    const plan = await run(w, { command: 'plan' });
    expect(plan.code).toBe(2);
    for (const c of ['ganymede', 'callisto']) {
      expect(compiledServers(w, c)).toEqual([ENDPOINTS[c]]);
      expect(plan.out).toContain(`pending  register ${c} in the Argo CD of jupiter (server ${ENDPOINTS[c]}) — jupiter's Argo CD does not know ${c}: its Applications for ${ENDPOINTS[c]} cannot sync`);
      expect(plan.out).toContain(`kubectl --kubeconfig <tmp:jupiter/kubeconfig> apply --server-side --force-conflicts -f - < <Secret argocd/orrery-cluster-${c}: ${c}'s API server and credentials from its kubeconfig>`);
      expect(plan.out).toContain(`pending  wait for the first Argo CD sync — not Synced/Healthy: ${c}-cert-manager`);
    }
  });

  it('up registers them from the kubeconfig the runner fetched (stdin only); their Applications then sync; a rerun changes nothing', async () => {
    w.clearLog();
    const up = await run(w, {});
    expect(up.code, up.err).toBe(0);
    const hub = w.state().kube[JUPITER_API];
    for (const c of ['ganymede', 'callisto']) {
      const secret = hub.objects[`Secret/argocd/orrery-cluster-${c}`];
      expect(secret.metadata.labels).toEqual({ 'argocd.argoproj.io/secret-type': 'cluster' });
      // The fake keeps the public fields and a hash of the client key, which must be the key the cluster accepts.
      expect(secret.argo).toMatchObject({ name: c, server: ENDPOINTS[c], certData: true, insecure: false });
      expect(secret.argo.keySha).toBeDefined();
      for (const a of appsOf(w, c)) expect([a.metadata.name, a.status?.sync?.status, a.status?.health?.status]).toEqual([a.metadata.name, 'Synced', 'Healthy']);
    }
    // Registered on the hub (jupiter's kubeconfig), credentials on stdin: no argument, no output carries one.
    const registrations = w.log().filter((e) => e.tool === 'kubectl' && e.args.includes('apply') && e.args.includes('<tmp>/jupiter/kubeconfig') && e.stdin);
    expect(registrations.length).toBeGreaterThanOrEqual(2);
    for (const k of w.state().issuedSecrets as string[]) for (const r of [w.logText(), up.out, up.err]) expect(r.includes(k)).toBe(false);
    expect(w.leftovers()).toEqual([]);
    w.clearLog();
    const again = await run(w, {});
    expect(again.code, again.err).toBe(0);
    expect(again.err).toContain('nothing to do');
    expect(mutating(w.log())).toEqual([]);
  });

  it('once the hub\'s Application of the CNI has synced, the runner leaves the release to it (its values may move on in git)', async () => {
    w.update((s) => (s.kube[ENDPOINTS.ganymede!].helm['kube-system/cilium'].values = { changedBy: 'argocd' }));
    const plan = await run(w, { command: 'plan', format: 'json' });
    const steps = (JSON.parse(plan.out) as { clusters: { name: string; steps: { id: string; state: string; reason: string }[] }[] }).clusters.find((c) => c.name === 'ganymede')!.steps;
    expect(steps.find((st) => st.id === 'ganymede/release/cilium')).toMatchObject({ state: 'done', reason: 'Argo CD Application ganymede-cilium on jupiter (Synced) exists: the GitOps engine owns the release' });
    // Negative control: before it synced (e.g. not registered yet) the hub's Application owns nothing.
    w.update((s) => (s.kube[JUPITER_API].objects['Application/argocd/ganymede-cilium'].status.sync.status = 'Unknown'));
    w.update((s) => (s.kube[JUPITER_API].objects['Secret/argocd/orrery-cluster-ganymede'] = undefined));
    const before = await run(w, { command: 'plan', format: 'json' });
    const again = (JSON.parse(before.out) as { clusters: { name: string; steps: { id: string; state: string; reason: string }[] }[] }).clusters.find((c) => c.name === 'ganymede')!.steps;
    expect(again.find((st) => st.id === 'ganymede/release/cilium')).toMatchObject({ state: 'pending', reason: 'release cilium has other values than dist/ganymede/bootstrap/cilium-values.yaml' });
    expect((await run(w, {})).code).toBe(0);
  });

  it('a registration with another server or another CA (a rebuilt cluster) is replaced', async () => {
    w.update((s) => {
      const secret = s.kube[JUPITER_API].objects['Secret/argocd/orrery-cluster-callisto'];
      secret.data.server = Buffer.from('https://old-callisto:6443').toString('base64');
      secret.argo.server = 'https://old-callisto:6443';
    });
    const plan = await run(w, { command: 'plan' });
    expect(plan.out).toContain(`pending  register callisto in the Argo CD of jupiter (server ${ENDPOINTS.callisto}) — argocd/orrery-cluster-callisto on jupiter has server https://old-callisto:6443, not ${ENDPOINTS.callisto}`);
    expect((await run(w, {})).code).toBe(0);
    expect(w.state().kube[JUPITER_API].objects['Secret/argocd/orrery-cluster-callisto'].argo.server).toBe(ENDPOINTS.callisto);
  });
});
