import { NamespacesChart } from '../../../charts/namespaces.ts';
import type { KubeObject } from '../../build/artifacts.ts';
import type { ClusterComponent } from '../../build/component.ts';

/** Emits `<cluster>/namespaces/`: one Namespace per declared namespace. */
export const namespacesComponent: ClusterComponent = {
  name: 'namespaces',
  build({ app, cluster }) {
    if (cluster.namespaces.length === 0) return { bundles: [], files: [] };
    const chart = new NamespacesChart(app, 'namespaces', { namespaces: cluster.namespaces });
    return {
      bundles: [{ dir: `${cluster.name}/namespaces`, source: cluster.source, objects: chart.toJson() as KubeObject[] }],
      files: [],
    };
  },
};
