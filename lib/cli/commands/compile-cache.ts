import { realpath } from 'node:fs/promises';
import { buildCacheFileFor } from '../../output/build-cache.ts';
import { indexFileFor } from '../../output/writer-index.ts';
import { startSnapshot, type PendingSnapshot } from '../../output/writer-snapshot.ts';
import { codeFingerprint } from '../../util/code-fingerprint.ts';

// synth's build cache, opened before anything else is loaded (compile.ts): the snapshot of the
// output it starts in a worker then overlaps loading the pipeline as well as compiling the spec.

export type BuildCache = { file: string; realOut: string; fingerprint: string; pending: PendingSnapshot };

/**
 * The last synth's cluster entries that still hold for this output (lib/output/build-cache.ts),
 * with the index and the tree: started in a worker thread (lib/output/writer-snapshot.ts) so that
 * its I/O overlaps reading and checking the spec.
 */
export async function openBuildCache(outDir: string): Promise<BuildCache | undefined> {
  const fingerprint = codeFingerprint();
  if (!fingerprint) return undefined;
  // The writer keys the index by the output's real path (a symlinked dist/ is followed once).
  const realOut = await realpath(outDir).catch(() => outDir);
  const file = buildCacheFileFor(outDir);
  return { file, realOut, fingerprint, pending: startSnapshot({ outDir: realOut, indexFile: indexFileFor(outDir), buildCacheFile: file, fingerprint }) };
}
