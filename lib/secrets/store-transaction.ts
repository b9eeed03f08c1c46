import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { SecretsError } from './secrets-error.ts';

/**
 * Writes to the secrets directory, which is source (committed, reviewed) and holds the only copy
 * of generated key material. A set of files is written all or nothing: every file is staged
 * under a random name beside its target (O_CREAT|O_EXCL, mode 0600: never through a planted
 * symlink, never over another file), a journal is committed, then each is renamed into place.
 * A crash before the journal leaves every file as it was (the staged ones are removed by the
 * next run); after it, the next `orrery secrets` finishes the renames, and synth refuses the
 * directory meanwhile — a mesh never ends up with two CAs.
 */
export const SECRETS_JOURNAL = '.orrery-secrets-journal.json';
const STAGED = /^\..+\.orrery-[0-9a-f]{16}\.tmp$/;

export interface SecretsWriteFaults {
  /** After every file is staged, before the journal. */
  readonly afterStaging?: () => void | Promise<void>;
  /** After the i-th rename into place. */
  readonly afterRename?: (index: number) => void | Promise<void>;
}

/** Refuses a symbolic link on the way from the secrets directory to a file; creates missing directories. */
async function safeParent(root: string, rel: string): Promise<void> {
  let dir = root;
  for (const part of path.posix.dirname(rel).split('/').filter((p) => p !== '.')) {
    dir = path.join(dir, part);
    const info = await lstat(dir).catch(() => undefined);
    if (!info) await mkdir(dir);
    else if (info.isSymbolicLink()) throw new SecretsError(`${dir} is a symbolic link; orrery writes secrets only into real directories under ${root} — replace the link with a directory`);
    else if (!info.isDirectory()) throw new SecretsError(`${dir} is not a directory; move it away`);
  }
}

/** Creates a staged copy beside `target`, exclusively, and returns its path. */
async function stage(target: string, content: string): Promise<string> {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.orrery-${randomBytes(8).toString('hex')}.tmp`);
  // O_EXCL|O_NOFOLLOW: fails on anything already at that path, a symbolic link included.
  const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return tmp;
}

function fsMessage(err: unknown, where: string): SecretsError {
  if (err instanceof SecretsError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  const fix = code === 'ENOSPC' ? 'free some space' : code === 'EACCES' || code === 'EPERM' ? 'make it writable for this user' : code === 'EROFS' ? 'remount it read-write' : 'fix it';
  return new SecretsError(`cannot write ${where} (${code}): ${fix} and run npx orrery secrets again`);
}

/** Writes `files` (relative to `root`) all or nothing. */
export async function writeSecretFiles(root: string, files: ReadonlyMap<string, string>, faults: SecretsWriteFaults = {}): Promise<void> {
  if (files.size === 0) return;
  const staged: [string, string][] = [];
  try {
    await mkdir(root, { recursive: true });
    for (const [rel, content] of files) {
      await safeParent(root, rel);
      const target = path.join(root, rel);
      staged.push([path.relative(root, await stage(target, content)), rel]);
    }
    await faults.afterStaging?.();
    const journal = path.join(root, SECRETS_JOURNAL);
    const tmp = await stage(journal, JSON.stringify({ renames: staged }));
    await rename(tmp, journal);
  } catch (err) {
    await Promise.all(staged.map(([tmp]) => unlink(path.join(root, tmp)).catch(() => undefined)));
    throw fsMessage(err, root);
  }
  await applyJournal(root, faults);
}

async function applyJournal(root: string, faults: SecretsWriteFaults = {}): Promise<void> {
  const journal = path.join(root, SECRETS_JOURNAL);
  let renames: [string, string][];
  try {
    renames = (JSON.parse(await readFile(journal, 'utf8')) as { renames: [string, string][] }).renames;
  } catch (err) {
    throw new SecretsError(`${journal} is damaged (${(err as Error).message.split('\n')[0]}); restore the secrets directory from git, delete the journal and run npx orrery secrets again`);
  }
  try {
    for (const [i, [tmp, rel]] of renames.entries()) {
      await rename(path.join(root, tmp), path.join(root, rel)).catch((err: NodeJS.ErrnoException) => {
        // Already renamed by the run that was interrupted.
        if (err.code !== 'ENOENT') throw err;
      });
      await faults.afterRename?.(i);
    }
    await unlink(journal);
  } catch (err) {
    throw fsMessage(err, root);
  }
}

/** Whether an interrupted write left a committed journal: synth must not read a half-rotated directory. */
export async function pendingSecretsTransaction(root: string): Promise<boolean> {
  return lstat(path.join(root, SECRETS_JOURNAL)).then(
    () => true,
    () => false,
  );
}

/** Finishes an interrupted write (journal) and removes files staged by a run that never committed. */
export async function recoverSecretsDir(root: string, dirs: readonly string[]): Promise<boolean> {
  const pending = await pendingSecretsTransaction(root);
  if (pending) await applyJournal(root);
  for (const rel of new Set(['.', ...dirs])) {
    const dir = path.join(root, rel);
    const names = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => STAGED.test(n)).map((n) => unlink(path.join(dir, n)).catch(() => undefined)));
  }
  return pending;
}

/** Writes one file atomically (a staged copy renamed over it), creating its directory. */
export async function writeAtomically(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  let tmp: string | undefined;
  try {
    tmp = await stage(file, content);
    await rename(tmp, file);
  } catch (err) {
    if (tmp) await unlink(tmp).catch(() => undefined);
    throw fsMessage(err, file);
  }
}
