import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers.ts';

// bin/orrery.mjs runs the compiled build/ (npm ci's prepare script) while it is fresh and the
// TypeScript sources through tsx otherwise; both must behave the same.
const BIN = path.join(REPO, 'bin', 'orrery.mjs');
const run = (env: Record<string, string>): { status: number | null; stderr: string } => {
  const r = spawnSync(process.execPath, [BIN, 'validate', '--spec', path.join(REPO, 'clusters')], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stderr: r.stderr };
};

describe('bin/orrery.mjs', () => {
  const built = path.join(REPO, 'build', '.built');
  const hasBuild = existsSync(built);
  if (!hasBuild) console.warn('bin: no build/ (npm run build): only the tsx path is tested');

  it('GIVEN the sources forced (ORRERY_FROM_SOURCE=1) and the default THEN validate says the same', () => {
    const fromSource = run({ ORRERY_FROM_SOURCE: '1' });
    const normal = run({});
    expect(fromSource.status).toBe(0);
    expect(normal).toEqual(fromSource);
    expect(fromSource.stderr).toMatch(/orrery validate: \d+ cluster\(s\), no errors/);
  });

  it.skipIf(!hasBuild)('GIVEN a build THEN it carries the standalone spec validators made from the schema on disk', () => {
    expect(existsSync(path.join(REPO, 'build', 'lib', 'spec', 'spec-validators.generated.cjs'))).toBe(true);
    expect(statSync(built).isFile()).toBe(true);
  });
});
