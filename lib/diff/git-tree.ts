import { spawn } from 'node:child_process';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { MANIFEST_NAME } from '../output/writer.ts';
import { ownedPaths, TreeError, type OutputTree } from './tree.ts';

/** The commit the diff compares against, and how it was chosen (said to the user). */
export interface GitBase {
  readonly root: string;
  readonly commit: string;
  readonly label: string;
}

/** Where the default base is looked for, in order: the remote's default branch first. */
const DEFAULT_BRANCHES = ['main', 'master', 'origin/main', 'origin/master'];

const short = (commit: string): string => commit.slice(0, 7);

async function verifyCommit(git: SimpleGit, ref: string): Promise<string | undefined> {
  try {
    return (await git.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The work tree that holds `dir`, or undefined outside git (or without git installed). */
export async function gitRoot(dir: string): Promise<string | undefined> {
  try {
    const git = simpleGit({ baseDir: dir });
    if (!(await git.checkIsRepo())) return undefined;
    return (await git.revparse(['--show-toplevel'])).trim();
  } catch {
    return undefined;
  }
}

/**
 * `--base REF` as given, or the merge base of HEAD with the default branch: origin/HEAD (the
 * remote's default), then main, master, origin/main, origin/master — the first that exists.
 */
export async function resolveBase(options: { readonly root: string; readonly ref?: string }): Promise<GitBase> {
  const git = simpleGit({ baseDir: options.root });
  if (options.ref !== undefined) {
    const commit = await verifyCommit(git, options.ref);
    if (!commit) throw new TreeError(`--base ${JSON.stringify(options.ref)} is not a commit in ${options.root}; give a branch, tag or commit (git log --oneline shows some)`);
    return { root: options.root, commit, label: commit.startsWith(options.ref) ? short(commit) : `${options.ref} (${short(commit)})` };
  }
  const head = await verifyCommit(git, 'HEAD');
  if (!head) throw new TreeError(`${options.root} has no commit yet; commit the output first, or compare with --base-dir DIR`);
  const candidates: string[] = [];
  try {
    const remoteHead = (await git.raw(['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'])).trim();
    if (remoteHead) candidates.push(remoteHead.replace(/^refs\/remotes\//, ''));
  } catch {
    // no origin/HEAD: fall back to the usual names
  }
  candidates.push(...DEFAULT_BRANCHES.filter((b) => !candidates.includes(b)));
  for (const branch of candidates) {
    if (!(await verifyCommit(git, branch))) continue;
    let base: string;
    try {
      base = (await git.raw(['merge-base', 'HEAD', branch])).trim();
    } catch {
      throw new TreeError(`HEAD and ${branch} share no history; pass --base REF`);
    }
    return { root: options.root, commit: base, label: `merge base of HEAD and ${branch} (${short(base)})` };
  }
  throw new TreeError(`no default branch to compare with (tried origin/HEAD, ${DEFAULT_BRANCHES.join(', ')}); pass --base REF or --base-dir DIR`);
}

/** Runs git and returns its stdout as bytes (a fleet's ls-tree is megabytes: no per-line handling). */
function gitBytes(root: string, args: readonly string[], input?: string): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', args, { cwd: root, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => chunks.push(c));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(Buffer.concat(chunks)) : reject(new Error(`git ${args[0]} exited with ${code}: ${stderr.trim()}`))));
    if (child.stdin) {
      // A git that exits early (a bad id) closes its stdin; its exit code tells what happened.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });
}

/** Reads many blobs with one `git cat-file --batch` process (one `git show` per file is slow). */
async function readBlobs(root: string, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (ids.length === 0) return out;
  const all = await gitBytes(root, ['cat-file', '--batch'], `${ids.join('\n')}\n`);
  let at = 0;
  while (at < all.length) {
    const eol = all.indexOf(10, at);
    if (eol < 0) break;
    const [id, type, size] = all.subarray(at, eol).toString('utf8').split(' ');
    at = eol + 1;
    if (type === 'missing' || size === undefined) continue;
    const n = Number(size);
    out.set(id!, all.subarray(at, at + n).toString('utf8'));
    at += n + 1;
  }
  return out;
}

/** The output directory `dir` (relative to the work tree root) as it is in `commit`. */
export async function gitTree(options: { readonly base: GitBase; readonly dir: string; readonly label?: string }): Promise<OutputTree> {
  const { root, commit } = options.base;
  const dir = options.dir.split(path.sep).join('/').replace(/\/+$/, '');
  const listing = (await gitBytes(root, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', ...(dir === '' || dir === '.' ? [] : [dir])])).toString('utf8');
  const prefix = dir === '' || dir === '.' ? '' : `${dir}/`;
  // Records are `<mode> <type> <40-hex id>\t<path>\0`; scanned in place (tens of thousands of them).
  const ids = new Map<string, string>();
  for (let at = 0; at < listing.length; ) {
    const tab = listing.indexOf('\t', at);
    const end = listing.indexOf('\0', tab);
    if (tab < 0 || end < 0) break;
    if (listing.startsWith('blob ', tab - 45) && listing.startsWith(prefix, tab + 1)) ids.set(listing.slice(tab + 1 + prefix.length, end), listing.slice(tab - 40, tab));
    at = end + 1;
  }
  const manifestId = ids.get(MANIFEST_NAME);
  const manifest = manifestId ? (await readBlobs(root, [manifestId])).get(manifestId) : undefined;
  const { owned, foreign } = ownedPaths([...ids.keys()], manifest);
  return {
    label: options.label ?? options.base.label,
    paths: new Map(owned.map((p) => [p, ids.get(p)])),
    foreign,
    read: async (wanted) => {
      const blobs = await readBlobs(root, [...new Set(wanted.flatMap((p) => (ids.has(p) ? [ids.get(p)!] : [])))]);
      return new Map(wanted.flatMap((p) => (blobs.has(ids.get(p) ?? '') ? [[p, blobs.get(ids.get(p)!)!] as const] : [])));
    },
  };
}
