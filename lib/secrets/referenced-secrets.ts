import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Model } from '../model/model.ts';
import { plaintextInSecretData } from '../sops/sops.ts';
import { storedSecretFile } from './parsed-secrets.ts';
import { addCommand, operatorSecretFile, suppliedSecretFiles, type OperatorSecret } from './operator-secrets.ts';
import type { SecretRequirement } from './requirements.ts';
import type { SecretCheck } from './verify-stored.ts';

interface SecretData {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly type?: unknown;
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown };
  readonly data?: unknown;
  readonly stringData?: unknown;
  readonly sops?: { readonly age?: readonly { readonly recipient?: unknown }[] };
}

/** A Secret the operator supplied, as far as it can be read without its key. */
interface Supplied {
  readonly file: string;
  readonly namespace: string;
  readonly name: string;
  readonly type: string;
  readonly keys: ReadonlySet<string>;
}

export interface ReferencedSecretsInput {
  readonly model: Model;
  /** The secrets directory's files (encrypted), relative paths. */
  readonly secrets: ReadonlyMap<string, string>;
  /** orrery's own generated Secrets. */
  readonly requirements: readonly SecretRequirement[];
  /** What the components declared they read (the registry). */
  readonly referenced: readonly OperatorSecret[];
  /** Per cluster, the namespaces its output creates or that exist anyway. */
  readonly namespaces: ReadonlyMap<string, ReadonlySet<string>>;
  readonly checks?: ReadonlyMap<string, SecretCheck>;
  /** The secrets directory as shown in messages (default `secrets`). */
  readonly shownDir?: string;
  /** The spec directory as shown in messages (default `clusters`), for the commands they give. */
  readonly specShown?: string;
}

const keysOf = (v: unknown): string[] => (v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : []);

/**
 * The operator's Secrets (`secrets/<cluster>/secret-<namespace>-<name>.yaml`) and every Secret
 * the output references: each supplied file must be a fully SOPS-encrypted v1 Secret named like
 * its file, in a namespace the cluster has, not one orrery generates, MAC-verified when a key is
 * at hand; each referenced Secret must be generated or supplied with the keys (and type) its
 * consumer reads — otherwise an error naming the file to create, its keys and the command. Pure.
 */
export function referencedSecretDiagnostics(input: ReferencedSecretsInput): Diagnostic[] {
  const shown = (f: string): string => `${input.shownDir ?? 'secrets'}/${f}`;
  const out: Diagnostic[] = [];
  const at = (file: string, rule: string, message: string, severity: Diagnostic['severity'] = 'error'): void => {
    out.push({ severity, file: shown(file), line: 1, col: 1, pointer: '', rule, message });
  };
  const supplied = new Map<string, Supplied>();
  const wanted = [...input.model.constellation.sopsRecipients].sort();
  // orrery's own Secrets, by the cluster whose tree delivers them (a Cluster API cluster's: its
  // manager's), namespace and object name: indexed once (fleets of thousands of clusters).
  const generatedAll = new Map(input.requirements.filter((r) => r.toDist && r.kubernetes).map((r) => [`${r.deliveredTo ?? r.cluster}/${r.namespace}/${r.secretName ?? r.name}`, r]));
  const referencedByFile = new Map(input.referenced.map((r) => [operatorSecretFile(r), r]));
  for (const cluster of input.model.clusters) {
    const known = input.namespaces.get(cluster.name) ?? new Set<string>();
    for (const file of suppliedSecretFiles(input.secrets, cluster.name)) {
      const parsed = storedSecretFile(input.secrets, file)!;
      if ('problem' in parsed) {
        at(file, 'secrets/not-encrypted', `not a SOPS-encrypted Secret (${parsed.problem}); encrypt it with npx orrery secrets --add, or sops --encrypt --in-place`);
        continue;
      }
      const doc = (parsed.data ?? {}) as SecretData;
      const plaintext = plaintextInSecretData(doc);
      if (plaintext.length > 0) {
        at(file, 'secrets/not-encrypted', `is not fully SOPS-encrypted (${plaintext.slice(0, 3).join('; ')}); never commit secrets in plaintext — treat the values as exposed, then encrypt the file (sops --encrypt --in-place) or make it again with npx orrery secrets --add`);
        continue;
      }
      const name = doc.metadata?.name;
      const namespace = doc.metadata?.namespace;
      if (doc.apiVersion !== 'v1' || doc.kind !== 'Secret' || typeof name !== 'string' || typeof namespace !== 'string') {
        at(file, 'secrets/not-a-secret', `a file named secret-*.yaml under secrets/${cluster.name}/ is a Secret delivered to the cluster: it needs apiVersion: v1, kind: Secret, metadata.name and metadata.namespace`);
        continue;
      }
      const expected = operatorSecretFile({ cluster: cluster.name, namespace, name });
      if (expected !== file) {
        // Named for a Secret the output reads, but holding another: the name inside is the likelier slip.
        const meant = referencedByFile.get(file);
        const set = meant ? [...(meant.name !== name ? [`metadata.name to ${JSON.stringify(meant.name)}`] : []), ...(meant.namespace !== namespace ? [`metadata.namespace to ${JSON.stringify(meant.namespace)}`] : [])] : [];
        const fix = meant
          ? `, but ${meant.consumer} reads ${meant.namespace}/${meant.name}, which the file is named for: set its ${set.join(' and ')}, or rename it to ${shown(expected)} if it is another Secret`
          : `, so its name must be ${shown(expected)} (secret-<namespace>-<name>.yaml, as in dist/): rename it`;
        at(file, 'secrets/file-name', `holds the Secret ${namespace}/${name}${fix}`);
        continue;
      }
      const own = generatedAll.get(`${cluster.name}/${namespace}/${name}`);
      if (own) {
        at(file, 'secrets/generated-by-orrery', `${namespace}/${name} is a Secret orrery generates (${shown(own.file)}); remove this file, or rotate orrery's with npx orrery secrets --rotate ${own.id}`);
        continue;
      }
      if (!known.has(namespace)) {
        at(file, 'secrets/unknown-namespace', `the Secret is for namespace ${JSON.stringify(namespace)}, which cluster ${cluster.name} neither declares (namespaces:) nor gets from a component (namespaces: ${[...known].sort().join(', ')}); declare it or fix metadata.namespace`);
        continue;
      }
      const check = input.checks?.get(file);
      if (check?.status === 'tampered') {
        at(file, 'secrets/tampered', `fails verification (${check.reason}); restore it from git, or make it again with npx orrery secrets --add ${cluster.name}/${namespace}/${name}`);
        continue;
      }
      const recipients = (doc.sops?.age ?? []).map((a) => a.recipient).filter((r): r is string => typeof r === 'string');
      const missing = wanted.filter((r) => !recipients.includes(r));
      if (missing.length > 0) {
        at(file, 'secrets/recipients-changed', `is not encrypted to every sops.ageRecipients (missing ${missing.join(', ')}): the GitOps engine decrypts with one of those keys; re-encrypt with sops updatekeys ${shown(file)}`, 'warning');
      }
      supplied.set(`${cluster.name}/${namespace}/${name}`, { file, namespace, name, type: typeof doc.type === 'string' ? doc.type : 'Opaque', keys: new Set([...keysOf(doc.data), ...keysOf(doc.stringData)]) });
    }
  }
  // One Secret may be read by several consumers (cert-manager and external-dns share nothing, but
  // two BGP peers may share a password): each consumer's keys are checked.
  for (const ref of input.referenced) {
    if (generatedAll.has(`${ref.cluster}/${ref.namespace}/${ref.name}`)) continue;
    const what = `${ref.consumer} reads the Secret ${ref.namespace}/${ref.name} (key${ref.keys.length === 1 ? '' : 's'} ${ref.keys.join(', ') || 'of your choice'}${ref.type ? `, type ${ref.type}` : ''})`;
    const found = supplied.get(`${ref.cluster}/${ref.namespace}/${ref.name}`);
    const diag = (rule: string, message: string): void => {
      out.push({ severity: 'error', file: ref.source, line: 1, col: 1, pointer: ref.pointer, rule, message });
    };
    if (!found) {
      const file = operatorSecretFile(ref);
      if (input.secrets.has(file)) continue; // the file is there but was refused above, with its reason
      diag('secrets/operator-missing', `${what}, which nobody supplies: create ${shown(file)}, SOPS-encrypted${ref.hint ? ` (${ref.hint})` : ''}: ${addCommand(ref, { specShown: input.specShown })}`);
      continue;
    }
    const lacking = ref.keys.filter((k) => !found.keys.has(k));
    if (lacking.length > 0) diag('secrets/operator-keys', `${what}, but ${shown(found.file)} has no ${lacking.join(', ')} (it has ${[...found.keys].sort().join(', ') || 'no keys'}); add ${lacking.length === 1 ? 'it' : 'them'}: ${addCommand(ref, { specShown: input.specShown, replace: true })}`);
    if (ref.type && found.type !== ref.type) diag('secrets/operator-type', `${what}, but ${shown(found.file)} is of type ${found.type}; set type: ${ref.type}`);
  }
  return out;
}
