import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { kplus } from '../lib/k8s/plus.ts';
import type { NamespaceModel } from '../lib/model/model.ts';

export interface NamespacesChartProps {
  readonly namespaces: readonly NamespaceModel[];
}

/** The cluster's declared namespaces with their labels (Pod Security Admission levels). */
export class NamespacesChart extends Chart {
  public constructor(scope: Construct, id: string, props: NamespacesChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    for (const ns of props.namespaces) {
      new kplus.Namespace(this, ns.name, {
        metadata: {
          name: ns.name,
          labels: { ...ns.labels },
          ...(Object.keys(ns.annotations).length > 0 ? { annotations: { ...ns.annotations } } : {}),
        },
      });
    }
  }
}
