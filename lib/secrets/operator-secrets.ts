import { compareCodePoints } from '../util/order.ts';

/**
 * The registry of Secrets the output references that orrery does not generate: each component
 * declares the ones it reads (ComponentOutput.operatorSecrets for platform components,
 * Artifacts.referencedSecrets for any other generator), and one check after the build
 * (lib/secrets/referenced-secrets.ts) proves each is supplied under secrets/<cluster>/ — or
 * reports the file to create and its keys. Declaring a Secret is all a component does.
 */
export interface OperatorSecret {
  readonly cluster: string;
  /** The spec file, for the diagnostic. */
  readonly source: string;
  /** JSON pointer of the spec key that names the Secret (or enables its consumer). */
  readonly pointer: string;
  readonly namespace: string;
  readonly name: string;
  /** Keys the consumer reads; every one must be in the supplied Secret's data or stringData. */
  readonly keys: readonly string[];
  /** Who reads it, e.g. "external-dns (google)". */
  readonly consumer: string;
  /** The Secret type the consumer insists on (MetalLB: kubernetes.io/basic-auth); absent: any. */
  readonly type?: string;
  /** One line on what each key holds, for the message and `orrery secrets --add`. */
  readonly hint?: string;
}

/**
 * The keys of a DNS provider's credentials Secret, the same for cert-manager's DNS-01 solvers and
 * external-dns, so one Secret per namespace serves both: a Google service account key file, a
 * Cloudflare API token, an AWS access key pair.
 */
export const DNS_CREDENTIAL_KEYS: Readonly<Record<'google' | 'cloudflare' | 'route53', readonly string[]>> = {
  google: ['key.json'],
  cloudflare: ['api-token'],
  route53: ['access-key-id', 'secret-access-key'],
};

export const DNS_CREDENTIAL_HINTS: Readonly<Record<'google' | 'cloudflare' | 'route53', string>> = {
  google: 'key.json: a Google service account key file with the DNS Administrator role',
  cloudflare: 'api-token: a Cloudflare API token with Zone:DNS:Edit',
  route53: 'access-key-id and secret-access-key: an AWS access key allowed to change the hosted zones',
};

const OPERATOR_FILE = /^secret-[^/]+\.yaml$/;

/**
 * Where the operator keeps the Secret, SOPS-encrypted, beside orrery's generated ones; named like
 * its file in dist/ (`secret-<namespace>-<name>.yaml`), because one name can live in two
 * namespaces (cert-manager's and external-dns's copy of a DNS provider token).
 */
export function operatorSecretFile(s: Pick<OperatorSecret, 'cluster' | 'namespace' | 'name'>): string {
  return `${s.cluster}/secret-${s.namespace}-${s.name}.yaml`;
}

/** Per secrets map, its operator files by cluster: indexed once, not scanned per cluster (fleets of thousands). */
const byCluster = new WeakMap<ReadonlyMap<string, string>, Map<string, string[]>>();

/**
 * A secrets map that answers the listing itself (lib/secrets/recorded-secrets.ts, which records
 * the listing as something the build read, instead of every file of the directory).
 */
export const SUPPLIED_LISTING = Symbol('orrery.suppliedSecretFiles');

/** The operator's Secret files of one cluster among the secrets directory's files, in order. */
export function suppliedSecretFiles(secrets: ReadonlyMap<string, string>, cluster: string): readonly string[] {
  const own = (secrets as { [SUPPLIED_LISTING]?: (cluster: string) => readonly string[] })[SUPPLIED_LISTING];
  if (own) return own.call(secrets, cluster);
  let index = byCluster.get(secrets);
  if (!index) {
    index = new Map();
    for (const f of [...secrets.keys()].sort(compareCodePoints)) {
      const slash = f.indexOf('/');
      if (slash < 0 || !OPERATOR_FILE.test(f.slice(slash + 1))) continue;
      const c = f.slice(0, slash);
      const list = index.get(c) ?? [];
      list.push(f);
      index.set(c, list);
    }
    byCluster.set(secrets, index);
  }
  return index.get(cluster) ?? [];
}

/** The command that creates a declared Secret, values on stdin (never on the command line). */
export function addCommand(s: Pick<OperatorSecret, 'cluster' | 'namespace' | 'name' | 'keys'>, options: { specShown?: string; replace?: boolean } = {}): string {
  const id = `${s.cluster}/${s.namespace}/${s.name}`;
  const spec = (options.specShown ?? 'clusters') === 'clusters' ? '' : ` --spec ${options.specShown}`;
  const yes = options.replace ? ' --yes' : '';
  return s.keys.length === 1 ? `npx orrery secrets${spec} --add ${id} --key ${s.keys[0]}${yes} < <file holding the value>` : `npx orrery secrets${spec} --add ${id}${yes} < <file of KEY=VALUE lines: ${s.keys.join(', ')}>`;
}
