import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFiles } from '../../../lib/pipeline.ts';
import { parseSpecText } from '../../../lib/read/read-spec.ts';
import { diskMatch, linkMatch, talosIntent } from '../../../lib/components/talos/intent.ts';
import { FIXTURES } from '../../helpers.ts';

function modelWith(edit: (lab: string) => string) {
  const read = (f: string, text: string) => parseSpecText(text, `clusters/${f}`, `clusters/${f}`).files[0]!;
  const base = (f: string) => readFileSync(path.join(FIXTURES, 'base', 'clusters', f), 'utf8');
  const result = compileFiles([read('constellation.yaml', base('constellation.yaml')), read('lab.yaml', edit(base('lab.yaml')))], 'clusters', { build: false });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.model!.clusters[0]!;
}

describe('talosIntent', () => {
  it('GIVEN BGP peers off-link THEN every node gets a /32 route to each peer, via the given gateway or its own', () => {
    const lab = modelWith((s) => s.replace('namespaces:', `loadBalancing:
  provider: metallb
  pools: [{name: public, addresses: [192.168.50.0/28]}]
  bgp:
    localASN: 64512
    peers:
      - {name: tor-1, address: 169.254.255.1, asn: 65530, routeVia: node-gateway}
      - {name: tor-2, address: 169.254.255.2, asn: 65530, routeVia: 10.0.0.254}
namespaces:`));
    const routes = talosIntent(lab).nodes.map((n) => n.link!.routes);
    for (const r of routes) {
      expect(r).toEqual([
        { gateway: '10.0.0.1' },
        { destination: '169.254.255.1/32', gateway: '10.0.0.1' },
        { destination: '169.254.255.2/32', gateway: '10.0.0.254' },
      ]);
    }
  });

  it('GIVEN a node chosen by selector THEN its link is the alias, bound by a CEL match', () => {
    const lab = modelWith((s) => s.replace('    interface: eth0\n    addresses: [10.0.0.21/24]', '    interfaceSelector: {hardwareAddr: "AA:BB:CC:*", driver: ixgbe}\n    addresses: [10.0.0.21/24]'));
    const worker = talosIntent(lab).nodes[1]!;
    expect(worker.link).toMatchObject({ name: 'uplink', aliasMatch: 'glob("aa:bb:cc:*", mac(link.permanent_addr)) && link.driver == "ixgbe"' });
  });

  it('only control planes carry the VIP; metrics-server turns on kubelet serving certificates', () => {
    const lab = modelWith((s) => s.replace('namespaces:', 'components:\n  metricsServer: {enabled: true}\nnamespaces:'));
    const intent = talosIntent(lab);
    expect(intent.nodes.map((n) => [n.name, n.vip])).toEqual([['cp-1', '10.0.0.10'], ['worker-1', undefined]]);
    expect(intent.cluster.kubeletServingCertRotation).toBe(true);
    expect(intent.controlPlane.certSANs).toEqual(['10.0.0.10']);
  });

  it('CEL for disks and links', () => {
    expect(diskMatch({ path: '/dev/sdb' }, { excludeSystemDisk: true })).toBe('disk.dev_path == "/dev/sdb"');
    expect(diskMatch({ selector: { type: 'hdd', size: '>= 4TB' } }, { excludeSystemDisk: true })).toBe('!system_disk && disk.rotational && disk.size >= 4000000000000u');
    expect(diskMatch({ selector: { model: 'Samsung SSD 870' } }, { excludeSystemDisk: false })).toBe('disk.model == "Samsung SSD 870"');
    expect(linkMatch({ busPath: '0000:00:1f.6' })).toBe('link.bus_path == "0000:00:1f.6"');
  });
});

describe('disk sizes in CEL', () => {
  it('become integer byte counts (CEL has no decimal unsigned literals)', async () => {
    const { sizeLiteral } = await import('../../../lib/components/talos/intent.ts');
    expect(sizeLiteral('1.5', 'TB')).toBe('1500000000000u');
    expect(sizeLiteral('100', 'GiB')).toBe('107374182400u');
    expect(diskMatch({ selector: { size: '<= 1.5TB' } }, { excludeSystemDisk: false })).toBe('disk.size <= 1500000000000u');
  });
});
