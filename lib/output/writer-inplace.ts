import path from 'node:path';
import { asOutputError, errnoCode } from './fs-error.ts';
import type { WriterFs } from './writer-fs.ts';
import { pathExists, removeTree } from './writer-tree.ts';

/**
 * In-place update, for an output directory that cannot be renamed: a mount point (a container
 * volume: rename(2) of a mount point fails with EBUSY), or one whose parent is not writable.
 * The new files are staged inside the output, a journal is committed, then each file is renamed
 * into place (each file atomically), orphans are removed and the manifest goes last. A crash
 * before the journal leaves the previous tree; after it, the next orrery command replays the
 * journal (every step is idempotent) before it reads the tree.
 */
export const IN_PLACE_DIR = '.orrery-inplace';
const JOURNAL = 'journal.json';

interface Journal {
  /** [staged file name, output-relative path], in order; the manifest last. */
  readonly writes: readonly (readonly [string, string])[];
  readonly removes: readonly string[];
  /** Directories that held only orphans, deepest first: removed when empty. */
  readonly dropDirs: readonly string[];
}

export interface InPlaceFaults {
  readonly afterStaging?: () => void | Promise<void>;
  readonly afterCommit?: () => void | Promise<void>;
}

export async function writeInPlace(outDir: string, journal: { writes: readonly (readonly [string, string])[]; removes: readonly string[]; dropDirs: readonly string[] }, fs: WriterFs, faults: InPlaceFaults, warnings: string[]): Promise<void> {
  const dir = path.join(outDir, IN_PLACE_DIR);
  const staged: [string, string][] = [];
  let entry: Journal;
  try {
    await fs.mkdir(dir, { mode: 0o700 });
    for (const [i, [rel, content]] of journal.writes.entries()) {
      const name = String(i);
      await fs.writeFile(path.join(dir, name), content);
      staged.push([name, rel]);
    }
    await faults.afterStaging?.();
    entry = { writes: staged, removes: journal.removes, dropDirs: journal.dropDirs };
    await fs.writeFile(path.join(dir, `${JOURNAL}.tmp`), JSON.stringify(entry));
    await fs.rename(path.join(dir, `${JOURNAL}.tmp`), path.join(dir, JOURNAL));
  } catch (err) {
    await removeTree(dir, fs, warnings);
    throw asOutputError(err, 'cannot stage the new output files', dir);
  }
  await faults.afterCommit?.();
  await applyJournal(outDir, fs, warnings, entry);
}

async function applyJournal(outDir: string, fs: WriterFs, warnings: string[], given?: Journal): Promise<void> {
  const dir = path.join(outDir, IN_PLACE_DIR);
  try {
    const journal = given ?? (JSON.parse(await fs.readFile(path.join(dir, JOURNAL), 'utf8')) as Journal);
    for (const [name, rel] of journal.writes) {
      const target = path.join(outDir, rel);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.rename(path.join(dir, name), target).catch((err: unknown) => {
        // Already moved by the run that crashed.
        if (errnoCode(err) !== 'ENOENT') throw err;
      });
    }
    for (const rel of journal.removes) await fs.rm(path.join(outDir, rel), { force: true });
    for (const d of journal.dropDirs) {
      await fs.rmdir(path.join(outDir, d)).catch((err: unknown) => {
        if (!['ENOENT', 'ENOTEMPTY', 'EEXIST'].includes(errnoCode(err) ?? '')) throw err;
      });
    }
  } catch (err) {
    // The journal stays: the next run finishes the update.
    throw asOutputError(err, 'cannot update the output in place (the next run finishes it)', outDir);
  }
  await removeTree(dir, fs, warnings);
}

/** Replays a committed journal, or drops an uncommitted staging directory. */
export async function recoverInPlace(outDir: string, fs: WriterFs, warnings: string[]): Promise<void> {
  const dir = path.join(outDir, IN_PLACE_DIR);
  if (!(await pathExists(dir, fs))) return;
  if (await pathExists(path.join(dir, JOURNAL), fs)) await applyJournal(outDir, fs, warnings);
  else await removeTree(dir, fs, warnings);
}
