import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeFingerprint, sourceFingerprint } from '../../lib/util/code-fingerprint.ts';
import { REPO, removeDir, tempDir } from '../helpers.ts';

// The build cache's key starts with the code's fingerprint: any change to orrery must change it.
describe('code fingerprint', () => {
  it('GIVEN a package root THEN any change to a source, template, schema or the package manifest changes it; nothing else does', async () => {
    const root = await tempDir('orrery-fingerprint-');
    try {
      for (const d of ['lib/a', 'charts', 'schemas']) await mkdir(path.join(root, d), { recursive: true });
      await writeFile(path.join(root, 'lib/a/x.ts'), 'export const x = 1;\n');
      await writeFile(path.join(root, 'charts/c.ts'), 'c\n');
      await writeFile(path.join(root, 'schemas/s.json'), '{}\n');
      await writeFile(path.join(root, 'package.json'), JSON.stringify({ name: 't', dependencies: { yaml: '2.0.0' } }));
      const base = sourceFingerprint(root);
      expect(sourceFingerprint(root)).toBe(base);
      await writeFile(path.join(root, 'README.md'), 'not code\n');
      expect(sourceFingerprint(root)).toBe(base);
      const seen = new Set([base]);
      for (const [file, text] of [
        ['lib/a/x.ts', 'export const x = 2;\n'],
        ['lib/a/y.hbs', 'template\n'],
        ['charts/c.ts', 'd\n'],
        ['schemas/s.json', '{"a":1}\n'],
        ['package.json', JSON.stringify({ name: 't', version: '2' })],
        ['package-lock.json', '{}\n'],
      ] as const) {
        await writeFile(path.join(root, file), text);
        const next = sourceFingerprint(root);
        expect(seen.has(next), file).toBe(false);
        seen.add(next);
      }
    } finally {
      await removeDir(root);
    }
  });

  it('the running code has one (from the sources here)', () => {
    expect(codeFingerprint()).toBe(`${sourceFingerprint(REPO)} node ${process.version}`);
  });
});
