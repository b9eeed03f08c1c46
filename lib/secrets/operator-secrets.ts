import type { Diagnostic } from '../diagnostics/diagnostic.ts';

/** A Secret the output references that only the operator can supply (provider credentials). */
export interface OperatorSecret {
  readonly cluster: string;
  /** The spec file, for the diagnostic. */
  readonly source: string;
  /** JSON pointer of the spec key that names the Secret (or enables its consumer). */
  readonly pointer: string;
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly string[];
  /** Who reads it, e.g. "external-dns (google)". */
  readonly consumer: string;
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

/**
 * Where the operator keeps the Secret, SOPS-encrypted, beside orrery's generated ones; named like
 * its file in dist/ (`secret-<namespace>-<name>.yaml`), because one name can live in two
 * namespaces (cert-manager's and external-dns's copy of a DNS provider token).
 */
export function operatorSecretFile(s: Pick<OperatorSecret, 'cluster' | 'namespace' | 'name'>): string {
  return `${s.cluster}/secret-${s.namespace}-${s.name}.yaml`;
}

/**
 * A warning for every operator-supplied Secret: named with its namespace, keys and the file to
 * create. orrery does not deliver operator Secrets yet (issue 12, operator inputs), so even an
 * existing file is reported with the command that applies it by hand.
 */
export function operatorSecretDiagnostics(secrets: ReadonlyMap<string, string>, wanted: readonly OperatorSecret[]): Diagnostic[] {
  return wanted.map((s) => {
    const file = operatorSecretFile(s);
    const what = `${s.consumer} reads its credentials from the Secret ${s.namespace}/${s.name} (key${s.keys.length > 1 ? 's' : ''} ${s.keys.join(', ')})`;
    const message = secrets.has(file)
      ? `${what}; orrery does not deliver operator Secrets yet: apply secrets/${file} by hand (sops --decrypt secrets/${file} | kubectl apply -f -)`
      : `${what}, which the operator supplies: create it SOPS-encrypted as secrets/${file} and apply it (sops --decrypt secrets/${file} | kubectl apply -f -); orrery does not deliver operator Secrets yet`;
    return { severity: 'warning', file: s.source, line: 1, col: 1, pointer: s.pointer, rule: 'secrets/operator-supplied', message };
  });
}
