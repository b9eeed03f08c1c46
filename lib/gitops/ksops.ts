import type { FileArtifact } from '../build/artifacts.ts';
import type { Model } from '../model/model.ts';
import { toYaml, yamlHeader } from '../output/yaml.ts';
import { secretRequirements } from '../secrets/requirements.ts';
import { decryptionKeySecret, type DecryptionKeySecret } from './decryption-key.ts';

/** The KSOPS release whose image installs ksops and its kustomize into argocd-repo-server. */
export const KSOPS_VERSION = 'v4.5.1';
export const ARGOCD_REPO_SERVER_PATCH = 'argocd/argocd-repo-server-patch.yaml';
/** Where the decryption Secret is mounted in argocd-repo-server (SOPS_AGE_KEY_FILE points into it). */
export const KSOPS_AGE_DIR = '/.config/sops/age';

/**
 * KSOPS in argocd-repo-server, so `<cluster>/secrets/` (a KSOPS generator) builds: an init
 * container copies ksops and the kustomize it was built with into a shared volume, the repo
 * server runs them from there, and SOPS reads the age key from the mounted decryption Secret
 * (viaduct-ai/kustomize-sops v4.5.1 README, "Argo CD Integration": the `install-ksops` init
 * container running `ksops install --with-kustomize`, `custom-tools` mounted over
 * /usr/local/bin/kustomize and /usr/local/bin/ksops, SOPS_AGE_KEY_FILE). A strategic merge
 * patch: lists merge by `name`, so it adds to the install manifest's Deployment.
 */
export function ksopsRepoServerPatch(secret: DecryptionKeySecret): Record<string, unknown> {
  return {
    spec: {
      template: {
        spec: {
          volumes: [{ name: 'custom-tools', emptyDir: {} }, { name: secret.name, secret: { secretName: secret.name } }],
          initContainers: [{ name: 'install-ksops', image: `viaductoss/ksops:${KSOPS_VERSION}`, command: ['/usr/local/bin/ksops', 'install', '--with-kustomize', '/custom-tools'], volumeMounts: [{ mountPath: '/custom-tools', name: 'custom-tools' }] }],
          containers: [
            {
              name: 'argocd-repo-server',
              env: [{ name: 'SOPS_AGE_KEY_FILE', value: `${KSOPS_AGE_DIR}/${secret.key}` }],
              volumeMounts: [
                { mountPath: '/usr/local/bin/kustomize', name: 'custom-tools', subPath: 'kustomize' },
                { mountPath: '/usr/local/bin/ksops', name: 'custom-tools', subPath: 'ksops' },
                { mountPath: KSOPS_AGE_DIR, name: secret.name },
              ],
            },
          ],
        },
      },
    },
  };
}

/** Argo CD reconciles SOPS-encrypted Secrets: the repo server needs KSOPS. */
export function needsKsops(model: Model): boolean {
  return model.constellation.gitops.engine === 'argocd' && secretRequirements(model).some((r) => r.toDist);
}

/**
 * `argocd/argocd-repo-server-patch.yaml`, beside argocd-cm-patch.yaml: what an operator applies
 * by hand, and exactly what `orrery up` patches argocd-repo-server with.
 */
export function argoCdRepoServerPatch(model: Model): FileArtifact | undefined {
  if (!needsKsops(model)) return undefined;
  const source = model.constellation.source;
  const secret = decryptionKeySecret(model);
  const usage =
    `# KSOPS ${KSOPS_VERSION} in argocd-repo-server: the <cluster>/secrets/ directories are KSOPS generators.\n` +
    `# Apply it once (it is not synced), after creating the ${secret.name} Secret (key ${secret.key}) from your age key:\n` +
    `#   kubectl -n ${secret.namespace} patch deployment argocd-repo-server --type strategic --patch-file ${ARGOCD_REPO_SERVER_PATCH.replace(/^argocd\//, '<output>/argocd/')}\n`;
  return { path: ARGOCD_REPO_SERVER_PATCH, source, content: yamlHeader(source) + usage + toYaml(ksopsRepoServerPatch(secret)) };
}
