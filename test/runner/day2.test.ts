import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRunner } from '../../lib/runner/run.ts';
import { commandLines, mutating, TEST_AGE_KEY, workspace, type Workspace, type WorkspaceSnapshot } from './harness.ts';

const spaces: Workspace[] = [];
afterAll(async () => Promise.all(spaces.map((w) => w.dispose())));

const brought = new Map<string, WorkspaceSnapshot>();

/**
 * A cluster brought up by orrery up, on the fakes. The bring-up runs once per example; later
 * callers start from its snapshot (the fakes' state, credentials, journal) in a new workspace.
 */
async function running(example = 'vtalos-lab'): Promise<Workspace> {
  const snapshot = brought.get(example);
  const w = await workspace(example, snapshot ? { from: snapshot } : {});
  spaces.push(w);
  if (snapshot) return w;
  writeFileSync(path.join(w.home, 'deploy-key'), 'fake deploy key\n', { mode: 0o600 });
  const confirm = example === 'deepthought-homelab' ? ['--confirm', 'talos-cp1-zaphod,talos-work1-trillian,talos-work2-marvin'] : [];
  const up = await w.run(['up', '--yes', '--git-private-key', 'home/deploy-key', ...confirm]);
  expect(up.code, up.err).toBe(0);
  w.clearLog();
  brought.set(example, w.snapshot());
  return w;
}

const OLD_SCHEMATIC = 'f'.repeat(64);
const V = (ip: string): string => `talosctl --talosconfig <tmp>/vtalos/talosconfig --nodes ${ip} --endpoints ${ip}`;

describe('orrery upgrade: Talos node by node, control planes first, then Kubernetes', () => {
  let w: Workspace;
  let image: string;
  beforeAll(async () => {
    w = await running();
    image = /image: (\S+)/.exec(readFileSync(path.join(w.dir, 'dist/vtalos/talos/nodes/talos-cp-1.yaml'), 'utf8'))![1]!;
    w.update((s) => {
      for (const n of Object.values(s.talos.nodes) as Record<string, unknown>[]) Object.assign(n, { version: 'v1.13.8', schematic: OLD_SCHEMATIC, kubernetes: '1.35.4' });
      (Object.values(s.kube)[0] as { k8sVersion: string }).k8sVersion = 'v1.35.4';
    });
  }, 120_000);

  it('plan shows each node behind, with the installer image of its schematic', async () => {
    const plan = await w.run(['upgrade', 'vtalos', '--dry-run']);
    expect(plan.code).toBe(0);
    expect(plan.out).toContain(`${V('192.168.42.201').replace('<tmp>/', '<tmp:').replace('/talosconfig', '/talosconfig>')} upgrade --image ${image} --wait`);
    expect(plan.out).toContain('upgrade-k8s --to 1.36.2 --dry-run');
    expect(w.log()).toEqual([]);
  });

  it('upgrades every node in order, verifies each, waits for health between nodes, then Kubernetes (dry run first)', async () => {
    // A node whose applied config waited for a reboot (lib/runner/talos/reboot.ts): the upgrade reboots it.
    const journal = path.join(w.dir, '.orrery/state/vtalos.json');
    const before = JSON.parse(readFileSync(journal, 'utf8'));
    writeFileSync(journal, JSON.stringify({ ...before, reboots: { 'talos-wo-1': { reasons: ['machine.env (x)'], at: '2026-12-01T00:00:00.000Z' } } }));
    const r = await w.run(['upgrade', 'vtalos', '--yes']);
    expect(JSON.parse(readFileSync(journal, 'utf8')).reboots).toEqual({});
    expect(r.code, r.err).toBe(0);
    expect(mutating(w.log())).toEqual([
      `${V('192.168.42.201')} upgrade --image ${image} --wait`,
      `${V('192.168.42.202')} upgrade --image ${image} --wait`,
      `${V('192.168.42.203')} upgrade --image ${image} --wait`,
      `${V('192.168.42.204')} upgrade --image ${image} --wait`,
      `${V('192.168.42.201')} upgrade-k8s --to 1.36.2`,
    ]);
    const lines = commandLines(w.log(), (e) => e.tool === 'talosctl' && (e.args.includes('upgrade') || e.args.includes('health') || e.args.includes('upgrade-k8s')));
    // Between two node upgrades: talosctl health over every node (etcd included).
    for (let i = 0; i < 3; i++) {
      const at = lines.indexOf(`${V(`192.168.42.20${i + 1}`)} upgrade --image ${image} --wait`);
      expect(lines.slice(at + 1, lines.indexOf(`${V(`192.168.42.20${i + 2}`)} upgrade --image ${image} --wait`)).some((l) => l.includes(' health '))).toBe(true);
    }
    expect(lines.filter((l) => l.includes('upgrade-k8s'))).toEqual([`${V('192.168.42.201')} upgrade-k8s --to 1.36.2 --dry-run`, `${V('192.168.42.201')} upgrade-k8s --to 1.36.2`]);
    expect(w.state().talos.upgradeOrder).toEqual(['talos-cp-1', 'talos-cp-2', 'talos-cp-3', 'talos-wo-1']);
  });

  it('a rerun upgrades nothing', async () => {
    w.clearLog();
    const r = await w.run(['upgrade', 'vtalos', '--yes']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('nothing to do');
    expect(mutating(w.log())).toEqual([]);
  });

  it('a node that comes back on its old image (A/B rollback) stops the upgrade before the next node', async () => {
    w.update((s) => {
      for (const n of Object.values(s.talos.nodes) as Record<string, unknown>[]) Object.assign(n, { version: 'v1.13.8', schematic: OLD_SCHEMATIC });
      s.talos.nodes['talos-cp-2'].rollback = true;
      s.talos.upgradeOrder = [];
    });
    w.clearLog();
    const r = await w.run(['upgrade', 'vtalos', '--yes', '--wait-timeout', '1s', '--poll-interval', '100ms']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('talos-cp-2 came back with Talos v1.13.8 (schematic ffffffffffff…) instead of v1.13.9: probably rolled back to its previous image');
    expect(w.state().talos.upgradeOrder).toEqual(['talos-cp-1']);
    expect(mutating(w.log())).toHaveLength(2);
  });

  it('upgrade takes one talosctl cluster', async () => {
    expect((await w.run(['upgrade'])).err).toContain('give exactly one cluster: orrery upgrade CLUSTER');
    expect((await w.run(['upgrade', 'nope', '--yes'])).err).toContain('no cluster "nope" in the spec; clusters: vtalos');
  });
});

describe('with Rook: Ceph HEALTH_OK between nodes (deepthought-homelab)', () => {
  it('waits for HEALTH_OK after each node', async () => {
    const w = await running('deepthought-homelab');
    w.update((s) => {
      for (const n of Object.values(s.talos.nodes) as Record<string, unknown>[]) Object.assign(n, { version: 'v1.13.8', schematic: OLD_SCHEMATIC });
      const kube = Object.values(s.kube)[0] as { crds: string[]; objects: Record<string, unknown> };
      kube.crds.push('CephCluster');
      kube.objects['CephCluster/rook-ceph/rook-ceph'] = { kind: 'CephCluster', metadata: { name: 'rook-ceph', namespace: 'rook-ceph' } };
    });
    const r = await w.run(['upgrade', 'deepthought', '--yes']);
    expect(r.code, r.err).toBe(0);
    // One HEALTH_OK wait after each of the three node upgrades (the fake records how many upgrades had run).
    expect(w.state().cephWaits).toEqual([1, 2, 3]);
  }, 180_000);
});

describe('orrery reset NODE', () => {
  let w: Workspace;
  beforeAll(async () => {
    w = await running();
    mkdirSync(path.join(w.dir, '.orrery/state'), { recursive: true });
  }, 120_000);

  it('on a terminal: asks to run, then for the node’s name; a wrong name changes nothing', async () => {
    const answers = ['y', 'talos-wo-2'];
    const asked: string[] = [];
    let err = '';
    const code = await runRunner({
      command: 'reset', clusters: [], node: 'talos-wo-1', specDir: 'clusters', outDir: 'dist', dryRun: false, yes: false, confirm: [], format: 'text',
      waitTimeoutMs: 5000, pollIntervalMs: 0, cwd: w.dir,
      env: { PATH: `${w.bin}${path.delimiter}${process.env.PATH}`, HOME: w.home, TMPDIR: w.tmpBase, SOPS_AGE_KEY: TEST_AGE_KEY, ...w.networkEnv },
      terminal: { out: () => undefined, err: (t) => (err += t), tty: true, interactive: true, prompt: async (q) => (asked.push(q), answers.shift() ?? '') },
    });
    expect(asked).toEqual(['Run 1 pending step(s)? [y/N] ', 'reset talos-wo-1 destroys data. Type talos-wo-1 to confirm: ']);
    expect(code).toBe(1);
    expect(err).toContain('not confirmed: reset talos-wo-1 destroys data');
    expect(mutating(w.log())).toEqual([]);
    expect(w.state().talos.nodes['talos-wo-1'].mode).toBe('configured');
  });

  it('is never run unconfirmed, --yes or not', async () => {
    const r = await w.run(['reset', 'talos-wo-1', '--yes']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('not confirmed: reset talos-wo-1 destroys data; type the name(s) when asked, or pass --confirm talos-wo-1');
    expect(mutating(w.log())).toEqual([]);
  });

  it('with the node’s name: graceful reset into maintenance mode (META kept), its Node deleted; a rerun does nothing', async () => {
    const r = await w.run(['reset', 'talos-wo-1', '--yes', '--confirm', 'talos-wo-1']);
    expect(r.code, r.err).toBe(0);
    expect(mutating(w.log())).toEqual([
      `${V('192.168.42.204')} reset --graceful --reboot --system-labels-to-wipe STATE --system-labels-to-wipe EPHEMERAL --wait`,
      'kubectl --kubeconfig <tmp>/vtalos/kubeconfig delete node talos-wo-1 --ignore-not-found',
    ]);
    expect(w.state().talos.nodes['talos-wo-1'].mode).toBe('maintenance');
    w.clearLog();
    const again = await w.run(['reset', 'talos-wo-1', '--yes', '--confirm', 'talos-wo-1']);
    expect(again.err).toContain('nothing to do');
    expect(mutating(w.log())).toEqual([]);
    // orrery up takes it back in.
    w.clearLog();
    expect((await w.run(['up', '--yes', '--git-private-key', 'home/deploy-key'])).code).toBe(0);
    expect(mutating(w.log())).toEqual(['talosctl apply-config --insecure --nodes 192.168.42.204 --file <tmp>/vtalos/config/talos-wo-1.yaml']);
  });

  it('an unknown node is named with the ones there are', async () => {
    const r = await w.run(['reset', 'talos-wo-9', '--yes']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('no node "talos-wo-9" in the spec; nodes: talos-cp-1, talos-cp-2, talos-cp-3, talos-wo-1');
  });
});
