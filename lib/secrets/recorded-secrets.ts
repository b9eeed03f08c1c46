import { createHash } from 'node:crypto';
import { SUPPLIED_LISTING, suppliedSecretFiles } from './operator-secrets.ts';
import { UNDERLYING } from './parsed-secrets.ts';

/**
 * A read-only view of the secrets directory's files (or of what the read stage checked about
 * them) that remembers what a cluster's build looked at, for the build cache
 * (lib/build/cluster-cache.ts): every key looked up, and every listing of a cluster's supplied
 * Secret files (`suppliedSecretFiles`), recorded as `ls:<cluster>` rather than as every file of
 * the directory. Enumerating the map itself counts as reading every key.
 */
export class RecordingMap<V> implements ReadonlyMap<string, V> {
  readonly read = new Set<string>();
  constructor(readonly inner: ReadonlyMap<string, V>) {}
  private all(): void {
    for (const k of this.inner.keys()) this.read.add(k);
  }
  get(key: string): V | undefined {
    this.read.add(key);
    return this.inner.get(key);
  }
  has(key: string): boolean {
    this.read.add(key);
    return this.inner.has(key);
  }
  get size(): number {
    this.all();
    return this.inner.size;
  }
  forEach(fn: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    this.all();
    this.inner.forEach((v, k) => fn(v, k, this));
  }
  entries(): MapIterator<[string, V]> {
    this.all();
    return this.inner.entries();
  }
  keys(): MapIterator<string> {
    this.all();
    return this.inner.keys();
  }
  values(): MapIterator<V> {
    this.all();
    return this.inner.values();
  }
  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
  get [UNDERLYING](): ReadonlyMap<string, V> {
    return this.inner;
  }
  [SUPPLIED_LISTING](cluster: string): readonly string[] {
    this.read.add(`${LISTING}${cluster}`);
    return suppliedSecretFiles(this.inner as ReadonlyMap<string, string>, cluster);
  }
}

const LISTING = 'ls:';

export const isListing = (read: string): boolean => read.startsWith(LISTING);

const sha = (text: string): string => createHash('sha256').update(text).digest('base64');

/** The hash of what a recorded read saw: a file's text (null when absent) or a cluster's listing. */
export function readHash(secrets: ReadonlyMap<string, unknown>, read: string): string | null {
  if (isListing(read)) return sha(suppliedSecretFiles(secrets as ReadonlyMap<string, string>, read.slice(LISTING.length)).join('\n'));
  const text = secrets.get(read);
  return typeof text === 'string' ? sha(text) : null;
}
