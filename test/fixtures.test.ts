import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderDiagnostics } from '../lib/diagnostics/diagnostic.ts';
import { compileSpecDir } from '../lib/pipeline.ts';
import { FIXTURES, fixtureNames, materializeFixture, removeDir } from './helpers.ts';

// Each fixture's expected.txt holds the complete diagnostics (errors and warnings) in text form.
// UPDATE_FIXTURES=1 rewrites them; review the diff before committing.
const update = process.env.UPDATE_FIXTURES === '1';
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

async function diagnosticsOf(fixture: string): Promise<{ text: string; errors: number; built: boolean }> {
  const dir = await materializeFixture(fixture);
  dirs.push(dir);
  const result = await compileSpecDir(path.join(dir, 'clusters'), { cwd: dir });
  return {
    text: renderDiagnostics(result.diagnostics, 'text'),
    errors: result.diagnostics.filter((d) => d.severity === 'error').length,
    built: result.files !== undefined,
  };
}

async function expectMatches(fixture: string, text: string): Promise<void> {
  const file = path.join(FIXTURES, fixture, 'expected.txt');
  if (update) await writeFile(file, text);
  expect(text).toBe(await readFile(file, 'utf8'));
}

describe('must-reject fixtures', () => {
  const names = fixtureNames('reject');
  it('there are at least 25', () => expect(names.length).toBeGreaterThanOrEqual(25));
  it.each(names)('%s is rejected with its expected message', async (fixture) => {
    const { text, errors, built } = await diagnosticsOf(fixture);
    expect(errors).toBeGreaterThan(0);
    expect(built).toBe(false);
    await expectMatches(fixture, text);
  });
});

describe('must-accept fixtures', () => {
  it.each(fixtureNames('accept'))('%s compiles (warnings as expected)', async (fixture) => {
    const { text, errors, built } = await diagnosticsOf(fixture);
    expect(errors).toBe(0);
    expect(built).toBe(true);
    await expectMatches(fixture, text);
  });
});
