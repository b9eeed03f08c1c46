import type { ClusterModel, Model } from '../../model/model.ts';
import { REGISTRY } from '../../registry.ts';
import type { Compiled } from '../sources/compiled.ts';
import type { RunnerCapiBringUp } from './bring-up.ts';

export type CapiSource = (model: Model, cluster: ClusterModel, compiled: Compiled) => RunnerCapiBringUp | { readonly problem: string };

/**
 * THE adapter from the Cluster API generator's bring-up (`REGISTRY.capiBringUp`, built from the
 * model by lib/components/cluster-api/bring-up.ts) to the runner's RunnerCapiBringUp.
 */
export const capiBringUpFromModel: CapiSource = (model, cluster) => {
  if (!cluster.provisioning.clusterApi) return { problem: `${cluster.name} is not a Cluster API cluster` };
  const b = REGISTRY.capiBringUp(model, cluster.name);
  if (!b) return { problem: `${cluster.name}: provider ${cluster.provisioning.clusterApi.provider} has no maintained Cluster API provider to install (Equinix Metal shut down on 2026-06-30)` };
  const pin = (p: { readonly name: string; readonly version: string }): string => `${p.name}:${p.version}`;
  return {
    cluster: b.cluster,
    role: b.pivot ? 'management' : 'workload',
    ...(b.pivot ? {} : { managedBy: b.manager }),
    namespace: b.namespace,
    providers: {
      core: pin(b.providers.core),
      bootstrap: pin(b.providers.bootstrap),
      controlPlane: pin(b.providers.controlPlane),
      infrastructure: pin(b.providers.infrastructure),
      ...(b.providers.ipam ? { ipam: pin(b.providers.ipam) } : {}),
    },
    ...(Object.keys(b.clusterctlInit.env).length > 0 ? { initEnv: b.clusterctlInit.env } : {}),
    ...(b.objects.appliedBy === 'runner' ? { objectsDir: b.objects.dir } : {}),
    secretFiles: b.secretFiles,
    operatorSecrets: b.operatorSecrets.map((s) => ({ namespace: s.namespace, name: s.name, keys: s.keys, why: s.why })),
    kubeconfigSecret: b.kubeconfigSecret,
    talosconfigSecret: b.talosconfigSecret,
    machines: b.machines.controlPlanes + b.machines.workers,
    gitopsFromManagement: b.gitops === 'management',
  };
};
