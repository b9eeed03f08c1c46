import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLines, filesUnder, mutating, workspace, type Workspace } from './harness.ts';

const spaces: Workspace[] = [];
afterAll(async () => Promise.all(spaces.map((w) => w.dispose())));

const NODES = ['talos-cp1-zaphod', 'talos-work1-trillian', 'talos-work2-marvin'];
const ADDRESS: Record<string, string> = { 'talos-cp1-zaphod': '192.168.1.32', 'talos-work1-trillian': '192.168.1.24', 'talos-work2-marvin': '192.168.1.48' };
const wipeOf = (node: string): string => `talosctl --talosconfig <tmp>/deepthought/talosconfig --nodes ${ADDRESS[node]} --endpoints ${ADDRESS[node]} wipe disk sdb --method FAST`;

async function deepthought(): Promise<Workspace> {
  const w = await workspace('deepthought-homelab');
  spaces.push(w);
  writeFileSync(path.join(w.home, 'deploy-key'), 'fake deploy key\n', { mode: 0o600 });
  return w;
}

describe('deepthought-homelab (seed 002: talosctl, flannel, Rook disks marked wipe, Argo CD)', () => {
  let w: Workspace;
  let unconfirmed: { code: number; err: string };
  let wipedBefore: unknown;
  let up: { code: number; out: string; err: string };
  beforeAll(async () => {
    w = await deepthought();
    unconfirmed = await w.run(['up', '--yes', '--git-private-key', 'home/deploy-key']);
    wipedBefore = w.state().talos.nodes['talos-cp1-zaphod'].wiped;
    w.clearLog();
    up = await w.run(['up', '--yes', '--git-private-key', 'home/deploy-key', ...NODES.flatMap((n) => ['--confirm', n])]);
  });

  it('a disk wipe is never run unconfirmed: --yes is not enough, the node name is', () => {
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.err).toContain('not confirmed: wipe the data disks of talos-cp1-zaphod destroys data; type the name(s) when asked, or pass --confirm talos-cp1-zaphod');
    expect(wipedBefore).toBeUndefined();
  });

  it('with the names confirmed: wipes each node’s HDD once (never the system disk), then Argo CD takes over', () => {
    expect(up.code, up.err).toBe(0);
    const k = 'kubectl --kubeconfig <tmp>/deepthought/kubeconfig';
    expect(mutating(w.log())).toEqual([
      ...NODES.map(wipeOf),
      `${k} apply --server-side -f -`,
      `${k} apply --server-side --force-conflicts -n argocd -f https://raw.githubusercontent.com/argoproj/argo-cd/v3.5.1/manifests/install.yaml`,
      `${k} -n argocd patch configmap argocd-cm --type merge --patch-file dist/argocd/argocd-cm-patch.yaml`,
      `${k} apply --server-side --force-conflicts -f -`,
      `${k} -n argocd patch deployment argocd-repo-server --type strategic --patch-file dist/argocd/argocd-repo-server-patch.yaml`,
      `${k} apply --server-side --force-conflicts -f -`,
      `${k} apply --server-side --force-conflicts -k dist/deepthought/argocd`,
    ]);
    const s = w.state();
    for (const n of NODES) expect(s.talos.nodes[n].wiped).toEqual(['sdb']);
    const journal = JSON.parse(readFileSync(path.join(w.dir, '.orrery/state/deepthought.json'), 'utf8'));
    expect(Object.keys(journal.wiped)).toEqual(NODES);
    // Flannel is Talos's own CNI: no helm release; the nodes are Ready without one.
    expect(commandLines(w.log(), (e) => e.tool === 'helm' && e.args.includes('upgrade'))).toEqual([]);
    const kube = Object.values(s.kube)[0] as { objects: Record<string, { kind: string; status?: { health?: { status?: string } } }> };
    const apps = Object.values(kube.objects).filter((o) => o.kind === 'Application');
    const compiled = [...filesUnder(path.join(w.dir, 'dist/deepthought/argocd')).keys()].filter((f) => /\/application-[^/]+\.yaml$/.test(f));
    expect(apps.length).toBe(compiled.length);
    expect(apps.length).toBeGreaterThan(5);
    expect(apps.every((a) => a.status?.health?.status === 'Healthy')).toBe(true);
    // The decryption key and the deploy key went in on stdin, as Secrets (the fakes keep hashes only).
    expect(w.log().filter((e) => e.stdin).length).toBeGreaterThanOrEqual(3);
    expect(w.logText()).not.toContain('fake deploy key');
  });

  it('a rerun wipes nothing again (the journal), and changes nothing', async () => {
    w.clearLog();
    const again = await w.run(['up', '--yes', '--git-private-key', 'home/deploy-key']);
    expect(again.code, again.err).toBe(0);
    expect(mutating(w.log())).toEqual([]);
  });

  it('an argocd-repo-server whose KSOPS is another version gets the patch synth wrote again', async () => {
    w.update((s) => {
      const kube = Object.values(s.kube)[0] as { objects: Record<string, { spec: { template: { spec: { initContainers: { name: string; image: string }[] } } } }> };
      kube.objects['Deployment/argocd/argocd-repo-server']!.spec.template.spec.initContainers[0]!.image = 'viaductoss/ksops:v4.4.0';
    });
    const plan = await w.run(['plan']);
    expect(plan.code).toBe(2);
    expect(plan.out).toContain('pending  install KSOPS into argocd-repo-server — argocd-repo-server lacks dist/argocd/argocd-repo-server-patch.yaml');
    w.clearLog();
    expect((await w.run(['up', '--yes', '--git-private-key', 'home/deploy-key'])).code).toBe(0);
    expect(mutating(w.log())).toEqual(['kubectl --kubeconfig <tmp>/deepthought/kubeconfig -n argocd patch deployment argocd-repo-server --type strategic --patch-file dist/argocd/argocd-repo-server-patch.yaml']);
  });

  it('without the journal, a node whose disks Rook already uses is never wiped; a re-used disk elsewhere is', async () => {
    rmSync(path.join(w.dir, '.orrery'), { recursive: true });
    w.update((s) => {
      for (const n of NODES) s.talos.nodes[n].volumes = [{ id: 'sdb', spec: { type: 'disk', name: 'ceph_bluestore' } }];
      const kube = Object.values(s.kube)[0] as { crds: string[]; objects: Record<string, unknown> };
      kube.crds.push('CephCluster');
      kube.objects['CephCluster/rook-ceph/rook-ceph'] = { kind: 'CephCluster', metadata: { name: 'rook-ceph', namespace: 'rook-ceph' }, healthyAfter: 1 };
      for (const n of NODES.slice(0, 2)) kube.objects[`Pod/rook-ceph/osd-${n}`] = { kind: 'Pod', metadata: { name: `osd-${n}`, namespace: 'rook-ceph', labels: { app: 'rook-ceph-osd' } }, spec: { nodeName: n } };
    });
    const plan = await w.run(['plan']);
    expect(plan.code, plan.out).toBe(2);
    expect(plan.out).toContain('done     wipe the data disks of talos-cp1-zaphod');
    expect(plan.out).toContain('done     wipe the data disks of talos-work1-trillian');
    expect(plan.out).toContain('pending  wipe the data disks of talos-work2-marvin — sdb on talos-work2-marvin hold partitions or filesystems');
    w.clearLog();
    const r = await w.run(['up', '--yes', '--confirm', 'talos-work2-marvin']);
    expect(r.code, r.err).toBe(0);
    expect(mutating(w.log())).toEqual([wipeOf('talos-work2-marvin')]);
    // Ceph runs: the wipe waited for HEALTH_OK (it was not OK the first time it asked).
    const waits = commandLines(w.log(), (e) => e.args.includes('wait') && e.args.some((a) => a.includes('HEALTH_OK')));
    expect(waits).toEqual(['kubectl --kubeconfig <tmp>/deepthought/kubeconfig -n rook-ceph wait --for=jsonpath={.status.ceph.health}=HEALTH_OK cephclusters.ceph.rook.io/rook-ceph --timeout=5s']);
  });
});
