import { readdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { identityToRecipient } from 'age-encryption';
import { parseIdentities } from '../../lib/sops/keys.ts';
import { removeDir, runOrrery, tempDir, TEST_KEY_FILE, TEST_RECIPIENT } from '../helpers.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));
// The variables sops reads. They are set on process.env itself (never by replacing the object:
// os.homedir() reads the real environment, so a replaced process.env would let init write into
// the real ~/.config), and restored after each test.
const VARS = ['HOME', 'XDG_CONFIG_HOME', 'SOPS_AGE_KEY', 'SOPS_AGE_KEY_FILE'] as const;
const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));
let home: string;
beforeEach(async () => {
  home = await tempDir('orrery-home-');
  dirs.push(home);
  // A clean machine: no age key anywhere sops would look.
  process.env.HOME = home;
  for (const v of VARS.slice(1)) delete process.env[v];
  expect(os.homedir()).toBe(home);
});
afterEach(() => {
  for (const v of VARS) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
});

const run = (argv: string[]): ReturnType<typeof runOrrery> => runOrrery(argv);

describe('orrery init DIR', () => {
  it('writes a starter that validates --strict, a new age key (0600, never printed), .sops.yaml and .gitignore; then secrets and synth work', async () => {
    const fleet = path.join(await tempDir('orrery-init-'), 'homelab');
    dirs.push(path.dirname(fleet));
    const r = await run(['init', fleet]);
    expect(r.code, r.err).toBe(0);
    expect((await readdir(path.join(fleet, 'clusters'))).sort()).toEqual(['constellation.yaml', 'lab.yaml']);

    const keyFile = path.join(home, '.config', 'sops', 'age', 'keys.txt');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(keyFile))).mode & 0o777).toBe(0o700);
    const [identity] = parseIdentities(await readFile(keyFile, 'utf8'));
    expect(identity).toMatch(/^AGE-SECRET-KEY-1/);
    // The secret key is in the key file only: never in what init prints or writes into the fleet.
    expect(r.out + r.err).not.toContain(identity!.slice(16));
    const recipient = await identityToRecipient(identity!);
    const constellation = parse(await readFile(path.join(fleet, 'clusters', 'constellation.yaml'), 'utf8')) as { name: string; sops: { ageRecipients: string[] } };
    expect(constellation.name).toBe('homelab');
    expect(constellation.sops.ageRecipients).toEqual([recipient]);
    expect(r.err).toContain(`public key ${recipient}`);
    expect(await readFile(path.join(fleet, '.sops.yaml'), 'utf8')).toContain(`age: ${recipient}`);
    const gitignore = await readFile(path.join(fleet, '.gitignore'), 'utf8');
    for (const line of ['_out/', 'secrets.yaml', '*.agekey', 'keys.txt']) expect(gitignore.split('\n')).toContain(line);
    // Outside orrery's repository the schema is where npm puts it, and init says to install orrery.
    expect(await readFile(path.join(fleet, 'clusters', 'lab.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/node_modules\/orrery\/schemas\/orrery\.schema\.json\n/);
    expect(r.err).toContain('not "npm install orrery", which is another package');

    const spec = ['--spec', path.join(fleet, 'clusters')];
    expect((await run(['validate', ...spec, '--strict'])).code).toBe(0);
    const secrets = await run(['secrets', ...spec]);
    expect(secrets.code, secrets.err).toBe(0);
    expect(secrets.err).toContain('generated lab/talos-secrets');
    const synth = await run(['synth', ...spec, '--out', path.join(fleet, 'dist'), '--strict']);
    expect(synth.code, synth.err).toBe(0);
    expect(synth.err).toContain('boot media (Talos');
    expect((await run(['check', ...spec, '--out', path.join(fleet, 'dist')])).code).toBe(0);
  });

  it('uses the key sops would find, creates none, and overwrites nothing on a second run', async () => {
    process.env.SOPS_AGE_KEY_FILE = TEST_KEY_FILE;
    const fleet = await tempDir('orrery-init-');
    dirs.push(fleet);
    const r = await run(['init', fleet, '--cluster', 'edge', '--fleet', 'shops']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`using your age key from SOPS_AGE_KEY_FILE`);
    await expect(stat(path.join(home, '.config', 'sops', 'age', 'keys.txt'))).rejects.toThrow();
    const constellation = parse(await readFile(path.join(fleet, 'clusters', 'constellation.yaml'), 'utf8')) as { name: string; sops: { ageRecipients: string[] } };
    expect(constellation).toMatchObject({ name: 'shops', sops: { ageRecipients: [TEST_RECIPIENT] } });
    const before = await readFile(path.join(fleet, 'clusters', 'edge.yaml'), 'utf8');
    const again = await run(['init', fleet]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('overwrites nothing');
    expect(await readFile(path.join(fleet, 'clusters', 'edge.yaml'), 'utf8')).toBe(before);
  });

  it('refuses names that are not DNS labels, and two directories', async () => {
    expect((await run(['init', '/tmp/x', '--cluster', 'Lab_1'])).err).toContain('--cluster "Lab_1" is not a DNS label');
    expect((await run(['init', 'a', 'b'])).err).toContain('one directory, not 2');
  });
});
