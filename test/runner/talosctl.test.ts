import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptSops } from '../../lib/sops/sops.ts';
import { VTALOS_UP } from './expected.ts';
import { commandLines, filesUnder, mutating, secretsOf, TEST_AGE_KEY, workspace, type Workspace } from './harness.ts';

const spaces: Workspace[] = [];
afterAll(async () => Promise.all(spaces.map((w) => w.dispose())));
async function ws(example: string, options: Parameters<typeof workspace>[1] = {}): Promise<Workspace> {
  const w = await workspace(example, options);
  spaces.push(w);
  return w;
}

function deployKey(w: Workspace): string {
  const file = path.join(w.home, 'deploy-key');
  writeFileSync(file, '-----BEGIN OPENSSH PRIVATE KEY-----\nZmFrZS1kZXBsb3kta2V5LWZvci10ZXN0cw==\n-----END OPENSSH PRIVATE KEY-----\n', { mode: 0o600 });
  return file;
}

async function bundleOf(w: Workspace, cluster: string): Promise<string> {
  const text = readFileSync(path.join(w.dir, 'secrets', cluster, 'talos-secrets.yaml'), 'utf8');
  const { data } = await decryptSops(text, [TEST_AGE_KEY.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!]);
  return stringify(data);
}

describe('vtalos-lab (talosctl, Cilium, Flux) end to end against the fakes', () => {
  let w: Workspace;
  let key: string;
  let first: { code: number; out: string; err: string };
  let plan0: { code: number; out: string; err: string };
  beforeAll(async () => {
    w = await ws('vtalos-lab');
    key = deployKey(w);
    plan0 = await w.run(['plan']);
    expect(mutating(w.log())).toEqual([]);
    w.clearLog();
    first = await w.run(['up', '--yes', '--git-private-key', key]);
  });

  it('plan on booted machines: exit 2, every step pending with its command, nothing changed', () => {
    expect(plan0.code).toBe(2);
    expect(plan0.out).toContain('vtalos (talosctl, Talos v1.13.9, Flux): 0 done, 18 pending, 0 blocked');
    expect(plan0.out).toContain('pending  apply the machine config to talos-cp-1 — talos-cp-1 is in maintenance mode at 192.168.42.142');
    expect(plan0.out).toContain('talosctl apply-config --insecure --nodes 192.168.42.142 --file <tmp:vtalos/config/talos-cp-1.yaml>');
    expect(plan0.out).toMatch(/pending  bootstrap etcd on talos-cp-1 — after the steps before it \(talos-cp-1 is not running its config yet\)\n\s+talosctl --talosconfig <tmp:vtalos\/talosconfig> --nodes 192.168.42.201 --endpoints 192.168.42.201 bootstrap/);
    expect(plan0.err).toContain('orrery plan: 18 step(s) pending: orrery up vtalos runs them');
  });

  it('up runs exactly the bring-up, in order, and leaves a running cluster', () => {
    expect(first.err).toContain('orrery up: 13 step(s) ran; vtalos up to date');
    expect(first.code).toBe(0);
    expect(mutating(w.log())).toEqual(VTALOS_UP(key));
    const s = w.state();
    for (const n of Object.values(s.talos.nodes) as { mode: string; etcd: boolean; role: string }[]) {
      expect(n.mode).toBe('configured');
      expect(Boolean(n.etcd)).toBe(n.role === 'controlplane');
    }
    const kube = Object.values(s.kube)[0] as { helm: Record<string, { values: unknown; version: string }>; flux: { path: string }; objects: Record<string, { status?: { conditions?: { status: string }[] } }> };
    // Cilium got exactly the values the Flux HelmRelease carries.
    const release = parse(readFileSync(path.join(w.dir, 'dist/vtalos/infrastructure/controllers/helmrelease-kube-system-cilium.yaml'), 'utf8'));
    expect(kube.helm['kube-system/cilium']).toMatchObject({ version: release.spec.chart.spec.version, values: release.spec.values });
    expect(kube.flux.path).toBe('dist/vtalos/flux');
    expect(kube.objects['Kustomization/flux-system/vtalos-infra-configs']?.status?.conditions?.[0]?.status).toBe('True');
  });

  it('credentials land only in ~/.talos/config and ~/.kube/config, mode 0600, under the cluster’s context names', () => {
    const talos = parse(readFileSync(path.join(w.home, '.talos/config'), 'utf8'));
    expect(talos.contexts.vtalos.endpoints).toEqual(['192.168.42.201', '192.168.42.202', '192.168.42.203']);
    expect(talos.contexts.vtalos.nodes).toEqual(['192.168.42.201', '192.168.42.202', '192.168.42.203', '192.168.42.204']);
    expect(talos.contexts.vtalos.key).toBeTruthy();
    const kube = parse(readFileSync(path.join(w.home, '.kube/config'), 'utf8'));
    expect(kube.contexts.map((c: { name: string }) => c.name)).toEqual(['admin@vtalos']);
    expect(kube.clusters[0].cluster.server).toBe('https://192.168.42.210:6443');
    for (const f of ['.talos/config', '.kube/config']) expect(statSync(path.join(w.home, f)).mode & 0o777).toBe(0o600);
    // Nothing with credentials inside the repository (the workspace) except the operator's home.
    const repoFiles = [...filesUnder(w.dir).entries()].filter(([f]) => !f.startsWith(w.home) && !f.startsWith(w.bin));
    expect(repoFiles.filter(([, t]) => t.includes(talos.contexts.vtalos.key)).map(([f]) => f)).toEqual([]);
  });

  it('no secret in any argument, output, recorded file or child environment; no temp file left', async () => {
    const talosKey = parse(readFileSync(path.join(w.home, '.talos/config'), 'utf8')).contexts.vtalos.key as string;
    const bundle = await bundleOf(w, 'vtalos');
    const own = [...secretsOf(w, [bundle], { ownOnly: true }), talosKey, Buffer.from(talosKey, 'base64').toString()];
    const all = [...secretsOf(w, [bundle]), talosKey];
    const records = [w.logText(), first.out, first.err, plan0.out, plan0.err, ...filesUnder(path.join(w.dir, '.orrery')).values()];
    for (const s of all) for (const text of records) expect(text.includes(s), `secret ${s.slice(0, 6)}… leaked`).toBe(false);
    // The fakes' state is the simulated cluster: it may hold what the cluster issued, never the runner's secrets.
    for (const s of own) expect(w.stateText().includes(s), `secret ${s.slice(0, 6)}… reached a tool's state`).toBe(false);
    // Negative control: the check can fail — the issued kubeconfig key is in the state file.
    expect(all.some((s) => w.stateText().includes(s))).toBe(true);
    for (const e of w.log()) {
      expect(e.env).not.toContain('SOPS_AGE_KEY');
      expect(e.env).not.toContain('KUBECONFIG');
      expect(e.env).toContain('PATH');
    }
    expect(w.leftovers()).toEqual([]);
  });

  it('a second up changes nothing; plan then exits 0', async () => {
    w.clearLog();
    const again = await w.run(['up', '--yes', '--git-private-key', key]);
    expect(again.code).toBe(0);
    expect(again.err).toContain('orrery up: nothing to do');
    expect(mutating(w.log())).toEqual([]);
    const plan = await w.run(['plan']);
    expect(plan.code).toBe(0);
    expect(plan.out).toContain('18 done, 0 pending, 0 blocked');
    expect(plan.err).toContain('orrery plan: nothing to do');
  });

  it('a node whose running config drifted: the redacted diff, then apply-config over the secure API (no --insecure)', async () => {
    w.update((s) => (s.talos.nodes['talos-wo-1'].config = 'something-else'));
    const plan = await w.run(['plan']);
    expect(plan.code).toBe(2);
    expect(plan.out).toContain("pending  apply the machine config to talos-wo-1 — talos-wo-1's running config differs; Talos 1.13 applies it live (no reboot)");
    expect(plan.out).toContain('| +  hostname: talos-wo-1');
    // The fake diff carries a token line: masked in the plan.
    expect(plan.out).toContain('| +  token: <redacted>');
    w.clearLog();
    const up = await w.run(['up', '--yes', '--git-private-key', key]);
    expect(up.code).toBe(0);
    expect(mutating(w.log())).toEqual(['talosctl --talosconfig <tmp>/vtalos/talosconfig --nodes 192.168.42.204 --endpoints 192.168.42.204 apply-config --file <tmp>/vtalos/config/talos-wo-1.yaml']);
  });

  it('etcd is bootstrapped exactly once: data on any control plane means done', async () => {
    w.update((s) => {
      s.talos.nodes['talos-cp-1'].etcd = false;
      s.talos.nodes['talos-cp-3'].etcd = true;
    });
    w.clearLog();
    expect((await w.run(['up', '--yes', '--git-private-key', key])).code).toBe(0);
    expect(commandLines(w.log(), (e) => e.args.includes('bootstrap') && e.tool === 'talosctl')).toEqual([]);
    // It asked every control plane before deciding.
    expect(commandLines(w.log(), (e) => e.args.includes('/var/lib/etcd')).length).toBeGreaterThanOrEqual(1);
  });

  it('fails closed: a control plane that cannot answer about its etcd data blocks the bootstrap', async () => {
    const fresh = await ws('vtalos-lab', { state: (s) => (s.failOnce = [{ tool: 'talosctl', match: '192.168.42.203 list /var/lib/etcd', stderr: 'rpc error: code = PermissionDenied desc = not authorized' }]) });
    // Configure the machines first (stop before the bootstrap by giving no git key: flux would block later anyway).
    const up = await fresh.run(['up', '--yes']);
    expect(up.code).toBe(1);
    expect(up.err).toContain('cannot tell whether etcd is bootstrapped on talos-cp-3 (rpc error: code = PermissionDenied desc = not authorized); refusing to bootstrap');
    expect(commandLines(fresh.log(), (e) => e.tool === 'talosctl' && e.args.includes('bootstrap'))).toEqual([]);
    // The rerun resumes at the bootstrap; without the deploy key it stops, clearly, at flux bootstrap.
    const again = await fresh.run(['up', '--yes']);
    expect(commandLines(fresh.log(), (e) => e.tool === 'talosctl' && e.args.includes('bootstrap'))).toHaveLength(1);
    expect(again.code).toBe(1);
    expect(again.err).toContain('flux bootstrap git over ssh needs the deploy key: pass --git-private-key FILE');
  });
});

describe('bootstrap races and node states', () => {
  it('AlreadyExists from bootstrap counts as success (another client won the race)', async () => {
    const w = await ws('vtalos-lab', { state: (s) => (s.talos.bootstrapRace = true) });
    const r = await w.run(['up', '--yes', '--git-private-key', deployKey(w)]);
    expect(r.err).not.toContain('bootstrap on talos-cp-1 failed');
    expect(r.code).toBe(0);
  });

  it('a node configured from another secrets bundle is blocked, with what to do', async () => {
    const w = await ws('vtalos-lab', { state: (s) => Object.assign(s.talos.nodes['talos-cp-2'], { mode: 'configured', ca: 'T1RIRVItQ0E=', stage: 'running' }) });
    const r = await w.run(['plan']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('blocked  apply the machine config to talos-cp-2 — talos-cp-2 at 192.168.42.202 answers with credentials of another cluster');
    expect(r.out).toContain('reset it (orrery reset talos-cp-2) or restore secrets/vtalos/talos-secrets.yaml');
  });

  it('an unreachable machine is blocked; a wait that never ends times out with what it waited for', async () => {
    const off = await ws('vtalos-lab', { state: (s) => (s.talos.nodes['talos-wo-1'].mode = 'off') });
    const plan = await off.run(['plan']);
    expect(plan.code).toBe(1);
    expect(plan.out).toMatch(/blocked  apply the machine config to talos-wo-1 — talos-wo-1 is unreachable: 192.168.42.204: .*no route to host.*is it powered on and booted/);
    const slow = await ws('vtalos-lab', { state: (s) => (s.talos.nodes['talos-cp-1'].installTime = 1_000_000) });
    const up = await slow.run(['up', '--yes', '--wait-timeout', '1s', '--poll-interval', '100ms']);
    expect(up.code).toBe(1);
    expect(up.err).toContain('stopped at vtalos: wait for talos-cp-1 to boot its config: timed out after 1s waiting for talos-cp-1 to run its installed config (secure API at 192.168.42.201, stage running)');
    expect(up.err).toContain('run orrery up vtalos again');
    expect(slow.leftovers()).toEqual([]);
  });
});

describe('maintenance mode: told by the mTLS probe of port 50000, talosctl only when the probe cannot tell', () => {
  const maintenanceCalls = (w: Workspace): string[] => commandLines(w.log(), (e) => e.tool === 'talosctl' && e.args.includes('--insecure') && e.args[0] === 'get');
  it('freshly booted machines: the probe sees no client-certificate request at each maintenance address; no insecure talosctl call', async () => {
    const w = await ws('vtalos-lab');
    const plan = await w.run(['plan']);
    expect(plan.code).toBe(2);
    expect(plan.out).toContain('pending  apply the machine config to talos-cp-1 — talos-cp-1 is in maintenance mode at 192.168.42.142');
    expect(plan.out).toContain('pending  apply the machine config to talos-wo-1 — talos-wo-1 is in maintenance mode at 192.168.42.204');
    expect(maintenanceCalls(w)).toEqual([]);
    expect(w.talosApi.probes.filter((p) => p.answered === 'maintenance').map((p) => p.address).sort()).toEqual(['192.168.42.142', '192.168.42.202', '192.168.42.203', '192.168.42.204']);
  });

  it('port 50000 unreachable for the probe: talosctl get machinestatus --insecure decides, with the same plan', async () => {
    const w = await ws('vtalos-lab', { apiUnreachable: true });
    const plan = await w.run(['plan']);
    expect(plan.code).toBe(2);
    expect(plan.out).toContain('pending  apply the machine config to talos-cp-1 — talos-cp-1 is in maintenance mode at 192.168.42.142');
    expect(maintenanceCalls(w)).toEqual(['192.168.42.142', '192.168.42.202', '192.168.42.203', '192.168.42.204'].map((a) => `talosctl get machinestatus --insecure --nodes ${a} -o json`));
  });

  it('a configured node of another cluster: the probe sees the client-certificate request, the secure error names the CA', async () => {
    const w = await ws('vtalos-lab', { state: (s) => Object.assign(s.talos.nodes['talos-cp-2'], { mode: 'configured', ca: 'T1RIRVItQ0E=', stage: 'running' }) });
    const r = await w.run(['plan']);
    expect(r.out).toContain('blocked  apply the machine config to talos-cp-2 — talos-cp-2 at 192.168.42.202 answers with credentials of another cluster');
    expect(w.talosApi.probes).toContainEqual({ address: '192.168.42.202', answered: 'configured' });
    expect(maintenanceCalls(w)).toEqual([]);
  });
});

describe('before anything runs', () => {
  it('a missing tool: named with the version needed, and nothing but version probes ran', async () => {
    const w = await ws('vtalos-lab', { missing: ['helm', 'flux'] });
    const r = await w.run(['up', '--yes']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('orrery up: helm is not installed (not found on PATH): needed for vtalos — https://github.com/helm/helm/releases');
    expect(r.err).toContain('orrery up: flux is not installed (not found on PATH): needed for vtalos; install flux v2.3.0 or newer');
    expect(commandLines(w.log())).toEqual(['talosctl version --client --short', 'kubectl version --client -o json']);
    expect(w.leftovers()).toEqual([]);
  });

  it('a talosctl older than the cluster’s Talos is refused', async () => {
    const w = await ws('vtalos-lab', { state: (s) => (s.versions.talosctl = 'v1.12.3') });
    const r = await w.run(['plan']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('talosctl v1.12.3 is too old: vtalos (Talos v1.13.9) needs talosctl v1.13.0 or newer');
  });

  it('dist/ out of date: refused before any tool runs (the tools get exactly what GitOps reads)', async () => {
    const w = await ws('vtalos-lab');
    const file = path.join(w.dir, 'dist/vtalos/talos/cluster.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}# edited\n`);
    const r = await w.run(['plan']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('orrery plan: dist is not what synth would write (dist/vtalos/talos/cluster.yaml): run orrery synth first');
    expect(w.log()).toEqual([]);
  });

  it('a wrong age key: the bundle cannot be decrypted, said plainly, nothing applied', async () => {
    const w = await ws('vtalos-lab');
    const r = await w.run(['plan'], { SOPS_AGE_KEY: 'AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQSMFZ7T' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/blocked  render the machine configs of vtalos — secrets\/vtalos\/talos-secrets.yaml: /);
    expect(mutating(w.log())).toEqual([]);
  });

  it('without a terminal and without --yes, up shows the plan and changes nothing', async () => {
    const w = await ws('vtalos-lab');
    const r = await w.run(['up']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('0 done, 18 pending');
    expect(r.err).toContain('orrery up: 18 step(s) pending; rerun with --yes to run them without a terminal');
    expect(mutating(w.log())).toEqual([]);
  });
});

describe('--dry-run and --format json', () => {
  it('--dry-run prints every command for a fresh cluster and runs nothing, not even a probe', async () => {
    const w = await ws('vtalos-lab');
    const r = await w.run(['up', '--dry-run']);
    expect(r.code).toBe(0);
    expect(w.log()).toEqual([]);
    expect(w.leftovers()).toEqual([]);
    const lines = r.out.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines[0]).toMatch(/^talosctl gen config vtalos https:\/\/192.168.42.210:6443 --with-secrets <tmp:vtalos\/secrets.yaml> --talos-version v1.13 --kubernetes-version 1.36.2 --install-image factory.talos.dev\/installer\/[0-9a-f]{64}:v1.13.9 --config-patch @dist\/vtalos\/talos\/cluster.yaml --config-patch-control-plane @dist\/vtalos\/talos\/controlplane.yaml/);
    for (const cmd of VTALOS_UP('DEPLOY_KEY_FILE').map((c) => c.replace(/<tmp>\/([^ ]+)/g, '<tmp:$1>').replace('--timeout=5s', '--timeout=10m0s'))) expect(lines).toContain(cmd);
  });

  it('plan --format json: every step with state, reason and commands', async () => {
    const w = await ws('vtalos-lab');
    const r = await w.run(['plan', '--format', 'json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.out) as { clusters: { name: string; steps: { id: string; state: string; commands: string[] }[] }[]; summary: Record<string, number> };
    expect(doc.summary).toEqual({ done: 0, pending: 18, blocked: 0 });
    expect(doc.clusters[0]!.steps.map((s) => s.id).slice(0, 4)).toEqual(['vtalos/render', 'vtalos/talosconfig', 'vtalos/apply/talos-cp-1', 'vtalos/apply/talos-cp-2']);
  });

  it('up --format json: one event per line; TALOSCONFIG and KUBECONFIG say where credentials go', async () => {
    const w = await ws('vtalos-lab');
    const talosconfig = path.join(w.home, 'elsewhere', 'talosconfig');
    const kubeconfig = path.join(w.home, 'elsewhere', 'kubeconfig');
    const r = await w.run(['up', '--yes', '--format', 'json', '--git-private-key', deployKey(w)], { TALOSCONFIG: talosconfig, KUBECONFIG: `${kubeconfig}${path.delimiter}${path.join(w.home, 'second')}` });
    expect(r.code).toBe(0);
    expect(parse(readFileSync(talosconfig, 'utf8')).contexts.vtalos).toBeDefined();
    expect(parse(readFileSync(kubeconfig, 'utf8'))['current-context']).toBe('admin@vtalos');
    expect(() => statSync(path.join(w.home, '.kube/config'))).toThrow();
    const events = r.out.trim().split('\n').map((l) => JSON.parse(l) as { event: string; id?: string });
    expect(events.filter((e) => e.event === 'done').map((e) => e.id)).toContain('vtalos/flux-bootstrap');
    expect(events.some((e) => e.event === 'waiting')).toBe(true);
  });
});
