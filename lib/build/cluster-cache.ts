import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Model } from '../model/model.ts';
import type { OperatorSecret } from '../secrets/operator-secrets.ts';
import type { SecretRequirement } from '../secrets/requirements.ts';
import type { SecretCheck } from '../secrets/verify-stored.ts';
import { isListing, readHash, type RecordingMap } from '../secrets/recorded-secrets.ts';

/**
 * What synth remembers of one cluster's build, so that the next synth with the same inputs
 * neither builds, renders nor reads back that cluster's files (issue 16).
 *
 * The key is a hash of everything the build can read: orrery's code (its fingerprint), the
 * cluster's view of the model (lib/build/cluster-view.ts: the cluster, the clusters and fleet
 * facts it reads, nothing else — the build is given exactly that view), and the Secrets
 * requirements delivered with it. The stored Secrets are the one input too large to hash up
 * front: the build reads them through a recording map, and the entry keeps the hash of every
 * file it read (and what the read stage checked about it), compared before the entry is used.
 * The files themselves are not kept, only their hashes; the entry is offered to synth only when
 * the output index holds those very hashes and every file is on disk as the index recorded it
 * (lib/output/build-cache.ts), so a hand edit in dist/, or a write the entry did not see, makes
 * the cluster build again.
 */
export interface ClusterCacheEntry {
  readonly key: string;
  /** Every stored Secret file the build looked up: [file, hash of its text or null when absent, the read stage's check or null]. */
  readonly secrets: readonly (readonly [string, string | null, string | null])[];
  /** The output files the build rendered, relative to the output directory, with the hash of their bytes (as the output index hashes them). */
  readonly files: readonly (readonly [string, string])[];
  readonly diagnostics: readonly Diagnostic[];
  readonly referencedSecrets: readonly OperatorSecret[];
  readonly notices: readonly string[];
  /** Namespaces the build creates, by the cluster whose tree holds them. */
  readonly namespaces: readonly (readonly [string, string])[];
}

export type ClusterCache = ReadonlyMap<string, ClusterCacheEntry>;

const sha = (text: string): string => createHash('sha256').update(text).digest('base64');

const clusterHashes = new WeakMap<object, string>();

/**
 * JSON loses numbers it cannot write (NaN, ±Infinity become null; -0 becomes 0), and a Talos patch
 * may hold them (`.nan`, `.inf`, `-0` in YAML): in a key they are written out, so that `.nan` and
 * `.inf` are other keys.
 */
const exactNumbers = (_key: string, value: unknown): unknown =>
  typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0)) ? { 'orrery:number': Object.is(value, -0) ? '-0' : String(value) } : value;

/** The JSON of a value for a key: exact for every number (see exactNumbers). */
export const keyJson = (value: unknown): string => JSON.stringify(value, exactNumbers);

/**
 * The key of a cluster's build (see ClusterCacheEntry): a hash of the fingerprint, the view's
 * constellation, each cluster of the view (each cluster's own hash made once per model, since a
 * cluster is in the views of all its peers) and the requirements.
 */
export function clusterKey(fingerprint: string, view: Model, requirements: readonly SecretRequirement[]): string {
  const hashes = view.clusters.map((c) => {
    let h = clusterHashes.get(c);
    if (!h) {
      h = sha(keyJson(c));
      clusterHashes.set(c, h);
    }
    return h;
  });
  return sha(`${fingerprint}\n${keyJson(view.constellation)}\n${hashes.join('\n')}\n${keyJson(requirements)}`);
}

const checkText = (check: SecretCheck | undefined): string | null => (check ? JSON.stringify(check) : null);

/** Whether the stored Secrets the entry's build read are still what it read. */
export function secretsUnchanged(entry: ClusterCacheEntry, secrets: ReadonlyMap<string, string>, checks: ReadonlyMap<string, SecretCheck> | undefined): boolean {
  return entry.secrets.every(([read, hash, check]) => readHash(secrets, read) === hash && (isListing(read) || checkText(checks?.get(read)) === check));
}

/** What the entry records of the Secrets a build read (through RecordingMaps of the files and the checks). */
export function secretsRead(files: RecordingMap<string>, checks: RecordingMap<SecretCheck> | undefined): (readonly [string, string | null, string | null])[] {
  const read = [...new Set([...files.read, ...(checks?.read ?? [])])].sort();
  return read.map((r) => [r, readHash(files.inner, r), isListing(r) ? null : checkText(checks?.inner.get(r))] as const);
}
