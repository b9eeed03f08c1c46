import type { Model } from '../model/model.ts';
import { meshComponents } from '../check/mesh.ts';

/** One generated secret the spec needs, stored SOPS-encrypted under the secrets directory. */
export interface SecretRequirement {
  /** `<cluster>/<name>`: what `orrery secrets --rotate` takes. */
  readonly id: string;
  readonly name: 'talos-secrets' | 'talos-bundle' | 'cilium-ca' | 'linkerd-trust-anchor' | 'linkerd-identity-issuer';
  readonly cluster: string;
  /** Path relative to the secrets directory. */
  readonly file: string;
  /** Copied byte for byte into `dist/<cluster>/secrets/` (Kubernetes Secrets the GitOps engine applies). */
  readonly toDist: boolean;
  /** Kubernetes Secret (encrypted_regex data|stringData) or a whole-file secret (the Talos bundle). */
  readonly kubernetes: boolean;
  /** Requirements with the same share key hold the same material (a mesh's CA). */
  readonly share?: string;
  /** Namespace of the Kubernetes Secret. */
  readonly namespace?: string;
  readonly why: string;
  readonly source: string;
  /** The cluster whose `dist/` tree carries it (default: the cluster itself). A Cluster API cluster's Secrets live on its management cluster. */
  readonly deliveredTo?: string;
  /** The Secret's metadata.name when objects reference it by that name (checked against the stored file). */
  readonly secretName?: string;
}

/**
 * The Secret orrery generates for a Cluster API cluster, on its management cluster in its Cluster
 * API namespace: `<cluster>-talos` (the Talos PKI, which CABPT reads instead of generating one —
 * cluster-api-bootstrap-provider-talos@v0.6.12 controllers/secrets.go getSecretsBundle). The
 * credentials its objects reference are the operator's (lib/components/cluster-api/credentials.ts).
 */
export function clusterApiRequirements(c: Model['clusters'][number]): SecretRequirement[] {
  const capi = c.clusterApi;
  if (!capi || capi.provider === 'packet') return [];
  return [
    { cluster: c.name, source: c.source, deliveredTo: capi.manager, namespace: capi.namespace, kubernetes: true, toDist: true, id: `${c.name}/talos-bundle`, name: 'talos-bundle', file: `${c.name}/talos-bundle.yaml`, secretName: `${c.name}-talos`, why: `the Talos secrets bundle CABPT uses for ${c.name}'s machines` },
  ];
}

/**
 * Every secret the model needs, in a stable order. Computed once per model (builders of every
 * cluster ask for it: without the cache that is clusters² work); each call gets its own array.
 */
export function secretRequirements(model: Model): SecretRequirement[] {
  let cached = REQUIREMENTS.get(model);
  if (!cached) REQUIREMENTS.set(model, (cached = computeRequirements(model)));
  return [...cached];
}

const REQUIREMENTS = new WeakMap<Model, readonly SecretRequirement[]>();

function computeRequirements(model: Model): SecretRequirement[] {
  const out: SecretRequirement[] = [];
  const mesh = meshComponents(model.constellation.meshGroups);
  for (const c of model.clusters) {
    const req = (r: Omit<SecretRequirement, 'id' | 'cluster' | 'file' | 'source'>): void => {
      out.push({ ...r, id: `${c.name}/${r.name}`, cluster: c.name, file: `${c.name}/${r.name}.yaml`, source: c.source });
    };
    if (c.provisioning.method === 'talosctl' && c.nodes.length > 0) {
      req({ name: 'talos-secrets', toDist: false, kubernetes: false, why: 'the Talos secrets bundle, for talosctl gen config --with-secrets' });
    }
    const share = mesh.get(c.name)?.key;
    if (share && c.cni.name === 'cilium') {
      req({ name: 'cilium-ca', toDist: true, kubernetes: true, share, namespace: c.cni.cilium?.namespace ?? 'kube-system', why: `the ClusterMesh CA shared by ${share.slice(5)}` });
    }
    if (c.components.linkerd?.enabled) {
      const namespace = c.components.linkerd.namespace ?? 'linkerd';
      req({ name: 'linkerd-trust-anchor', toDist: false, kubernetes: true, namespace, why: 'the Linkerd trust anchor (root CA)' });
      req({ name: 'linkerd-identity-issuer', toDist: true, kubernetes: true, namespace, why: 'the Linkerd identity issuer' });
    }
    out.push(...clusterApiRequirements(c));
  }
  return out;
}

/** The Linkerd trust anchor's certificate, public, next to its encrypted key: what the values need. */
export function trustAnchorCertFile(cluster: string): string {
  return `${cluster}/linkerd-trust-anchor.crt`;
}
