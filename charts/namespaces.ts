import type { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { cdk8s } from '../lib/k8s/cdk8s.ts';
import { kplus } from '../lib/k8s/plus.ts';
import type { NamespaceModel } from '../lib/model/model.ts';
import { compareCodePoints } from '../lib/util/order.ts';

export interface NamespacesChartProps {
  readonly namespaces: readonly NamespaceModel[];
}

/** A user-keyed map as data: own keys only, in code-point order (as cdk8s sorts metadata maps). */
function userMap(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => compareCodePoints(a, b)));
}

/**
 * The cluster's declared namespaces with their labels (Pod Security Admission levels).
 *
 * Labels and annotations are keyed by the user, and cdk8s cannot carry every key: it resolves
 * metadata maps by assignment (`result[k] = …`, so a `__proto__` key is lost) and checks each
 * value's `constructor` (an own `constructor` key breaks synthesis); constructs keeps children
 * in a plain object (a namespace called "constructor" collides). So cdk8s builds the objects
 * with their names only, and the maps are added to the synthesized data.
 *
 * The class is defined on first use: cdk8s and cdk8s-plus load lazily (lib/k8s/cdk8s.ts).
 */
export function namespacesChart(scope: Construct, id: string, props: NamespacesChartProps): Chart {
  chartClass ??= defineNamespacesChart();
  return new chartClass(scope, id, props);
}

type NamespacesChartClass = new (scope: Construct, id: string, props: NamespacesChartProps) => Chart;
let chartClass: NamespacesChartClass | undefined;

function defineNamespacesChart(): NamespacesChartClass {
  const { Chart } = cdk8s();
  const plus = kplus();
  return class NamespacesChart extends Chart {
    private readonly metadataByName = new Map<string, NamespaceModel>();

    public constructor(scope: Construct, id: string, props: NamespacesChartProps) {
      super(scope, id, { disableResourceNameHashes: true });
      for (const ns of props.namespaces) {
        this.metadataByName.set(ns.name, ns);
        new plus.Namespace(this, `namespace-${ns.name}`, { metadata: { name: ns.name } });
      }
    }

    public override toJson(): any[] {
      return super.toJson().map((o: { metadata: { name: string } & Record<string, unknown> }) => {
        const ns = this.metadataByName.get(o.metadata.name)!;
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
  };
}
