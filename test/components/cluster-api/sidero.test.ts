import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpecDir } from '../../../lib/pipeline.ts';
import { talosDefaultKernelArgs } from '../../../lib/components/talos/kernel-args.ts';
import { REPO } from '../../helpers.ts';
import { objectsUnder } from './helpers.ts';

const { files, diagnostics } = await compileSpecDir(path.join(REPO, 'examples/arges-metal/clusters'), { cwd: REPO });
const objs = objectsUnder(files!, 'arges-mgmt/apps/').map(({ o }) => o);
const of = (kind: string) => objs.filter((o) => o.kind === kind);

describe('seed 001 (arges-metal): Sidero Metal v0.6 objects on the talosctl management cluster', () => {
  it('compiles with a warning-free Sidero set: the BMC Secret is the operator\'s (a placeholder here), declared and delivered, not invented', () => {
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // The example supplies it (test key, fake values) as secrets/arges-mgmt/secret-arges-examples-controlplane-0-bmc.yaml;
    // without it synth stops (test/secrets/operator-secrets.test.ts, the registry).
    expect(files!.get('arges-mgmt/secrets/kustomization.yaml')).toContain('secret-arges-examples-controlplane-0-bmc.yaml');
    expect([...files!.keys()].some((f) => f.startsWith('example-0/secrets/'))).toBe(false);
    expect(objs.map((o) => o.kind).sort()).toEqual([
      'Cluster', 'Environment', 'MachineDeployment', 'MachineHealthCheck', 'MetalCluster', 'MetalMachineTemplate', 'MetalMachineTemplate',
      'Server', 'Server', 'Server', 'ServerClass', 'TalosConfigTemplate', 'TalosControlPlane',
    ]);
  });

  it("the Environment boots the cluster's Talos and schematic from the Image Factory, with Talos's own command line and the metadata server", () => {
    const [env] = of('Environment');
    expect(env!.metadata.name).toBe('default');
    expect(env!.spec.kernel.url).toMatch(/^https:\/\/factory\.talos\.dev\/image\/[0-9a-f]{64}\/v1\.13\.9\/kernel-amd64$/);
    expect(env!.spec.initrd.url).toMatch(/\/v1\.13\.9\/initramfs-amd64\.xz$/);
    const args: string[] = env!.spec.kernel.args;
    // Sidero appends its own API only when no talos.config is there (ipxe_server.go appendTalosArguments).
    expect(args).toContain('talos.config=http://192.168.1.5/configdata?uuid=');
    for (const a of [...talosDefaultKernelArgs('v1.13.9'), 'talos.platform=metal', 'initrd=initramfs.xz']) expect(args).toContain(a);
    expect([...args].sort()).toEqual(args);
  });

  it('bound servers are registered ahead, accepted, labelled for their pool ServerClass, BMC credentials from a Secret', () => {
    const cls = of('ServerClass');
    expect(cls.map((c) => c.metadata.name)).toEqual(['example-0-control-plane']);
    expect(cls[0]!.spec).toEqual({
      environmentRef: { apiVersion: 'metal.sidero.dev/v1alpha2', kind: 'Environment', name: 'default' },
      qualifiers: {},
      selector: { matchLabels: { 'orrery.dev/machine-pool': 'example-0-control-plane' } },
    });
    const servers = of('Server');
    for (const s of servers) {
      expect(s.metadata.labels?.['orrery.dev/machine-pool']).toBe('example-0-control-plane');
      expect(s.spec.accepted).toBe(true);
    }
    const withBmc = servers.find((s) => s.spec.bmc)!;
    expect(withBmc.metadata.name).toBe('00000000-0000-0000-0000-d05099d4c8ed');
    expect(withBmc.spec.bmc).toEqual({
      endpoint: '192.168.1.200',
      userFrom: { secretKeyRef: { namespace: 'arges-examples', name: 'controlplane-0-bmc', key: 'user' } },
      passFrom: { secretKeyRef: { namespace: 'arges-examples', name: 'controlplane-0-bmc', key: 'pass' } },
    });
  });

  it("the control-plane pool draws from its own class, the worker pool from Sidero's built-in 'any'", () => {
    const refs = Object.fromEntries(of('MetalMachineTemplate').map((t) => [t.metadata.name.replace(/-[0-9a-f]{8}$/, ''), t.spec.template.spec.serverClassRef]));
    expect(refs).toEqual({
      'example-0-control-plane': { apiVersion: 'metal.sidero.dev/v1alpha2', kind: 'ServerClass', name: 'example-0-control-plane' },
      'example-0-worker': { apiVersion: 'metal.sidero.dev/v1alpha2', kind: 'ServerClass', name: 'any' },
    });
    const [mc] = of('MetalCluster');
    expect(mc!.spec).toEqual({ controlPlaneEndpoint: { host: '192.168.1.101', port: 6443 } });
  });

  it('no Talos CCM on bare metal: Sidero sets the providerID itself', () => {
    const tcp = of('TalosControlPlane')[0]!;
    expect(JSON.stringify(tcp.spec)).not.toContain('externalCloudProvider');
    expect(JSON.stringify(tcp.spec)).not.toContain('kubernetesTalosAPIAccess');
  });
});

describe("Talos's default kernel arguments per release (pkg/machinery/kernel DefaultArgs and imager quirks)", () => {
  it('1.12 enforces module signatures, 1.13 adds proc_mem, 1.14 drops init_on_alloc and nvme_core', () => {
    const base = ['slab_nomerge=', 'pti=on', 'consoleblank=0', 'printk.devkmsg=on', 'selinux=1', 'module.sig_enforce=1'];
    expect(talosDefaultKernelArgs('v1.12.11')).toEqual(['init_on_alloc=1', ...base.slice(0, 3), 'nvme_core.io_timeout=4294967295', ...base.slice(3)]);
    expect(talosDefaultKernelArgs('v1.13.9')).toEqual(['init_on_alloc=1', ...base.slice(0, 3), 'nvme_core.io_timeout=4294967295', ...base.slice(3), 'proc_mem.force_override=never']);
    expect(talosDefaultKernelArgs('v1.14.0')).toEqual([...base, 'proc_mem.force_override=never']);
  });
});
