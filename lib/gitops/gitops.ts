import { namespaceObjects as buildNamespaceObjects } from '../../charts/namespaces.ts';
import type { Artifacts, KubeBundle, KubeObject } from '../build/artifacts.ts';
import type { ClusterComponent, ConstellationComponent } from '../build/component.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { ClusterModel, Model, NamespaceModel } from '../model/model.ts';
import { yamlHeader } from '../output/yaml.ts';
import { argoApplicationSet, argoArtifacts, WAVES } from './argocd.ts';
import { argoCdConfigPatch } from './argocd-config.ts';
import { argoCdRepoServerPatch } from './ksops.ts';
import { bootstrapReleases, buildBootstrapPlan, renderBootstrap } from './bootstrap.ts';
import type { Layer } from './component.ts';
import { FLUX_NAMESPACE, FLUX_PRUNE_DISABLED, fluxBundles, fluxReleaseObjects, type LayerContent } from './flux.ts';
import { remoteFluxBundles } from './flux-remote.ts';
import { clusterDirs } from './layout.ts';
import { SYSTEM_NAMESPACES } from '../k8s/namespaces.ts';
import { planComponents, type Plan } from './plan.ts';
import { upstreamManifests } from './upstream.ts';
import { compareCodePoints } from '../util/order.ts';
import { argoAppDirectories } from './apps.ts';
import { suppliedSecretFiles, type OperatorSecret } from '../secrets/operator-secrets.ts';

/**
 * Deletion safety: the engine never deletes these (deleting a Namespace deletes everything in
 * it). Argo CD: `Prune=false` only stops a prune; deleting the Application (its cascading
 * finalizer) still deletes them unless `Delete=false` ("No Resource Deletion", argo-cd v3.5.1
 * docs/user-guide/sync-options.md).
 */
const PROTECT: Record<'flux' | 'argocd', Record<string, string>> = {
  flux: { ...FLUX_PRUNE_DISABLED },
  argocd: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' },
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
  for (const { output } of plan.components) {
    const ns = output.namespace;
    if (ns && !SYSTEM_NAMESPACES.has(ns.name)) out.set(ns.name, { name: ns.name, labels: ns.labels, annotations: {} });
  }
  for (const ns of cluster.namespaces) {
    const base = out.get(ns.name);
    out.set(ns.name, { name: ns.name, labels: { ...base?.labels, ...ns.labels }, annotations: ns.annotations });
  }
  return [...out.values()]
    .sort((a, b) => compareCodePoints(a.name, b.name))
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
  build({ model, cluster, secrets, secretRequirements, platform }): Artifacts {
    const plan = planComponents(platform, { model, cluster, secrets });
    if (plan.diagnostics.length > 0) return { bundles: [], files: [], diagnostics: plan.diagnostics };
    const engine = model.constellation.gitops.engine;
    const dirs = clusterDirs(cluster.name);
    const bundles: KubeBundle[] = [];
    // What the components found (an operator-supplied Secret not there yet).
    const diagnostics: Diagnostic[] = plan.components.flatMap(({ output }) => [...(output.diagnostics ?? [])]);
    const upstream = upstreamManifests(plan);
    const ns = namespaces(cluster, plan, engine);
    const namespaceObjects = buildNamespaceObjects(ns);
    if (ns.length > 0) bundles.push({ dir: dirs.namespaces, source: cluster.source, objects: namespaceObjects });
    const delivered = secretRequirements.filter((r) => r.toDist).map((r) => ({ name: r.name, namespace: r.namespace ?? '' }));
    const bootstrapFiles = renderBootstrap(cluster, buildBootstrapPlan({ cluster, plan, namespaces: namespaceObjects, deliveredSecrets: delivered }));
    // The operator's own Secrets (secrets/<cluster>/secret-*.yaml) are delivered with orrery's.
    const hasSecrets = delivered.length > 0 || suppliedSecretFiles(secrets, cluster.name).length > 0;
    // The registry of Secrets the output references that the operator supplies (checked after the build).
    const referencedSecrets: OperatorSecret[] = [...plan.components.flatMap(({ output }) => [...(output.operatorSecrets ?? [])]), ...fluxAlertsSecret(model, cluster)];
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
      const controllers = [...fluxReleaseObjects(plan, 'controllers'), ...layerObjects(plan, 'controllers', engine)];
      const fluxConfigs = [...fluxReleaseObjects(plan, 'configs'), ...configs];
      const fluxApps = [...fluxReleaseObjects(plan, 'apps'), ...apps];
      const include = [...(ns.length > 0 ? ['../../namespaces'] : []), ...(hasSecrets ? ['../../secrets'] : [])];
      if (controllers.length > 0 || include.length > 0) layers.set('controllers', { objects: controllers, include, holdsSecrets: hasSecrets, holdsCni: bootstrapReleases(plan).length > 0 });
      if (fluxConfigs.length > 0) layers.set('configs', { objects: fluxConfigs, include: [], holdsSecrets: false });
      if (fluxApps.length > 0) layers.set('apps', { objects: fluxApps, include: [], holdsSecrets: false });
      const manager = reconciledFromManagement(model, cluster);
      // (A cluster without layers has no flux/orrery/ entry, so nothing moves.)
      const remote = manager !== undefined && (layers.size > 0 || cluster.apps.length > 0);
      const fb = remote ? remoteFluxBundles({ model, cluster, manager, layers, upstream }) : fluxBundles(model, cluster, layers, upstream);
      return { bundles: [...bundles, ...fb], files: bootstrapFiles, diagnostics, referencedSecrets };
    }

    // Argo CD: Helm releases become Applications; plain directories are synced as they are.
    const directories: { name: string; dir: string; wave: number; crdsFromSiblings?: boolean }[] = [];
    if (ns.length > 0) directories.push({ name: 'namespaces', dir: dirs.namespaces, wave: WAVES.namespaces });
    // secrets/ is a KSOPS generator under Argo CD (lib/components/secrets): the repo server needs KSOPS and the age key (README "Argo CD").
    if (hasSecrets) directories.push({ name: 'secrets', dir: dirs.secrets, wave: WAVES.secrets });
    const plainControllers = layerObjects(plan, 'controllers', engine);
    if (plainControllers.length > 0) {
      bundles.push({ dir: dirs.controllers, source: cluster.source, objects: plainControllers });
      directories.push({ name: 'infra-controllers', dir: dirs.controllers, wave: WAVES.controllers });
    }
    if (configs.length > 0) {
      bundles.push({ dir: dirs.configs, source: cluster.source, objects: configs });
      directories.push({ name: 'infra-configs', dir: dirs.configs, wave: WAVES.configs, crdsFromSiblings: true });
    }
    if (apps.length > 0) {
      bundles.push({ dir: `${cluster.name}/apps`, source: cluster.source, objects: apps });
      directories.push({ name: 'apps', dir: `${cluster.name}/apps`, wave: WAVES.apps, crdsFromSiblings: true });
    }
    directories.push(...argoAppDirectories(cluster, WAVES.apps));
    const argo = argoArtifacts(model, cluster, { releases: plan.components.flatMap(({ output }) => output.releases), manifests: upstream, directories });
    return { bundles: [...bundles, ...argo.bundles], files: [...argo.files, ...bootstrapFiles], diagnostics, referencedSecrets };
  },
};

/**
 * The Secret of gitops.flux.alerts: the notification-controller Provider reads `token` (and
 * `address` when the spec gives none) from it in flux-system (notification-controller v1.9.3
 * docs/spec/v1beta3/providers.md, "Secret reference"). Workload clusters reconciled from their
 * management cluster get no Provider of their own, so they need none.
 */
function fluxAlertsSecret(model: Model, cluster: ClusterModel): OperatorSecret[] {
  const alerts = model.constellation.gitops.flux.alerts;
  if (model.constellation.gitops.engine !== 'flux' || !alerts?.secret || reconciledFromManagement(model, cluster)) return [];
  return [
    {
      cluster: cluster.name,
      source: model.constellation.source,
      pointer: '/gitops/flux/alerts/secret',
      namespace: FLUX_NAMESPACE,
      name: alerts.secret,
      keys: alerts.address ? ['token'] : ['address'],
      consumer: `Flux's alert provider (${alerts.provider})`,
      hint: alerts.address ? 'token: the provider\'s API token' : 'address: the webhook URL, and token when the provider needs one',
    },
  ];
}

/**
 * Fleet-level GitOps files: `.sourceignore` (Flux never ships Talos files, docs or orrery's
 * bookkeeping to a Kustomization) and, for Argo CD, the argocd-cm patch, the KSOPS patch of
 * argocd-repo-server (with SOPS Secrets) and (on a hub) the fleet's ApplicationSet.
 */
export const gitopsFleetComponent: ConstellationComponent = {
  name: 'gitops-fleet',
  build(model) {
    const source = model.constellation.source;
    const files = [
      {
        path: '.sourceignore',
        source,
        content: `${yamlHeader(source)}# Flux source-controller leaves these out of every artifact: they are not for a cluster.\n/*/talos/\n/*/bootstrap/\n*.md\n/.orrery-manifest.json\n/*/argocd/cluster.json\n`,
      },
    ];
    if (model.constellation.gitops.engine !== 'argocd') return { bundles: [], files };
    const appSet = argoApplicationSet(model);
    const ksops = argoCdRepoServerPatch(model);
    return { bundles: appSet ? [{ dir: 'argocd', source, objects: [appSet] }] : [], files: [...files, argoCdConfigPatch(model), ...(ksops ? [ksops] : [])] };
  },
};

