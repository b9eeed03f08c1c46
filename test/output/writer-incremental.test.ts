import { readdir, rm, stat, writeFile, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeOutput } from '../../lib/output/writer.ts';
import { indexFileFor, loadIndex } from '../../lib/output/writer-index.ts';
import { NODE_FS } from '../../lib/output/writer-fs.ts';
import { removeDir, tempDir } from '../helpers.ts';
import { faultyFs } from '../reliability/support/faulty-fs.ts';
import { files, snapshot } from '../reliability/support/tree.ts';

// The writer's cost follows the change, not the tree: a small change is applied in place (no
// staging tree of links), and with the output index an unchanged file is never read back.
let root: string;
let out: string;
let index: string;
beforeEach(async () => {
  root = await tempDir('orrery-incr-');
  out = path.join(root, 'dist');
  index = indexFileFor(out, path.join(root, 'cache'));
});
afterEach(async () => removeDir(root));

/** 40 files in 4 cluster directories; `changed` files get other bytes. */
function fleet(tag: string, changed: readonly number[] = []): Map<string, string> {
  const entries: Record<string, string> = { 'README.md': 'fleet\n' };
  for (let i = 0; i < 40; i++) entries[`c${i % 4}/f${i}.yaml`] = `${changed.includes(i) ? tag : 'v1'} ${i}\n`;
  return files(entries);
}

const ops = (calls: readonly string[], op: string, under: string): string[] => calls.filter((c) => c.startsWith(`${op} `) && c.slice(op.length + 1).startsWith(under));

describe('incremental writes', () => {
  it('GIVEN one file of 40 changed THEN it is replaced in place: no staging tree, no link, nothing else touched', async () => {
    await writeOutput(out, fleet('v1'), { index });
    const before = await stat(path.join(out, 'c0', 'f0.yaml'));
    const counting = faultyFs(() => undefined);
    const report = await writeOutput(out, fleet('v2', [5]), { index, fs: counting.fs });
    expect(report.written).toEqual(['c1/f5.yaml']);
    expect(ops(counting.calls, 'link', '')).toEqual([]);
    // (recovery only probes for a leftover staging tree: lstat)
    expect(counting.calls.filter((c) => c.includes('.orrery-staging') && !c.startsWith('lstat '))).toEqual([]);
    expect((await stat(path.join(out, 'c0', 'f0.yaml'))).ino).toBe(before.ino);
    expect(await snapshot(out)).toMatchObject({ 'c1/f5.yaml': 'v2 5\n', 'c0/f0.yaml': 'v1 0\n' });
    expect(await readdir(root)).toEqual(['cache', 'dist']);
  });

  it('GIVEN a large change (more than an eighth of the tree) THEN the tree is staged and swapped as before', async () => {
    await writeOutput(out, fleet('v1'), { index });
    const counting = faultyFs(() => undefined);
    await writeOutput(out, fleet('v2', [0, 1, 2, 3, 4, 5, 6]), { index, fs: counting.fs });
    expect(counting.calls.some((c) => c.startsWith('rename ') && c.includes('.orrery-staging'))).toBe(true);
  });

  it('GIVEN the index THEN nothing of the output is read back when nothing changed; without it (the control) every file is', async () => {
    await writeOutput(out, fleet('v1'), { index });
    const withIndex = faultyFs(() => undefined);
    expect((await writeOutput(out, fleet('v1'), { index, fs: withIndex.fs })).written).toEqual([]);
    expect(ops(withIndex.calls, 'readFile', out).filter((c) => !c.endsWith('.orrery-manifest.json'))).toEqual([]);
    const control = faultyFs(() => undefined);
    await writeOutput(out, fleet('v1'), { fs: control.fs });
    expect(ops(control.calls, 'readFile', out).length).toBeGreaterThanOrEqual(41);
  });

  it('GIVEN known files (the build cache: not rendered, on disk as indexed) THEN they are kept, listed in the manifest, never read; one that changed meanwhile stops the write', async () => {
    await writeOutput(out, fleet('v1'), { index });
    const all = fleet('v1');
    const entries = await loadIndex(index, out, NODE_FS);
    // c1's files are "known": only the others are rendered this time, and c0/f0 changes.
    const known = new Map([...entries].filter(([rel]) => rel.startsWith('c1/')));
    const rendered = new Map([...all].filter(([rel]) => !rel.startsWith('c1/')));
    rendered.set('c0/f0.yaml', 'v2 0\n');
    const counting = faultyFs(() => undefined);
    const report = await writeOutput(out, rendered, { index, known, fs: counting.fs });
    expect(report.written).toEqual(['c0/f0.yaml']);
    expect(report.removed).toEqual([]);
    expect(report.unchanged).toBe(40);
    expect(ops(counting.calls, 'readFile', path.join(out, 'c1'))).toEqual([]);
    const manifest = JSON.parse((await snapshot(out))['.orrery-manifest.json']!) as { files: string[] };
    expect(manifest.files).toEqual([...all.keys()].sort());
    // The index another writer left differs from what the known files were checked against.
    const stale = new Map([...known].map(([rel, e]) => [rel, { ...e, hash: 'stale' }]));
    await expect(writeOutput(out, rendered, { index, known: stale })).rejects.toThrow(/changed while this synth ran .* run orrery synth again/);
    expect((await snapshot(out))['c0/f0.yaml']).toBe('v2 0\n');
  });

  it('GIVEN known files and a wait for the lock THEN they are checked on disk again: one edited during the wait stops the write', async () => {
    await writeOutput(out, fleet('v1'), { index });
    const entries = await loadIndex(index, out, NODE_FS);
    const known = new Map([...entries].filter(([rel]) => rel.startsWith('c1/')));
    const rendered = new Map([...fleet('v1')].filter(([rel]) => !rel.startsWith('c1/')));
    // A live holder (this process, this host); while we wait, a known file is edited and the lock released.
    const lockFile = `${out}.orrery-lock`;
    await writeFile(lockFile, JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'orrery synth' }));
    const onWait = (): void => {
      void (async () => {
        await writeFile(path.join(out, 'c1', 'f1.yaml'), 'edited while waiting\n');
        await rm(lockFile);
      })();
    };
    await expect(writeOutput(out, rendered, { index, known, lock: { onWait, waitMs: 10_000 } })).rejects.toThrow(/c1\/f1\.yaml changed while this synth ran .*waited for the lock/);
    expect((await snapshot(out))['c1/f1.yaml']).toBe('edited while waiting\n');
  });

  it('GIVEN a file edited by hand (same size, new mtime) THEN lstat shows it and synth reads it and restores it', async () => {
    await writeOutput(out, fleet('v1'), { index });
    const file = path.join(out, 'c2', 'f2.yaml');
    await writeFile(file, 'XX 2\n');
    await utimes(file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const report = await writeOutput(out, fleet('v1'), { index });
    expect(report.written).toEqual(['c2/f2.yaml']);
    expect((await snapshot(out))['c2/f2.yaml']).toBe('v1 2\n');
  });

  it('GIVEN a file replaced by hand keeping size and mtime THEN the new inode shows it', async () => {
    await writeOutput(out, fleet('v1'), { index });
    const file = path.join(out, 'c3', 'f3.yaml');
    const was = await stat(file);
    await writeFile(`${file}.new`, 'XX 3\n');
    await utimes(`${file}.new`, was.atime, was.mtime);
    const { rename } = await import('node:fs/promises');
    await rename(`${file}.new`, file);
    expect((await writeOutput(out, fleet('v1'), { index })).written).toEqual(['c3/f3.yaml']);
  });

  it('GIVEN a damaged index, or one of another directory THEN synth falls back to reading back, with the same result', async () => {
    await writeOutput(out, fleet('v1'), { index });
    await writeFile(index, '{"version": 1, "outDir": "/elsewhere", "files": {}}');
    const counting = faultyFs(() => undefined);
    expect((await writeOutput(out, fleet('v2', [7]), { index, fs: counting.fs })).written).toEqual(['c3/f7.yaml']);
    expect(ops(counting.calls, 'readFile', out).length).toBeGreaterThanOrEqual(40);
    await writeFile(index, 'not json');
    expect((await writeOutput(out, fleet('v1'), { index })).written).toEqual(['c3/f7.yaml']);
  });
});

// The in-place path of a small change under every single fault, as writer-faults.test.ts does for
// the swap: the previous or the new tree after recovery, a clear error, nothing left beside it.
describe('a small change with each file-system call failing in turn', () => {
  it.each(['ENOSPC', 'EACCES'])('%s', async (code) => {
    const { OutputError, recoverOutput } = await import('../../lib/output/writer.ts');
    const v1 = fleet('v1');
    const v2 = new Map(fleet('v2', [9]));
    v2.delete('c0/f8.yaml');
    v2.set('c0/new/g.yaml', 'g\n');
    await writeOutput(out, v1);
    const expectedNew = path.join(root, 'expected');
    await writeOutput(expectedNew, v1);
    await writeOutput(expectedNew, v2);
    const snapNew = await snapshot(expectedNew);
    const snapOld = await snapshot(out);
    await removeDir(expectedNew);
    const counting = faultyFs(() => undefined);
    const scratch = path.join(root, 'scratch');
    await writeOutput(scratch, v1, { index: `${index}.scratch` });
    await writeOutput(scratch, v2, { fs: counting.fs, index: `${index}.scratch` });
    await removeDir(scratch);
    expect(counting.calls.some((c) => c.includes('.orrery-inplace'))).toBe(true);
    const outcomes = new Set<string>();
    for (let i = 0; i < counting.calls.length; i++) {
      const dir = path.join(root, `run-${i}`, 'dist');
      await writeOutput(dir, v1, { index: `${index}.${i}` });
      const faulty = faultyFs((n) => (n === i ? code : undefined));
      const failure = await writeOutput(dir, v2, { fs: faulty.fs, index: `${index}.${i}` }).then(() => undefined, (err: unknown) => err);
      if (failure) {
        expect(failure, `call ${i} (${faulty.calls[i]})`).toBeInstanceOf(OutputError);
        expect((failure as Error).message).not.toMatch(/\n\s+at /);
      }
      expect(await readdir(path.dirname(dir))).toEqual(['dist']);
      await recoverOutput(dir);
      const state = JSON.stringify(await snapshot(dir));
      const which = state === JSON.stringify(snapOld) ? 'previous' : state === JSON.stringify(snapNew) ? 'new' : 'mixed';
      expect(which, `call ${i} (${faulty.calls[i]})`).not.toBe('mixed');
      outcomes.add(`${failure ? 'error' : 'ok'}:${which}`);
      // Not wedged, and the index never lies after a failure: the next run writes the new tree.
      await writeOutput(dir, v2, { index: `${index}.${i}` });
      expect(await snapshot(dir)).toEqual(snapNew);
      await removeDir(path.dirname(dir));
    }
    expect(outcomes.has('error:previous')).toBe(true);
    expect([...outcomes].some((o) => o.endsWith(':new'))).toBe(true);
  });
});
