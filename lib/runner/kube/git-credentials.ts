import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { StepError, type RunContext } from '../step.ts';
import type { StdinPayload } from '../tools/command.ts';

/** How a GitOps repository URL is reached: ssh (a deploy key), https (a token), plain http (never with credentials). */
export function repoScheme(url: string): 'ssh' | 'https' | 'http' | 'other' {
  if (/^ssh:\/\/|^git@/.test(url)) return 'ssh';
  if (/^https:\/\//.test(url)) return 'https';
  if (/^http:\/\//.test(url)) return 'http';
  return 'other';
}

/** flux bootstrap git's default user for basic auth (cmd/flux/bootstrap_git.go: `--username` defaults to "git"). */
export const DEFAULT_GIT_USERNAME = 'git';

export const TOKEN_LABEL = '<token from --git-token-file>';

export interface GitToken {
  readonly username: string;
  readonly token: string;
}

/**
 * The token of --git-token-file, read in memory and registered with the redactor: one line (what
 * a token is; a second line would be sent as part of it). Never an argument, never in a file
 * orrery writes.
 */
export async function readGitToken(ctx: RunContext): Promise<GitToken | undefined> {
  const file = ctx.options.gitTokenFile;
  if (!file) return undefined;
  const text = await readFile(path.resolve(ctx.options.cwd, file), 'utf8').catch(() => {
    throw new StepError(`cannot read --git-token-file ${file}`);
  });
  const token = text.replace(/\r?\n$/, '');
  if (token.trim() === '') throw new StepError(`--git-token-file ${file} is empty: put the token with write access to the repository in it`);
  if (/[\r\n]/.test(token)) throw new StepError(`--git-token-file ${file} has more than one line: it must hold the token only`);
  ctx.redactor.add(token);
  return { username: ctx.options.gitUsername ?? DEFAULT_GIT_USERNAME, token };
}

/**
 * The token on flux's stdin: with `--token-auth` and no `--password`, `flux bootstrap git` reads
 * the password from stdin, up to the first newline (fluxcd/flux2 cmd/flux/bootstrap_git.go
 * bootstrapGitCmdRun, cmd/flux/main.go readPasswordFromStdin: bufio ReadString('\n') when stdin
 * is not a terminal — without the newline it fails with EOF).
 */
export function tokenStdin(token: string): StdinPayload {
  return { label: TOKEN_LABEL, data: () => Buffer.from(`${token}\n`) };
}
