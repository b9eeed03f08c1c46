import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSpecDir } from '../lib/pipeline.ts';
import { writeOutput } from '../lib/output/writer.ts';
import { exampleSpecs, REPO, removeDir, tempDir } from './helpers.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else out.push(r);
  }
  return out.sort();
}

describe.each(exampleSpecs())('golden: $name', ({ spec, dist }) => {
  it('synth into an empty directory gives exactly the committed dist/ (no missing, no extra file)', async () => {
    const result = await compileSpecDir(spec, { cwd: REPO });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const out = await tempDir();
    dirs.push(out);
    await writeOutput(path.join(out, 'dist'), result.files!);
    const produced = await listFiles(path.join(out, 'dist'));
    expect(produced).toEqual(await listFiles(dist));
    for (const file of produced) {
      expect(await readFile(path.join(out, 'dist', file), 'utf8'), file).toBe(await readFile(path.join(dist, file), 'utf8'));
    }
  });

  it('is deterministic: two compiles give identical bytes, with no absolute path or timestamp', async () => {
    const a = await compileSpecDir(spec, { cwd: REPO });
    const b = await compileSpecDir(spec, { cwd: '/' });
    expect([...b.files!.entries()]).toEqual([...a.files!.entries()]);
    for (const [file, content] of a.files!) {
      expect(content, file).not.toContain(REPO);
      // SOPS files carry the time they were encrypted (fixed at `orrery secrets`, copied byte for byte).
      const withoutSopsTime = content.replace(/^ {2}lastmodified: "[^"]+"$/m, '');
      expect(withoutSopsTime, file).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:\d\d/);
    }
  });
});
