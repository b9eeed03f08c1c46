import type { Diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ClusterComponent } from '../../build/component.ts';
import { plaintextInParsedSecret, plaintextInSecretData } from '../../sops/sops.ts';
import { storedSecretFile } from '../../secrets/parsed-secrets.ts';
import { MESH_ANNOTATION } from '../../secrets/generators.ts';
import { toYaml, yamlHeader } from '../../output/yaml.ts';
import { compareCodePoints } from '../../util/order.ts';
import { suppliedSecretFiles } from '../../secrets/operator-secrets.ts';

const SECRETS_COMMAND = 'npx orrery secrets';
export const KSOPS_GENERATOR = 'secret-generator.yaml';

/** The KSOPS generator config: apiVersion viaduct.ai/v1, kind ksops, run as the `ksops` exec function. */
function ksopsGenerator(source: string, files: readonly string[]): string {
  return (
    yamlHeader(source) +
    toYaml({
      apiVersion: 'viaduct.ai/v1',
      kind: 'ksops',
      metadata: { name: 'secrets', annotations: { 'config.kubernetes.io/function': 'exec:\n  path: ksops\n' } },
      files: [...files].sort(compareCodePoints).map((f) => `./${f}`),
    })
  );
}

interface SecretFileData {
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly annotations?: Record<string, string> };
  readonly sops?: { readonly age?: readonly { readonly recipient?: string }[] };
}

/**
 * Emits `<cluster>/secrets/`: the cluster's SOPS-encrypted Secrets, copied byte for byte from
 * the secrets directory (never re-encrypted, so the output stays the same and PR diffs quiet).
 */
export const secretsComponent: ClusterComponent = {
  name: 'secrets',
  build({ model, cluster, secrets, secretRequirements, secretChecks }) {
    const diagnostics: Diagnostic[] = [];
    const files: { name: string; content: string }[] = [];
    let source = cluster.source;
    const problem = (severity: Diagnostic['severity'], rule: string, message: string): void => {
      diagnostics.push({ severity, file: source, line: 1, col: 1, pointer: '', rule, message });
    };
    for (const r of secretRequirements) {
      // A Secret delivered to another cluster's tree (Cluster API) is reported at the spec that needs it.
      source = r.source;
      const content = secrets.get(r.file);
      if (content === undefined) {
        problem(r.toDist ? 'error' : 'warning', 'secrets/missing', `secrets/${r.file} (${r.why}) does not exist yet: run ${SECRETS_COMMAND}`);
        continue;
      }
      const parsed = storedSecretFile(secrets, r.file)!;
      const data = 'data' in parsed ? (parsed.data as SecretFileData) : undefined;
      const plaintext = 'problem' in parsed ? [parsed.problem] : r.kubernetes ? plaintextInSecretData(data) : data?.sops ? [] : ['no sops metadata'];
      if (plaintext.length > 0) {
        problem('error', 'secrets/not-encrypted', `secrets/${r.file} is not fully SOPS-encrypted (${plaintext.slice(0, 3).join('; ')}); never keep secrets in plaintext — delete it and run ${SECRETS_COMMAND}`);
        continue;
      }
      const recipients = (data?.sops?.age ?? []).map((a) => a.recipient).sort();
      const wanted = [...model.constellation.sopsRecipients].sort();
      if (recipients.join() !== wanted.join()) {
        problem('warning', 'secrets/recipients-changed', `secrets/${r.file} is encrypted to ${recipients.join(', ') || 'nobody'}, not to sops.ageRecipients: run ${SECRETS_COMMAND} to re-encrypt its data key`);
      }
      if (!r.toDist) continue;
      // Verified in memory by the read stage (lib/secrets/verify-stored.ts): never copy a file whose MAC
      // fails when a key could check it, nor one mesh member's CA that differs from the others'.
      const check = secretChecks?.get(r.file);
      if (check?.status === 'tampered') {
        problem('error', 'secrets/tampered', `secrets/${r.file} fails verification (${check.reason}); restore it from git, or run npx orrery secrets --rotate ${r.id}`);
        continue;
      }
      if (check?.status === 'mesh-mismatch') {
        problem('error', 'secrets/mesh-ca-mismatch', check.reason);
        continue;
      }
      if (check?.status === 'unverified' && check.reason === 'not-our-key') {
        problem('warning', 'secrets/unverified', `secrets/${r.file} is not encrypted to any of your age keys, so its MAC was not checked before it was copied`);
      }
      const meta = data?.metadata;
      if (r.share && meta?.annotations?.[MESH_ANNOTATION] !== r.share) {
        problem('error', 'secrets/stale', `secrets/${r.file} holds a ClusterMesh CA made for ${meta?.annotations?.[MESH_ANNOTATION] ?? 'another mesh'}, not for ${r.share}: run npx orrery secrets --rotate ${r.id}`);
        continue;
      }
      if (r.secretName && meta?.name !== r.secretName) {
        problem('error', 'secrets/stale', `secrets/${r.file} holds the Secret ${JSON.stringify(meta?.name)}, but the spec references ${JSON.stringify(r.secretName)}: set its metadata.name to ${JSON.stringify(r.secretName)}`);
        continue;
      }
      if (meta?.namespace !== r.namespace) {
        problem('error', 'secrets/stale', `secrets/${r.file} is for namespace ${JSON.stringify(meta?.namespace)} but the spec puts it in ${JSON.stringify(r.namespace)}: run npx orrery secrets --rotate ${r.id}`);
        continue;
      }
      files.push({ name: `secret-${r.namespace}-${meta?.name ?? r.name}.yaml`, content });
    }
    // The operator's own Secrets, byte for byte beside orrery's: checked after the build with
    // every Secret the output references (lib/secrets/referenced-secrets.ts).
    // (One named like a generated Secret is refused there, never written over orrery's.)
    for (const file of suppliedSecretFiles(secrets, cluster.name)) {
      const name = file.slice(cluster.name.length + 1);
      // A file with plaintext is refused by that check and never reaches the output.
      const content = secrets.get(file)!;
      if (!files.some((f) => f.name === name) && plaintextInParsedSecret(storedSecretFile(secrets, file)!).length === 0) files.push({ name, content });
    }
    const dir = `${cluster.name}/secrets`;
    if (files.length === 0) return { bundles: [], files: [], diagnostics };
    // Flux's kustomize-controller decrypts SOPS files listed as resources (spec.decryption).
    if (model.constellation.gitops.engine !== 'argocd') return { bundles: [{ dir, source: cluster.source, objects: [], files }], files: [], diagnostics };
    // Argo CD applies resources as they are (an ENC[...] value is no base64: the API server
    // rejects it). KSOPS is a kustomize exec KRM generator: it decrypts only the files a
    // `kind: ksops` generator names (viaduct-ai/kustomize-sops v4.5.1 README, "Argo CD Integration").
    const bundles = [{ dir, source: cluster.source, objects: [], generators: [{ name: KSOPS_GENERATOR, content: ksopsGenerator(cluster.source, files.map((f) => f.name)) }], generatorInputs: files }];
    return { bundles, files: [], diagnostics };
  },
};
