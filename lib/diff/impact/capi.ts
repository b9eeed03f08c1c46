import type { ObjectChange } from '../compare.ts';
import { apiGroupOf } from '../entries.ts';
import { formatPath, type FieldChange } from '../field-diff.ts';
import { field, listSome, str, type Impact, type ImpactContext } from './impact.ts';

export const CAPI_GROUP = 'cluster.x-k8s.io';
const CONTROL_PLANE_GROUP = 'controlplane.cluster.x-k8s.io';
const INFRASTRUCTURE_GROUP = 'infrastructure.cluster.x-k8s.io';
const BOOTSTRAP_GROUP = 'bootstrap.cluster.x-k8s.io';

const under = (f: FieldChange, ...prefix: string[]): boolean => prefix.every((p, i) => f.path[i] === p);

function changedAt(fields: readonly FieldChange[], prefixes: readonly (readonly string[])[]): string[] {
  return [...new Set(fields.filter((f) => prefixes.some((p) => under(f, ...p))).map((f) => formatPath(f.path.slice(0, Math.min(f.path.length, 4)))))];
}

/** A reference's API group, from `apiGroup` (v1beta2) or the group of `apiVersion` (versions are not compared). */
const refGroup = (ref: unknown): string | undefined => str(field(ref, 'apiGroup')) ?? (str(field(ref, 'apiVersion')) ? apiGroupOf(str(field(ref, 'apiVersion'))!) : undefined);

/**
 * TalosControlPlane: CACPPT replaces a control-plane machine when its Kubernetes version, the
 * infrastructure template it was cloned from (name and group/kind), or its TalosConfig (deep
 * equality with `controlPlaneConfig.controlplane`) differs, unless the rollout strategy is
 * OnDelete (siderolabs/cluster-api-control-plane-provider-talos@v0.5.12:controllers/controlplane.go
 * MachinesNeedingRollout, MatchesTemplateClonedFrom, MatchesControlPlaneConfig; the v1beta1 fork
 * danylomikula/…@v0.6.0-alpha.1 compares `machineTemplate.spec.infrastructureRef` the same way).
 */
function controlPlaneImpacts(c: ObjectChange): Impact[] {
  const before = c.previous!.value;
  const after = c.entry.value;
  const reasons = changedAt(c.fields, [['spec', 'version'], ['spec', 'controlPlaneConfig'], ['spec', 'infrastructureTemplate', 'name'], ['spec', 'infrastructureTemplate', 'kind'], ['spec', 'machineTemplate', 'spec', 'infrastructureRef']]);
  const refBefore = field(before, 'spec', 'infrastructureTemplate') ?? field(before, 'spec', 'machineTemplate', 'spec', 'infrastructureRef');
  const refAfter = field(after, 'spec', 'infrastructureTemplate') ?? field(after, 'spec', 'machineTemplate', 'spec', 'infrastructureRef');
  if (refGroup(refBefore) !== refGroup(refAfter)) reasons.push('the infrastructure template group');
  const out: Impact[] = [];
  const replicas = str(field(after, 'spec', 'replicas'));
  const replicasBefore = str(field(before, 'spec', 'replicas'));
  if (replicas !== replicasBefore) out.push({ group: c.group, area: 'capi', severity: 'warning', text: `${c.entry.label}: control plane scales ${replicasBefore ?? '?'} → ${replicas ?? '?'} machines` });
  if (reasons.length === 0) return out;
  const onDelete = str(field(after, 'spec', 'rolloutStrategy', 'type')) === 'OnDelete';
  const machines = replicas ? `${replicas} machine${replicas === '1' ? '' : 's'}` : 'every machine';
  out.push(
    onDelete
      ? { group: c.group, area: 'capi', severity: 'warning', text: `${c.entry.label}: every control plane is out of date (${listSome(reasons, 3)}); rolloutStrategy OnDelete replaces each only when you delete it` }
      : { group: c.group, area: 'capi', severity: 'dangerous', text: `${c.entry.label}: ROLLS EVERY CONTROL PLANE (${machines}, replaced one by one) — ${listSome(reasons, 3)} changed` },
  );
  return out;
}

/**
 * MachineDeployment: a new MachineSet (a rollout of every machine) when the template's version,
 * bootstrap reference, infrastructure reference (kind, name, group — not its version) or
 * failure domain changes; labels, annotations, taints, drain and deletion timeouts propagate in
 * place (kubernetes-sigs/cluster-api@v1.14.0:core/reconcilers/machinedeployment/mdutil/util.go
 * MachineTemplateUpToDate, MachineTemplateDeepCopyRolloutFields). `rollout.after` rolls too.
 */
function machineDeploymentImpacts(c: ObjectChange): Impact[] {
  const before = c.previous!.value;
  const after = c.entry.value;
  const t = ['spec', 'template', 'spec'];
  const reasons = changedAt(c.fields, [[...t, 'version'], [...t, 'bootstrap'], [...t, 'infrastructureRef', 'name'], [...t, 'infrastructureRef', 'kind'], [...t, 'infrastructureRef', 'apiGroup'], [...t, 'failureDomain'], ['spec', 'rollout', 'after'], ['spec', 'rolloutAfter']]);
  if (refGroup(field(before, ...t, 'infrastructureRef')) !== refGroup(field(after, ...t, 'infrastructureRef'))) reasons.push('the infrastructure template group');
  const out: Impact[] = [];
  const replicas = str(field(after, 'spec', 'replicas'));
  const replicasBefore = str(field(before, 'spec', 'replicas'));
  if (replicas !== replicasBefore) out.push({ group: c.group, area: 'capi', severity: 'info', text: `${c.entry.label}: pool scales ${replicasBefore ?? '?'} → ${replicas ?? '?'} machines` });
  if (reasons.length === 0) return out;
  const strategy = str(field(after, 'spec', 'rollout', 'strategy', 'type')) ?? str(field(after, 'spec', 'strategy', 'type'));
  const machines = replicas ? `${replicas} machine${replicas === '1' ? '' : 's'}` : 'every machine';
  out.push({
    group: c.group,
    area: 'capi',
    severity: 'warning',
    text:
      strategy === 'OnDelete'
        ? `${c.entry.label}: every machine of the pool is out of date (${listSome(reasons, 3)}); strategy OnDelete replaces each only when you delete it`
        : `${c.entry.label}: rolls the pool (${machines} replaced) — ${listSome(reasons, 3)} changed`,
  });
  return out;
}

/**
 * Machine templates are immutable: a changed template must be a new object with a new name,
 * and only the new reference rolls machines (kubernetes-sigs/cluster-api@v1.14.0:
 * docs/book/src/tasks/updating-machine-templates.md). A bootstrap config template changed in
 * place reaches only machines created later: MachineDeployments compare the reference, not
 * its content (MachineTemplateUpToDate).
 */
function templateImpacts(c: ObjectChange): Impact[] {
  const spec = c.fields.filter((f) => under(f, 'spec'));
  if (spec.length === 0) return [];
  const infra = c.entry.apiGroup === INFRASTRUCTURE_GROUP;
  return [
    {
      group: c.group,
      area: 'capi',
      severity: 'warning',
      text: infra
        ? `${c.entry.label} changed under the same name: machine templates are immutable — the provider may reject the update, and no machine rolls; give the changed template a new name`
        : `${c.entry.label} changed under the same name: only machines created from now on get it, nothing rolls; give it a new name to roll the pool`,
    },
  ];
}

/** What Cluster API changes do to machines: control-plane and pool rollouts, scaling, template mistakes. */
export function capiImpacts(ctx: ImpactContext): Impact[] {
  const out: Impact[] = [];
  for (const c of ctx.changes) {
    if (c.entry.type !== 'object' || c.status !== 'changed' || !c.previous) continue;
    const { apiGroup, kind = '' } = c.entry;
    if (apiGroup === CONTROL_PLANE_GROUP && kind === 'TalosControlPlane') out.push(...controlPlaneImpacts(c));
    else if (apiGroup === CAPI_GROUP && kind === 'MachineDeployment') out.push(...machineDeploymentImpacts(c));
    else if ((apiGroup === INFRASTRUCTURE_GROUP && kind.endsWith('MachineTemplate')) || (apiGroup === BOOTSTRAP_GROUP && kind.endsWith('ConfigTemplate'))) out.push(...templateImpacts(c));
  }
  return out;
}
