import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../lib/diagnostics/diagnostic.ts';
import { writeOutput } from '../../lib/output/writer.ts';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { commandLines, workspace, type Workspace } from './harness.ts';

/**
 * The runner reads the same dist/ files synth writes: the operator's Talos patches and orrery's
 * bond and VLAN documents reach the machines with `talosctl machineconfig patch`, every patch in
 * the order talos/README.md documents (the node file, the cluster's patches, the node's own).
 */
const PATCHES = `  patches:
    - name: kernel
      documents:
        - machine: {sysctls: {vm.swappiness: "10"}}
    - name: cp-logging
      role: controlplane
      documents:
        - {apiVersion: v1alpha1, kind: KmsgLogConfig, name: remote, url: "udp://192.168.42.5:514/"}
`;
const IMAGE = 'factory.talos.dev/installer/376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba:v1.13.8';

const spaces: Workspace[] = [];
afterAll(async () => Promise.all(spaces.map((w) => w.dispose())));

describe('runner: the operator\'s Talos patches and bonds', () => {
  let w: Workspace;
  let synth: { errors: number; warnings: string[] };
  beforeAll(async () => {
    w = await workspace('vtalos-lab');
    spaces.push(w);
    const file = path.join(w.dir, 'clusters', 'vtalos.yaml');
    const spec = readFileSync(file, 'utf8')
      .replace('kubernetes:\n  # schedule-on-controlplanes.patch\n', `talos:\n${PATCHES}kubernetes:\n  # schedule-on-controlplanes.patch\n`)
      // The worker: a bond of two links with VLAN 42 carrying its address, and its own patch (an older installer).
      .replace(
        '  - name: talos-wo-1\n    role: worker\n    interface: enp0s3\n',
        `  - name: talos-wo-1\n    role: worker\n    bond: {interfaces: [enp0s3, enp0s8], mode: active-backup}\n    vlans: [{id: 42}]\n    interface: bond0.42\n    patches:\n      - name: pin\n        documents: [{machine: {install: {image: "${IMAGE}"}}}]\n`,
      );
    writeFileSync(file, spec);
    // synth, as `orrery synth` does it: compile the workspace's spec, write its dist/.
    const compiled = await compileSpecDir(path.join(w.dir, 'clusters'), { cwd: w.dir });
    synth = { errors: compiled.diagnostics.filter((d) => d.severity === 'error').length, warnings: compiled.diagnostics.map(formatDiagnostic) };
    await writeOutput(path.join(w.dir, 'dist'), compiled.files!);
  });

  it('synth writes the patch files beside the node files (and warns that the worker\'s own patch replaces its installer image)', () => {
    expect(synth.errors).toBe(0);
    expect(synth.warnings.join('\n')).toContain('warning /nodes/3/patches/0/documents/0/machine/install/image: patch "pin" overrides machine.install.image');
    const worker = readFileSync(path.join(w.dir, 'dist/vtalos/talos/nodes/talos-wo-1.yaml'), 'utf8');
    expect(worker).toContain('kind: BondConfig');
    expect(worker).toContain('#   nodes/talos-wo-1/pin.yaml from clusters/vtalos.yaml /nodes/3/patches/0');
  });

  it('--dry-run: each node gets its node file, then the cluster\'s patches for its role, then its own, in that order', async () => {
    const r = await w.run(['up', '--dry-run']);
    expect(r.code).toBe(0);
    const patchLines = r.out.split('\n').filter((l) => l.startsWith('talosctl machineconfig patch'));
    const cp = patchLines.find((l) => l.includes('--output <tmp:vtalos/config/talos-cp-1.yaml>'))!;
    const wo = patchLines.find((l) => l.includes('--output <tmp:vtalos/config/talos-wo-1.yaml>'))!;
    const flags = (line: string): string[] => [...line.matchAll(/--patch @(\S+)/g)].map((m) => m[1]!);
    expect(flags(cp)).toEqual(['dist/vtalos/talos/nodes/talos-cp-1.yaml', 'dist/vtalos/talos/patches/kernel.yaml', 'dist/vtalos/talos/patches/cp-logging.yaml']);
    expect(flags(wo)).toEqual(['dist/vtalos/talos/nodes/talos-wo-1.yaml', 'dist/vtalos/talos/patches/kernel.yaml', 'dist/vtalos/talos/nodes/talos-wo-1/pin.yaml']);
  });

  it('up hands talosctl every patch file, which it reads: the rendered config of each node carries them all', async () => {
    writeFileSync(path.join(w.home, 'deploy-key'), 'fake deploy key\n', { mode: 0o600 });
    const r = await w.run(['up', '--yes', '--git-private-key', 'home/deploy-key']);
    expect(r.code, r.err).toBe(0);
    const lines = commandLines(w.log(), (e) => e.tool === 'talosctl' && e.args[0] === 'machineconfig');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).toContain('--patch @dist/vtalos/talos/patches/kernel.yaml');
    // The fake talosctl read every file it was given: each applied config was rendered from three.
    const nodes = w.state().talos.nodes as Record<string, { patchFiles?: number }>;
    expect(Object.fromEntries(Object.entries(nodes).map(([n, v]) => [n, v.patchFiles]))).toEqual({ 'talos-cp-1': 3, 'talos-cp-2': 3, 'talos-cp-3': 3, 'talos-wo-1': 3 });
  });

  it('upgrade installs the image the last patch sets (the worker\'s own), not orrery\'s', async () => {
    w.update((s) => {
      for (const n of Object.values(s.talos.nodes) as Record<string, unknown>[]) n.version = 'v1.13.7';
    });
    const r = await w.run(['upgrade', 'vtalos', '--dry-run']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`--nodes 192.168.42.204 --endpoints 192.168.42.204 upgrade --image ${IMAGE} --wait`);
    expect(r.out).toMatch(/--nodes 192\.168\.42\.201 --endpoints 192\.168\.42\.201 upgrade --image \S+:v1\.13\.9 --wait/);
  });
});

