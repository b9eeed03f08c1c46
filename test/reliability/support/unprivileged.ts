import { spawnSync } from 'node:child_process';
import { chown, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO } from '../../helpers.ts';

/**
 * Permission faults need a process that permissions apply to: root bypasses them. As root the
 * scenario runs as nobody (uid/gid 65534); otherwise as the current user. Returns its JSON line.
 */
export const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

/** A temp directory the unprivileged scenario owns. */
export async function unprivilegedDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'orrery-perm-'));
  if (asRoot) await chown(dir, NOBODY, NOBODY);
  return dir;
}

export function runUnprivileged(script: string, args: string[]): Record<string, any> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'test', 'reliability', 'support', script), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    ...(asRoot ? { uid: NOBODY, gid: NOBODY, env: { ...process.env, HOME: args[1] ?? os.tmpdir() } } : {}),
  });
  if (r.status !== 0 || r.stderr) throw new Error(`${script} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as Record<string, any>;
}
