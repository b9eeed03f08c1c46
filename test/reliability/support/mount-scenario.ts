/**
 * Runs inside `unshare --mount` (its own mount namespace: every mount vanishes with it), as root:
 *   node --import tsx mount-scenario.ts <scenario> <dir>
 * Prints one JSON line with what happened. Scenarios use real file systems (tmpfs), not injected faults.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { checkOutput, OutputError, writeOutput } from '../../../lib/output/writer.ts';
import { snapshot } from './tree.ts';

const [scenario, dir] = process.argv.slice(2) as [string, string];
const mount = (...args: string[]): void => void execFileSync('mount', args);
const small = new Map([['README.md', 'v1\n'], ['lab/a.yaml', 'a\n']]);
const v2 = new Map([['README.md', 'v2\n'], ['lab/a.yaml', 'a\n'], ['lab/b.yaml', 'b\n']]);
const big = new Map([['README.md', 'big\n'], ['lab/a.yaml', 'x'.repeat(400 * 1024)], ['lab/b.yaml', 'y'.repeat(400 * 1024)]]);

async function attempt(out: string, files: Map<string, string>): Promise<{ ok: boolean; error?: string; type?: string }> {
  try {
    await writeOutput(out, files, { lock: { waitMs: 0 } });
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message, type: err instanceof OutputError ? 'OutputError' : (err as Error).constructor.name };
  }
}

const out = path.join(dir, 'dist');
const result: Record<string, unknown> = {};
if (scenario === 'mount-point') {
  // A container volume: the output directory itself is a mount point.
  mkdirSync(out);
  mount('-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', out);
  result.first = await attempt(out, small);
  result.second = await attempt(out, v2);
  result.tree = await snapshot(out);
  result.stillMounted = statSync(out).dev !== statSync(dir).dev;
  result.beside = readdirSync(dir);
} else if (scenario === 'full-disk') {
  // The output and its staging live on a file system with 512 KiB: the new tree does not fit.
  mount('-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', dir);
  result.first = await attempt(out, small);
  result.full = await attempt(out, big);
  result.tree = await snapshot(out);
  result.beside = readdirSync(dir);
  result.next = await attempt(out, v2);
  result.after = await snapshot(out);
} else if (scenario === 'read-only') {
  mount('-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir);
  result.first = await attempt(out, small);
  mount('-o', 'remount,ro', dir);
  result.second = await attempt(out, v2);
  result.fresh = await attempt(path.join(dir, 'new-dist'), v2);
  result.tree = await snapshot(out);
  // orrery check on a read-only checkout: no lock can be taken, so it compares directly.
  const diff = await checkOutput(out, v2);
  result.check = { changed: diff.changed, added: diff.added };
}
process.stdout.write(`${JSON.stringify(result)}\n`);
