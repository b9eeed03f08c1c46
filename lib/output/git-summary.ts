import { simpleGit } from 'simple-git';

/**
 * After synth: how the output differs from what git has, so the user knows what the pull
 * request will show. `undefined` outside a git work tree (or when git is missing).
 */
export async function gitSummary(outDir: string): Promise<string | undefined> {
  try {
    const git = simpleGit({ baseDir: outDir });
    if (!(await git.checkIsRepo())) return undefined;
    const status = await git.status(['--untracked-files=all', '--', '.']);
    const added = status.not_added.length + status.created.length;
    const modified = status.modified.length;
    const deleted = status.deleted.length;
    if (added + modified + deleted === 0) return 'no changes against git';
    return `${modified} modified, ${added} new, ${deleted} deleted against git — review with git diff`;
  } catch {
    return undefined;
  }
}
