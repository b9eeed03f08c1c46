import type { FileArtifact } from '../build/artifacts.ts';
import type { Model } from '../model/model.ts';
import { toYaml, yamlHeader } from '../output/yaml.ts';
import { needsKsops } from './ksops.ts';

export const ARGOCD_CM_PATCH = 'argocd/argocd-cm-patch.yaml';

/**
 * Health of an Application as Argo CD itself reports it. Argo CD 1.8 removed the built-in
 * assessment of argoproj.io/Application; without it, sync waves across the children of an
 * app-of-apps order nothing (argo-cd v3.5.1 docs/operator-manual/health.md, "Argocd App").
 */
export const APPLICATION_HEALTH_LUA = `-- orrery: an Application is as healthy as Argo CD reports it; until then it is progressing.
local hs = { status = "Progressing", message = "" }
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status or "Progressing"
  hs.message = obj.status.health.message or ""
end
return hs
`;

/**
 * `argocd/argocd-cm-patch.yaml`: the argocd-cm keys the output relies on, as a merge patch for
 * the Argo CD that reconciles the constellation (never synced by Argo CD itself):
 * - the Application health check (sync waves between child Applications);
 * - with Cilium, the CiliumIdentity exclusion Cilium asks for (docs.cilium.io "Troubleshooting
 *   Cilium deployed with Argo CD": identities are made by the agent, and Argo CD would prune them);
 * - with SOPS Secrets, kustomize's `--enable-alpha-plugins --enable-exec`, without which the KSOPS
 *   exec generator does not run (viaduct-ai/kustomize-sops v4.5.1 README).
 */
export function argoCdConfigPatch(model: Model): FileArtifact {
  const source = model.constellation.source;
  const namespace = model.constellation.gitops.argocd.namespace;
  const cilium = model.clusters.some((c) => c.cni.name === 'cilium');
  const ksops = needsKsops(model);
  const data: Record<string, string> = { 'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA };
  if (cilium) data['resource.exclusions'] = toYaml([{ apiGroups: ['cilium.io'], kinds: ['CiliumIdentity'], clusters: ['*'] }]);
  if (ksops) data['kustomize.buildOptions'] = '--enable-alpha-plugins --enable-exec';
  const usage =
    `# Argo CD settings this output relies on. Merge them into argocd-cm once (it is not synced):\n` +
    `#   kubectl -n ${namespace} patch configmap argocd-cm --type merge --patch-file ${ARGOCD_CM_PATCH.replace(/^argocd\//, '<output>/argocd/')}\n` +
    `# A key you already set (resource.exclusions) is replaced: merge its list by hand instead.\n`;
  return { path: ARGOCD_CM_PATCH, source, content: yamlHeader(source) + usage + toYaml({ data }) };
}
