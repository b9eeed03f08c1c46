import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { SourceFile } from '../read/source-file.ts';
import type { SpecSet } from './spec-set.ts';

/**
 * What the cluster rules (CLUSTER_RULES of check-semantics.ts) found in one cluster file,
 * remembered between runs (lib/read/spec-cache.ts implements it; lib/check only knows this
 * interface, so checkSemantics stays pure). The cluster rules read, and nothing else:
 * - the cluster's spec and its file (positions and the display path in every finding);
 * - the constellation's `versions` and its file (versionSources: a version in effect that the
 *   constellation sets is reported there);
 * - the per-run AddressFacts memo, a pure function of the cluster's spec (the constellation
 *   rules compute what they ask of it on demand, so skipping a cluster's rules changes nothing
 *   for them);
 * - orrery's code and tables (DEFAULT_VERSIONS, the Talos tables): in the spec cache's fingerprint;
 * - the Talos patch files the cluster includes (checkTalosPatches): a cluster with any is not
 *   memoised.
 * Hence the key: the content keys (hashes of the bytes) and display paths of the cluster file
 * and of the constellation file.
 */
export interface CheckMemo {
  /** A key of the file's bytes (a content hash); undefined when there is none, and the cluster is checked afresh. */
  readonly contentKey: (file: SourceFile) => string | undefined;
  readonly get: (key: string) => readonly Diagnostic[] | undefined;
  readonly put: (key: string, findings: readonly Diagnostic[]) => void;
}

/** The memo key of a cluster's findings, or undefined when they cannot be memoised (see CheckMemo). */
export function clusterFindingsKey(memo: Pick<CheckMemo, 'contentKey'>, entry: SpecSet['clusters'][number], constellation: SpecSet['constellation']): string | undefined {
  // The key names the files' bytes: it stands for the spec only when the spec is that file's data.
  if (entry.spec !== entry.file.data || constellation.spec !== constellation.file.data) return undefined;
  if (entry.file.includes !== undefined && entry.file.includes.size > 0) return undefined;
  const own = memo.contentKey(entry.file);
  const cons = memo.contentKey(constellation.file);
  if (own === undefined || cons === undefined) return undefined;
  // The four texts themselves (no hash: a thousand hashes cost more than the longer keys do in the cache file).
  return JSON.stringify([own, entry.file.displayPath, cons, constellation.file.displayPath]);
}
