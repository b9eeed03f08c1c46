import { FLUX_NAMESPACE, SOPS_AGE_SECRET } from '../../gitops/flux.ts';
import type { Model } from '../../model/model.ts';

/**
 * THE adapter for where the GitOps engine expects the age key that decrypts dist/<c>/secrets/.
 * Flux: `flux-system/sops-age`, key `age.agekey` (kustomize-controller reads keys ending in
 * `.agekey`; the Kustomizations orrery writes name this Secret). Argo CD has no decryption of
 * its own; the KSOPS integration mounts `sops-age` with key `keys.txt` into argocd-repo-server
 * as SOPS_AGE_KEY_FILE=/.config/sops/age/keys.txt (viaduct-ai/kustomize-sops@v4.5.1 README,
 * "Argo CD Integration"). When the Argo CD layout orrery emits names another Secret, only this
 * file changes.
 */
export interface DecryptionKeySecret {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
}

export function decryptionKeySecret(model: Model): DecryptionKeySecret {
  if (model.constellation.gitops.engine === 'argocd') return { namespace: model.constellation.gitops.argocd.namespace, name: 'sops-age', key: 'keys.txt' };
  return { namespace: FLUX_NAMESPACE, name: SOPS_AGE_SECRET, key: 'age.agekey' };
}
