import { spawnSync } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../lib/cli/main.ts';
import { materializeFixture, removeDir, REPO, runOrrery } from '../helpers.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

const run = (argv: string[]): ReturnType<typeof runOrrery> => runOrrery(argv);

async function fixture(name: string): Promise<string> {
  const dir = await materializeFixture(name);
  dirs.push(dir);
  return dir;
}

describe('orrery CLI', () => {
  it('--help on each command exits 0 and describes it', async () => {
    for (const cmd of ['synth', 'validate', 'check']) {
      const r = await run([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: orrery ${cmd}`);
    }
    expect((await run(['--help'])).out).toContain('Commands:');
  });

  it('an unknown command or option is a usage error (exit 1)', async () => {
    expect((await run(['deploy'])).code).toBe(1);
    expect((await run(['synth', '--nope'])).code).toBe(1);
    expect((await run(['synth', '--format', 'xml'])).code).toBe(1);
  });

  it('synth writes, a second synth writes nothing, check passes; a spec change makes check fail', async () => {
    const dir = await fixture('accept/base');
    const spec = path.join(dir, 'clusters');
    const out = path.join(dir, 'dist');
    const first = await run(['synth', '--spec', spec, '--out', out]);
    expect(first.code).toBe(0);
    expect(first.err).toMatch(/orrery synth: \d+ written, 0 removed, 0 unchanged/);
    expect(first.err).not.toContain('not compiled yet');
    expect((await run(['synth', '--spec', spec, '--out', out])).err).toMatch(/0 written, 0 removed, \d+ unchanged/);
    expect((await run(['check', '--spec', spec, '--out', out])).code).toBe(0);
    const lab = path.join(spec, 'lab.yaml');
    await writeFile(lab, (await readFile(lab, 'utf8')).replace('enforce: baseline', 'enforce: restricted'));
    const check = await run(['check', '--spec', spec, '--out', out]);
    expect(check.code).toBe(1);
    expect(check.err).toContain('changed  lab/namespaces/namespace-apps.yaml');
  });

  it('bad input: every error at once, exit 1, nothing written, no stack trace', async () => {
    const dir = await fixture('reject/gateway-off-link');
    const out = path.join(dir, 'dist');
    const r = await run(['synth', '--spec', path.join(dir, 'clusters'), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err.split('\n').filter((l) => l.includes(' error '))).toHaveLength(2);
    expect(r.err).toContain('orrery synth: 2 error(s); nothing was written');
    expect(r.err).not.toMatch(/\n\s+at /);
    await expect(readFile(path.join(out, 'README.md'))).rejects.toThrow();
  });

  it('a failed synth leaves the previous dist/ exactly as it was', async () => {
    const dir = await fixture('accept/base');
    const spec = path.join(dir, 'clusters');
    const out = path.join(dir, 'dist');
    await run(['synth', '--spec', spec, '--out', out]);
    const before = await readFile(path.join(out, 'lab', 'README.md'), 'utf8');
    await cp(path.join(REPO, 'test/fixtures/reject/vip-is-node-address/clusters/lab.yaml'), path.join(spec, 'lab.yaml'));
    expect((await run(['synth', '--spec', spec, '--out', out])).code).toBe(1);
    expect(await readFile(path.join(out, 'lab', 'README.md'), 'utf8')).toBe(before);
  });

  it('--format json and github', async () => {
    const dir = await fixture('reject/vip-is-node-address');
    const json = await run(['validate', '--spec', path.join(dir, 'clusters'), '--format', 'json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toEqual([
      expect.objectContaining({ severity: 'error', file: expect.stringMatching(/clusters\/lab\.yaml$/), line: 10, col: 8, pointer: '/endpoint/vip', rule: 'endpoint/vip-is-node-address' }),
    ]);
    const gh = await run(['validate', '--spec', path.join(dir, 'clusters'), '--format', 'github']);
    expect(gh.out).toMatch(/^::error file=.*clusters\/lab\.yaml,line=10,col=8,title=orrery endpoint\/vip-is-node-address::\/endpoint\/vip%3A|^::error file=.*,line=10,col=8,title=orrery endpoint\/vip-is-node-address::\/endpoint\/vip: VIP "10\.0\.0\.11"/m);
  });

  it('orrery check passes on the committed dist/ of the bundled example', async () => {
    const r = await run(['check', '--spec', path.join(REPO, 'clusters'), '--out', path.join(REPO, 'dist')]);
    expect(r.err).toMatch(/is up to date \(\d+ files\)/);
    expect(r.code).toBe(0);
  });

  it('after synth inside a git work tree, says what changed against git', async () => {
    const dir = await fixture('accept/base');
    spawnSync('git', ['init', '-q', dir]);
    const r = await run(['synth', '--spec', path.join(dir, 'clusters'), '--out', path.join(dir, 'dist')]);
    expect(r.err).toMatch(/dist: 0 modified, \d+ new, 0 deleted against git — review with git diff/);
  });

  it('an internal error (a bug) exits 2 with a stack trace', async () => {
    let err = '';
    const code = await runCli(['--help'], {
      out: () => {
        throw new Error('simulated bug');
      },
      err: (t) => (err += t),
    });
    expect(code).toBe(2);
    expect(err).toContain('orrery: internal error — this is a bug in orrery, please report it:');
    expect(err).toMatch(/Error: simulated bug\n\s+at /);
  });

  it('the package bin runs without a build step and exits 1 on bad input', () => {
    const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'orrery.mjs'), 'validate', '--spec', path.join(REPO, 'test/fixtures/reject/schema-bad-enum/clusters')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('"workloud" is not one of management, workload, standalone; did you mean "workload"?');
  });
});
