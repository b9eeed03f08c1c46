import type { KubeObject } from '../build/artifacts.ts';
import type { ClusterModel } from '../model/model.ts';
import type { UpstreamManifests } from './component.ts';
import type { Plan } from './plan.ts';
import { compareCodePoints } from '../util/order.ts';

/**
 * Upstream manifests (a directory of a Git repository at a pinned tag) as each engine consumes
 * them: Flux through a GitRepository and a Kustomization the first layer depends on, Argo CD
 * through an Application in a wave before the controllers. Nothing is downloaded by orrery.
 */

/** Argo CD wave of upstream manifests: after the namespaces (-20), before Secrets (-10) and controllers (0). */
export const UPSTREAM_WAVE = -15;

/** The cluster's upstream manifests in a stable order, each name once. */
export function upstreamManifests(plan: Plan): UpstreamManifests[] {
  const byName = new Map<string, UpstreamManifests>();
  for (const { output } of plan.components) for (const m of output.manifests ?? []) byName.set(m.name, m);
  return [...byName.values()].sort((a, b) => compareCodePoints(a.name, b.name));
}

/**
 * A GitRepository `spec.ignore` (.gitignore format, source-controller docs "Ignore") that keeps
 * only the given directories in the artifact. Git cannot re-include a path below an ignored
 * directory, so every ancestor is re-included and its other entries ignored, one level at a time.
 */
export function keepOnly(dirs: readonly string[]): string {
  const lines = new Set<string>(['/*']);
  for (const dir of dirs) {
    const parts = dir.split('/').filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      const prefix = parts.slice(0, i + 1).join('/');
      lines.add(`!/${prefix}/`);
      if (i < parts.length - 1) lines.add(`/${prefix}/*`);
    }
  }
  // A directory kept whole wins over the "/<dir>/*" of another entry below it.
  const kept = dirs.map((d) => `/${d.split('/').filter(Boolean).join('/')}/*`);
  return `${[...lines].filter((l) => !kept.includes(l)).join('\n')}\n`;
}

/** Flux: one GitRepository (flux-system) and one Kustomization per upstream directory. */
export function fluxUpstreamObjects(cluster: ClusterModel, manifests: readonly UpstreamManifests[], namespace: string): KubeObject[] {
  return manifests.flatMap((m) => [
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      // Named per cluster, like the Kustomization: a management cluster's Flux may hold several clusters' sources.
      metadata: { name: upstreamName(cluster.name, m), namespace },
      spec: { interval: '1h', url: m.url, ref: { tag: m.tag }, ignore: keepOnly(m.include ?? [m.path]) },
    },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: upstreamName(cluster.name, m), namespace },
      spec: {
        interval: '1h',
        retryInterval: '1m',
        timeout: '5m',
        sourceRef: { kind: 'GitRepository', name: upstreamName(cluster.name, m) },
        path: `./${m.path}`,
        // kustomize-controller waits until every object is ready (CRDs: Established) before the
        // Kustomizations that depend on this one start.
        prune: m.prune,
        wait: true,
      },
    },
  ]);
}

/** Name of the GitRepository and the Kustomization of upstream manifests: per cluster. */
export function upstreamName(cluster: string, m: UpstreamManifests): string {
  return `${cluster}-${m.name}`;
}
