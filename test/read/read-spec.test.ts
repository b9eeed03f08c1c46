import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SPEC_FILE_BYTES, parseSpecBytes, parseSpecText, readSpecDir } from '../../lib/read/read-spec.ts';
import { execFileSync } from 'node:child_process';
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

describe('readSpecDir: whatever is named like a spec file and cannot be one is an error, never skipped', () => {
  const base = 'apiVersion: orrery.dev/v1alpha1\nkind: Constellation\nname: c\n';
  async function layout(build: (d: string) => Promise<void>): Promise<string[]> {
    dir = await tempDir();
    const spec = path.join(dir, 'clusters');
    await mkdir(spec);
    await writeFile(path.join(spec, 'a.yaml'), base);
    await build(spec);
    return (await readSpecDir(spec, dir)).diagnostics.map(formatDiagnostic);
  }

  it('a link to a file outside the spec directory is refused; a link inside it is followed', async () => {
    const { symlink } = await import('node:fs/promises');
    const diagnostics = await layout(async (spec) => {
      await writeFile(path.join(dir!, 'elsewhere.yaml'), base);
      await symlink(path.join(dir!, 'elsewhere.yaml'), path.join(spec, 'out.yaml'));
      await symlink('a.yaml', path.join(spec, 'in.yaml'));
    });
    expect(diagnostics).toEqual([
      expect.stringMatching(/^clusters\/out\.yaml:1:1 error a symbolic link to \/.+\/elsewhere\.yaml, outside \/.+\/clusters; orrery does not follow links out of the directory \(a review of it would not show the file\): copy the file in instead$/),
    ]);
  });

  it('a directory, a FIFO and a dangling link named *.yaml, and an upper-case .YML', async () => {
    const { symlink } = await import('node:fs/promises');
    const diagnostics = await layout(async (spec) => {
      await mkdir(path.join(spec, 'dir.yaml'));
      execFileSync('mkfifo', [path.join(spec, 'pipe.yaml')]);
      await symlink('missing.yaml', path.join(spec, 'dangling.yaml'));
      await writeFile(path.join(spec, 'LAB.YML'), base);
      await writeFile(path.join(spec, 'x\nkind: Secret.yaml'), base);
    });
    expect(diagnostics).toEqual([
      'clusters/LAB.YML:1:1 error spec files end in .yaml or .yml, in lower case; rename it to "LAB.yml" so that it is read (on a case-sensitive file system it would be skipped)',
      'clusters/dangling.yaml:1:1 error a symbolic link that cannot be followed: it does not exist (a link that points nowhere, or removed meanwhile)',
      'clusters/dir.yaml:1:1 error named like a spec file but it is a directory, not a regular file; rename or remove it',
      'clusters/pipe.yaml:1:1 error named like a spec file but it is a FIFO (named pipe), not a regular file; rename or remove it',
      'clusters/x\\u000akind: Secret.yaml:1:1 error the file name "x\\nkind: Secret.yaml" holds a control character or a line separator; rename the file',
    ]);
  });

  it.skipIf(process.getuid?.() !== 0)('a device node named *.yaml (mknod needs root)', async () => {
    const diagnostics = await layout(async (spec) => void execFileSync('mknod', [path.join(spec, 'null.yaml'), 'c', '1', '3']));
    expect(diagnostics).toEqual(['clusters/null.yaml:1:1 error named like a spec file but it is a device, not a regular file; rename or remove it']);
  });
});

describe('parseSpecBytes: text only', () => {
  const parse = (bytes: Buffer): string[] => parseSpecBytes(bytes, 'f.yaml', 'c/f.yaml').diagnostics.map(formatDiagnostic);

  it('refuses invalid UTF-8 (a Latin-1 byte, an overlong form, a truncated sequence) at its line and column', () => {
    expect(parse(Buffer.from('a: 1\nb: caf\xe9\n', 'latin1'))).toEqual(['f.yaml:2:7 error the file is not valid UTF-8 (a binary file, or another encoding such as Latin-1?); save it as UTF-8']);
    expect(parse(Buffer.from([0x61, 0x3a, 0x20, 0xc0, 0xaf]))).toEqual(['f.yaml:1:4 error the file is not valid UTF-8 (a binary file, or another encoding such as Latin-1?); save it as UTF-8']);
    expect(parse(Buffer.from([0x61, 0x3a, 0x20, 0xe2, 0x82]))).toHaveLength(1);
  });

  it('refuses NUL, other control characters and DEL in the text; accepts tabs, CRLF, a leading BOM and non-ASCII text', () => {
    expect(parse(Buffer.from('a: x\u0000y\n'))).toEqual(['f.yaml:1:5 error U+0000 (NUL) is not allowed in a spec file; remove it (a binary or corrupted file?)']);
    expect(parse(Buffer.from('a: "\u001b[31m"\n'))).toEqual(['f.yaml:1:5 error U+001B (ESC) is not allowed in a spec file; remove it (a binary or corrupted file?)']);
    expect(parse(Buffer.from('a: x\u007f\n'))).toEqual(['f.yaml:1:5 error U+007F (DEL) is not allowed in a spec file; remove it (a binary or corrupted file?)']);
    const ok = parseSpecBytes(Buffer.from('\ufeffa: "caf\u00e9 \u4e16\u754c"\r\nb:\tx\r\n'), 'f.yaml', 'c/f.yaml');
    expect(ok.diagnostics).toEqual([]);
    expect(ok.files[0]!.data).toEqual({ a: 'caf\u00e9 \u4e16\u754c', b: 'x' });
  });

  it('refuses control characters and lone surrogates that escapes put into keys and values, at their pointer', () => {
    expect(parse(Buffer.from('a:\n  b: "x\\0"\n  "k\\x01": v\n  c: "\\ud800"\n'))).toEqual([
      'f.yaml:2:6 error /a/b: the value holds U+0000 (NUL) (from an escape sequence); remove it',
      'f.yaml:3:3 error /a: the key "k\\u0001" holds U+0001 (a control character) (from an escape sequence); remove it',
      'f.yaml:4:6 error /a/c: the value holds U+D800 (a lone surrogate) (from an escape sequence); remove it',
    ]);
    expect(parse(Buffer.from('a: "x\\Ny"\nb: "x\u0085y"\n'))).toEqual([
      'f.yaml:1:4 error /a: the value holds U+0085 (NEXT LINE), which kustomize turns into a space on its way to the cluster; use a line break or a space',
      'f.yaml:2:4 error /b: the value holds U+0085 (NEXT LINE), which kustomize turns into a space on its way to the cluster; use a line break or a space',
    ]);
  });

  it('gives every mapping a null prototype: __proto__, constructor and toString are ordinary keys', () => {
    const data = parseSpecBytes(Buffer.from('labels:\n  __proto__: a\n  constructor: b\n  toString: c\n'), 'f.yaml', 'c/f.yaml').files[0]!.data as Record<string, Record<string, string>>;
    expect(Object.getPrototypeOf(data.labels)).toBe(null);
    expect(Object.keys(data.labels!)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(data.labels!.constructor).toBe('b');
    expect((data as Record<string, unknown>).hasOwnProperty).toBeUndefined();
  });
});
