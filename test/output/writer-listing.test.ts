import { mkdir, readFile, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeOutput, type WriteOptions } from '../../lib/output/writer.ts';
import { indexFileFor, loadStampedIndex, saveIndex } from '../../lib/output/writer-index.ts';
import { NODE_FS } from '../../lib/output/writer-fs.ts';
import { readTree } from '../../lib/output/writer-tree.ts';
import { removeDir, tempDir } from '../helpers.ts';
import { faultyFs } from '../reliability/support/faulty-fs.ts';
import { files, snapshot } from '../reliability/support/tree.ts';

// synth lists the output while it compiles (lib/output/writer-snapshot.ts) and hands the listing
// to the writer. The writer may trust it only where it does not act: every case below changes the
// output by hand *after* the listing was made, and the write must come out exactly as if the
// writer had listed the tree itself under the lock.
let root: string;
let out: string;
let index: string;
beforeEach(async () => {
  root = await tempDir('orrery-listing-');
  out = path.join(await realpath(root), 'dist');
  index = indexFileFor(out, path.join(root, 'cache'));
});
afterEach(async () => removeDir(root));

/** 40 files in 4 cluster directories; `changed` files get other bytes; `extra` files are added. */
function fleet(tag: string, changed: readonly number[] = [], extra: Record<string, string> = {}): Map<string, string> {
  const entries: Record<string, string> = { 'README.md': 'fleet\n', ...extra };
  for (let i = 0; i < 40; i++) entries[`c${i % 4}/f${i}.yaml`] = `${changed.includes(i) ? tag : 'v1'} ${i}\n`;
  return files(entries);
}

/** What synth hands the writer: the index as loaded and the tree as listed, both taken now. */
async function listing(): Promise<Pick<WriteOptions, 'loadedIndex' | 'tree'>> {
  return { loadedIndex: await loadStampedIndex(index, out, NODE_FS), tree: await readTree(out, NODE_FS) };
}

const readdirs = (calls: readonly string[]): number => calls.filter((c) => c.startsWith('readdir ')).length;

describe('the writer and a listing made while synth compiled', () => {
  it('GIVEN nothing changed by hand THEN the listing is used: the tree is not listed again (the control, without it, lists every directory)', async () => {
    await writeOutput(out, fleet('v1'), { index });
    const given = await listing();
    const used = faultyFs(() => undefined);
    expect((await writeOutput(out, fleet('v2', [5]), { index, fs: used.fs, ...given })).written).toEqual(['c1/f5.yaml']);
    expect(readdirs(used.calls)).toBe(0);
    // (and the index, loaded with the listing and not replaced since, is not read again)
    expect(used.calls.filter((c) => c === `readFile ${index}`)).toEqual([]);
    const control = faultyFs(() => undefined);
    await writeOutput(out, fleet('v3', [5]), { index, fs: control.fs });
    expect(readdirs(control.calls)).toBeGreaterThanOrEqual(5);
  });

  it('GIVEN a file put by hand where synth now adds one, after the listing THEN it is still refused as foreign, and kept', async () => {
    await writeOutput(out, fleet('v1'), { index });
    const given = await listing();
    await writeFile(path.join(out, 'c0', 'new.yaml'), 'mine\n');
    await expect(writeOutput(out, fleet('v1', [], { 'c0/new.yaml': 'orrery\n' }), { index, ...given })).rejects.toThrow(/not written by orrery.*c0\/new\.yaml/);
    expect(await readFile(path.join(out, 'c0', 'new.yaml'), 'utf8')).toBe('mine\n');
  });

  it('GIVEN a file synth rewrites removed by hand after the listing THEN it is written as if listed now', async () => {
    await writeOutput(out, fleet('v1'), { index });
    const given = await listing();
    await rm(path.join(out, 'c1', 'f5.yaml'));
    const report = await writeOutput(out, fleet('v2', [5]), { index, ...given });
    expect(report.written).toEqual(['c1/f5.yaml']);
    expect(await snapshot(out)).toMatchObject(Object.fromEntries(fleet('v2', [5])));
  });

  it('GIVEN a directory on the way replaced by a symbolic link after the listing THEN the write is refused and nothing goes through the link', async () => {
    await writeOutput(out, fleet('v1'), { index });
    const given = await listing();
    const elsewhere = path.join(root, 'elsewhere');
    await rename(path.join(out, 'c1'), elsewhere);
    await symlink(elsewhere, path.join(out, 'c1'));
    await expect(writeOutput(out, fleet('v2', [5]), { index, ...given })).rejects.toThrow(/symbolic link where orrery writes/);
    expect(await readFile(path.join(elsewhere, 'f5.yaml'), 'utf8')).toBe('v1 5\n');
  });

  it('GIVEN a large change (a whole new tree is staged) THEN the tree is listed again: a foreign file added after the listing is carried over', async () => {
    await writeOutput(out, fleet('v1'), { index });
    const given = await listing();
    await mkdir(path.join(out, 'notes'));
    await writeFile(path.join(out, 'notes', 'mine.txt'), 'mine\n');
    const used = faultyFs(() => undefined);
    await writeOutput(out, fleet('v2', [0, 1, 2, 3, 4, 5, 6, 7, 8]), { index, fs: used.fs, ...given });
    expect(used.calls.some((c) => c.startsWith('rename ') && c.includes('.orrery-staging'))).toBe(true);
    expect(await readFile(path.join(out, 'notes', 'mine.txt'), 'utf8')).toBe('mine\n');
  });

  it('GIVEN another synth wrote after the listing (the index was replaced) THEN the listing is not used', async () => {
    await writeOutput(out, fleet('v1'), { index });
    const given = await listing();
    await saveIndex(index, out, await loadStampedIndex(index, out, NODE_FS).then((i) => i.entries), NODE_FS, []);
    const calls = faultyFs(() => undefined);
    await writeOutput(out, fleet('v2', [5]), { index, fs: calls.fs, ...given });
    expect(readdirs(calls.calls)).toBeGreaterThanOrEqual(5);
  });

  it('GIVEN a write was interrupted after the listing (its leftovers are there) THEN the listing is not used', async () => {
    await writeOutput(out, fleet('v1'), { index });
    const given = await listing();
    await mkdir(path.join(out, '.orrery-inplace'));
    const calls = faultyFs(() => undefined);
    await writeOutput(out, fleet('v2', [5]), { index, fs: calls.fs, ...given });
    expect(readdirs(calls.calls)).toBeGreaterThanOrEqual(5);
    expect(await readFile(path.join(out, 'c1', 'f5.yaml'), 'utf8')).toBe('v2 5\n');
  });
});
