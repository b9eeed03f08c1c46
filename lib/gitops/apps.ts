import type { KubeObject } from '../build/artifacts.ts';
import type { ClusterModel } from '../model/model.ts';
import type { App } from '../spec/types.generated.ts';
import { compareCodePoints } from '../util/order.ts';

/**
 * The operator's own kustomize directories (`apps:`), reconciled in the apps layer: after the
 * platform's layers, in the order their `dependsOn` gives. Their paths are the repository's (from
 * its root), not the output's: the directories are the operator's, orrery never writes them.
 */
export function appObjectName(cluster: string, app: string): string {
  return `${cluster}-app-${app}`;
}

/** How deep each app sits in its dependsOn chain (a check rule refuses cycles and unknown names). */
export function appDepths(apps: readonly App[]): Map<string, number> {
  const byName = new Map(apps.map((a) => [a.name, a]));
  const memo = new Map<string, number>();
  const depth = (a: App, seen: ReadonlySet<string>): number => {
    const known = memo.get(a.name);
    if (known !== undefined) return known;
    const deps = (a.dependsOn ?? []).map((n) => byName.get(n)).filter((d): d is App => d !== undefined && !seen.has(d.name));
    const d = deps.length === 0 ? 0 : Math.max(...deps.map((x) => depth(x, new Set([...seen, a.name])))) + 1;
    memo.set(a.name, d);
    return d;
  };
  for (const a of apps) depth(a, new Set());
  return memo;
}

/**
 * Flux: one Kustomization per app on bootstrap's GitRepository, depending on the last platform
 * layer (`after`) and on the apps it names. kustomize-controller applies a Kustomization only when
 * every `dependsOn` is Ready, and with `wait` it is Ready only when its objects are healthy
 * (kustomize-controller v1.9 docs/spec/v1/kustomizations.md "Dependencies", "Health checks").
 */
export function fluxAppKustomizations(cluster: ClusterModel, options: { namespace: string; sourceRef: { kind: string; name: string }; after?: string }): KubeObject[] {
  return [...cluster.apps]
    .sort((a, b) => compareCodePoints(a.name, b.name))
    .map((app) => {
      const dependsOn = [...(options.after ? [options.after] : []), ...[...(app.dependsOn ?? [])].sort(compareCodePoints).map((d) => appObjectName(cluster.name, d))];
      return {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: appObjectName(cluster.name, app.name), namespace: options.namespace },
        spec: {
          interval: '10m',
          retryInterval: '1m',
          timeout: '10m',
          sourceRef: { ...options.sourceRef },
          path: `./${app.path}`,
          prune: true,
          wait: true,
          ...(dependsOn.length > 0 ? { dependsOn: dependsOn.map((name) => ({ name })) } : {}),
        },
      };
    });
}

/** Argo CD: one directory Application per app, a wave per dependsOn level after the apps wave. */
export function argoAppDirectories(cluster: ClusterModel, appsWave: number): { name: string; dir: string; wave: number; crdsFromSiblings: true; fromRepoRoot: true }[] {
  const depth = appDepths(cluster.apps);
  return [...cluster.apps]
    .sort((a, b) => compareCodePoints(a.name, b.name))
    .map((app) => ({ name: `app-${app.name}`, dir: app.path, wave: appsWave + 1 + depth.get(app.name)!, crdsFromSiblings: true, fromRepoRoot: true }));
}
