import { execFileSync, spawnSync } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { writeOutput } from '../../lib/output/writer.ts';
import { talosIntent } from '../../lib/components/talos/intent.ts';
import { clusterApiPatches } from '../../lib/components/talos/cluster-api-patches.ts';
import type { TalosDocument } from '../../lib/components/talos/contracts.ts';
import type { ClusterModel } from '../../lib/model/model.ts';
import { HAS_SHARED, materializeFixture, REPO, removeDir, tempDir } from '../helpers.ts';
import { kubeSchemas } from './kube-schema.ts';
import { has, REPLACED, SCHEMAS, talosValidator } from './talos-schema.ts';

const HAS_KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: any };

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

interface Compiled {
  readonly name: string;
  readonly files: ReadonlyMap<string, string>;
  readonly clusters: readonly ClusterModel[];
  readonly out: string;
}

/** Specs that carry Cluster API clusters: the bundled one (also with workloads reconciled from the manager), seed 001, the everything fixture. */
async function compiled(): Promise<Compiled[]> {
  const specs: { name: string; spec: string; cwd: string }[] = [
    { name: 'clusters (bundled)', spec: path.join(REPO, 'clusters'), cwd: REPO },
    { name: 'examples/arges-metal', spec: path.join(REPO, 'examples/arges-metal/clusters'), cwd: REPO },
  ];
  for (const name of ['accept/cluster-api-proxmox', 'accept/cluster-api-talos-patches']) {
    const fixture = await materializeFixture(name);
    dirs.push(fixture);
    specs.push({ name, spec: path.join(fixture, 'clusters'), cwd: fixture });
  }
  const remote = await tempDir();
  dirs.push(remote);
  await cp(path.join(REPO, 'clusters'), path.join(remote, 'clusters'), { recursive: true });
  await cp(path.join(REPO, 'secrets'), path.join(remote, 'secrets'), { recursive: true });
  const cons = path.join(remote, 'clusters', 'constellation.yaml');
  await writeFile(cons, (await readFile(cons, 'utf8')).replace('  engine: flux\n', '  engine: flux\n  flux:\n    workloadsFromManagement: true\n'));
  specs.push({ name: 'clusters with workloadsFromManagement', spec: path.join(remote, 'clusters'), cwd: remote });
  const out: Compiled[] = [];
  for (const s of specs) {
    const r = await compileSpecDir(s.spec, { cwd: s.cwd });
    expect(r.diagnostics.filter((d) => d.severity === 'error'), s.name).toEqual([]);
    const dir = await tempDir();
    dirs.push(dir);
    await writeOutput(path.join(dir, 'dist'), r.files!);
    out.push({ name: s.name, files: r.files!, clusters: r.model!.clusters, out: path.join(dir, 'dist') });
  }
  return out;
}

function engineObjects(files: ReadonlyMap<string, string>): { file: string; o: Obj }[] {
  const dirsWithKustomization = new Set([...files.keys()].filter((f) => f.endsWith('/kustomization.yaml')).map((f) => f.slice(0, f.lastIndexOf('/'))));
  const out: { file: string; o: Obj }[] = [];
  for (const [file, content] of files) {
    if (!dirsWithKustomization.has(file.slice(0, file.lastIndexOf('/'))) || !file.endsWith('.yaml') || file.endsWith('kustomization.yaml')) continue;
    for (const d of parseAllDocuments(content) as unknown as { toJS(): Obj }[]) out.push({ file, o: d.toJS() });
  }
  return out;
}

describe.skipIf(!HAS_SHARED)('conformance: Cluster API objects', () => {
  let all: Compiled[] = [];
  const schemas = HAS_SHARED ? kubeSchemas() : undefined;
  beforeAll(async () => {
    all = await compiled();
  }, 60_000);

  it('a misspelt field is an error, as it would be silently pruned by the API server (negative control)', () => {
    const typo = { apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha2', kind: 'ProxmoxMachineTemplate', metadata: { name: 'x' }, spec: { template: { spec: { checks: { skipCloudinitStatus: true }, network: { networkDevices: [{ name: 'net0' }] } } } } };
    expect(schemas!.validate(typo)).toEqual(['/spec/template/spec/checks must NOT have additional properties']);
    // TalosControlPlane v1alpha3 has no v1beta1 machineTemplate (research §5.3).
    const v1beta1Shape = { apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha3', kind: 'TalosControlPlane', metadata: { name: 'x' }, spec: { version: 'v1.36.2', machineTemplate: {}, controlPlaneConfig: { controlplane: { generateType: 'controlplane' } } } };
    expect(schemas!.validate(v1beta1Shape)).toEqual(expect.arrayContaining(["/spec must have required property 'infrastructureTemplate'", '/spec must NOT have additional properties']));
  });

  it('the CEL check rejects what a CRD rule forbids (negative control)', () => {
    const bad = { apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha2', kind: 'ProxmoxMachineTemplate', metadata: { name: 'x' }, spec: { template: { spec: { full: false, format: 'qcow2', sourceNode: 'a', templateID: 1, network: { networkDevices: [{ name: 'net0' }] } } } } };
    expect(schemas!.cel(bad)).toEqual([expect.stringContaining('Must set full=true when specifying format')]);
    const noTemplate = { ...bad, spec: { template: { spec: { full: true, network: { networkDevices: [{ name: 'net0' }] } } } } };
    expect(schemas!.cel(noTemplate)).toEqual([expect.stringContaining('Must specify either templateID or templateSelector')]);
  });

  it('every object validates against the CRD of the version orrery pins, CEL rules included; every directory builds', () => {
    const kinds = new Set<string>();
    for (const c of all) {
      for (const { file, o } of engineObjects(c.files)) {
        kinds.add(o.kind);
        expect(schemas!.validate(o), `${c.name}: ${file}`).toEqual([]);
        expect(schemas!.cel(o), `${c.name}: ${file}`).toEqual([]);
      }
      if (!HAS_KUBECTL) continue;
      const found = execFileSync('find', [c.out, '-name', 'kustomization.yaml'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
      for (const k of found) {
        const r = spawnSync('kubectl', ['kustomize', path.dirname(k)], { encoding: 'utf8' });
        expect(r.stderr, `${c.name}: ${k}`).toBe('');
        expect(r.status, k).toBe(0);
      }
    }
    // Every kind of the object set was seen (so the loop above checked something).
    for (const k of ['Cluster', 'ProxmoxCluster', 'ProxmoxMachineTemplate', 'TalosControlPlane', 'TalosConfigTemplate', 'MachineDeployment', 'MachineHealthCheck', 'MetalCluster', 'MetalMachineTemplate', 'Environment', 'ServerClass', 'Server']) {
      expect(kinds.has(k), k).toBe(true);
    }
  });

  it('every strategic patch is Talos documents valid for the cluster contract, with no field the contract replaced', () => {
    let patches = 0;
    for (const c of all) {
      for (const { file, o } of engineObjects(c.files)) {
        const config = o.kind === 'TalosControlPlane' ? o.spec.controlPlaneConfig.controlplane : o.kind === 'TalosConfigTemplate' ? o.spec.template.spec : undefined;
        if (!config) continue;
        const contract = String(config.talosVersion).replace(/^v/, '');
        const validate = talosValidator(contract);
        // JSON 6902 patches "are not compatible with Talos Linux >= 1.12" (CABPT README): never emitted.
        expect(config.configPatches, file).toBeUndefined();
        for (const patch of config.strategicPatches as string[]) {
          patches++;
          const docs = (parseAllDocuments(patch) as unknown as { toJS(): TalosDocument }[]).map((d) => d.toJS());
          // One v1alpha1 document at most per patch string (configpatcher.LoadPatch loads one config).
          expect(docs.filter((d) => d.kind === undefined).length, file).toBeLessThanOrEqual(1);
          for (const d of docs) {
            expect(validate(d), `${file}: ${JSON.stringify(d)}`).toEqual([]);
            for (const p of REPLACED[contract]!) expect(has(d, p), `${p} in ${file}`).toBe(false);
          }
        }
      }
    }
    expect(patches).toBeGreaterThan(10);
  });

  it('the operator\'s patches reach their pools after orrery\'s layers, each its own strategic patch, in spec order', () => {
    const c = all.find((x) => x.name === 'accept/cluster-api-talos-patches')!;
    const objects = engineObjects(c.files).map((x) => x.o);
    const cp = objects.find((o) => o.kind === 'TalosControlPlane')!.spec.controlPlaneConfig.controlplane.strategicPatches as string[];
    const workers = objects.find((o) => o.kind === 'TalosConfigTemplate')!.spec.template.spec.strategicPatches as string[];
    const names = (ps: string[]): string[] => ps.flatMap((p) => /^# Your Talos patch "([^"]+)"/.exec(p)?.[1] ?? []);
    // Cluster-level in order (the controlplane-only one on control planes), then the pool's own; all after orrery's layers.
    expect(names(cp)).toEqual(['logging', 'cp-audit', 'mirror']);
    expect(names(workers)).toEqual(['logging', 'mirror', 'storage-sysctls']);
    expect(cp.slice(-3).every((p) => p.startsWith('# Your Talos patch'))).toBe(true);
    expect(cp.slice(0, -3).some((p) => p.startsWith('# Your Talos patch'))).toBe(false);
    // The Proxmox VLAN is a tag on the machines' network device (CAPMOX tag=), not a Talos VLANConfig.
    for (const t of objects.filter((o) => o.kind === 'ProxmoxMachineTemplate')) expect(t.spec.template.spec.network.networkDevices).toEqual([{ name: 'net0', bridge: 'vmbr0', model: 'virtio', vlan: 42 }]);
    expect([...cp, ...workers].join('\n')).not.toContain('VLANConfig');
  });

  it.each(Object.keys(SCHEMAS))('contract %s: the Cluster API rendering of every cluster validates too', (contract) => {
    const validate = talosValidator(contract);
    let docs = 0;
    for (const c of all) {
      for (const cluster of c.clusters.filter((x) => x.clusterApi && x.clusterApi.provider !== 'packet')) {
        for (const pool of clusterApiPatches(talosIntent(cluster), contract)) {
          for (const d of pool.layers.flat()) {
            docs++;
            expect(validate(d), `${cluster.name}/${pool.pool.name}: ${JSON.stringify(d)}`).toEqual([]);
            for (const p of REPLACED[contract]!) expect(has(d, p), `${p}`).toBe(false);
          }
        }
      }
    }
    expect(docs).toBeGreaterThan(20);
  });
});
if (!HAS_SHARED) console.warn('Cluster API conformance tests SKIPPED: ../shared is absent');
