import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { compileSpecDir } from '../../../lib/pipeline.ts';
import { HAS_SHARED, REPO, removeDir, SHARED } from '../../helpers.ts';
import { compileEdited, objectsUnder, type Obj } from './helpers.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

const { files, model } = await compileSpecDir(path.join(REPO, 'clusters'), { cwd: REPO });
const apps = objectsUnder(files!, 'jupiter/apps/').map(({ o }) => o);
const own = objectsUnder(files!, 'jupiter/cluster-api/').map(({ o }) => o);
const find = (objs: Obj[], kind: string, name: string): Obj | undefined => objs.find((o) => o.kind === kind && o.metadata.name === name);

describe('the bundled constellation: Cluster API objects where their management cluster reconciles them', () => {
  it("GIVEN jupiter manages ganymede and callisto THEN their objects are in jupiter's last GitOps layer, jupiter's own beside it for the pivot", () => {
    const byCluster = (objs: Obj[]): Record<string, string[]> => {
      const out: Record<string, string[]> = {};
      for (const o of objs) (out[o.metadata.labels?.['cluster.x-k8s.io/cluster-name'] ?? '?'] ??= []).push(o.kind);
      for (const k of Object.values(out)) k.sort();
      return out;
    };
    const set = ['Cluster', 'MachineDeployment', 'MachineHealthCheck', 'ProxmoxCluster', 'ProxmoxMachineTemplate', 'ProxmoxMachineTemplate', 'TalosConfigTemplate', 'TalosControlPlane'];
    expect(byCluster(apps)).toEqual({ callisto: set, ganymede: set });
    expect(byCluster(own)).toEqual({ jupiter: set });
    // In the Cluster API namespace, which jupiter's namespaces/ creates (ahead of every layer).
    for (const o of [...apps, ...own]) expect(o.metadata.namespace).toBe('constellation');
    expect(files!.has('jupiter/namespaces/namespace-constellation.yaml')).toBe(true);
    // No Cluster API object anywhere else: the workload clusters' own trees carry none.
    const elsewhere = [...files!.keys()].filter((f) => f.endsWith('.yaml') && !/^jupiter\/(apps|cluster-api|secrets)\//.test(f) && /cluster\.x-k8s\.io/.test(files!.get(f)!));
    expect(elsewhere).toEqual([]);
  });

  it("jupiter's Flux applies the workload objects after its controllers and configs; no GitOps engine points at jupiter/cluster-api", () => {
    const ks = objectsUnder(files!, 'jupiter/flux/').map(({ o }) => o).filter((o) => o.kind === 'Kustomization');
    const appsLayer = ks.find((k) => k.spec.path === './dist/jupiter/apps')!;
    expect(appsLayer.spec.dependsOn).toEqual([{ name: 'jupiter-infra-configs' }]);
    expect(ks.some((k) => String(k.spec.path).includes('cluster-api'))).toBe(false);
    // The Talos bundles of all three clusters and their Proxmox credentials are decrypted by jupiter's
    // controllers layer, before any of it.
    expect([...files!.keys()].filter((f) => f.startsWith('jupiter/secrets/secret-constellation-'))).toEqual([
      'jupiter/secrets/secret-constellation-callisto-talos.yaml',
      'jupiter/secrets/secret-constellation-ganymede-talos.yaml',
      'jupiter/secrets/secret-constellation-jupiter-talos.yaml',
      'jupiter/secrets/secret-constellation-proxmox-ams.yaml',
      'jupiter/secrets/secret-constellation-proxmox-fra.yaml',
      'jupiter/secrets/secret-constellation-proxmox-nyc.yaml',
    ]);
  });

  it.each(['ganymede', 'callisto', 'jupiter'])('%s: every reference resolves to an object of the set, in the same namespace', (name) => {
    const objs = [...apps, ...own].filter((o) => o.metadata.labels?.['cluster.x-k8s.io/cluster-name'] === name);
    const cluster = find(objs, 'Cluster', name)!;
    // v1beta2 references name group and kind, no version (ContractVersionedObjectReference).
    expect(cluster.spec.infrastructureRef).toEqual({ apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'ProxmoxCluster', name });
    expect(find(objs, 'ProxmoxCluster', cluster.spec.infrastructureRef.name)).toBeDefined();
    const tcp = find(objs, 'TalosControlPlane', cluster.spec.controlPlaneRef.name)!;
    expect(cluster.spec.controlPlaneRef.apiGroup).toBe('controlplane.cluster.x-k8s.io');
    // v1alpha3's infrastructureTemplate is a core/v1 ObjectReference: apiVersion, not apiGroup.
    expect(tcp.spec.infrastructureTemplate).toMatchObject({ apiVersion: 'infrastructure.cluster.x-k8s.io/v1alpha2', kind: 'ProxmoxMachineTemplate', namespace: 'constellation' });
    expect(find(objs, 'ProxmoxMachineTemplate', tcp.spec.infrastructureTemplate.name)).toBeDefined();
    const md = objs.find((o) => o.kind === 'MachineDeployment')!;
    const tmpl = md.spec.template.spec;
    expect(find(objs, 'TalosConfigTemplate', tmpl.bootstrap.configRef.name)).toBeDefined();
    expect(find(objs, 'ProxmoxMachineTemplate', tmpl.infrastructureRef.name)).toBeDefined();
    // The MachineDeployment's selector must match its template's labels (CAPI validates it), and the
    // health check selects exactly those machines.
    expect(md.spec.template.metadata.labels).toMatchObject(md.spec.selector.matchLabels);
    const mhc = objs.find((o) => o.kind === 'MachineHealthCheck')!;
    expect(md.spec.template.metadata.labels).toMatchObject(mhc.spec.selector.matchLabels);
    expect(mhc.spec.clusterName).toBe(name);
    // Versions: the Kubernetes release on every machine, the config contract for CABPT.
    expect(tcp.spec.version).toBe('v1.36.2');
    expect(tmpl.version).toBe('v1.36.2');
    expect(tcp.spec.controlPlaneConfig.controlplane.talosVersion).toBe('v1.13');
  });

  it('Proxmox machines: Talos skips cloud-init and guest-agent checks, CAPMOX injects the providerID the CCM passes on', () => {
    const templates = apps.filter((o) => o.kind === 'ProxmoxMachineTemplate');
    expect(templates).toHaveLength(4);
    for (const t of templates) {
      const s = t.spec.template.spec;
      expect(s.checks).toEqual({ skipCloudInitStatus: true, skipQemuGuestAgent: true });
      expect(s.metadataSettings).toEqual({ providerIDInjection: true });
      expect(s.network.networkDevices).toEqual([{ name: 'net0', bridge: 'vmbr0', model: 'virtio' }]);
      expect(s.disks.bootVolume.disk).toBe('scsi0');
      expect(s).toMatchObject({ templateID: 9000, full: true });
    }
    const ganymedeCp = templates.find((t) => t.metadata.name.startsWith('ganymede-control-plane-'))!.spec.template.spec;
    expect(ganymedeCp).toMatchObject({ sourceNode: 'pve-ams-1', numCores: 4, memoryMiB: 8192, disks: { bootVolume: { sizeGb: 64 } } });
    expect(ganymedeCp.numSockets).toBeUndefined();
    const pc = find(apps, 'ProxmoxCluster', 'ganymede')!.spec;
    expect(pc).toEqual({
      controlPlaneEndpoint: { host: '10.20.10.5', port: 6443 },
      ipv4Config: { addresses: ['10.20.10.20-10.20.10.60'], prefix: 24, gateway: '10.20.10.1' },
      dnsServers: ['10.20.10.2'],
      allowedNodes: ['pve-ams-1', 'pve-ams-2', 'pve-ams-3'],
      credentialsRef: { name: 'proxmox-ams', namespace: 'constellation' },
    });
  });

  it('the Talos CCM reaches every Proxmox machine through its config; control planes let it read node metadata', () => {
    for (const o of [...apps, ...own].filter((x) => x.kind === 'TalosControlPlane' || x.kind === 'TalosConfigTemplate')) {
      const config = o.kind === 'TalosControlPlane' ? o.spec.controlPlaneConfig.controlplane : o.spec.template.spec;
      const docs = (config.strategicPatches as string[]).flatMap((p) => (parseAllDocuments(p) as unknown as { toJS(): any }[]).map((d) => d.toJS()));
      const v1 = docs.filter((d) => d.kind === undefined);
      expect(v1.some((d) => d.cluster?.externalCloudProvider?.manifests?.[0] === 'https://raw.githubusercontent.com/siderolabs/talos-cloud-controller-manager/v1.12.0/docs/deploy/cloud-controller-manager.yml'), o.metadata.name).toBe(true);
      const access = v1.some((d) => d.machine?.features?.kubernetesTalosAPIAccess?.allowedRoles?.[0] === 'os:reader');
      expect(access, o.metadata.name).toBe(o.kind === 'TalosControlPlane');
      // The VIP only on control planes, on the link found by driver.
      expect(docs.some((d) => d.kind === 'Layer2VIPConfig'), o.metadata.name).toBe(o.kind === 'TalosControlPlane');
      expect(docs.find((d) => d.kind === 'LinkAliasConfig')?.selector).toEqual({ match: 'link.driver == "virtio_net"' });
    }
  });

  it('the model says who manages whom: workloads their manager, jupiter itself (a pivot)', () => {
    const capi = Object.fromEntries(model!.clusters.map((c) => [c.name, c.clusterApi && { manager: c.clusterApi.manager, self: c.clusterApi.selfManaged }]));
    expect(capi).toEqual({ callisto: { manager: 'jupiter', self: false }, ganymede: { manager: 'jupiter', self: false }, jupiter: { manager: 'jupiter', self: true } });
  });
});

describe('rollouts: immutable templates named by their content', () => {
  const names = (f: ReadonlyMap<string, string>, cluster: string): Record<string, string> =>
    Object.fromEntries(
      objectsUnder(f, 'jupiter/apps/')
        .map(({ o }) => o)
        .filter((o) => o.metadata.labels?.['cluster.x-k8s.io/cluster-name'] === cluster && /Template$/.test(o.kind))
        .map((o) => [`${o.kind}/${o.metadata.name.replace(/-[0-9a-f]{8}$/, '')}`, o.metadata.name]),
    );
  const tcp = (f: ReadonlyMap<string, string>, name: string): any => objectsUnder(f, 'jupiter/apps/').map(({ o }) => o).find((o) => o.kind === 'TalosControlPlane' && o.metadata.name === name)!.spec;
  const before = names(files!, 'ganymede');

  it('scaling a pool changes no template: nothing rolls', async () => {
    const after = await compileEdited({ 'ganymede.yaml': (t) => t.replace('        role: worker\n        replicas: 3', '        role: worker\n        replicas: 5') }, dirs);
    expect(names(after.files!, 'ganymede')).toEqual(before);
    expect(tcp(after.files!, 'ganymede-control-plane')).toEqual(tcp(files!, 'ganymede-control-plane'));
  });

  it("a worker pool's machine settings make a new machine template for that pool only", async () => {
    const after = await compileEdited({ 'ganymede.yaml': (t) => t.replace('machine: {cores: 8, memoryMiB: 16384, diskGiB: 128}', 'machine: {cores: 16, memoryMiB: 16384, diskGiB: 128}') }, dirs);
    const n = names(after.files!, 'ganymede');
    expect(n['ProxmoxMachineTemplate/ganymede-worker']).not.toBe(before['ProxmoxMachineTemplate/ganymede-worker']);
    expect(n['ProxmoxMachineTemplate/ganymede-control-plane']).toBe(before['ProxmoxMachineTemplate/ganymede-control-plane']);
    expect(n['TalosConfigTemplate/ganymede-worker']).toBe(before['TalosConfigTemplate/ganymede-worker']);
    // The other clusters' templates are untouched.
    expect(names(after.files!, 'callisto')).toEqual(names(files!, 'callisto'));
  });

  it('a Talos setting changes every pool: a new TalosConfigTemplate, and a control-plane config that CACPPT rolls', async () => {
    const after = await compileEdited({ 'ganymede.yaml': (t) => t.replace('  kubespan:\n    enabled: true\n', '  kubespan:\n    enabled: true\n  sysctls: {net.core.somaxconn: "65535"}\n') }, dirs);
    const n = names(after.files!, 'ganymede');
    expect(n['TalosConfigTemplate/ganymede-worker']).not.toBe(before['TalosConfigTemplate/ganymede-worker']);
    expect(n['ProxmoxMachineTemplate/ganymede-worker']).toBe(before['ProxmoxMachineTemplate/ganymede-worker']);
    // CACPPT compares controlPlaneConfig.controlplane with each machine's TalosConfig (reflect.DeepEqual).
    expect(tcp(after.files!, 'ganymede-control-plane').controlPlaneConfig).not.toEqual(tcp(files!, 'ganymede-control-plane').controlPlaneConfig);
    // The MachineDeployment points at the new template, which rolls its machines.
    const md = objectsUnder(after.files!, 'jupiter/apps/').map(({ o }) => o).find((o) => o.kind === 'MachineDeployment' && o.metadata.name === 'ganymede-worker')!;
    expect(md.spec.template.spec.bootstrap.configRef.name).toBe(n['TalosConfigTemplate/ganymede-worker']);
  });
});

describe('with Argo CD the same layer carries them', () => {
  it("jupiter's apps Application syncs its workload clusters' objects after its controllers and configs", async () => {
    const r = await compileEdited({ 'constellation.yaml': (t) => t.replace('  engine: flux\n', '  engine: argocd\n') }, dirs);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const children = objectsUnder(r.files!, 'jupiter/argocd/apps/').map(({ o }) => o as Obj & { metadata: { annotations: Record<string, string> } });
    const wave = (name: string): number => Number(children.find((o) => o.metadata.name === name)!.metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(children.find((o) => o.metadata.name === 'jupiter-apps')!.spec.source.path).toBe('dist/jupiter/apps');
    expect(wave('jupiter-apps')).toBeGreaterThan(wave('jupiter-infra-configs'));
    expect(objectsUnder(r.files!, 'jupiter/apps/').map(({ o }) => o.kind)).toContain('TalosControlPlane');
    // No Argo CD Application points at jupiter's own objects.
    expect([...r.files!.values()].some((c) => c.includes('path: dist/jupiter/cluster-api'))).toBe(false);
  });
});

describe.skipIf(!HAS_SHARED)('bring-up order on Proxmox: CNI first, then the CCM, then everything else', () => {
  it("Cilium starts on nodes the CCM has not initialized yet: its agent and operator tolerate the external cloud provider's taint", async () => {
    // kubelet --cloud-provider=external registers nodes with node.cloudprovider.kubernetes.io/uninitialized
    // (cloud-provider api TaintExternalCloudProvider); the Talos CCM tolerates it but needs pod networking.
    const chart = parse(readFileSync(path.join(SHARED, 'schemas/charts/cilium/1.19.5/values.yaml'), 'utf8')) as any;
    expect(chart.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(chart.operator.tolerations).toContainEqual({ key: 'node.cloudprovider.kubernetes.io/uninitialized', operator: 'Exists' });
    // orrery keeps the chart's tolerations.
    const values = parse(files!.get('ganymede/bootstrap/cilium-values.yaml')!) as any;
    expect(values.tolerations).toBeUndefined();
    expect(values.operator?.tolerations).toBeUndefined();
  });
});
