import type { ClusterModel, Model } from '../model/model.ts';
import { secretRequirements } from '../secrets/requirements.ts';
import { ARGOCD_CM_PATCH } from './argocd-config.ts';
import { argoDestination, argoHub } from './argocd.ts';
import { decryptionKeySecret } from './decryption-key.ts';
import { FLUX_NAMESPACE, SOPS_AGE_SECRET } from './flux.ts';
import { ARGOCD_REPO_SERVER_PATCH } from './ksops.ts';
import { clusterDirs, repoPath } from './layout.ts';

/** What an operator runs, once, to hand a cluster to its GitOps engine (the cluster README's "GitOps" section). */
export interface OperatorSteps {
  readonly engine: 'flux' | 'argocd';
  readonly title: 'Flux' | 'Argo CD';
  readonly intro: string;
  /** What must be done first (the CNI's bootstrap). */
  readonly first?: string;
  /** Shell commands, from the repository root, with the cluster's kubeconfig unless said otherwise. */
  readonly commands: readonly string[];
  readonly notes: readonly string[];
}

const AGE_KEY = '"$HOME/.config/sops/age/keys.txt"';
/** A path inside the repository, as a command run from its root takes it. */
const fromRoot = (model: Model, rel: string): string => repoPath(model, rel).replace(/^\.\//, '');

/**
 * The clusters whose output holds orrery's generated Secrets, per model: asking each cluster's
 * README to scan (and copy) the whole fleet's requirements made the docs quadratic in the fleet.
 */
const HOLDING_SECRETS = new WeakMap<Model, ReadonlySet<string>>();

function holdsGeneratedSecrets(model: Model, cluster: string): boolean {
  let holding = HOLDING_SECRETS.get(model);
  if (!holding) HOLDING_SECRETS.set(model, (holding = new Set(secretRequirements(model).filter((r) => r.toDist).map((r) => r.cluster))));
  return holding.has(cluster);
}

export function operatorSteps(model: Model, cluster: ClusterModel, options: { suppliedSecrets?: boolean } = {}): OperatorSteps {
  const git = model.constellation.gitops;
  const dirs = clusterDirs(cluster.name);
  // orrery's generated Secrets, or the operator's own in secrets/<cluster>/: either needs the decryption key.
  const holdsSecrets = options.suppliedSecrets === true || holdsGeneratedSecrets(model, cluster.name);
  const ageKey = decryptionKeySecret(model).key;
  const first = cluster.cni.name === 'cilium' ? `First install the CNI (nothing runs before it): ${fromRoot(model, `${cluster.name}/bootstrap/README.md`)}.` : undefined;
  if (git.engine === 'flux') {
    if (git.flux.workloadsFromManagement && cluster.managedBy) {
      // The layer Kustomizations run on the manager, in the Cluster API namespace: sops-age must be there.
      const capiNamespace = cluster.clusterApi?.namespace ?? 'default';
      return {
        engine: 'flux',
        title: 'Flux',
        intro: `Reconciled by the Flux of ${cluster.managedBy} through Cluster API's ${cluster.name}-kubeconfig Secret: no Flux runs here. Its Kustomizations are in ${fromRoot(model, `${clusterDirs(cluster.managedBy).flux}/workloads/${cluster.name}`)}, its HelmReleases in ${fromRoot(model, `${cluster.name}/releases`)}/, all in the namespace ${capiNamespace} of ${cluster.managedBy}.`,
        commands: holdsSecrets ? [`# with the kubeconfig of ${cluster.managedBy}\nkubectl --namespace ${capiNamespace} create secret generic ${SOPS_AGE_SECRET} \\\n  --from-file=${ageKey}=${AGE_KEY}`] : [],
        notes: holdsSecrets ? [`kustomize-controller reads the decryption Secret in the Kustomization's own namespace: \`${SOPS_AGE_SECRET}\` goes into ${capiNamespace} on ${cluster.managedBy}, next to Cluster API's kubeconfig Secret.`] : [],
        first,
      };
    }
    const alerts = git.flux.alerts;
    return {
      engine: 'flux',
      title: 'Flux',
      intro: `\`flux bootstrap\` installs Flux with its own GitRepository (flux-system) and points it at ${fromRoot(model, dirs.flux)}; orrery's layer Kustomizations in flux/orrery/ read that same source.`,
      commands: [
        `kubectl create namespace ${FLUX_NAMESPACE}`,
        ...(holdsSecrets ? [`kubectl --namespace ${FLUX_NAMESPACE} create secret generic ${SOPS_AGE_SECRET} \\\n  --from-file=${ageKey}=${AGE_KEY}`] : []),
        ...(alerts?.secret ? [`kubectl --namespace ${FLUX_NAMESPACE} create secret generic ${alerts.secret} --from-literal=token=<${alerts.provider} token>`] : []),
        `flux bootstrap git --url=${git.url} --branch=${git.branch} \\\n  --path=${fromRoot(model, dirs.flux)}`,
      ],
      notes: [
        ...(holdsSecrets ? [`The \`${SOPS_AGE_SECRET}\` Secret holds your age private key (the key file name must end in .agekey); orrery never writes it into git.`] : []),
        // Delivered like every operator Secret (encrypted, in the controllers layer); the Provider waits for it.
        ...(alerts?.secret ? [`The alert provider's Secret \`${FLUX_NAMESPACE}/${alerts.secret}\` is yours: store it encrypted with \`npx orrery secrets --add ${cluster.name}/${FLUX_NAMESPACE}/${alerts.secret} --key ${alerts.address ? 'token' : 'address'} < file\` and synth delivers it.`] : []),
      ],
      first,
    };
  }
  const a = git.argocd;
  const hub = argoHub(model);
  const ksops = holdsSecrets
    ? [
        `kubectl --namespace ${a.namespace} create secret generic ${SOPS_AGE_SECRET} \\\n  --from-file=${ageKey}=${AGE_KEY}`,
        `kubectl --namespace ${a.namespace} patch deployment argocd-repo-server --type strategic \\\n  --patch-file ${fromRoot(model, ARGOCD_REPO_SERVER_PATCH)}`,
      ]
    : [];
  const ksopsNote = holdsSecrets
    ? [`${fromRoot(model, dirs.secrets)}/ is a KSOPS generator: argocd-repo-server needs the ksops and kustomize binaries and the age key; ${fromRoot(model, ARGOCD_REPO_SERVER_PATCH)} adds them and mounts \`${SOPS_AGE_SECRET}\` where SOPS_AGE_KEY_FILE points.`]
    : [];
  const cmPatch = `kubectl --namespace ${a.namespace} patch configmap argocd-cm --type merge \\\n  --patch-file ${fromRoot(model, ARGOCD_CM_PATCH)}`;
  if (!hub) {
    return {
      engine: 'argocd',
      title: 'Argo CD',
      intro: `This cluster runs its own Argo CD (the constellation has no management cluster): apply the root Application once; it syncs ${fromRoot(model, `${dirs.argocd}/apps`)}.`,
      commands: [cmPatch, ...ksops, `kubectl apply -k ${fromRoot(model, dirs.argocd)}`],
      notes: ksopsNote,
      first,
    };
  }
  const dest = argoDestination(model, cluster);
  if (hub.name === cluster.name) {
    return {
      engine: 'argocd',
      title: 'Argo CD',
      intro: `Argo CD runs here and reconciles the whole constellation: the ApplicationSet makes one root Application per \`<cluster>/argocd/cluster.json\`.`,
      commands: [cmPatch, ...ksops, `kubectl apply -k ${fromRoot(model, 'argocd')}`],
      notes: ksopsNote,
      first,
    };
  }
  const server = 'server' in dest ? dest.server : undefined;
  return {
    engine: 'argocd',
    title: 'Argo CD',
    intro: `Reconciled by the Argo CD of ${hub.name}; this cluster must be registered there once: \`orrery up ${cluster.name}\` does it (Secret ${a.namespace}/orrery-cluster-${cluster.name}, from the kubeconfig it fetched), or by hand with ${hub.name}'s kubeconfig as below. Its Applications run in the AppProject \`${cluster.name}\`, which allows only this destination.`,
    commands: [
      server
        ? `argocd cluster add <kubeconfig context of ${cluster.name}> --name ${cluster.name}   # its server must be exactly ${server}`
        : `argocd cluster add <kubeconfig context of ${cluster.name}> --name ${cluster.name}   # the Applications address it by this name`,
    ],
    first,
    notes: [
      server
        ? `Or declaratively: a Secret in ${a.namespace} labelled \`argocd.argoproj.io/secret-type: cluster\` with \`name: ${cluster.name}\`, \`server: ${server}\` (exactly: Argo CD matches the Applications' destination.server against it) and \`config\` holding the credentials.`
        : `Or declaratively: a Secret in ${a.namespace} labelled \`argocd.argoproj.io/secret-type: cluster\` with \`name: ${cluster.name}\`, the cluster's API URL as \`server\`, and \`config\` holding the credentials.`,
    ],
  };
}
