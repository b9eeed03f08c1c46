import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutput, writeOutput } from '../../lib/output/writer.ts';
import { REPO, removeDir, tempDir } from '../helpers.ts';
import { files, snapshot } from './support/tree.ts';

const CHILD = path.join(REPO, 'test', 'reliability', 'support', 'write-child.ts');
const roots: string[] = [];
afterAll(async () => Promise.all(roots.map(removeDir)));

/** Enough files that a write takes a while (the race window of the concurrency test). */
function tree(tag: string, n: number): Map<string, string> {
  const entries: Record<string, string> = { 'README.md': `${tag}\n` };
  for (let i = 0; i < n; i++) entries[`c${i % 10}/f${i}.yaml`] = `${tag} ${i}\n`;
  return files(entries);
}

function child(args: string[]): { proc: ChildProcess; output: Promise<string>; line: (marker: string) => Promise<string> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const waiters: { marker: string; resolve: (l: string) => void }[] = [];
  proc.stdout!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of [...waiters]) {
      const found = text.split('\n').find((l) => l.startsWith(w.marker));
      if (found) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(found);
      }
    }
  });
  let err = '';
  proc.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const output = new Promise<string>((resolve) => proc.on('exit', () => resolve(text + err)));
  const line = (marker: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const found = text.split('\n').find((l) => l.startsWith(marker));
      if (found) return resolve(found);
      waiters.push({ marker, resolve });
      void output.then(() => reject(new Error(`child exited without ${marker}: ${text}${err}`)));
    });
  return { proc, output, line };
}

async function setup(small = false): Promise<{ root: string; out: string; v1: Map<string, string>; v2: Map<string, string>; v2File: string }> {
  const root = await tempDir('orrery-crash-');
  roots.push(root);
  const out = path.join(root, 'dist');
  const v1 = tree('v1', 40);
  // A small change (one file of 41) is applied in place on any output, not only on a mount point.
  const v2 = small ? new Map([...v1].map(([k, v]) => [k, k === 'c3/f13.yaml' ? 'v2 13\n' : v])) : tree('v2', 30);
  await writeOutput(out, v1);
  const v2File = path.join(root, 'v2.json');
  await writeFile(v2File, JSON.stringify(Object.fromEntries(v2)));
  return { root, out, v1, v2, v2File };
}

async function expectTree(out: string, expected: Map<string, string>): Promise<void> {
  const snap = await snapshot(out);
  const shown = Object.fromEntries(Object.entries(snap).filter(([k]) => !k.endsWith('/') && k !== '.orrery-manifest.json'));
  expect(shown).toEqual(Object.fromEntries(expected));
}

// A real crash: the writer is SIGKILLed at each point where a write can be interrupted. The next
// orrery command (check here; synth does the same) finds the previous or the new tree, complete.
describe('SIGKILL at every point of a write', () => {
  it.each([
    ['afterStaging', '', 'previous'],
    ['afterCommit', '', 'new'],
    ['betweenRenames', '', 'new'],
    ['afterStaging', 'in-place', 'previous'],
    ['afterCommit', 'in-place', 'new'],
    ['afterStaging', 'small', 'previous'],
    ['afterCommit', 'small', 'new'],
  ])('killed at %s %s → the %s tree, and nothing left beside it', async (point, mode, expected) => {
    const { root, out, v1, v2, v2File } = await setup(mode === 'small');
    const c = child([out, v2File, point, mode === 'small' ? '' : mode]);
    await c.line('PAUSED');
    c.proc.kill('SIGKILL');
    await c.output;
    const diff = await checkOutput(out, expected === 'new' ? v2 : v1);
    expect({ changed: diff.changed, added: diff.added, orphans: diff.orphans, conflicts: diff.conflicts }).toEqual({ changed: [], added: [], orphans: [], conflicts: [] });
    await expectTree(out, expected === 'new' ? v2 : v1);
    expect(await readdir(root)).toEqual(['dist', 'v2.json']);
  });
});

describe('concurrent runs on one output', () => {
  it('GIVEN two synths at once THEN both succeed one after the other and the output is entirely one of them, never a mix', async () => {
    for (let trial = 0; trial < 3; trial++) {
      const root = await tempDir('orrery-race-');
      roots.push(root);
      const out = path.join(root, 'dist');
      const a = tree('a', 300);
      const b = tree('b', 300);
      await writeFile(path.join(root, 'a.json'), JSON.stringify(Object.fromEntries(a)));
      await writeFile(path.join(root, 'b.json'), JSON.stringify(Object.fromEntries(b)));
      const runs = [child([out, path.join(root, 'a.json')]), child([out, path.join(root, 'b.json')])];
      const outputs = await Promise.all(runs.map((r) => r.output));
      for (const o of outputs) expect(o).toContain('{"ok":true');
      const snap = await snapshot(out);
      const readme = snap['README.md'];
      await expectTree(out, readme === 'a\n' ? a : b);
      expect((await readdir(root)).sort()).toEqual(['a.json', 'b.json', 'dist']);
    }
  });

  it('GIVEN a run holds the lock THEN a second one waits, says for whom, and refuses with a clear message when the wait is over', async () => {
    const { out, v2File } = await setup();
    const holder = child([out, v2File, 'afterStaging']);
    await holder.line('PAUSED');
    const waiter = child([out, v2File, '', '', '300']);
    expect(await waiter.line('WAITING')).toMatch(/^WAITING orrery synth \(pid \d+ on .+\)$/);
    const result = JSON.parse((await waiter.line('{')) as string) as { ok: boolean; error: string; type: string };
    expect(result).toMatchObject({ ok: false, type: 'OutputError' });
    expect(result.error).toMatch(new RegExp(`orrery synth \\(pid ${holder.proc.pid} on .+\\) is writing this output and holds ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.orrery-lock; wait for it to finish and run again`));
    holder.proc.kill('SIGKILL');
    await holder.output;
  });

  it('GIVEN a lock held from another host THEN it is never presumed dead: the run refuses and says how to clear it', async () => {
    const { out, v2 } = await setup();
    await writeFile(`${out}.orrery-lock`, JSON.stringify({ pid: 1, host: 'build-7.example', command: 'orrery synth' }));
    await expect(writeOutput(out, v2, { lock: { waitMs: 0 } })).rejects.toThrow(`orrery synth (pid 1 on build-7.example) is writing this output and holds ${out}.orrery-lock; wait for it to finish and run again (if that process is gone, delete ${out}.orrery-lock)`);
  });

  it('GIVEN the lock of a run that was killed THEN the next run detects it as stale and proceeds', async () => {
    const { out, v2, v2File } = await setup();
    const holder = child([out, v2File, 'afterStaging']);
    await holder.line('PAUSED');
    holder.proc.kill('SIGKILL');
    await holder.output;
    expect((await readdir(path.dirname(out))).sort()).toContain('dist.orrery-lock');
    await writeOutput(out, v2, { lock: { waitMs: 0 } });
    await expectTree(out, v2);
    expect((await readdir(path.dirname(out))).sort()).toEqual(['dist', 'v2.json']);
  });
});
