import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { materializeFixture, removeDir, REPO, runOrrery } from '../helpers.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

const run = (argv: string[]): ReturnType<typeof runOrrery> => runOrrery(argv);

async function fixture(name: string): Promise<{ dir: string; spec: string; out: string }> {
  const dir = await materializeFixture(name);
  dirs.push(dir);
  return { dir, spec: path.join(dir, 'clusters'), out: path.join(dir, 'dist') };
}

describe('--format json and github are what a CI step reads', () => {
  it('validate --format json prints [] for a clean spec (one parseable document, always)', async () => {
    const { spec } = await fixture('accept/base');
    const r = await run(['validate', '--spec', spec, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('[]\n');
  });

  it('check on a stale dist/: every stale file is an error annotation (github) or a JSON entry, never loose text on stdout', async () => {
    const { spec, out } = await fixture('accept/base');
    expect((await run(['synth', '--spec', spec, '--out', out])).code).toBe(0);
    const lab = path.join(spec, 'lab.yaml');
    await writeFile(lab, (await readFile(lab, 'utf8')).replace('enforce: baseline', 'enforce: restricted'));
    const json = await run(['check', '--spec', spec, '--out', out, '--format', 'json']);
    expect(json.code).toBe(1);
    const entries = JSON.parse(json.out) as { rule: string; file: string; severity: string; message: string }[];
    expect(entries).toContainEqual(expect.objectContaining({ rule: 'output/changed', severity: 'error', file: `${out}/lab/namespaces/namespace-apps.yaml` }));
    expect(entries.every((e) => !e.rule.startsWith('output/') || e.message.includes('run npx orrery synth and commit the result'))).toBe(true);
    const github = await run(['check', '--spec', spec, '--out', out, '--format', 'github']);
    expect(github.code).toBe(1);
    expect(github.out).toContain(`::error file=${out}/lab/namespaces/namespace-apps.yaml,line=1,col=1,title=orrery output/changed::`);
    expect(github.out.split('\n').filter(Boolean).every((l) => l.startsWith('::'))).toBe(true);
    // A person reading text gets the list as before.
    const text = await run(['check', '--spec', spec, '--out', out]);
    expect(text.err).toContain('changed  lab/namespaces/namespace-apps.yaml');
  });

  it('check --format json on an up-to-date dist/ prints [] and exits 0', async () => {
    const { spec, out } = await fixture('accept/base');
    await run(['synth', '--spec', spec, '--out', out]);
    const r = await run(['check', '--spec', spec, '--out', out, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).filter((d: { severity: string }) => d.severity === 'error')).toEqual([]);
  });

  // Keys not compiled yet (notes, ::notice, JSON entries, --strict): test/spec/pending.test.ts, on a
  // synthetic annotation now that every key of the schema compiles.
});

describe('--strict (CI): warnings and keys not compiled yet fail', () => {
  it('a warning fails synth --strict and nothing is written', async () => {
    const { spec, out } = await fixture('accept/even-control-planes');
    const plain = await run(['synth', '--spec', spec, '--out', out]);
    expect(plain.code).toBe(0);
    const { dir } = await fixture('accept/even-control-planes');
    const strict = await run(['synth', '--spec', path.join(dir, 'clusters'), '--out', path.join(dir, 'dist'), '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.err).toContain('nothing was written');
    await expect(readFile(path.join(dir, 'dist', 'README.md'))).rejects.toThrow();
  });

  it('a clean spec passes --strict', async () => {
    const { spec } = await fixture('accept/base');
    expect((await run(['validate', '--spec', spec, '--strict'])).code).toBe(0);
  });
});

describe('the CLI says what it is and what was meant', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect((await run(['--version'])).out).toBe(`orrery ${version}\n`);
  });

  it('an unknown option gets the closest one; a far-off one the list', async () => {
    const near = await run(['validate', '--strcit']);
    expect(near.code).toBe(1);
    expect(near.err).toContain('unknown option --strcit; did you mean --strict?');
    const far = await run(['synth', '--zzzzzz']);
    expect(far.err).toContain('unknown option --zzzzzz (options: --spec, --secrets, --format, --out, --strict, --no-cache, --help)');
    expect((await run(['synht'])).err).toContain('unknown command "synht"; did you mean "synth"?');
  });

  it('one mistake is one message: the VIP as gateway of every node is reported once', async () => {
    const { spec } = await fixture('reject/gateway-is-vip-reported-once');
    const r = await run(['validate', '--spec', spec]);
    expect(r.err.match(/is the API VIP/g)).toHaveLength(1);
    expect(r.err).toContain('orrery validate: 1 error(s)');
  });
});
