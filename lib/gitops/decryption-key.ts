import type { Model } from '../model/model.ts';
import { FLUX_NAMESPACE, SOPS_AGE_SECRET } from './flux.ts';

/**
 * Where the GitOps engine expects the age key that decrypts `<cluster>/secrets/`: one fact for
 * the generated READMEs (the `kubectl create secret` they show) and the runner (which creates
 * the Secret from the operator's key). Flux: `flux-system/sops-age`, key `age.agekey`
 * (kustomize-controller reads the keys whose name ends in `.agekey`; the Kustomizations orrery
 * writes name this Secret). Argo CD has no decryption of its own: KSOPS in argocd-repo-server
 * reads `keys.txt` of the same-named Secret, mounted where SOPS_AGE_KEY_FILE points (./ksops.ts).
 */
export interface DecryptionKeySecret {
  readonly namespace: string;
  readonly name: string;
  /** The data key the engine reads. */
  readonly key: string;
}

export function decryptionKeySecret(model: Model): DecryptionKeySecret {
  if (model.constellation.gitops.engine === 'argocd') return { namespace: model.constellation.gitops.argocd.namespace, name: SOPS_AGE_SECRET, key: 'keys.txt' };
  return { namespace: FLUX_NAMESPACE, name: SOPS_AGE_SECRET, key: 'age.agekey' };
}
