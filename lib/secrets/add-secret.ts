import type { Model } from '../model/model.ts';
import { encryptSops, KUBERNETES_SECRET_REGEX } from '../sops/sops.ts';
import { operatorSecretFile, type OperatorSecret } from './operator-secrets.ts';
import { SecretsError } from './secrets-error.ts';

/** What `orrery secrets --add` makes: one operator Secret, named and typed. */
export interface SecretTarget {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
  /** The keys its consumers read (empty for a Secret of the operator's own). */
  readonly keys: readonly string[];
  readonly type: string;
  /** Who reads it (for the summary line). */
  readonly consumers: readonly string[];
}

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Secret data keys as the API server validates them (IsConfigMapKey: [-._a-zA-Z0-9]+). */
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * Resolves `--add ID` against the Secrets the output references: `<cluster>/<namespace>/<name>`
 * (also a Secret of the operator's own that nothing in orrery reads), or, when that names one
 * declared Secret unambiguously, `<cluster>/<name>` or `<name>`.
 */
export function resolveSecretTarget(id: string, model: Model, declared: readonly OperatorSecret[]): SecretTarget {
  const parts = id.split('/');
  if (parts.length > 3 || parts.some((p) => !NAME.test(p))) {
    throw new SecretsError(`--add ${JSON.stringify(id)}: name the Secret as <cluster>/<namespace>/<name> (DNS labels), e.g. lab/external-dns/external-dns`);
  }
  const [a, b, c] = parts;
  const matches = declared.filter((s) =>
    parts.length === 3 ? s.cluster === a && s.namespace === b && s.name === c : parts.length === 2 ? s.cluster === a && s.name === b : s.name === a,
  );
  const distinct = [...new Map(matches.map((s) => [`${s.cluster}/${s.namespace}/${s.name}`, s])).keys()];
  if (distinct.length > 1) throw new SecretsError(`--add ${JSON.stringify(id)} names several Secrets the output reads: ${distinct.join(', ')}; give <cluster>/<namespace>/<name>`);
  if (distinct.length === 0) {
    const list = [...new Set(declared.map((s) => `${s.cluster}/${s.namespace}/${s.name}`))].sort();
    if (parts.length !== 3) throw new SecretsError(`--add ${JSON.stringify(id)}: no Secret the output reads is named so (${list.length > 0 ? `it reads ${list.join(', ')}` : 'it reads none the operator supplies'}); for a Secret of your own give <cluster>/<namespace>/<name>`);
    if (!model.clusters.some((cl) => cl.name === a)) throw new SecretsError(`--add ${JSON.stringify(id)}: there is no cluster ${JSON.stringify(a)} (clusters: ${model.clusters.map((cl) => cl.name).join(', ')})`);
    return { cluster: a!, namespace: b!, name: c!, keys: [], type: 'Opaque', consumers: [] };
  }
  const [key] = distinct;
  const refs = matches.filter((s) => `${s.cluster}/${s.namespace}/${s.name}` === key);
  const first = refs[0]!;
  return {
    cluster: first.cluster,
    namespace: first.namespace,
    name: first.name,
    keys: [...new Set(refs.flatMap((r) => r.keys))],
    type: refs.find((r) => r.type)?.type ?? 'Opaque',
    consumers: [...new Set(refs.map((r) => r.consumer))],
  };
}

/**
 * The values from stdin: with `--key K` the whole input is K's value (one trailing newline, which
 * `echo` adds, dropped); otherwise `KEY=VALUE` lines, as `kubectl create secret --from-env-file`
 * reads them (blank lines and `#` comments skipped, the value verbatim after the first `=`).
 */
export function parseSecretValues(input: string, key?: string): Map<string, string> {
  if (key !== undefined) {
    if (!DATA_KEY.test(key)) throw new SecretsError(`--key ${JSON.stringify(key)} is not a Secret key (letters, digits, '-', '_' and '.')`);
    return new Map([[key, input.replace(/\r?\n$/, '')]]);
  }
  const values = new Map<string, string>();
  input.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const eq = line.indexOf('=');
    const k = eq < 0 ? line.trim() : line.slice(0, eq).trim();
    // The line number only: the line may be a value.
    if (eq < 0 || !DATA_KEY.test(k)) throw new SecretsError(`line ${i + 1} of the input is not KEY=VALUE with a Secret key (letters, digits, '-', '_' and '.'); for one value of several lines use --key KEY`);
    if (values.has(k)) throw new SecretsError(`the input sets ${k} twice (line ${i + 1})`);
    values.set(k, line.slice(eq + 1));
  });
  return values;
}

/** The SOPS-encrypted Secret file (data base64-encoded, encrypted to the constellation's recipients), and its path. */
export async function encryptOperatorSecret(options: { model: Model; target: SecretTarget; values: ReadonlyMap<string, string>; now: Date }): Promise<{ file: string; content: string }> {
  const { target, values } = options;
  const missing = target.keys.filter((k) => !values.has(k));
  if (missing.length > 0) throw new SecretsError(`${target.consumers.join(' and ') || 'the Secret'} needs ${missing.join(', ')}, which the input does not give (it gives ${[...values.keys()].join(', ') || 'nothing'})`);
  if (values.size === 0) throw new SecretsError('the input holds no value: pipe KEY=VALUE lines, or one value with --key KEY');
  const data = Object.fromEntries([...values].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
  const doc = { apiVersion: 'v1', kind: 'Secret', metadata: { name: target.name, namespace: target.namespace }, type: target.type, data };
  const content = await encryptSops(doc, { recipients: options.model.constellation.sopsRecipients, encryptedRegex: KUBERNETES_SECRET_REGEX, lastModified: `${options.now.toISOString().slice(0, 19)}Z` });
  return { file: operatorSecretFile(target), content };
}
