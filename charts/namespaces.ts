import type { KubeObject } from '../lib/build/artifacts.ts';
import { kplus } from '../lib/k8s/plus.ts';
import type { NamespaceModel } from '../lib/model/model.ts';
import { compareCodePoints } from '../lib/util/order.ts';

/** A user-keyed map as data: own keys only, in code-point order (as cdk8s sorts metadata maps). */
function userMap(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => compareCodePoints(a, b)));
}

/**
 * The cluster's declared namespaces with their labels (Pod Security Admission levels).
 *
 * Each object comes from the typed cdk8s-plus import (`k8s.KubeNamespace.manifest`: the
 * KubeNamespaceProps the L2 `Namespace` passes — its name and an empty spec — as JSON), straight
 * to data: no App, Chart or construct tree. A chart of `plus.Namespace` constructs cost about
 * 0.7 s of a cold 1000-cluster synth (constructs, cdk8s's dependency graph and resolver in
 * `Chart.toJson`, and their garbage) for objects that are a name, a spec and two maps.
 *
 * Labels and annotations are keyed by the user, and cdk8s cannot carry every key: it resolves
 * metadata maps by assignment (`result[k] = …`, so a `__proto__` key is lost) and checks each
 * value's `constructor`; so the typed import gets the name only, and the maps are added to the
 * data afterwards, in code-point order as cdk8s sorts them.
 */
export function namespaceObjects(namespaces: readonly NamespaceModel[]): KubeObject[] {
  if (namespaces.length === 0) return [];
  const { KubeNamespace } = kplus().k8s;
  return namespaces.map((ns) => {
    // cdk8s-plus-34 v2.0.54 lib/namespace.js: Namespace passes { metadata, spec: Lazy(() => ({})) }.
    const o = KubeNamespace.manifest({ metadata: { name: ns.name }, spec: {} }) as KubeObject;
    const labels = userMap(ns.labels);
    const annotations = userMap(ns.annotations);
    const { name, ...rest } = o.metadata;
    return {
      ...o,
      metadata: {
        ...rest,
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        ...(Object.keys(labels).length > 0 ? { labels } : {}),
        name,
      },
    };
  });
}
