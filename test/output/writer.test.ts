import { mkdir, readFile, rm, stat, writeFile, readdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
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
    expect(report).toEqual({ written: ['change.yaml'], removed: [], unchanged: 1, warnings: [] });
    const after = await stat(path.join(out, 'keep.yaml'));
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('does nothing at all when nothing changed', async () => {
    await writeOutput(out, files({ 'a.yaml': 'a\n' }));
    const dirBefore = await stat(out);
    expect(await writeOutput(out, files({ 'a.yaml': 'a\n' }))).toEqual({ written: [], removed: [], unchanged: 1, warnings: [] });
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
      writeOutput(out, files({ 'a.yaml': 'v2\n' }), { faults: { afterStaging: () => { throw new Error('killed'); } } }),
    ).rejects.toThrow('killed');
    expect(await snapshot(out)).toEqual(before);
    await writeOutput(out, files({ 'a.yaml': 'v2\n' }));
    expect(Object.keys(await snapshot(out)).sort()).toEqual([MANIFEST_NAME, 'a.yaml']);
    expect(existsSync(`${out}.orrery-staging`)).toBe(false);
  });

  it('GIVEN the swap fails between the two renames THEN the previous output is back and nothing is left beside it', async () => {
    await writeOutput(out, files({ 'a.yaml': 'v1\n' }));
    const before = await snapshot(out);
    await expect(
      writeOutput(out, files({ 'a.yaml': 'v2\n' }), { faults: { betweenRenames: () => { throw new Error('failed'); } } }),
    ).rejects.toThrow('failed');
    expect(await snapshot(out)).toEqual(before);
    expect(await readdir(root)).toEqual(['dist']);
  });

  it('GIVEN an older orrery crashed between its two renames (old tree, no output) THEN recovery brings the old tree back', async () => {
    await writeOutput(out, files({ 'a.yaml': 'v1\n' }));
    const before = await snapshot(out);
    const { rename } = await import('node:fs/promises');
    await rename(out, `${out}.orrery-old`);
    await recoverOutput(out);
    expect(await snapshot(out)).toEqual(before);
    expect(await readdir(root)).toEqual(['dist']);
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

describe('writeOutput never writes through a symbolic link inside the output', () => {
  it('GIVEN dist/<cluster> is a link to a directory outside THEN synth refuses, naming it, and nothing lands outside', async () => {
    const { symlink } = await import('node:fs/promises');
    const outside = path.join(root, 'outside');
    await mkdir(outside);
    await writeOutput(out, files({ 'README.md': 'r\n' }));
    await symlink(outside, path.join(out, 'lab'));
    const attempt = writeOutput(out, files({ 'README.md': 'r\n', 'lab/a.yaml': 'a\n', 'lab/deep/b.yaml': 'b\n' }));
    await expect(attempt).rejects.toBeInstanceOf(OutputConflictError);
    await expect(attempt).rejects.toThrow(`${path.join(out, 'lab')}: a symbolic link where orrery writes; it never follows links inside its output`);
    expect(await readdir(outside)).toEqual([]);
    // diffOutput (orrery check) refuses it the same way.
    await expect(diffOutput(out, files({ 'lab/a.yaml': 'a\n' }))).rejects.toThrow('never follows links');
  });

  it('GIVEN a generated file is itself a link THEN synth refuses instead of reading or replacing its target', async () => {
    const { symlink } = await import('node:fs/promises');
    const secret = path.join(root, 'elsewhere.txt');
    await writeFile(secret, 'not yours\n');
    await writeOutput(out, files({ 'README.md': 'r\n' }));
    await rm(path.join(out, 'README.md'));
    await symlink(secret, path.join(out, 'README.md'));
    await expect(writeOutput(out, files({ 'README.md': 'new\n' }))).rejects.toThrow('README.md: a symbolic link where orrery writes');
    expect(await readFile(secret, 'utf8')).toBe('not yours\n');
  });

  it('keeps a foreign link elsewhere in the tree as a link', async () => {
    const { symlink, readlink } = await import('node:fs/promises');
    await writeOutput(out, files({ 'a.yaml': 'a\n' }));
    await symlink('../somewhere', path.join(out, 'notes'));
    await writeOutput(out, files({ 'a.yaml': 'A\n' }));
    expect(await readlink(path.join(out, 'notes'))).toBe('../somewhere');
  });

  it('GIVEN a FIFO where a generated file goes THEN it is a conflict, reported without blocking on it', async () => {
    await writeOutput(out, files({ 'a.yaml': 'a\n' }));
    execFileSync('mkfifo', [path.join(out, 'b.yaml')]);
    await expect(writeOutput(out, files({ 'a.yaml': 'a\n', 'b.yaml': 'b\n' }))).rejects.toThrow('were not written by orrery and would be overwritten: b.yaml');
  });
});

describe('writeOutput keeps directory modes, setgid bits and owners', () => {
  it('GIVEN a setgid output, a group-writable cluster directory and a private foreign directory THEN a rewrite keeps every mode', async () => {
    const { chmod } = await import('node:fs/promises');
    await writeOutput(out, files({ 'lab/a.yaml': 'a\n', 'README.md': 'r\n' }));
    await mkdir(path.join(out, 'private'));
    await writeFile(path.join(out, 'private', 'notes.txt'), 'n\n');
    await chmod(out, 0o2775);
    await chmod(path.join(out, 'lab'), 0o2770);
    await chmod(path.join(out, 'private'), 0o700);
    const mode = async (rel: string): Promise<string> => ((await stat(path.join(out, rel))).mode & 0o7777).toString(8);
    const report = await writeOutput(out, files({ 'lab/a.yaml': 'A\n', 'lab/new/b.yaml': 'b\n', 'README.md': 'r\n' }));
    expect(report.written).toEqual(['lab/a.yaml', 'lab/new/b.yaml']);
    expect([await mode(''), await mode('lab'), await mode('private')]).toEqual(['2775', '2770', '700']);
    // A new directory inside a setgid directory inherits setgid (the kernel does it, as for any mkdir).
    expect((await stat(path.join(out, 'lab', 'new'))).mode & 0o2000).toBe(0o2000);
  });

  it('GIVEN a read-only directory inside the output THEN the rewrite succeeds, keeps it read-only, and leaves nothing beside the output', async () => {
    const { chmod } = await import('node:fs/promises');
    await writeOutput(out, files({ 'lab/a.yaml': 'a\n', 'b.yaml': 'b\n' }));
    await chmod(path.join(out, 'lab'), 0o555);
    await writeOutput(out, files({ 'lab/a.yaml': 'a\n', 'b.yaml': 'B\n' }));
    expect((await stat(path.join(out, 'lab'))).mode & 0o777).toBe(0o555);
    expect(await readdir(root)).toEqual(['dist']);
  });
});
