import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFiles } from '../../../lib/pipeline.ts';
import { parseSpecText } from '../../../lib/read/read-spec.ts';
import type { Diagnostic } from '../../../lib/diagnostics/diagnostic.ts';
import { FIXTURES } from '../../helpers.ts';

/** The fixtures' constellation (the test age recipient). */
const CONSTELLATION = readFileSync(path.join(FIXTURES, 'base', 'clusters', 'constellation.yaml'), 'utf8');
const cluster = (patches: string, contract = '1.13'): string => `apiVersion: orrery.dev/v1alpha1
kind: Cluster
name: lab
role: standalone
provisioning: {method: talosctl}
endpoint: {mode: vip, vip: 10.0.0.10}
network: {nodeCidr: 10.0.0.0/24, podCidr: 10.244.0.0/16, serviceCidr: 10.96.0.0/12, gateway: 10.0.0.1, nameservers: [10.0.0.2]}
talos:
  contract: "${contract}"${contract === '1.14' ? '\n  version: v1.14.0-rc.1' : ''}
  patches:
${patches}
nodes:
  - {name: cp-1, role: controlplane, interface: eth0, addresses: [10.0.0.11/24]}
  - {name: worker-1, role: worker, interface: eth0, addresses: [10.0.0.21/24]}
cni: {name: cilium}
`;

function findings(patches: string, contract?: string): Diagnostic[] {
  const files = { 'constellation.yaml': CONSTELLATION, 'lab.yaml': cluster(patches, contract) };
  const parsed = Object.entries(files).map(([name, text]) => parseSpecText(text, `clusters/${name}`, `clusters/${name}`).files[0]!);
  const result = compileFiles(parsed, 'clusters', { build: false });
  // Nothing else may be wrong with the spec: the findings below are the patches' own.
  expect(result.diagnostics.filter((d) => d.severity === 'error' && !d.rule?.startsWith('talos-patch/'))).toEqual([]);
  return result.diagnostics.filter((d) => d.rule?.startsWith('talos-patch/'));
}
const shown = (ds: readonly Diagnostic[]): string[] => ds.map((d) => `${d.severity} ${d.pointer}: ${d.message}`);

/**
 * A patch that replaces what orrery derives is a warning naming both places: the patch's pointer
 * (the diagnostic's) and the spec key orrery derived the value from (in the message). Talos merges a
 * patch document into the config's document of the same kind and name, scalars replacing scalars
 * (siderolabs/talos@v1.13.9 pkg/machinery/config/configpatcher strategic merge, config/merge/merge.go),
 * so each of these really changes the machine.
 */
describe('a patch that overrides what orrery derives', () => {
  it('cluster.network.cni: a warning at the patch naming /cni/name', () => {
    const ds = findings('    - name: cni\n      documents: [{cluster: {network: {cni: {name: flannel}}}}]');
    expect(shown(ds)).toEqual([
      expect.stringMatching(/^warning \/talos\/patches\/0\/documents\/0\/cluster\/network\/cni\/name: patch "cni" overrides cluster\.network\.cni\.name, which orrery derives from \/cni\/name .*: "none" becomes "flannel" on cp-1, worker-1$/),
    ]);
  });

  it('the HostnameConfig: a warning naming the node it derives from', () => {
    const ds = findings('    - name: host\n      role: worker\n      documents: [{apiVersion: v1alpha1, kind: HostnameConfig, hostname: box}]');
    expect(shown(ds)).toEqual([
      expect.stringMatching(/^warning \/talos\/patches\/0\/documents\/0\/hostname: patch "host" overrides HostnameConfig hostname, which orrery derives from \/nodes\/1\/name .*: "worker-1" becomes "box" on worker-1$/),
    ]);
  });

  it('the VIP\'s Layer2VIPConfig: moving it to another link names the control plane\'s interface', () => {
    const ds = findings('    - name: vip\n      role: controlplane\n      documents: [{apiVersion: v1alpha1, kind: Layer2VIPConfig, name: 10.0.0.10, link: eth1}]');
    expect(shown(ds)).toEqual([
      expect.stringMatching(/^warning \/talos\/patches\/0\/documents\/0\/link: patch "vip" overrides Layer2VIPConfig "10\.0\.0\.10" link, which orrery derives from \/nodes\/0\/interface .*: "eth0" becomes "eth1" on cp-1$/),
    ]);
  });

  it('1.14: the pod subnets in KubeNetworkConfig (a list Talos replaces, not appends)', () => {
    const ds = findings('    - name: pods\n      documents: [{apiVersion: v1alpha1, kind: KubeNetworkConfig, podSubnets: [10.250.0.0/16]}]', '1.14');
    expect(shown(ds)).toEqual([
      expect.stringMatching(/^warning \/talos\/patches\/0\/documents\/0\/podSubnets: patch "pods" overrides KubeNetworkConfig podSubnets, which orrery derives from \/network\/podCidr: \["10\.244\.0\.0\/16"\] becomes \["10\.250\.0\.0\/16"\] on cp-1, worker-1$/),
    ]);
  });

  it('negative control: a patch adding what orrery does not set, or setting the same value, is silent', () => {
    expect(findings([
      '    - name: adds',
      '      documents:',
      '        - {machine: {sysctls: {vm.swappiness: "10"}}, cluster: {network: {cni: {name: none}}}}',
      '        - {apiVersion: v1alpha1, kind: KmsgLogConfig, name: remote, url: "udp://10.0.0.5:514/"}',
      '        - {apiVersion: v1alpha1, kind: Layer2VIPConfig, name: 10.0.0.10, link: eth0}',
    ].join('\n'))).toEqual([]);
  });
});
