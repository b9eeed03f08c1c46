import { NamespacesChart } from '../../charts/namespaces.ts';
import type { Artifacts, KubeBundle, KubeObject } from '../build/artifacts.ts';
import type { ClusterComponent, ConstellationComponent } from '../build/component.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { ClusterModel, Model, NamespaceModel } from '../model/model.ts';
import { yamlHeader } from '../output/yaml.ts';
import { argoApplicationSet, argoArtifacts, WAVES } from './argocd.ts';
import type { Layer } from './component.ts';
import { FLUX_NAMESPACE, fluxBundles, fluxReleaseObjects, kustomizationName, type LayerContent } from './flux.ts';
import { clusterDirs, repoPath } from './layout.ts';
import { planComponents, type Plan } from './plan.ts';
import { PLATFORM_COMPONENTS } from './registry.ts';

/** Deletion safety: the engine never prunes these (deleting a Namespace deletes everything in it). */
const PROTECT: Record<'flux' | 'argocd', Record<string, string>> = {
  flux: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
  argocd: { 'argocd.argoproj.io/sync-options': 'Prune=false' },
};
/** Kinds whose deletion loses data: Namespaces, volumes, Ceph clusters. */
export const PROTECTED_KINDS = new Set(['Namespace', 'PersistentVolumeClaim', 'CephCluster']);

function protect(objects: readonly KubeObject[], engine: 'flux' | 'argocd'): KubeObject[] {
  return objects.map((o) =>
    PROTECTED_KINDS.has(o.kind)
      ? { ...o, metadata: { ...o.metadata, annotations: { ...(o.metadata.annotations as Record<string, string> | undefined), ...PROTECT[engine] } } }
      : o,
  );
}

/** The spec's namespaces and the components' (a spec entry of the same name wins on labels). */
function namespaces(cluster: ClusterModel, plan: Plan, engine: 'flux' | 'argocd'): NamespaceModel[] {
  const out = new Map<string, NamespaceModel>();
  for (const { output } of plan.components) out.set(output.namespace.name, { name: output.namespace.name, labels: output.namespace.labels, annotations: {} });
  for (const ns of cluster.namespaces) {
    const base = out.get(ns.name);
    out.set(ns.name, { name: ns.name, labels: { ...base?.labels, ...ns.labels }, annotations: ns.annotations });
  }
  return [...out.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((ns) => ({ ...ns, annotations: { ...ns.annotations, ...PROTECT[engine] } }));
}

function layerObjects(plan: Plan, layer: Layer, engine: 'flux' | 'argocd'): KubeObject[] {
  return protect(plan.components.flatMap(({ output }) => [...(output.objects?.[layer] ?? [])]), engine);
}

/** Workload clusters reconciled by their management cluster's Flux through Cluster API's kubeconfig Secret. */
function reconciledFromManagement(model: Model, cluster: ClusterModel): string | undefined {
  return model.constellation.gitops.engine === 'flux' && model.constellation.gitops.flux.workloadsFromManagement && cluster.managedBy ? cluster.managedBy : undefined;
}

/**
 * The GitOps side of a cluster: its namespaces, the platform components' objects by layer, and
 * the engine's objects (Flux Kustomizations and HelmReleases, or Argo CD Applications).
 */
export const gitopsComponent: ClusterComponent = {
  name: 'gitops',
  build({ model, cluster, app, secrets, secretRequirements }): Artifacts {
    const plan = planComponents(PLATFORM_COMPONENTS, { cluster, secrets });
    if (plan.diagnostics.length > 0) return { bundles: [], files: [], diagnostics: plan.diagnostics };
    const engine = model.constellation.gitops.engine;
    const dirs = clusterDirs(cluster.name);
    const bundles: KubeBundle[] = [];
    const diagnostics: Diagnostic[] = [];
    const ns = namespaces(cluster, plan, engine);
    if (ns.length > 0) {
      const chart = new NamespacesChart(app, 'namespaces', { namespaces: ns });
      bundles.push({ dir: dirs.namespaces, source: cluster.source, objects: chart.toJson() as KubeObject[] });
    }
    const hasSecrets = secretRequirements.some((r) => r.toDist);
    for (const { component, output } of plan.components) {
      for (const name of output.secrets ?? []) {
        if (!secretRequirements.some((r) => r.toDist && r.name === name)) {
          throw new Error(`component ${component.name} consumes the Secret ${name}, which no secret requirement of ${cluster.name} delivers`);
        }
      }
    }
    const configs = layerObjects(plan, 'configs', engine);
    const apps = layerObjects(plan, 'apps', engine);

    if (engine === 'flux') {
      const layers = new Map<Layer, LayerContent>();
      const controllers = [...fluxReleaseObjects(plan), ...layerObjects(plan, 'controllers', engine)];
      const include = [...(ns.length > 0 ? ['../../namespaces'] : []), ...(hasSecrets ? ['../../secrets'] : [])];
      if (controllers.length > 0 || include.length > 0) layers.set('controllers', { objects: controllers, include, holdsSecrets: hasSecrets });
      if (configs.length > 0) layers.set('configs', { objects: configs, include: [], holdsSecrets: false });
      if (apps.length > 0) layers.set('apps', { objects: apps, include: [], holdsSecrets: false });
      const fb = fluxBundles(model, cluster, layers);
      const manager = reconciledFromManagement(model, cluster);
      if (!manager) return { bundles: [...bundles, ...fb], files: [], diagnostics };
      // The layers stay here; their Kustomizations move to the management cluster's Flux.
      const entry = fb.pop()!;
      const capiNamespace = cluster.provisioning.clusterApi?.namespace ?? 'default';
      const remote = entry.objects
        .filter((o) => o.kind === 'Kustomization')
        .map((o) => {
          const spec = o.spec as Record<string, unknown>;
          return {
            ...o,
            metadata: { ...o.metadata, namespace: capiNamespace },
            spec: { ...spec, sourceRef: { ...(spec.sourceRef as object), namespace: FLUX_NAMESPACE }, kubeConfig: { secretRef: { name: `${cluster.name}-kubeconfig`, key: 'value' } } },
          } as KubeObject;
        });
      return { bundles: [...bundles, ...fb, { dir: `${clusterDirs(manager).flux}/workloads/${cluster.name}`, source: cluster.source, objects: remote }], files: [], diagnostics };
    }

    // Argo CD: Helm releases become Applications; plain directories are synced as they are.
    const directories: { name: string; dir: string; wave: number }[] = [];
    if (ns.length > 0) directories.push({ name: 'namespaces', dir: dirs.namespaces, wave: WAVES.namespaces });
    if (hasSecrets) {
      directories.push({ name: 'secrets', dir: dirs.secrets, wave: WAVES.secrets });
      diagnostics.push({
        severity: 'warning',
        file: cluster.source,
        line: 1,
        col: 1,
        pointer: '',
        rule: 'gitops/argocd-sops',
        message: `Argo CD cannot decrypt SOPS by itself: ${cluster.name}/secrets/ needs a decrypting plugin in Argo CD (KSOPS or helm-secrets/sops, with the age key) — see README "Argo CD"`,
      });
    }
    const plainControllers = layerObjects(plan, 'controllers', engine);
    if (plainControllers.length > 0) {
      bundles.push({ dir: dirs.controllers, source: cluster.source, objects: plainControllers });
      directories.push({ name: 'infra-controllers', dir: dirs.controllers, wave: WAVES.controllers });
    }
    if (configs.length > 0) {
      bundles.push({ dir: dirs.configs, source: cluster.source, objects: configs });
      directories.push({ name: 'infra-configs', dir: dirs.configs, wave: WAVES.configs });
    }
    if (apps.length > 0) {
      bundles.push({ dir: `${cluster.name}/apps`, source: cluster.source, objects: apps });
      directories.push({ name: 'apps', dir: `${cluster.name}/apps`, wave: WAVES.apps });
    }
    const argo = argoArtifacts(model, cluster, { releases: plan.components.flatMap(({ output }) => output.releases), directories });
    return { bundles: [...bundles, ...argo.bundles], files: argo.files, diagnostics };
  },
};

/**
 * Fleet-level GitOps files: `.sourceignore` (Flux never ships Talos files, docs or orrery's
 * bookkeeping to a Kustomization) and, for Argo CD, the fleet's ApplicationSet.
 */
export const gitopsFleetComponent: ConstellationComponent = {
  name: 'gitops-fleet',
  build(model) {
    const source = model.constellation.source;
    const files = [
      {
        path: '.sourceignore',
        source,
        content: `${yamlHeader(source)}# Flux source-controller leaves these out of every artifact: they are not for a cluster.\n/*/talos/\n*.md\n/.orrery-manifest.json\n/*/argocd/cluster.json\n`,
      },
    ];
    if (model.constellation.gitops.engine !== 'argocd') return { bundles: [], files };
    return { bundles: [{ dir: 'argocd', source, objects: [argoApplicationSet(model)] }], files };
  },
};

export { kustomizationName, repoPath };
