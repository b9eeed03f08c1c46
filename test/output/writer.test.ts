import { mkdir, readFile, stat, writeFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diffOutput, MANIFEST_NAME, recoverOutput, writeOutput, OutputConflictError } from '../../lib/output/writer.ts';
import { removeDir, tempDir } from '../helpers.ts';

let root: string;
let out: string;
beforeEach(async () => {
  root = await tempDir();
  out = path.join(root, 'dist');
});
afterEach(async () => removeDir(root));

const files = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries).sort());

/** Every file under a directory with its content: the whole observable state. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  const visit = async (rel: string): Promise<void> => {
    for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await visit(r);
      else result[r] = await readFile(path.join(dir, r), 'utf8');
    }
  };
  await visit('');
  return result;
}

describe('writeOutput', () => {
  it('writes the files and a manifest of what it owns', async () => {
    const report = await writeOutput(out, files({ 'a/x.yaml': 'x\n', 'README.md': 'r\n' }));
    expect(report.written).toEqual(['README.md', 'a/x.yaml']);
    expect(await snapshot(out)).toEqual({
      'README.md': 'r\n',
      'a/x.yaml': 'x\n',
      [MANIFEST_NAME]: '{\n  "generator": "orrery",\n  "files": [\n    "README.md",\n    "a/x.yaml"\n  ]\n}\n',
    });
  });

  it('rewrites only changed files: unchanged ones keep their inode and mtime', async () => {
    await writeOutput(out, files({ 'keep.yaml': 'k\n', 'change.yaml': 'v1\n' }));
    const before = await stat(path.join(out, 'keep.yaml'));
    const report = await writeOutput(out, files({ 'keep.yaml': 'k\n', 'change.yaml': 'v2\n' }));
    expect(report).toEqual({ written: ['change.yaml'], removed: [], unchanged: 1 });
    const after = await stat(path.join(out, 'keep.yaml'));
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('does nothing at all when nothing changed', async () => {
    await writeOutput(out, files({ 'a.yaml': 'a\n' }));
    const dirBefore = await stat(out);
    expect(await writeOutput(out, files({ 'a.yaml': 'a\n' }))).toEqual({ written: [], removed: [], unchanged: 1 });
    expect((await stat(out)).ino).toBe(dirBefore.ino);
  });

  it('removes only its own orphans and never touches foreign files such as flux-system/', async () => {
    await writeOutput(out, files({ 'lab/old.yaml': 'o\n', 'lab/keep.yaml': 'k\n', 'gone/only.yaml': 'g\n' }));
    await mkdir(path.join(out, 'lab', 'flux-system'), { recursive: true });
    await writeFile(path.join(out, 'lab', 'flux-system', 'gotk-sync.yaml'), 'flux\n');
    await writeFile(path.join(out, 'notes.txt'), 'mine\n');
    await mkdir(path.join(out, 'empty-foreign'));
    const report = await writeOutput(out, files({ 'lab/keep.yaml': 'k\n' }));
    expect(report.removed).toEqual(['gone/only.yaml', 'lab/old.yaml']);
    const snap = await snapshot(out);
    expect(Object.keys(snap).sort()).toEqual([MANIFEST_NAME, 'lab/flux-system/gotk-sync.yaml', 'lab/keep.yaml', 'notes.txt']);
    expect(snap['lab/flux-system/gotk-sync.yaml']).toBe('flux\n');
    expect(existsSync(path.join(out, 'gone'))).toBe(false);
    expect(existsSync(path.join(out, 'empty-foreign'))).toBe(true);
  });

  it('refuses to overwrite a file it did not write', async () => {
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, 'README.md'), 'hand-written\n');
    await expect(writeOutput(out, files({ 'README.md': 'generated\n' }))).rejects.toBeInstanceOf(OutputConflictError);
    expect(await readFile(path.join(out, 'README.md'), 'utf8')).toBe('hand-written\n');
  });

  it('GIVEN a crash after staging THEN the previous output is exactly as it was, and the next run recovers', async () => {
    await writeOutput(out, files({ 'a.yaml': 'v1\n', 'b.yaml': 'b\n' }));
    const before = await snapshot(out);
    await expect(
      writeOutput(out, files({ 'a.yaml': 'v2\n' }), { afterStaging: () => { throw new Error('killed'); } }),
    ).rejects.toThrow('killed');
    expect(await snapshot(out)).toEqual(before);
    await writeOutput(out, files({ 'a.yaml': 'v2\n' }));
    expect(Object.keys(await snapshot(out)).sort()).toEqual([MANIFEST_NAME, 'a.yaml']);
    expect(existsSync(`${out}.orrery-staging`)).toBe(false);
  });

  it('GIVEN a crash between the two renames THEN recovery restores the previous output', async () => {
    await writeOutput(out, files({ 'a.yaml': 'v1\n' }));
    const before = await snapshot(out);
    await expect(
      writeOutput(out, files({ 'a.yaml': 'v2\n' }), { betweenRenames: () => { throw new Error('killed'); } }),
    ).rejects.toThrow('killed');
    expect(existsSync(out)).toBe(false);
    await recoverOutput(out);
    expect(await snapshot(out)).toEqual(before);
    expect(existsSync(`${out}.orrery-old`)).toBe(false);
  });
});

describe('diffOutput', () => {
  it('lists changed, missing, orphaned and foreign files', async () => {
    await writeOutput(out, files({ 'a.yaml': 'a\n', 'b.yaml': 'b\n', 'c.yaml': 'c\n' }));
    await writeFile(path.join(out, 'foreign.yaml'), 'f\n');
    const diff = await diffOutput(out, files({ 'a.yaml': 'A\n', 'b.yaml': 'b\n', 'd.yaml': 'd\n', 'foreign.yaml': 'x\n' }));
    expect(diff).toEqual({ changed: ['a.yaml'], added: ['d.yaml'], orphans: ['c.yaml'], conflicts: ['foreign.yaml'] });
  });
});

describe('writeOutput and what --out points at', () => {
  it('refuses an output path that is a file, and leaves the file alone', async () => {
    const file = path.join(root, 'notes.txt');
    await writeFile(file, 'mine\n');
    await expect(writeOutput(file, files({ 'a.yaml': 'a\n' }))).rejects.toThrow('exists and is not a directory');
    expect(await readFile(file, 'utf8')).toBe('mine\n');
  });

  it('writes through a symlinked output directory and keeps the link', async () => {
    const { symlink, lstat: lst } = await import('node:fs/promises');
    const target = path.join(root, 'real-dist');
    await mkdir(target);
    await symlink(target, out);
    await writeOutput(out, files({ 'a.yaml': 'a\n' }));
    expect((await lst(out)).isSymbolicLink()).toBe(true);
    expect(await readFile(path.join(target, 'a.yaml'), 'utf8')).toBe('a\n');
  });
});
