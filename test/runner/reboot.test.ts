import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeEffects, configChanges } from '../../lib/runner/talos/config-changes.ts';
import { commandLines, mutating, upTalosExamples, workspace, type FakeState, type Workspace, type WorkspaceSnapshot } from './harness.ts';

const spaces: Workspace[] = [];
afterAll(async () => Promise.all(spaces.map((w) => w.dispose())));

type Doc = Record<string, any>;

/**
 * The node's running config differs from the rendered one by `edit` (what an older spec, or a
 * hand edit, left on the machine), on a node that runs `version`.
 */
function drift(s: FakeState, node: string, edit: (v1alpha1: Doc) => void, version?: string): void {
  const n = s.talos.nodes[node];
  const docs = parseAllDocuments(n.configText as string).map((d) => d.toJSON() as Doc);
  edit(docs.find((d) => !d.kind)!);
  n.configText = docs.map((d) => stringify(d)).join('---\n');
  n.config = 'drifted';
  if (version) n.version = version;
}

const V = (ip: string): string => `talosctl --talosconfig <tmp>/vtalos/talosconfig --nodes ${ip} --endpoints ${ip}`;
const K = 'kubectl --kubeconfig <tmp>/vtalos/kubeconfig';
const KEY = ['--git-private-key', 'home/deploy-key'];

describe('a change that takes effect only after a reboot (Talos 1.14 applies everything live)', () => {
  let vtalos: WorkspaceSnapshot;
  let deepthought: WorkspaceSnapshot;
  beforeAll(async () => {
    ({ vtalos, deepthought } = await upTalosExamples(spaces));
  }, 120_000);

  it('plan says so; up applies live, then reboots the node only once its name is confirmed: drained, rebooted, uncordoned, health', async () => {
    const w = await workspace('vtalos-lab', { from: vtalos, state: (s) => drift(s, 'talos-wo-1', (d) => (d.machine.env = { HTTPS_PROXY: 'http://proxy:3128' }), 'v1.14.0') });
    spaces.push(w);
    const plan = await w.run(['plan']);
    expect(plan.code).toBe(2);
    expect(plan.out).toContain("pending  apply the machine config to talos-wo-1 — talos-wo-1's running config differs; Talos 1.14 applies it live (no reboot); it needs a reboot to take effect: machine.env (running services keep the environment they started with)");
    expect(plan.out).toContain('pending  reboot the nodes whose config waits for a reboot — talos-wo-1 needs a reboot: machine.env (running services keep the environment they started with)');
    expect(plan.out).toContain(`${K.replace('<tmp>/', '<tmp:').replace('/kubeconfig', '/kubeconfig>')} drain talos-wo-1 --ignore-daemonsets --delete-emptydir-data --timeout=5s`);

    // --yes is not enough: the config is applied, the reboot waits for the node's name.
    const unconfirmed = await w.run(['up', '--yes', ...KEY]);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.err).toContain('not confirmed: reboot the nodes whose config waits for a reboot restarts those machines (drained, one at a time); type the name(s) when asked, or pass --confirm talos-wo-1');
    expect(mutating(w.log())).toEqual([`${V('192.168.42.204')} apply-config --file <tmp>/vtalos/config/talos-wo-1.yaml`]);
    const journal = JSON.parse(readFileSync(path.join(w.dir, '.orrery/state/vtalos.json'), 'utf8'));
    expect(journal.reboots['talos-wo-1'].reasons).toEqual(['machine.env (running services keep the environment they started with)']);

    w.clearLog();
    const up = await w.run(['up', '--yes', '--confirm', 'talos-wo-1', ...KEY]);
    expect(up.code, up.err).toBe(0);
    expect(mutating(w.log())).toEqual([
      `${K} drain talos-wo-1 --ignore-daemonsets --delete-emptydir-data --timeout=5s`,
      `${V('192.168.42.204')} reboot --wait --timeout 5s`,
      `${K} uncordon talos-wo-1`,
    ]);
    const calls = commandLines(w.log());
    // The whole cluster healthy after the node is back (talosctl health over every node).
    expect(calls.slice(calls.indexOf(`${K} uncordon talos-wo-1`)).some((l) => l.includes(' health '))).toBe(true);
    const s = w.state();
    expect(s.talos.rebootOrder).toEqual(['talos-wo-1']);
    expect(Object.values(s.kube)[0]).toMatchObject({ drained: ['talos-wo-1'], cordoned: [] });
    w.clearLog();
    const again = await w.run(['up', '--yes', ...KEY]);
    expect(again.err).toContain('nothing to do');
    expect(mutating(w.log())).toEqual([]);
  });

  it('one node at a time, control planes first, talosctl health between them (etcd settings: a reboot on 1.13 too)', async () => {
    const etcd = (d: Doc): void => void (d.cluster.etcd = { extraArgs: { 'election-timeout': '5000' } });
    const w = await workspace('vtalos-lab', { from: vtalos, state: (s) => ['talos-cp-3', 'talos-cp-2'].forEach((n) => drift(s, n, etcd)) });
    spaces.push(w);
    const plan = await w.run(['plan']);
    expect(plan.out).toContain('Talos 1.13 applies it live (no reboot); it needs a reboot to take effect: cluster.etcd (etcd reads its settings when it starts)');
    expect(plan.out).toContain('talos-cp-2 needs a reboot: cluster.etcd (etcd reads its settings when it starts); talos-cp-3 needs a reboot');
    w.clearLog();
    const up = await w.run(['up', '--yes', '--confirm', 'talos-cp-2,talos-cp-3', ...KEY]);
    expect(up.code, up.err).toBe(0);
    expect(w.state().talos.rebootOrder).toEqual(['talos-cp-2', 'talos-cp-3']);
    const calls = commandLines(w.log());
    const between = calls.slice(calls.indexOf(`${V('192.168.42.202')} reboot --wait --timeout 5s`), calls.indexOf(`${K} drain talos-cp-3 --ignore-daemonsets --delete-emptydir-data --timeout=5s`));
    expect(between).toContain(`${K} uncordon talos-cp-2`);
    expect(between.some((l) => l.includes(' health '))).toBe(true);
  });

  it('on 1.13 a setting auto mode cannot apply live makes apply-config reboot the node itself: no reboot step', async () => {
    const w = await workspace('vtalos-lab', { from: vtalos, state: (s) => drift(s, 'talos-wo-1', (d) => (d.machine.env = { A: '1' })) });
    spaces.push(w);
    const plan = await w.run(['plan']);
    expect(plan.out).toContain("talos-wo-1's running config differs; Talos 1.13 reboots it to apply the config (auto mode): machine.env is not applied live");
    expect(plan.out).toContain('done     reboot the nodes whose config waits for a reboot\n');
    w.clearLog();
    expect((await w.run(['up', '--yes', ...KEY])).code).toBe(0);
    expect(mutating(w.log())).toEqual([`${V('192.168.42.204')} apply-config --file <tmp>/vtalos/config/talos-wo-1.yaml`]);
  });

  it('with Rook: Ceph HEALTH_OK after each node before the next', async () => {
    const env = (d: Doc): void => void (d.machine.env = { HTTPS_PROXY: 'http://proxy:3128' });
    const w = await workspace('deepthought-homelab', {
      from: deepthought,
      state: (s) => {
        for (const n of ['talos-work1-trillian', 'talos-work2-marvin']) drift(s, n, env, 'v1.14.0');
        const kube = Object.values(s.kube)[0] as { crds: string[]; objects: Record<string, unknown> };
        kube.crds.push('CephCluster');
        kube.objects['CephCluster/rook-ceph/rook-ceph'] = { kind: 'CephCluster', metadata: { name: 'rook-ceph', namespace: 'rook-ceph' } };
      },
    });
    spaces.push(w);
    const up = await w.run(['up', '--yes', '--confirm', 'talos-work1-trillian,talos-work2-marvin', ...KEY]);
    expect(up.code, up.err).toBe(0);
    const s = w.state();
    expect(s.talos.rebootOrder).toEqual(['talos-work1-trillian', 'talos-work2-marvin']);
    // The fake records how many reboots had run at each HEALTH_OK wait: one wait after each node.
    expect(s.cephWaitsByReboots).toEqual([1, 2]);
  });

  it('the running config cannot be read: the plan says it cannot tell, and nothing waits for a reboot', async () => {
    const w = await workspace('vtalos-lab', {
      from: vtalos,
      state: (s) => {
        drift(s, 'talos-wo-1', (d) => (d.machine.env = { A: '1' }), 'v1.14.0');
        s.failOnce = [{ tool: 'talosctl', match: 'get machineconfig', stderr: 'rpc error: code = PermissionDenied desc = not authorized' }];
      },
    });
    spaces.push(w);
    const plan = await w.run(['plan']);
    expect(plan.out).toContain("talos-wo-1's running config differs; Talos applies it without a reboot; whether a setting waits for a reboot cannot be told: its running config could not be read (rpc error: code = PermissionDenied desc = not authorized)");
    expect(plan.out).toContain('done     reboot the nodes whose config waits for a reboot');
  });
});

describe('the classification, on documents', () => {
  it('documents pair by kind and name; a typed document added is one change per setting, its header none', () => {
    const running = [{ version: 'v1alpha1', machine: { env: { A: '1' } }, cluster: { etcd: {} } }, { apiVersion: 'v1alpha1', kind: 'KernelModuleConfig', name: 'br_netfilter', parameters: ['x=1'] }];
    const rendered = [{ version: 'v1alpha1', machine: {}, cluster: { etcd: { extraArgs: { a: 'b' } } } }, { apiVersion: 'v1alpha1', kind: 'KernelModuleConfig', name: 'br_netfilter', parameters: ['x=2'] }, { apiVersion: 'v1alpha1', kind: 'LinkConfig', name: 'eth1', mtu: 9000 }];
    const changes = configChanges(running, rendered);
    expect(changes).toEqual([
      { kind: 'v1alpha1', path: ['machine', 'env', 'A'], op: 'remove' },
      { kind: 'v1alpha1', path: ['cluster', 'etcd', 'extraArgs', 'a'], op: 'add' },
      { kind: 'KernelModuleConfig', path: ['parameters', '0'], op: 'change' },
      { kind: 'LinkConfig', path: ['name'], op: 'add' },
      { kind: 'LinkConfig', path: ['mtu'], op: 'add' },
    ]);
    expect(changeEffects('1.14', changes)).toEqual({
      minor: '1.14',
      rebootsNow: [],
      needsReboot: ['machine.env (running services keep the environment they started with)', 'cluster.etcd (etcd reads its settings when it starts)', 'KernelModuleConfig (Talos never unloads kernel modules and sets parameters at first load)'],
    });
    expect(changeEffects('1.13', changes)).toMatchObject({ rebootsNow: ['machine.env'], needsReboot: ['cluster.etcd (etcd reads its settings when it starts)'] });
  });
});
