import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError, recoverOutput, writeOutput } from '../../lib/output/writer.ts';
import { removeDir, tempDir } from '../helpers.ts';
import { faultyFs } from './support/faulty-fs.ts';
import { files, snapshot } from './support/tree.ts';

// Fault injection: every file-system call of a write fails once, in its own run. Whatever fails,
// the write ends with a clear error (no stack, a path in it) or with warnings; the output is the
// previous tree or the new one, nothing is left beside it, and the next run is not wedged.
const V1 = files({ 'README.md': 'r1\n', 'lab/a.yaml': 'a1\n', 'lab/gone.yaml': 'g\n', 'old/only.yaml': 'o\n', 'lab/talos/nodes/cp-1.yaml': 'n1\n' });
const V2 = files({ 'README.md': 'r2\n', 'lab/a.yaml': 'a1\n', 'lab/new/b.yaml': 'b\n', 'lab/talos/nodes/cp-1.yaml': 'n2\n', 'edge/x.yaml': 'x\n' });

const roots: string[] = [];
afterAll(async () => Promise.all(roots.map(removeDir)));

async function writeV1(out: string): Promise<void> {
  await writeOutput(out, V1);
  // Foreign content orrery must carry over untouched.
  await mkdir(path.join(out, 'lab', 'flux-system'));
  await writeFile(path.join(out, 'lab', 'flux-system', 'gotk-sync.yaml'), 'flux\n');
}

let expected: { v1: Record<string, string>; v2: Record<string, string> } | undefined;

async function setup(): Promise<{ root: string; out: string; v1: Record<string, string>; v2: Record<string, string> }> {
  const root = await tempDir('orrery-faults-');
  roots.push(root);
  const out = path.join(root, 'dist');
  await writeV1(out);
  if (!expected) {
    const v1 = await snapshot(out);
    const scratch = path.join(root, 'scratch', 'dist');
    await writeV1(scratch);
    await writeOutput(scratch, V2);
    expected = { v1, v2: await snapshot(scratch) };
    await removeDir(path.dirname(scratch));
  }
  return { root, out, ...expected };
}

/** A mount point: the output itself cannot be renamed (rename(2) → EBUSY), so the writer updates in place. */
const mountPoint = (out: string) => (_i: number, op: string, p: string): string | undefined => (op === 'rename' && p === out ? 'EBUSY' : undefined);

async function callCount(inPlace: boolean): Promise<number> {
  const { out } = await setup();
  const counting = faultyFs(inPlace ? mountPoint(out) : () => undefined);
  await writeOutput(out, V2, { fs: counting.fs });
  return counting.calls.length;
}

// The error code changes no path through the writer except ENOENT (a vanished file): ENOSPC is
// swept in both modes, EACCES once more in the common one.
describe.each([
  ['swapped beside the output', false, ['ENOSPC', 'EACCES']],
  ['updated in place (the output is a mount point)', true, ['ENOSPC']],
] as const)('a write %s, with each file-system call failing in turn', (_name, inPlace, codes) => {
  it.each(codes)('%s: a clear error or a warning; previous or new tree; nothing left behind; the next run succeeds', async (code) => {
    const total = await callCount(inPlace);
    expect(total).toBeGreaterThan(20);
    const outcomes = new Set<string>();
    for (let i = 0; i < total; i++) {
      const { root, out, v1, v2 } = await setup();
      const mount = mountPoint(out);
      const faulty = faultyFs((index, op, p) => (index === i ? code : inPlace ? mount(index, op, p) : undefined));
      let failure: unknown;
      const report = await writeOutput(out, V2, { fs: faulty.fs }).catch((err: unknown) => {
        failure = err;
        return undefined;
      });
      const at = `call ${i} (${faulty.calls[i]})`;
      if (failure) {
        expect(failure, at).toBeInstanceOf(OutputError);
        const message = (failure as Error).message;
        expect(message, at).toContain(root);
        expect(message, at).not.toMatch(/\n\s+at /);
      }
      // Nothing is left beside the output, not even until the next run (ENOSPC must free its space).
      const beside = (await readdir(root)).filter((n) => n !== 'dist' && !n.includes('-trash-'));
      expect(beside, at).toEqual([]);
      // The next command recovers first (in place: it finishes a committed journal).
      await recoverOutput(out);
      const state = await snapshot(out);
      const which = JSON.stringify(state) === JSON.stringify(v1) ? 'previous' : JSON.stringify(state) === JSON.stringify(v2) ? 'new' : 'mixed';
      expect(which, at).not.toBe('mixed');
      // No error means the fault hit a step with a fallback (link → copy) or clean-up: the write went through.
      if (!failure) expect([which, report!.written.length], at).toEqual(['new', 4]);
      outcomes.add(`${failure ? 'error' : 'ok'}:${which}`);
      // Not wedged: a healthy run writes the new tree.
      await writeOutput(out, V2);
      expect(await snapshot(out), at).toEqual(v2);
      await removeDir(root);
    }
    // Both kinds of outcome happened: faults before the commit point keep the previous tree.
    expect([...outcomes].some((o) => o === 'error:previous')).toBe(true);
    expect([...outcomes].some((o) => o.endsWith(':new'))).toBe(true);
  });
});
