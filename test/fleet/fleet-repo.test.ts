import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, REPO, tempDir } from '../helpers.ts';

/**
 * A fleet repository of its own, as an operator makes one: orrery installed from the tarball
 * `npm pack` makes (the npm name "orrery" belongs to another package, so never from the registry
 * by name), then `npx orrery init`, secrets, synth and check in that repository.
 *
 * npm cannot resolve a tarball's dependencies offline (their registry documents are not in the
 * cache `npm ci` fills), and tests download nothing: the fleet's lockfile is therefore orrery's own
 * production tree with orrery added, which is what `npm install` writes there, and `npm ci
 * --offline` installs it from the cache. The install, the bin link and every run are real.
 */
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

interface Lockfile {
  readonly packages: Record<string, { dev?: boolean; devOptional?: boolean; [k: string]: unknown }>;
}

function fleetLockfile(tarball: string): string {
  const lock = JSON.parse(readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as Lockfile;
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    '': { name: 'fleet', devDependencies: { orrery: spec } },
    'node_modules/orrery': {
      version: pkg.version,
      resolved: spec,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
      dev: true,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  // orrery's runtime tree, hoisted the same way into the fleet's node_modules (dev-only packages stay out).
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '' || entry.dev) continue;
    const { devOptional, ...rest } = entry;
    packages[key] = { ...rest, dev: true, ...(devOptional ? { optional: true } : {}) };
  }
  return `${JSON.stringify({ name: 'fleet', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`;
}

describe('a fleet repository with orrery as a dependency', () => {
  it('npm pack → npm ci into a fleet directory → npx orrery init, validate --strict, secrets, synth, check', async (ctx) => {
    const work = await tempDir('orrery-fleet-');
    dirs.push(work);
    // What the package ships: the sources that run, never the tests, their keys, examples or output.
    const listing = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' })) as { files: { path: string }[] }[];
    const shipped = listing[0]!.files.map((f) => f.path);
    expect(shipped).toEqual(expect.arrayContaining(['bin/orrery.mjs', 'lib/cli/main.ts', 'schemas/orrery.schema.json', 'lib/components/talos/templates/README.md.hbs', 'charts/namespaces.ts']));
    expect(shipped.filter((f) => /^(test|test-keys|examples|dist|clusters|secrets|bench|scripts)\//.test(f))).toEqual([]);

    const packed = execFileSync('npm', ['pack', '--pack-destination', work, '--silent', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' }).trim().split('\n').at(-1)!;
    const tarball = path.join(work, packed);
    const fleet = path.join(work, 'fleet');
    await mkdir(fleet);
    await writeFile(path.join(fleet, 'package.json'), `${JSON.stringify({ name: 'fleet', private: true, devDependencies: { orrery: `file:${tarball}` } }, null, 2)}\n`);
    writeFileSync(path.join(fleet, 'package-lock.json'), fleetLockfile(tarball));
    const install = spawnSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: fleet, encoding: 'utf8' });
    if (install.status !== 0 && /ENOTCACHED/.test(install.stderr)) {
      console.warn(`fleet repository test SKIPPED: npm's cache lacks orrery's dependencies (run npm ci in the repository first)\n${install.stderr}`);
      ctx.skip();
    }
    expect(install.status, install.stderr).toBe(0);
    expect(existsSync(path.join(fleet, 'node_modules', '.bin', 'orrery'))).toBe(true);

    // A machine without an age key: init makes one in this HOME, not the real one.
    const home = path.join(work, 'home');
    const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: '', SOPS_AGE_KEY: '', SOPS_AGE_KEY_FILE: '', npm_config_offline: 'true' };
    const orrery = (...args: string[]) => spawnSync('npx', ['orrery', ...args], { cwd: fleet, env, encoding: 'utf8' });

    const version = orrery('--version');
    expect(version.stdout).toBe(`orrery ${(JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version}\n`);
    const init = orrery('init', '.', '--fleet', 'home');
    expect(init.status, init.stderr).toBe(0);
    // The $schema line resolves through node_modules, where npm put the schema.
    const first = (await readFile(path.join(fleet, 'clusters', 'lab.yaml'), 'utf8')).split('\n')[0]!;
    expect(first).toBe('# yaml-language-server: $schema=../node_modules/orrery/schemas/orrery.schema.json');
    expect(existsSync(path.resolve(fleet, 'clusters', first.replace('# yaml-language-server: $schema=', '')))).toBe(true);
    expect(init.stderr).not.toContain('install orrery in');

    expect(orrery('validate', '--strict').status).toBe(0);
    const secrets = orrery('secrets');
    expect(secrets.status, secrets.stderr).toBe(0);
    const synth = orrery('synth', '--strict');
    expect(synth.status, synth.stderr).toBe(0);
    // Messages and generated files say npx orrery, which works in a fleet repository (npm run synth would not).
    expect(await readFile(path.join(fleet, 'dist', 'lab', 'talos', 'README.md'), 'utf8')).toContain('run npx orrery synth');
    expect(orrery('check').status).toBe(0);
    const lab = path.join(fleet, 'clusters', 'lab.yaml');
    await writeFile(lab, (await readFile(lab, 'utf8')).replace('gateway: 192.168.1.1', 'gateway: 192.168.1.254'));
    const stale = orrery('check');
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain('run npx orrery synth and commit the result');
  }, 180_000);
});
