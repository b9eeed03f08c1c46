import { describe, expect, it } from 'vitest';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { talosFacts } from '../../lib/diff/impact/talos-facts.ts';
import { talosRuling, type TalosChange } from '../../lib/model/facts/talos-apply.ts';
import { exampleSpecs, REPO } from '../helpers.ts';

const v1 = (path: string, op: TalosChange['op'] = 'change'): TalosChange => ({ kind: 'v1alpha1', path: path.split('.'), op });
const effect = (minor: string, c: TalosChange): string => talosRuling(minor, c).effect;

describe('Talos: what applies live (by the Talos the node runs)', () => {
  it('1.12 and 1.13: the v1alpha1 fields CanApplyImmediate copies are live, any other v1alpha1 field reboots (auto mode)', () => {
    for (const minor of ['1.12', '1.13']) {
      for (const live of ['machine.network.interfaces', 'machine.sysctls.net.core.somaxconn', 'machine.kubelet.extraArgs', 'machine.features.kubePrism.port', 'machine.controlPlane.scheduler', 'machine.certSANs', 'machine.nodeLabels.zone', 'machine.registries.mirrors', 'cluster.apiServer.certSANs', 'debug']) {
        expect(effect(minor, v1(live)), `${minor} ${live}`).toBe('live');
      }
      for (const reboot of ['machine.env.HTTP_PROXY', 'machine.disks', 'machine.features.rbac', 'machine.features.diskQuotaSupport', 'machine.type', 'machine.udev.rules', 'machine.files', 'machine.systemDiskEncryption.state']) {
        expect(effect(minor, v1(reboot)), `${minor} ${reboot}`).toBe('reboot');
      }
      // Typed documents are not compared by CanApplyImmediate (it reads RawV1Alpha1 only).
      expect(effect(minor, { kind: 'LinkConfig', path: ['addresses'], op: 'change' })).toBe('live');
    }
  });

  it('1.14: everything applies to the running node; etcd, environment, kernel module removals and volume keys need a reboot to take effect', () => {
    expect(effect('1.14', v1('machine.disks'))).toBe('live');
    expect(effect('1.14', v1('machine.env.HTTP_PROXY'))).toBe('restart');
    expect(effect('1.14', { kind: 'EnvironmentConfig', path: ['variables', 'X'], op: 'add' })).toBe('restart');
    expect(effect('1.14', { kind: 'KernelModuleConfig', path: ['name'], op: 'add' })).toBe('live');
    expect(effect('1.14', { kind: 'KernelModuleConfig', path: ['parameters', '0'], op: 'change' })).toBe('restart');
    expect(effect('1.14', { kind: 'UserVolumeConfig', path: ['encryption', 'keys', '0'], op: 'change' })).toBe('restart');
    expect(effect('1.15', v1('machine.type'))).toBe('live');
  });

  it('every version: etcd settings wait for a restart, install settings for an install or upgrade', () => {
    for (const minor of ['1.12', '1.13', '1.14']) {
      expect(effect(minor, v1('cluster.etcd.extraArgs.x'))).toBe('restart');
      expect(effect(minor, v1('machine.install.disk'))).toBe('install-only');
      expect(effect(minor, { kind: 'UnattendedInstallConfig', path: ['installer', 'image'], op: 'change' })).toBe('install-only');
    }
  });
});

describe('Talos facts read from the output', () => {
  // Pins the parse of talos/README.md against the template that writes it: a template change breaks this test, not the diff.
  it.each(exampleSpecs())('$name: every node of the model with its role, the Talos and Kubernetes versions, the installer images', async ({ spec }) => {
    const result = await compileSpecDir(spec, { cwd: REPO });
    const files = result.files!;
    for (const c of result.model!.clusters) {
      const facts = talosFacts(files, c.name);
      if (c.provisioning.method !== 'talosctl' || c.nodes.length === 0) {
        expect(facts).toBeUndefined();
        continue;
      }
      expect(facts).toBeDefined();
      expect(Object.fromEntries(facts!.roles)).toEqual(Object.fromEntries(c.nodes.map((n) => [n.name, n.role])));
      expect(facts!.version).toBe(c.talos.version);
      expect(facts!.contract).toBe(c.talos.contract);
      expect(facts!.kubernetes).toBe(c.kubernetes.version);
      expect([...facts!.images.keys()].sort()).toEqual(c.nodes.map((n) => n.name).sort());
      for (const image of facts!.images.values()) expect(image.endsWith(`:${c.talos.version}`)).toBe(true);
    }
  });
});
