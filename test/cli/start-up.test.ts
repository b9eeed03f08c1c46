import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, removeDir, tempDir } from '../helpers.ts';

// `orrery validate` reads and checks the spec; the build stage's heavy libraries (cdk8s, cdk8s-plus
// and @peculiar/x509 take most of a second to load) must not come with it. Each run is a child
// process preloading loaded-modules.mjs, which reports the CommonJS modules it loaded (all three
// are CommonJS: jsii packages and x509's cjs build), by import or by require.
const BIN = path.join(REPO, 'bin', 'orrery.mjs');
const PROBE = path.join(REPO, 'test', 'cli', 'loaded-modules.mjs');
const HEAVY = ['cdk8s', 'cdk8s-plus-34', '@peculiar/x509'] as const;
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

/** The heavy packages a child process loaded. */
async function heavyLoaded(args: readonly string[], env: Record<string, string> = {}): Promise<string[]> {
  const dir = await tempDir('orrery-start-up-');
  dirs.push(dir);
  const out = path.join(dir, 'loaded.json');
  const r = spawnSync(process.execPath, ['--import', PROBE, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env, ORRERY_LOADED_OUT: out } });
  expect(r.status, r.stderr).toBe(0);
  const loaded = JSON.parse(readFileSync(out, 'utf8')) as string[];
  return HEAVY.filter((pkg) => loaded.some((m) => m.includes(`${path.sep}node_modules${path.sep}${pkg.split('/').join(path.sep)}${path.sep}`)));
}

describe('start-up', () => {
  it('GIVEN the bundled clusters/ THEN validate loads neither cdk8s, cdk8s-plus nor @peculiar/x509', async () => {
    expect(await heavyLoaded([BIN, 'validate', '--spec', path.join(REPO, 'clusters')])).toEqual([]);
  });

  it('GIVEN the same spec THEN synth loads cdk8s and cdk8s-plus when it builds (the probe sees a lazy require)', async () => {
    const out = await tempDir('orrery-start-up-out-');
    dirs.push(out);
    expect(await heavyLoaded([BIN, 'synth', '--spec', path.join(REPO, 'clusters'), '--out', out])).toEqual(['cdk8s', 'cdk8s-plus-34']);
  });

  it('GIVEN a second synth with nothing changed THEN every cluster comes from the build cache and neither cdk8s nor cdk8s-plus is loaded', async () => {
    const out = await tempDir('orrery-start-up-out-');
    dirs.push(out);
    const env = { ORRERY_CACHE_DIR: path.join(out, 'cache') };
    const args = [BIN, 'synth', '--spec', path.join(REPO, 'clusters'), '--out', path.join(out, 'dist')];
    expect(await heavyLoaded(args, env)).toEqual(['cdk8s', 'cdk8s-plus-34']);
    expect(await heavyLoaded(args, env)).toEqual([]);
  });

  it('GIVEN certificate generation THEN @peculiar/x509 is loaded on first use (the probe sees it)', async () => {
    const script = `const { loadX509 } = await import(${JSON.stringify(path.join(REPO, 'lib', 'secrets', 'pki.ts'))}); await loadX509();`;
    expect(await heavyLoaded(['--import', 'tsx/esm', '--input-type=module', '-e', script])).toEqual(['@peculiar/x509']);
  });
});
