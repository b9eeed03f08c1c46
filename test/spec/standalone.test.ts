import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { ErrorObject } from 'ajv';
import { compileSpecValidators, specFormats, specValidatorsSource, type SpecValidators } from '../../lib/spec/spec-validators.ts';
import { REPO, removeDir } from '../helpers.ts';

// The standalone validators npm ci generates (scripts/build.mjs) must accept and report exactly
// what ajv compiled at run time does: same verdict, same errors, for every spec file we have.
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

function specFiles(): string[] {
  const found: string[] = [];
  const visit = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'dist' && e.name !== 'node_modules') visit(p);
      } else if (e.name.endsWith('.yaml') && p.includes(`${path.sep}clusters${path.sep}`)) found.push(p);
    }
  };
  visit(path.join(REPO, 'test', 'fixtures'));
  visit(path.join(REPO, 'examples'));
  visit(path.join(REPO, 'clusters'));
  return found.sort();
}

const shown = (errors: readonly ErrorObject[] | null | undefined): unknown =>
  (errors ?? []).map((e) => ({ path: e.instancePath, schemaPath: e.schemaPath, keyword: e.keyword, params: e.params, message: e.message, data: e.data, parentSchema: e.parentSchema }));

describe('standalone spec validators', () => {
  it('GIVEN every spec file in the fixtures and examples THEN standalone and run-time ajv agree on verdict and errors', async () => {
    // Inside the repository (gitignored), so that the generated code's require('ajv/dist/runtime/…') resolves as in build/.
    const dir = path.join(REPO, 'node_modules', '.cache', `orrery-standalone-test-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    dirs.push(dir);
    const file = path.join(dir, 'validators.cjs');
    writeFileSync(file, specValidatorsSource());
    const factory = createRequire(import.meta.url)(file) as (f: ReturnType<typeof specFormats>) => SpecValidators;
    const standalone = factory(specFormats());
    const runtime = compileSpecValidators();
    const files = specFiles();
    expect(files.length).toBeGreaterThan(100);
    let rejected = 0;
    let compared = 0;
    for (const f of files) {
      for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) {
        let data: { kind?: string } | null;
        try {
          data = doc.toJS() as { kind?: string } | null;
        } catch {
          continue; // a must-reject YAML fixture (an alias bomb): it never reaches the schema
        }
        if (!data || (data.kind !== 'Constellation' && data.kind !== 'Cluster')) continue;
        const pick = (v: SpecValidators) => (data.kind === 'Constellation' ? v.constellation : v.cluster);
        const a = pick(standalone)(data);
        const b = pick(runtime)(data);
        expect(a, f).toBe(b);
        expect(shown(pick(standalone).errors), f).toEqual(shown(pick(runtime).errors));
        if (!a) rejected++;
        compared++;
      }
    }
    // The negative control: some files are invalid, so errors were compared, not only passes.
    expect(rejected).toBeGreaterThan(5);
    expect(compared).toBeGreaterThan(100);
  });
});
