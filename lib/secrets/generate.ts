import type { Model } from '../model/model.ts';
import { decryptSops, encryptSops, KUBERNETES_SECRET_REGEX, parseSopsYaml, recipientsOf, rewrapSops, SopsError } from '../sops/sops.ts';
import type { AgeIdentities } from '../sops/keys.ts';
import { ciliumCa, ciliumCaSecret, linkerdIssuer, linkerdTrustAnchor, MESH_ANNOTATION, talosBundleSecret, talosSecretsBundle, tlsSecret } from './generators.ts';
import { SecretsError } from './secrets-error.ts';
import { loadIssued, type IssuedCertificate } from './pki.ts';
import { trustAnchorCertFile, type SecretRequirement } from './requirements.ts';

export { SecretsError } from './secrets-error.ts';

export interface GenerateRequest {
  readonly model: Model;
  readonly requirements: readonly SecretRequirement[];
  /** Current content of the secrets directory. */
  readonly existing: ReadonlyMap<string, string>;
  /** Requirement ids (`cluster/name`) or names (every cluster) to regenerate. */
  readonly rotate: readonly string[];
  /** Only asked for when existing material must be reused (a new mesh member, a new issuer). */
  readonly identities: () => Promise<AgeIdentities>;
  readonly now: Date;
  /** How a stored file is named in messages (default `secrets/<file>`). */
  readonly show?: (file: string) => string;
}

export interface GenerateResult {
  /** Files to write, relative to the secrets directory. */
  readonly files: ReadonlyMap<string, string>;
  readonly generated: readonly string[];
  readonly rotated: readonly string[];
  readonly kept: readonly string[];
  /** Kept secrets whose data key was re-encrypted to changed recipients. */
  readonly rewrapped: readonly string[];
}

const fromB64 = (s: unknown): string => Buffer.from(String(s), 'base64').toString('utf8');

/** The mesh a stored cilium-ca was made for (its unencrypted annotation). Throws SopsError for a file that is not YAML. */
export function meshOf(text: string): string | undefined {
  const doc = parseSopsYaml(text).toJS({ maxAliasCount: 0 }) as { metadata?: { annotations?: Record<string, unknown> } } | null;
  const mesh = doc?.metadata?.annotations?.[MESH_ANNOTATION];
  return typeof mesh === 'string' ? mesh : undefined;
}

/** Every refusal names the stored file it is about (never a value from it). */
async function about<T>(where: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SopsError) throw new SecretsError(`${where}: ${err.message}`);
    throw err;
  }
}

/** Generates what is missing or asked to rotate; everything else is left byte for byte. */
export async function generateSecrets(req: GenerateRequest): Promise<GenerateResult> {
  const known = new Set(req.requirements.flatMap((r) => [r.id, r.name]));
  const unknown = req.rotate.filter((r) => !known.has(r));
  if (unknown.length > 0) {
    throw new SecretsError(`nothing to rotate named ${unknown.map((u) => JSON.stringify(u)).join(', ')}; the spec needs: ${req.requirements.map((r) => r.id).join(', ') || 'no secrets'}`);
  }
  const recipients = req.model.constellation.sopsRecipients;
  if (req.requirements.length > 0 && recipients.length === 0) {
    throw new SecretsError(`the spec needs ${req.requirements.length} secret(s) but sops.ageRecipients is empty in ${req.model.constellation.source}: add your age public key (age-keygen -y keys.txt)`);
  }
  const rotating = (r: SecretRequirement): boolean => req.rotate.includes(r.id) || req.rotate.includes(r.name);
  const missing = (r: SecretRequirement): boolean => !req.existing.has(r.file);
  const lastModified = `${req.now.toISOString().slice(0, 19)}Z`;
  const files = new Map<string, string>();
  const generated: string[] = [];
  const rotated: string[] = [];
  const note = (r: SecretRequirement): void => void (rotating(r) ? rotated : generated).push(r.id);
  const encrypt = (r: SecretRequirement, doc: Record<string, unknown>): Promise<string> =>
    encryptSops(doc as never, { recipients, lastModified, ...(r.kubernetes ? { encryptedRegex: KUBERNETES_SECRET_REGEX } : {}) });
  const show = req.show ?? ((file: string): string => `secrets/${file}`);
  const decrypt = async (file: string): Promise<Record<string, any>> => {
    const ids = await req.identities();
    return about(show(file), async () => (await decryptSops(req.existing.get(file)!, ids.identities, ids.sources)).data);
  };
  const mesh = (m: SecretRequirement): Promise<string | undefined> => about(show(m.file), () => meshOf(req.existing.get(m.file)!));

  // Talos bundles: one per talosctl cluster, for its config contract.
  for (const r of req.requirements.filter((x) => x.name === 'talos-secrets' && (missing(x) || rotating(x)))) {
    const cluster = req.model.clusters.find((c) => c.name === r.cluster)!;
    files.set(r.file, await encrypt(r, await talosSecretsBundle({ contract: cluster.talos.contract, now: req.now })));
    note(r);
  }

  // Cluster API clusters: the same kind of bundle, as the Secret CABPT reads.
  for (const r of req.requirements.filter((x) => x.name === 'talos-bundle' && (missing(x) || rotating(x)))) {
    const cluster = req.model.clusters.find((c) => c.name === r.cluster)!;
    const bundle = await talosSecretsBundle({ contract: cluster.talos.contract, now: req.now });
    files.set(r.file, await encrypt(r, talosBundleSecret({ cluster: r.cluster, namespace: r.namespace!, bundle })));
    note(r);
  }

  // ClusterMesh: one CA per share group; a new member reuses the CA the others already have.
  const shares = new Map<string, SecretRequirement[]>();
  for (const r of req.requirements.filter((x) => x.name === 'cilium-ca')) shares.set(r.share!, [...(shares.get(r.share!) ?? []), r]);
  for (const members of shares.values()) {
    const rotate = members.some(rotating);
    const stale: SecretRequirement[] = [];
    for (const m of members) if (!missing(m) && (await mesh(m)) !== m.share) stale.push(m);
    if (stale.length > 0 && !rotate) {
      throw new SecretsError(`${stale.map((m) => show(m.file)).join(', ')}: made for another mesh (${(await mesh(stale[0]!)) ?? 'unknown'}, now ${members[0]!.share}); the members would not share one CA — run npx orrery secrets --rotate ${members[0]!.id}`);
    }
    const todo = rotate ? members : members.filter(missing);
    if (todo.length === 0) continue;
    let ca: { certificatePem: string; keyPem: string };
    const source = rotate ? undefined : members.find((m) => !missing(m));
    if (source) {
      const data = (await decrypt(source.file)).data ?? {};
      ca = { certificatePem: fromB64(data['ca.crt']), keyPem: fromB64(data['ca.key']) };
    } else {
      ca = await ciliumCa(req.now);
    }
    for (const m of todo) {
      files.set(m.file, await encrypt(m, ciliumCaSecret(m.namespace!, ca, m.share!)));
      // Rotating one member's CA rotates the whole group's.
      (rotate ? rotated : generated).push(m.id);
    }
  }

  // Linkerd: a new trust anchor re-issues the issuer; a new issuer is signed by the stored anchor.
  for (const anchorReq of req.requirements.filter((x) => x.name === 'linkerd-trust-anchor')) {
    const issuerReq = req.requirements.find((x) => x.name === 'linkerd-identity-issuer' && x.cluster === anchorReq.cluster)!;
    const newAnchor = missing(anchorReq) || rotating(anchorReq);
    if (!newAnchor && !missing(issuerReq) && !rotating(issuerReq)) continue;
    let anchor: IssuedCertificate;
    if (newAnchor) {
      anchor = await linkerdTrustAnchor(req.now);
      files.set(anchorReq.file, await encrypt(anchorReq, tlsSecret('linkerd-trust-anchor', anchorReq.namespace!, anchor, anchor.certificatePem)));
      files.set(trustAnchorCertFile(anchorReq.cluster), anchor.certificatePem);
      note(anchorReq);
    } else {
      const data = (await decrypt(anchorReq.file)).data ?? {};
      try {
        anchor = await loadIssued(fromB64(data['tls.crt']), fromB64(data['tls.key']), 'ecdsa-p256');
      } catch {
        // The library's message may quote what it could not parse: a key. Name the file only.
        throw new SecretsError(`${show(anchorReq.file)}: its tls.crt/tls.key is not an ECDSA P-256 certificate and key orrery can sign with; run npx orrery secrets --rotate ${anchorReq.id}`);
      }
    }
    const issuer = await linkerdIssuer(anchor, req.now);
    files.set(issuerReq.file, await encrypt(issuerReq, tlsSecret('linkerd-identity-issuer', issuerReq.namespace!, issuer, anchor.certificatePem)));
    if (!generated.includes(issuerReq.id) && !rotated.includes(issuerReq.id)) (rotating(issuerReq) || rotating(anchorReq) ? rotated : generated).push(issuerReq.id);
  }

  // Recipients changed in the spec: re-encrypt the data key of what is kept (sops updatekeys).
  const rewrapped: string[] = [];
  const wanted = [...recipients].sort().join();
  for (const r of req.requirements) {
    if (files.has(r.file) || missing(r)) continue;
    const text = req.existing.get(r.file)!;
    if ((await about(show(r.file), () => recipientsOf(text))).sort().join() === wanted) continue;
    const ids = await req.identities();
    files.set(r.file, await about(show(r.file), () => rewrapSops(text, recipients, ids.identities, ids.sources)));
    rewrapped.push(r.id);
  }
  const kept = req.requirements.filter((r) => !generated.includes(r.id) && !rotated.includes(r.id)).map((r) => r.id);
  return { files, generated, rotated, kept, rewrapped };
}
