import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChanges } from '../../lib/diff/diff.ts';
import { cleanupDirs, committedDist, compileEdited, diffFiles, editYaml, expectGolden, impacts, type Files } from './helpers.ts';

afterAll(cleanupDirs);

type Doc = Record<string, unknown>;
const cluster = (docs: Map<string, Doc>): Doc => docs.get('vtalos.yaml')!;

/**
 * GIVEN seed 003 (vtalos: 3 control planes + 1 worker on Talos v1.13.9) as committed,
 * WHEN the spec or the output changes, THEN the diff says which nodes need apply-config and
 * whether it applies live, reboots, or needs an upgrade — by the Talos the nodes run.
 */
describe('orrery diff: Talos nodes', () => {
  let before: Files;
  beforeAll(async () => {
    before = await committedDist('vtalos-lab');
  });

  it('a sysctl for the whole cluster: every node takes it live on Talos 1.13 (machine.sysctls is applied immediately)', async () => {
    const after = await compileEdited('vtalos-lab', (docs) => {
      cluster(docs).talos = { sysctls: { 'net.core.somaxconn': '65535' } };
    });
    const r = await diffFiles(before, after);
    const talos = impacts(r, 'talos');
    expect(talos).toHaveLength(1);
    expect(talos[0]!.severity).toBe('info');
    expect(talos[0]!.text).toMatch(/^talos-cp-1, talos-cp-2, talos-cp-3, talos-wo-1 \(3 control planes, 1 worker\): apply-config applies live on Talos 1\.13 \(no reboot\)/);
    expect(r.dangerous).toBe(false);
    await expectGolden('talos-live', r);
  });

  it('the operator\'s patches: a new control-plane patch reaches the control planes, a change to it only them; a node\'s own only that node', async () => {
    const withPatch = (env: string): ((docs: Map<string, Doc>) => void) => (docs) => {
      cluster(docs).talos = { patches: [{ name: 'proxy', role: 'controlplane', documents: [{ machine: { env: { HTTPS_PROXY: env } } }] }] };
      (cluster(docs).nodes as Doc[]).find((n) => n.name === 'talos-wo-1')!.patches = [{ name: 'dns', documents: [{ apiVersion: 'v1alpha1', kind: 'StaticHostConfig', name: '192.168.42.9', hostnames: [env.includes('3128') ? 'a.lab' : 'b.lab'] }] }];
    };
    const first = await compileEdited('vtalos-lab', withPatch('http://proxy.lab:3128'));
    const added = impacts(await diffFiles(before, first), 'talos').map((i) => i.text);
    expect(added).toEqual([
      'talos-cp-1, talos-cp-2, talos-cp-3 (3 control planes): apply-config REBOOTS the node (Talos 1.13, auto mode): machine.env.HTTPS_PROXY is not among the fields Talos 1.13 applies live',
      'talos-wo-1 (1 worker): apply-config applies live on Talos 1.13 (no reboot): StaticHostConfig',
    ]);
    const second = await compileEdited('vtalos-lab', withPatch('http://proxy.lab:8080'));
    const changed = impacts(await diffFiles(first, second), 'talos').map((i) => i.text);
    expect(changed).toEqual([
      'talos-cp-1, talos-cp-2, talos-cp-3 (3 control planes): apply-config REBOOTS the node (Talos 1.13, auto mode): machine.env.HTTPS_PROXY is not among the fields Talos 1.13 applies live',
      'talos-wo-1 (1 worker): apply-config applies live on Talos 1.13 (no reboot): StaticHostConfig',
    ]);
  });

  it('a node label on one worker: only that node, live', async () => {
    const after = await compileEdited('vtalos-lab', (docs) => {
      const nodes = cluster(docs).nodes as Doc[];
      nodes.find((n) => n.name === 'talos-wo-1')!.labels = { 'topology.kubernetes.io/zone': 'a' };
    });
    const talos = impacts(await diffFiles(before, after), 'talos');
    expect(talos.map((i) => i.text)).toEqual(['talos-wo-1 (1 worker): apply-config applies live on Talos 1.13 (no reboot): machine.nodeLabels["topology.kubernetes.io/zone"]']);
  });

  it('a v1alpha1 field outside the live list (machine.env) reboots the node on Talos 1.13; a typed document next to it does not', async () => {
    const after = editYaml(before, 'vtalos/talos/nodes/talos-wo-1.yaml', ([v1alpha1, ...typed]) => [
      { ...v1alpha1, machine: { ...(v1alpha1!.machine as Doc), env: { HTTPS_PROXY: 'http://proxy.lab:3128' } } },
      ...typed.map((d) => (d.kind === 'ResolverConfig' ? { ...d, nameservers: [{ address: '192.168.42.3' }] } : d)),
    ]);
    const r = await diffFiles(before, after);
    const talos = impacts(r, 'talos');
    expect(talos).toHaveLength(1);
    expect(talos[0]!.severity).toBe('warning');
    expect(talos[0]!.text).toBe('talos-wo-1 (1 worker): apply-config REBOOTS the node (Talos 1.13, auto mode): machine.env.HTTPS_PROXY is not among the fields Talos 1.13 applies live');
    await expectGolden('talos-reboot', r);
  });

  it('etcd settings apply live on 1.13 but are read when etcd starts: reboot afterwards', async () => {
    const after = editYaml(before, 'vtalos/talos/controlplane.yaml', ([v1alpha1]) => [{ ...v1alpha1, cluster: { ...(v1alpha1!.cluster as Doc), etcd: { extraArgs: { 'election-timeout': '5000' } } } }]);
    const texts = impacts(await diffFiles(before, after), 'talos').map((i) => i.text);
    expect(texts).toEqual([
      'talos-cp-1, talos-cp-2, talos-cp-3 (3 control planes): apply-config applies live on Talos 1.13 (no reboot): cluster.etcd.extraArgs; then reboot (talosctl reboot, one node at a time) for cluster.etcd.extraArgs (etcd reads its settings when it starts) to take effect',
    ]);
  });

  it('a Talos patch release: every node needs talosctl upgrade (reboots), the install image alone changes nothing', async () => {
    const older = await compileEdited('vtalos-lab', (docs) => {
      (docs.get('constellation.yaml')!.versions as Doc).talos = 'v1.13.8';
    });
    const r = await diffFiles(older, before);
    const talos = impacts(r, 'talos');
    expect(talos.map((i) => [i.severity, i.text])).toEqual([
      ['warning', 'talos-cp-1, talos-cp-2, talos-cp-3, talos-wo-1 (3 control planes, 1 worker): talosctl upgrade to v1.13.9 (from v1.13.8): installs the image and reboots the node, one at a time (machine.install alone changes nothing on a running node)'],
    ]);
    await expectGolden('talos-upgrade', r);
  });

  it('a Kubernetes patch release: talosctl upgrade-k8s, no node reboot', async () => {
    const older = await compileEdited('vtalos-lab', (docs) => {
      (docs.get('constellation.yaml')!.versions as Doc).kubernetes = '1.36.1';
    });
    const k8s = impacts(await diffFiles(older, before), 'kubernetes');
    expect(k8s).toHaveLength(1);
    expect(k8s[0]!.text).toMatch(/^Kubernetes 1\.36\.1 → 1\.36\.2: run talosctl upgrade-k8s --to 1\.36\.2/);
    expect(impacts(await diffFiles(older, before), 'talos')).toEqual([]);
  });

  it('a node added and a node removed', async () => {
    const after = await compileEdited('vtalos-lab', (docs) => {
      const nodes = cluster(docs).nodes as Doc[];
      nodes.push({ name: 'talos-wo-2', role: 'worker', interface: 'enp0s3', addresses: ['192.168.42.205/24'] });
    });
    const grown = impacts(await diffFiles(before, after), 'talos').map((i) => i.text);
    expect(grown).toEqual(['new node talos-wo-2 (1 worker): first boot with talosctl apply-config --insecure (see talos/README.md)']);
    const shrunk = impacts(await diffFiles(after, before), 'talos');
    expect(shrunk.map((i) => [i.severity, i.text])).toEqual([['warning', 'node talos-wo-2 (1 worker) removed from the spec: orrery does not remove machines — drain, talosctl reset, kubectl delete node']]);
  });

  it('Talos 1.14 applies everything live; a changed kernel module parameter needs a reboot to take effect', async () => {
    const on114 = (params: string[]) => (docs: Map<string, Doc>): void => {
      (docs.get('constellation.yaml')!.versions as Doc).talos = 'v1.14.0-rc.1';
      cluster(docs).talos = { kernelModules: [{ name: 'nvme_tcp', parameters: params }] };
    };
    const a = await compileEdited('vtalos-lab', on114(['a=1']));
    const b = await compileEdited('vtalos-lab', on114(['a=2']));
    const r = await diffFiles(a, b);
    const texts = impacts(r, 'talos').map((i) => i.text);
    expect(texts).toEqual([
      'talos-cp-1, talos-cp-2, talos-cp-3, talos-wo-1 (3 control planes, 1 worker): apply-config applies live on Talos 1.14 (no reboot): KernelModuleConfig; then reboot (talosctl reboot, one node at a time) for KernelModuleConfig (Talos never unloads kernel modules and sets parameters at first load) to take effect',
    ]);
    await expectGolden('talos-1.14-restart', r);
    // The same edit as on 1.13 (machine.env) does not reboot on 1.14: the operator restarts.
    const env = editYaml(a, 'vtalos/talos/cluster.yaml', (docs) => [...docs, { apiVersion: 'v1alpha1', kind: 'EnvironmentConfig', variables: { HTTPS_PROXY: 'http://proxy:3128' } }]);
    const envImpacts = impacts(await diffFiles(a, env), 'talos');
    expect(envImpacts.map((i) => i.severity)).toEqual(['warning']);
    expect(envImpacts[0]!.text).toMatch(/applies live on Talos 1\.14 \(no reboot\): EnvironmentConfig; then reboot .*running services keep the environment they started with/);
  });

  it('documents reordered inside a node file and keys reordered inside a document are no change', async () => {
    const after = editYaml(before, 'vtalos/talos/nodes/talos-cp-1.yaml', (docs) => [...docs].reverse().map((d) => Object.fromEntries(Object.entries(d).reverse())));
    expect(after.get('vtalos/talos/nodes/talos-cp-1.yaml')).not.toBe(before.get('vtalos/talos/nodes/talos-cp-1.yaml'));
    const r = await diffFiles(before, after);
    expect(hasChanges(r)).toBe(false);
    expect(r.groups.flatMap((g) => g.changes)).toEqual([]);
    await expectGolden('reorder-no-change', r);
  });
});
