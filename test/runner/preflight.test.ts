import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configLinks, linkSelectorMatches } from '../../lib/runner/talos/preflight.ts';
import { commandLines, mutating, upTalosExamples, workspace, type Workspace, type WorkspaceSnapshot } from './harness.ts';

const spaces: Workspace[] = [];
afterAll(async () => Promise.all(spaces.map((w) => w.dispose())));

async function from(example: string, snapshot: WorkspaceSnapshot, change: (s: Record<string, any>) => void): Promise<Workspace> {
  const w = await workspace(example, { from: snapshot, state: change });
  spaces.push(w);
  return w;
}

const applies = (w: Workspace): string[] => mutating(w.log()).filter((l) => l.includes('apply-config'));

describe('preflight: a changed config goes to a configured node only if the node has every link and disk it names', () => {
  let vtalos: WorkspaceSnapshot;
  let deepthought: WorkspaceSnapshot;
  beforeAll(async () => {
    ({ vtalos, deepthought } = await upTalosExamples(spaces));
  }, 120_000);

  it('a link the config names that the machine does not have blocks the apply, naming the document and the links there are', async () => {
    const w = await from('vtalos-lab', vtalos, (s) => {
      const n = s.talos.nodes['talos-wo-1'];
      n.config = 'drifted';
      n.links[1].id = 'enp7s0';
    });
    const plan = await w.run(['plan']);
    expect(plan.code).toBe(1);
    expect(plan.out).toContain('blocked  apply the machine config to talos-wo-1 — preflight: talos-wo-1 has no link enp0s3 (LinkConfig in dist/vtalos/talos/nodes/talos-wo-1.yaml; its links: enp7s0 02:00:5e:00:00:13 e1000e) — applying the config could cut talos-wo-1 off: fix the spec (or the machine), or pass --skip-preflight');
    // Read-only: the node's links, disks and system disk over the secure API.
    expect(commandLines(w.log(), (e) => e.args.includes('links'))).toEqual(['talosctl --talosconfig <tmp>/vtalos/talosconfig --nodes 192.168.42.204 --endpoints 192.168.42.204 get links -o json']);
    const up = await w.run(['up', '--yes', '--git-private-key', 'home/deploy-key']);
    expect(up.code).toBe(1);
    expect(applies(w)).toEqual([]);
    w.clearLog();
    const forced = await w.run(['up', '--yes', '--git-private-key', 'home/deploy-key', '--skip-preflight']);
    expect(forced.code, forced.err).toBe(0);
    expect(applies(w)).toEqual(['talosctl --talosconfig <tmp>/vtalos/talosconfig --nodes 192.168.42.204 --endpoints 192.168.42.204 apply-config --file <tmp>/vtalos/config/talos-wo-1.yaml']);
    // An alias (altName) of the link counts, as Talos resolves link names.
    const alias = await from('vtalos-lab', vtalos, (s) => {
      const n = s.talos.nodes['talos-wo-1'];
      n.config = 'drifted';
      Object.assign(n.links[1], { id: 'enp7s0' });
      n.links[1].spec.altNames = ['enp0s3'];
    });
    expect((await alias.run(['plan'])).out).toContain("pending  apply the machine config to talos-wo-1 — talos-wo-1's running config differs");
  });

  it('a control plane without the VIP link: the Layer2VIPConfig names it too (and the link is said once)', async () => {
    const w = await from('vtalos-lab', vtalos, (s) => {
      const n = s.talos.nodes['talos-cp-2'];
      n.config = 'drifted';
      n.links[1].id = 'eth9';
    });
    const plan = await w.run(['plan']);
    expect(plan.out).toContain('blocked  apply the machine config to talos-cp-2 — preflight: talos-cp-2 has no link enp0s17 (LinkConfig in dist/vtalos/talos/nodes/talos-cp-2.yaml; its links: eth9');
    expect(plan.out.match(/has no link enp0s17/g)).toHaveLength(1);
  });

  it('selectors: a MAC no link has, a MAC two links have, a data disk that is gone — each named precisely', async () => {
    const w = await from('deepthought-homelab', deepthought, (s) => {
      for (const n of Object.values(s.talos.nodes) as Record<string, any>[]) n.config = 'drifted';
      const zaphod = s.talos.nodes['talos-cp1-zaphod'];
      zaphod.links[1].spec.permanentAddr = '02:00:00:00:01:99';
      const trillian = s.talos.nodes['talos-work1-trillian'];
      trillian.links.push({ id: 'enp2s0', spec: { ...trillian.links[1].spec } });
      const marvin = s.talos.nodes['talos-work2-marvin'];
      marvin.disks = marvin.disks.filter((d: { id: string }) => d.id === 'sda');
    });
    const plan = await w.run(['plan']);
    expect(plan.code).toBe(1);
    expect(plan.out).toContain('blocked  apply the machine config to talos-cp1-zaphod — preflight: no link on talos-cp1-zaphod matches mac(link.permanent_addr) == "02:00:00:00:01:32" (LinkAliasConfig in dist/deepthought/talos/nodes/talos-cp1-zaphod.yaml; its physical links: enp1s0 02:00:00:00:01:99 e1000e)');
    expect(plan.out).toContain('blocked  apply the machine config to talos-work1-trillian — preflight: mac(link.permanent_addr) == "02:00:00:00:01:24" (LinkAliasConfig in dist/deepthought/talos/nodes/talos-work1-trillian.yaml) matches 2 links on talos-work1-trillian (enp1s0 02:00:00:00:01:24 e1000e, enp2s0 02:00:00:00:01:24 e1000e): Talos gives an ambiguous selector no alias — make the selector unique');
    expect(plan.out).toContain('blocked  apply the machine config to talos-work2-marvin — preflight: no disk on talos-work2-marvin matches its ceph data disk serial MARVIN-HDD-1 (the system disk excluded; its disks: sda /dev/sda SSD 256GB)');
    // Negative control: with the machines as the spec says, the same drift is only pending.
    const fine = await from('deepthought-homelab', deepthought, (s) => {
      for (const n of Object.values(s.talos.nodes) as Record<string, any>[]) n.config = 'drifted';
    });
    const ok = await fine.run(['plan']);
    expect(ok.out).not.toContain('preflight');
    expect(ok.out.match(/pending  apply the machine config/g)).toHaveLength(3);
  });

  it('the install disk the spec selects must exist (an SSD for deepthought)', async () => {
    const w = await from('deepthought-homelab', deepthought, (s) => {
      const n = s.talos.nodes['talos-work1-trillian'];
      n.config = 'drifted';
      n.disks[0].spec.rotational = true;
    });
    expect((await w.run(['plan'])).out).toContain('preflight: no disk on talos-work1-trillian matches its install disk type ssd (its disks: sda /dev/sda SSD 256GB, sdb /dev/sdb HDD 4000GB)');
  });
});

describe('what the config names', () => {
  it('bonds, bridges and VLANs create links; their members and parents must exist; aliases are checked by their selector', () => {
    const docs = [
      'apiVersion: v1alpha1\nkind: BondConfig\nname: bond0\nlinks: [enp1s0, enp2s0]\n---\napiVersion: v1alpha1\nkind: VLANConfig\nname: bond0.20\nparent: bond0\n---\napiVersion: v1alpha1\nkind: LinkConfig\nname: bond0.20\n---\napiVersion: v1alpha1\nkind: Layer2VIPConfig\nname: 10.0.0.5\nlink: bond0.20',
      'apiVersion: v1alpha1\nkind: LinkAliasConfig\nname: uplink\nselector:\n  match: link.driver == "igb" && glob("pci-0000:0?:00.0", link.bus_path)\n---\nmachine:\n  network:\n    interfaces:\n      - interface: eth0\n      - interface: bond1\n        bond: {interfaces: [eno1]}',
    ].map((text, i) => ({ file: `f${i}.yaml`, text }));
    const c = configLinks(docs);
    expect([...c.created].sort()).toEqual(['bond0', 'bond0.20', 'bond1']);
    expect(c.refs.map((r) => r.name)).toEqual(['enp1s0', 'enp2s0', 'bond0', 'bond0.20', 'bond0.20', 'eth0', 'eno1']);
    expect(c.aliases).toEqual([{ name: 'uplink', match: 'link.driver == "igb" && glob("pci-0000:0?:00.0", link.bus_path)', where: 'LinkAliasConfig in f1.yaml' }]);
  });

  it('link selectors of the shape orrery writes are evaluated; any other shape is left unchecked, never guessed', () => {
    const nic = { type: 'ether', kind: '', permanentAddr: '02:AB:00:00:00:01', driver: 'igb', busPath: 'pci-0000:03:00.0' };
    expect(linkSelectorMatches('mac(link.permanent_addr) == "02:ab:00:00:00:01"', nic)).toBe(true);
    expect(linkSelectorMatches('glob("02:ab:*", mac(link.permanent_addr))', nic)).toBe(true);
    expect(linkSelectorMatches('link.driver == "igb" && glob("pci-0000:0?:00.0", link.bus_path)', nic)).toBe(true);
    expect(linkSelectorMatches('link.driver == "virtio_net"', nic)).toBe(false);
    expect(linkSelectorMatches('link.driver.startsWith("ig")', nic)).toBeUndefined();
    expect(linkSelectorMatches('link.mtu == "9000"', nic)).toBeUndefined();
  });
});
