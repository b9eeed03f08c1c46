import { describe, expect, it } from 'vitest';
import { toYaml } from '../../lib/output/yaml.ts';
import { diffFiles, expectGolden, impacts, type Files } from './helpers.ts';

type Doc = Record<string, unknown>;

/**
 * Hand-made Cluster API objects for a Talos workload cluster "work" managed by "mgmt" (the
 * generator is being written elsewhere): the object set of shared/research/capi-runner.md §1.2
 * (Cluster, ProxmoxMachineTemplate, TalosControlPlane v1alpha3, TalosConfigTemplate,
 * MachineDeployment v1beta2), applied by a Flux Kustomization with prune.
 */
const DIR = 'mgmt/capi/work';
const NS = 'capi-work';

function objects(o: { cpPatch?: string; workersTemplate?: string; workersMemory?: number; replicas?: number; cpStrategy?: string } = {}): Doc[] {
  const workers = o.workersTemplate ?? 'work-workers-1a2b3c4d';
  return [
    { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'work', namespace: NS }, spec: { clusterNetwork: { pods: { cidrBlocks: ['10.244.0.0/16'] } }, controlPlaneRef: { apiGroup: 'controlplane.cluster.x-k8s.io', kind: 'TalosControlPlane', name: 'work-cp' }, infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'ProxmoxCluster', name: 'work' } } },
    { apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha2', kind: 'ProxmoxMachineTemplate', metadata: { name: 'work-cp-1a2b3c4d', namespace: NS }, spec: { template: { spec: { numCores: 4, memoryMiB: 8192, checks: { skipCloudInitStatus: true, skipQemuGuestAgent: true } } } } },
    { apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha2', kind: 'ProxmoxMachineTemplate', metadata: { name: workers, namespace: NS }, spec: { template: { spec: { numCores: 8, memoryMiB: o.workersMemory ?? 16384, checks: { skipCloudInitStatus: true, skipQemuGuestAgent: true } } } } },
    {
      apiVersion: 'controlplane.cluster.x-k8s.io/v1alpha3',
      kind: 'TalosControlPlane',
      metadata: { name: 'work-cp', namespace: NS },
      spec: {
        replicas: 3,
        version: 'v1.36.2',
        infrastructureTemplate: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha2', kind: 'ProxmoxMachineTemplate', name: 'work-cp-1a2b3c4d', namespace: NS },
        controlPlaneConfig: { controlplane: { generateType: 'controlplane', talosVersion: 'v1.13', strategicPatches: [o.cpPatch ?? 'machine:\n  features:\n    kubePrism:\n      enabled: true\n      port: 7445\n'] } },
        ...(o.cpStrategy ? { rolloutStrategy: { type: o.cpStrategy } } : {}),
      },
    },
    { apiVersion: 'bootstrap.cluster.x-k8s.io/v1alpha3', kind: 'TalosConfigTemplate', metadata: { name: 'work-workers-5e6f7a8b', namespace: NS }, spec: { template: { spec: { generateType: 'worker', talosVersion: 'v1.13' } } } },
    {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'MachineDeployment',
      metadata: { name: 'work-workers', namespace: NS },
      spec: {
        clusterName: 'work',
        replicas: o.replicas ?? 4,
        selector: { matchLabels: {} },
        template: {
          spec: {
            clusterName: 'work',
            version: 'v1.36.2',
            bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'TalosConfigTemplate', name: 'work-workers-5e6f7a8b' } },
            infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'ProxmoxMachineTemplate', name: workers },
          },
        },
      },
    },
  ];
}

const fileName = (d: Doc): string => {
  const m = d.metadata as { name: string; namespace?: string };
  return `${String(d.kind).toLowerCase()}-${m.namespace ? `${m.namespace}-` : ''}${m.name}.yaml`;
};

function tree(docs: readonly Doc[]): Files {
  const files: Files = new Map();
  for (const d of docs) files.set(`${DIR}/${fileName(d)}`, toYaml(d));
  files.set(`${DIR}/kustomization.yaml`, toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: docs.map(fileName) }));
  files.set(
    'mgmt/flux/orrery/kustomization-flux-system-mgmt-capi-work.yaml',
    toYaml({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'mgmt-capi-work', namespace: 'flux-system' }, spec: { path: `./dist/${DIR}`, prune: true, sourceRef: { kind: 'GitRepository', name: 'constellation' } } }),
  );
  return files;
}

describe('orrery diff: Cluster API', () => {
  it('a TalosControlPlane config change rolls every control plane (CACPPT compares controlPlaneConfig by deep equality)', async () => {
    const before = tree(objects());
    const after = tree(objects({ cpPatch: 'machine:\n  features:\n    kubePrism:\n      enabled: true\n      port: 7446\n' }));
    const r = await diffFiles(before, after);
    const capi = impacts(r, 'capi');
    expect(capi.map((i) => [i.severity, i.text])).toEqual([
      ['dangerous', 'TalosControlPlane capi-work/work-cp: ROLLS EVERY CONTROL PLANE (3 machines, replaced one by one) — spec.controlPlaneConfig.controlplane.strategicPatches changed'],
    ]);
    expect(r.dangerous).toBe(true);
    await expectGolden('capi-control-plane-roll', r);
  });

  it('with rolloutStrategy OnDelete the control planes are only marked out of date', async () => {
    const r = await diffFiles(tree(objects({ cpStrategy: 'OnDelete' })), tree(objects({ cpStrategy: 'OnDelete', cpPatch: 'machine: {}\n' })));
    expect(impacts(r, 'capi').map((i) => i.severity)).toEqual(['warning']);
    expect(r.dangerous).toBe(false);
  });

  it('a new machine template name rolls the pool (MachineDeployment infrastructureRef), shown as a rename; the old template is pruned', async () => {
    const before = tree(objects());
    const after = tree(objects({ workersTemplate: 'work-workers-9f8e7d6c', workersMemory: 32768 }));
    const r = await diffFiles(before, after);
    expect(impacts(r, 'capi').map((i) => [i.severity, i.text])).toEqual([
      ['warning', 'MachineDeployment capi-work/work-workers: rolls the pool (4 machines replaced) — spec.template.spec.infrastructureRef changed'],
    ]);
    const renamed = r.groups.flatMap((g) => g.changes).filter((c) => c.status === 'renamed');
    expect(renamed.map((c) => `${c.previous!.name} → ${c.entry.name}`)).toEqual(['work-workers-1a2b3c4d → work-workers-9f8e7d6c']);
    expect(impacts(r, 'prune').map((i) => i.text)).toEqual(['prunes 1 object: ProxmoxMachineTemplate capi-work/work-workers-1a2b3c4d']);
    await expectGolden('capi-pool-roll', r);
  });

  it('replicas alone scale, nothing rolls', async () => {
    const r = await diffFiles(tree(objects()), tree(objects({ replicas: 6 })));
    expect(impacts(r).map((i) => [i.severity, i.text])).toEqual([['info', 'MachineDeployment capi-work/work-workers: pool scales 4 → 6 machines']]);
  });

  it('a machine template changed under the same name is called out: templates are immutable, nothing rolls', async () => {
    const r = await diffFiles(tree(objects()), tree(objects({ workersMemory: 32768 })));
    const capi = impacts(r, 'capi');
    expect(capi).toHaveLength(1);
    expect(capi[0]!.text).toMatch(/^ProxmoxMachineTemplate capi-work\/work-workers-1a2b3c4d changed under the same name: machine templates are immutable/);
  });

  it('removing the Cluster object deletes the workload cluster: dangerous', async () => {
    const r = await diffFiles(tree(objects()), tree(objects().filter((d) => d.kind !== 'Cluster')));
    const prune = impacts(r, 'prune').filter((i) => i.severity === 'dangerous');
    expect(prune.map((i) => i.text)).toEqual(['PRUNES Cluster capi-work/work: deletes the workload cluster and every machine of it — Flux Kustomization flux-system/mgmt-capi-work prunes it']);
  });
});
