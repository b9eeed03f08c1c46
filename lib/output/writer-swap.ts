import { asOutputError, errnoCode } from './fs-error.ts';
import type { WriterFs } from './writer-fs.ts';
import { pathExists, removeTree } from './writer-tree.ts';
import path from 'node:path';
import { IN_PLACE_DIR, recoverInPlace } from './writer-inplace.ts';

/**
 * The swap of a staged tree into place, and the recovery of an interrupted one.
 *
 * A directory cannot be exchanged atomically from Node: `renameat2(RENAME_EXCHANGE)` is Linux-only
 * and libuv's uv_fs_rename passes no flags, so it is unreachable without native code; a symlink
 * swap would turn `dist` into a symbolic link, which git commits as a link, not as the tree
 * Flux and Argo CD read. So the swap is three renames with a commit point, and every orrery
 * command that reads or writes the output (synth, check) first finishes an interrupted swap,
 * under the output lock, before it looks at the tree:
 *
 *   1. build   <out>.orrery-staging     incomplete until renamed; a crash here → discarded
 *   2. rename  staging → <out>.orrery-ready    COMMIT: the new tree is complete
 *   3. rename  <out> → <out>.orrery-old
 *   4. rename  ready → <out>
 *   5. remove  old
 *
 * After a crash at any point, recovery yields the previous tree (before 2) or the new one (from 2).
 */
export interface SwapNames {
  readonly staging: string;
  readonly ready: string;
  readonly old: string;
}

export function swapNames(outDir: string): SwapNames {
  return { staging: `${outDir}.orrery-staging`, ready: `${outDir}.orrery-ready`, old: `${outDir}.orrery-old` };
}


/** Whether an interrupted write left anything for recoverOutput to finish (then the tree it leaves is new). */
export async function hasLeftovers(outDir: string, fs: WriterFs): Promise<boolean> {
  const n = swapNames(outDir);
  const found = await Promise.all([n.ready, n.old, n.staging, path.join(outDir, IN_PLACE_DIR)].map((p) => pathExists(p, fs)));
  return found.includes(true);
}

/** Finishes or undoes an interrupted write so that the output is the last complete tree. Returns warnings. */
export async function recoverOutput(outDir: string, fs: WriterFs, warnings: string[] = []): Promise<string[]> {
  const n = swapNames(outDir);
  const [hasOut, hasReady, hasOld, hasStaging] = await Promise.all([pathExists(outDir, fs), pathExists(n.ready, fs), pathExists(n.old, fs), pathExists(n.staging, fs)]);
  if (hasStaging) await removeTree(n.staging, fs, warnings);
  try {
    if (hasReady && !hasOut) {
      // Crashed between steps 3 and 4 (or a first synth between 2 and 4): the new tree is complete.
      await fs.rename(n.ready, outDir);
    } else if (hasReady && hasOut && !hasOld) {
      // Crashed between 2 and 3: finish the swap; if the output cannot be moved, keep it and drop the new tree.
      const swapped = await swapIn(outDir, fs).then(
        () => true,
        () => false,
      );
      if (!swapped) await removeTree(n.ready, fs, warnings);
    } else if (hasReady) {
      // ready, old and out together cannot come from one run: keep the output, drop the rest.
      await removeTree(n.ready, fs, warnings);
    } else if (hasOld && !hasOut) {
      // An older orrery crashed between its two renames (no ready tree): bring the previous tree back.
      await fs.rename(n.old, outDir);
    }
  } catch (err) {
    throw asOutputError(err, 'cannot finish the interrupted write of the output', outDir);
  }
  if (await pathExists(n.old, fs)) await removeTree(n.old, fs, warnings);
  if (await pathExists(outDir, fs)) await recoverInPlace(outDir, fs, warnings);
  return warnings;
}

/** Steps 3 and 4. Throws the rename error of step 3 untouched (EBUSY: a mount point). */
async function swapIn(outDir: string, fs: WriterFs, betweenRenames?: () => void | Promise<void>): Promise<void> {
  const n = swapNames(outDir);
  await fs.rename(outDir, n.old);
  try {
    await betweenRenames?.();
    await fs.rename(n.ready, outDir);
  } catch (err) {
    await fs.rename(n.old, outDir).catch(() => undefined);
    throw err;
  }
}

export interface SwapFaults {
  readonly afterStaging?: () => void | Promise<void>;
  readonly afterCommit?: () => void | Promise<void>;
  readonly betweenRenames?: () => void | Promise<void>;
}

/** Whether the output directory cannot be renamed away (a mount point), so the tree must be updated in place. */
export function needsInPlace(err: unknown): boolean {
  return ['EBUSY', 'EXDEV', 'EPERM', 'EINVAL'].includes(errnoCode(err) ?? '');
}

/**
 * Steps 2–5 for a complete staging tree. Returns false, with nothing changed, when the output
 * cannot be renamed (a mount point: EBUSY); the caller then updates it in place.
 */
export async function commitStaging(outDir: string, outExists: boolean, fs: WriterFs, faults: SwapFaults, warnings: string[]): Promise<boolean> {
  const n = swapNames(outDir);
  await faults.afterStaging?.();
  try {
    await fs.rename(n.staging, n.ready);
  } catch (err) {
    await removeTree(n.staging, fs, warnings);
    throw asOutputError(err, 'cannot commit the new output (the previous one is unchanged)', n.ready);
  }
  await faults.afterCommit?.();
  if (!outExists) {
    try {
      await fs.rename(n.ready, outDir);
    } catch (err) {
      await removeTree(n.ready, fs, warnings);
      throw asOutputError(err, 'cannot move the new output into place', outDir);
    }
    return true;
  }
  try {
    await swapIn(outDir, fs, faults.betweenRenames);
  } catch (err) {
    if (needsInPlace(err)) {
      await removeTree(n.ready, fs, warnings);
      return false;
    }
    // Not committed after all: the previous tree stays, the new one goes.
    await removeTree(n.ready, fs, warnings);
    throw asOutputError(err, 'cannot swap the new output into place', outDir);
  }
  await removeTree(n.old, fs, warnings);
  return true;
}
