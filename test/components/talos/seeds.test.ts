import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compileSpecDir } from '../../../lib/pipeline.ts';
import { REPO } from '../../helpers.ts';

type Doc = Record<string, any>;

async function talosOf(example: string): Promise<(file: string) => Doc[]> {
  const { files, diagnostics } = await compileSpecDir(path.join(REPO, 'examples', example, 'clusters'), { cwd: REPO });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return (file) => {
    const content = files!.get(file);
    if (content === undefined) throw new Error(`${file} was not generated`);
    return (parseAllDocuments(content) as unknown as { toJS(): Doc }[]).map((d) => d.toJS());
  };
}

const kind = (docs: Doc[], k: string): Doc[] => docs.filter((d) => d.kind === k);
const v1 = (docs: Doc[]): Doc => docs.find((d) => d.kind === undefined) ?? {};

describe('seed 003 (vtalos): what the operator patched by hand is in the output', () => {
  it('the VIP 192.168.42.210 sits on the control planes\' enp0s17 only, with gateway .1 and nameserver .2', async () => {
    const talos = await talosOf('vtalos-lab');
    for (const [node, address] of [['talos-cp-1', '192.168.42.201/24'], ['talos-cp-2', '192.168.42.202/24'], ['talos-cp-3', '192.168.42.203/24']]) {
      const docs = talos(`vtalos/talos/nodes/${node}.yaml`);
      expect(kind(docs, 'HostnameConfig')).toEqual([{ apiVersion: 'v1alpha1', kind: 'HostnameConfig', auto: 'off', hostname: node }]);
      expect(kind(docs, 'Layer2VIPConfig')).toEqual([{ apiVersion: 'v1alpha1', kind: 'Layer2VIPConfig', name: '192.168.42.210', link: 'enp0s17' }]);
      expect(kind(docs, 'LinkConfig')).toEqual([{ apiVersion: 'v1alpha1', kind: 'LinkConfig', name: 'enp0s17', up: true, addresses: [{ address }], routes: [{ gateway: '192.168.42.1' }] }]);
      expect(kind(docs, 'ResolverConfig')[0]!.nameservers).toEqual([{ address: '192.168.42.2' }]);
    }
    const worker = talos('vtalos/talos/nodes/talos-wo-1.yaml');
    expect(kind(worker, 'Layer2VIPConfig')).toEqual([]);
    expect(kind(worker, 'LinkConfig')[0]).toMatchObject({ name: 'enp0s3', addresses: [{ address: '192.168.42.204/24' }] });
  });

  it('Cilium replaces kube-proxy: CNI none, proxy disabled, KubePrism kept on port 7445; schedulable control planes', async () => {
    const cluster = v1((await talosOf('vtalos-lab'))('vtalos/talos/cluster.yaml'));
    expect(cluster.cluster.network.cni).toEqual({ name: 'none' });
    expect(cluster.cluster.proxy).toEqual({ disabled: true });
    expect(cluster.machine.features.kubePrism).toEqual({ enabled: true, port: 7445 });
    expect(cluster.cluster.allowSchedulingOnControlPlanes).toBe(true);
    expect(cluster.cluster.controlPlane.endpoint).toBe('https://192.168.42.210:6443');
  });

  it('talosconfig endpoints are the control planes\' own addresses, not the VIP', async () => {
    const [cfg] = (await talosOf('vtalos-lab'))('vtalos/talos/talosconfig');
    expect(cfg!.contexts.vtalos.endpoints).toEqual(['192.168.42.201', '192.168.42.202', '192.168.42.203']);
    expect(cfg!.contexts.vtalos.nodes).toContain('192.168.42.204');
    expect(JSON.stringify(cfg)).not.toContain('192.168.42.210');
  });
});

describe('seed 002 (deepthought): OS on the SSD, HDDs left untouched for Ceph', () => {
  it('installs on the SSD by selector and claims no HDD', async () => {
    const talos = await talosOf('deepthought-homelab');
    for (const node of ['talos-cp1-zaphod', 'talos-work1-trillian', 'talos-work2-marvin']) {
      const docs = talos(`deepthought/talos/nodes/${node}.yaml`);
      expect(v1(docs).machine.install.diskSelector).toEqual({ type: 'ssd' });
      expect(kind(docs, 'UserVolumeConfig')).toEqual([]);
      expect(kind(docs, 'DHCPv4Config')).toHaveLength(1);
      expect(kind(docs, 'LinkAliasConfig')[0]!.selector.match).toMatch(/^mac\(link\.permanent_addr\) == "02:00:00:00:01:\d\d"$/);
    }
    expect(v1(talos('deepthought/talos/cluster.yaml')).cluster.network.cni).toBeUndefined();
  });
});

describe('seed 004 (aggrik8s): two meshed Proxmox clusters', () => {
  it('links chosen by driver, CNI off for Cilium, kubelet serving certificates for metrics-server', async () => {
    const talos = await talosOf('aggrik8s-mesh');
    for (const cluster of ['talos-east', 'talos-west']) {
      const c = v1(talos(`${cluster}/talos/cluster.yaml`));
      expect(c.cluster.network.cni).toEqual({ name: 'none' });
      expect(c.machine.kubelet.extraArgs).toEqual({ 'rotate-server-certificates': 'true' });
    }
    const node = talos('talos-east/talos/nodes/talos-east-cp-1.yaml');
    expect(kind(node, 'LinkAliasConfig')[0]!.selector.match).toBe('link.driver == "virtio_net"');
    expect(v1(node).machine.install.disk).toBe('/dev/vda');
  });
});

describe('seed 000 (equinix): Cluster API clusters get no talosctl patches', () => {
  it('emits no talos/ directory and says the machines wait for Cluster API', async () => {
    const { files, model } = await compileSpecDir(path.join(REPO, 'examples/equinix-constellation/clusters'), { cwd: REPO });
    expect([...files!.keys()].some((f) => f.includes('/talos/'))).toBe(false);
    expect(model!.clusters[0]!.pending.some((p) => p.startsWith('provisioning.clusterApi'))).toBe(true);
  });
});
