import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, removeDir, tempDir } from '../helpers.ts';

// What a command loads is most of its start-up (issue 16): each run here is a child process
// preloading loaded-modules.mjs, which reports every module it loaded — CommonJS (cdk8s and
// cdk8s-plus are jsii packages, x509 and handlebars ship CommonJS) by import or by require, and
// ES modules (age-encryption, simple-git's .mjs, orrery's own) through a loader hook. bin/orrery.mjs
// runs build/ when fresh and the sources through tsx otherwise; either way the paths name the package.
const BIN = path.join(REPO, 'bin', 'orrery.mjs');
const PROBE = path.join(REPO, 'test', 'cli', 'loaded-modules.mjs');
/** Libraries a command should load only where it uses them, each a noticeable share of start-up. */
const HEAVY = ['cdk8s', 'cdk8s-plus-34', '@peculiar/x509', 'handlebars', 'simple-git', 'age-encryption', 'microdiff', 'yaml', 'ajv'] as const;
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

/** Every module (absolute path) a child process loaded. */
async function loadedBy(args: readonly string[], env: Record<string, string> = {}): Promise<string[]> {
  const dir = await tempDir('orrery-start-up-');
  dirs.push(dir);
  const out = path.join(dir, 'loaded.json');
  const r = spawnSync(process.execPath, ['--import', PROBE, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env, ORRERY_LOADED_OUT: out } });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as string[];
}

/** The HEAVY packages among loaded modules. */
function heavyIn(loaded: readonly string[]): string[] {
  return HEAVY.filter((pkg) => loaded.some((m) => m.includes(`${path.sep}node_modules${path.sep}${pkg.split('/').join(path.sep)}${path.sep}`)));
}

async function heavyLoaded(args: readonly string[], env: Record<string, string> = {}): Promise<string[]> {
  return heavyIn(await loadedBy(args, env));
}

/** orrery's own modules among loaded ones, as lib-relative paths without extension (build/lib/x.js and lib/x.ts alike). */
function orreryModules(loaded: readonly string[]): string[] {
  const lib = [path.join(REPO, 'build', 'lib') + path.sep, path.join(REPO, 'lib') + path.sep];
  return loaded.flatMap((m) => {
    const base = lib.find((b) => m.startsWith(b));
    return base ? [m.slice(base.length).replace(/\.(js|ts)$/, '').split(path.sep).join('/')] : [];
  });
}

describe('start-up', () => {
  it('GIVEN orrery --help THEN only the command list loads: no pipeline, no command implementation, none of the heavy libraries', async () => {
    const loaded = await loadedBy([BIN, '--help']);
    const own = orreryModules(loaded);
    // Positive control: the probe sees orrery's ES modules.
    expect(own).toContain('cli/main');
    expect(own.filter((m) => m === 'pipeline' || m.endsWith('-run') || m === 'runner/run' || m === 'registry')).toEqual([]);
    expect(heavyIn(loaded)).toEqual([]);
  });

  it('GIVEN the bundled clusters/ THEN validate loads neither cdk8s, cdk8s-plus, @peculiar/x509, handlebars, simple-git, microdiff nor the writer', async () => {
    // It does load yaml (the spec), ajv's runtime (the compiled schema) and age-encryption: the
    // schema's age-recipient format checks a recipient's bech32 checksum with it
    // (lib/sops/recipients.ts), and clusters/ has recipients — the probe sees this ES module.
    const loaded = await loadedBy([BIN, 'validate', '--spec', path.join(REPO, 'clusters')]);
    expect(heavyIn(loaded)).toEqual(['age-encryption', 'yaml', 'ajv']);
    // Nor the writer, the build cache or git: it writes nothing (lib/cli/commands/compile-output.ts).
    expect(orreryModules(loaded).filter((m) => ['output/writer', 'output/build-cache', 'output/git-summary', 'cli/commands/compile-output'].includes(m))).toEqual([]);
    expect(orreryModules(loaded)).toContain('pipeline');
  });

  it('GIVEN the same spec THEN synth loads cdk8s and cdk8s-plus when it builds (the probe sees a lazy require)', async () => {
    const out = await tempDir('orrery-start-up-out-');
    dirs.push(out);
    const heavy = await heavyLoaded([BIN, 'synth', '--spec', path.join(REPO, 'clusters'), '--out', out]);
    expect(heavy).toEqual(expect.arrayContaining(['cdk8s', 'cdk8s-plus-34', 'handlebars']));
    expect(heavy).not.toContain('microdiff');
  });

  it('GIVEN a second synth with nothing changed THEN every cluster comes from the build cache and neither cdk8s, cdk8s-plus nor @peculiar/x509 is loaded', async () => {
    const out = await tempDir('orrery-start-up-out-');
    dirs.push(out);
    const env = { ORRERY_CACHE_DIR: path.join(out, 'cache') };
    const args = [BIN, 'synth', '--spec', path.join(REPO, 'clusters'), '--out', path.join(out, 'dist')];
    expect(await heavyLoaded(args, env)).toEqual(expect.arrayContaining(['cdk8s', 'cdk8s-plus-34']));
    // Still loaded, and used: yaml and age (above), handlebars (the fleet-wide docs are rendered on
    // every synth), simple-git (the summary against git after writing). Not ajv: every spec file
    // is in the spec cache (lib/read/spec-cache.ts), so nothing is validated again.
    expect(await heavyLoaded(args, env)).toEqual(['handlebars', 'simple-git', 'age-encryption', 'yaml']);
  });

  it('GIVEN certificate generation THEN @peculiar/x509 is loaded on first use (the probe sees it)', async () => {
    const script = `const { loadX509 } = await import(${JSON.stringify(path.join(REPO, 'lib', 'secrets', 'pki.ts'))}); await loadX509();`;
    expect(await heavyLoaded(['--import', 'tsx/esm', '--input-type=module', '-e', script])).toContain('@peculiar/x509');
  });
});
