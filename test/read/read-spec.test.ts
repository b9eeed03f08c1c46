import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SPEC_FILE_BYTES, parseSpecText, readSpecDir } from '../../lib/read/read-spec.ts';
import { locate } from '../../lib/read/source-file.ts';
import { formatDiagnostic } from '../../lib/diagnostics/diagnostic.ts';
import { removeDir, tempDir } from '../helpers.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await removeDir(dir);
  dir = undefined;
});

describe('parseSpecText', () => {
  it('keeps positions: a pointer resolves to the line and column of its value or key', () => {
    const { files } = parseSpecText('a:\n  b:\n    - x\n    - y: 1\n', 'f.yaml', 'c/f.yaml');
    const file = files[0]!;
    expect(locate(file, '/a/b/1/y')).toEqual({ line: 4, col: 10 });
    expect(locate(file, '/a/b/1/y', true)).toEqual({ line: 4, col: 7 });
    expect(locate(file, '/a/b/0')).toEqual({ line: 3, col: 7 });
    // An unresolvable tail falls back to the deepest node that exists.
    expect(locate(file, '/a/missing/deeper')).toEqual({ line: 2, col: 3 });
  });

  it('refuses oversized text before parsing it', () => {
    const text = `a: "${'x'.repeat(MAX_SPEC_FILE_BYTES)}"\n`;
    expect(parseSpecText(text, 'big.yaml', 'c/big.yaml').diagnostics.map(formatDiagnostic)).toEqual([
      `big.yaml:1:1 error file is larger than ${MAX_SPEC_FILE_BYTES} bytes; split the spec into several files`,
    ]);
  });

  it('refuses an empty file', () => {
    expect(parseSpecText('# only a comment\n', 'e.yaml', 'c/e.yaml').diagnostics[0]?.rule).toBe('yaml/empty');
  });

  it('reports every duplicate key, not only the first', () => {
    const { diagnostics } = parseSpecText('a: 1\nb: 2\na: 3\nb: 4\n', 'd.yaml', 'c/d.yaml');
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'd.yaml:3:1 error duplicate key "a": each key may appear once in a mapping',
      'd.yaml:4:1 error duplicate key "b": each key may appear once in a mapping',
    ]);
  });

  it('parses YAML 1.2: "on" and "yes" stay strings in the input', () => {
    expect(parseSpecText('a: on\nb: yes\n', 'y.yaml', 'c/y.yaml').files[0]!.data).toEqual({ a: 'on', b: 'yes' });
  });
});

describe('readSpecDir', () => {
  it('reads *.yaml and *.yml in name order, ignores other files, and names them relative to cwd', async () => {
    dir = await tempDir();
    await mkdir(path.join(dir, 'clusters'));
    await writeFile(path.join(dir, 'clusters', 'b.yml'), 'kind: Cluster\n');
    await writeFile(path.join(dir, 'clusters', 'a.yaml'), 'kind: Constellation\n');
    await writeFile(path.join(dir, 'clusters', 'notes.md'), '# not a spec\n');
    const { files, diagnostics } = await readSpecDir(path.join(dir, 'clusters'), dir);
    expect(diagnostics).toEqual([]);
    expect(files.map((f) => [f.displayPath, f.specPath])).toEqual([
      ['clusters/a.yaml', 'clusters/a.yaml'],
      ['clusters/b.yml', 'clusters/b.yml'],
    ]);
  });

  it('refuses oversized files by size, without reading them', async () => {
    dir = await tempDir();
    await writeFile(path.join(dir, 'big.yaml'), Buffer.alloc(MAX_SPEC_FILE_BYTES + 1, 0x61));
    const { diagnostics } = await readSpecDir(dir, dir);
    expect(diagnostics[0]?.rule).toBe('yaml/too-large');
  });

  it('says so when the directory is missing or empty', async () => {
    dir = await tempDir();
    expect((await readSpecDir(path.join(dir, 'nope'), dir)).diagnostics[0]?.rule).toBe('spec/missing-dir');
    expect((await readSpecDir(dir, dir)).diagnostics[0]?.rule).toBe('spec/empty-dir');
  });
});
