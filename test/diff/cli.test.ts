import { spawnSync } from 'node:child_process';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.ts';
import { directoryTree } from '../../lib/diff/dir-tree.ts';
import { gitTree, resolveBase } from '../../lib/diff/git-tree.ts';
import { loadPair } from '../../lib/diff/load.ts';
import { gitBlobId, memoryTree } from '../../lib/diff/tree.ts';
import { REPO, removeDir, tempDir } from '../helpers.ts';

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1', HOME: '/nonexistent' };

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['diff', ...argv], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/**
 * GIVEN a repository holding seed 003's spec and its synthesised dist/ committed on main, and a
 * feature branch that edits the spec (not yet synthesised), WHEN orrery diff runs, THEN it
 * compares the output synth would write with dist/ at the merge base, and exits 3.
 */
describe('orrery diff (CLI, git)', () => {
  let repo: string;
  let spec: string;
  let out: string;
  const dirs: string[] = [];
  beforeAll(async () => {
    repo = await tempDir('orrery-diff-git-');
    dirs.push(repo);
    for (const d of ['clusters', 'secrets', 'dist']) await cp(path.join(REPO, 'examples', 'vtalos-lab', d), path.join(repo, d), { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'seed 003');
    git(repo, 'checkout', '-q', '-b', 'feature');
    spec = path.join(repo, 'clusters');
    out = path.join(repo, 'dist');
    const file = path.join(spec, 'vtalos.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('kubernetes:\n  # schedule-on-controlplanes.patch', 'talos:\n  sysctls:\n    net.core.somaxconn: "65535"\nkubernetes:\n  # schedule-on-controlplanes.patch'));
    git(repo, 'commit', '-q', '-am', 'a sysctl');
  });
  afterAll(async () => Promise.all(dirs.map(removeDir)));

  it('default base: the merge base with main; a change exits 3 and says what it does', async () => {
    const r = await run(['--spec', spec, '--out', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/^orrery diff: 1 cluster changed — 0 added, 1 changed, 0 removed objects\nbase: .*dist\/ at merge base of HEAD and main \([0-9a-f]{7}\)\n/);
    expect(r.out).toContain('apply-config applies live on Talos 1.13 (no reboot): machine.sysctls["net.core.somaxconn"]');
    expect((await run(['--spec', spec, '--out', out, '--exit-zero'])).code).toBe(0);
  });

  it('--base REF; no change exits 0', async () => {
    const r = await run(['--spec', spec, '--out', out, '--base', 'HEAD']);
    expect(r.code).toBe(3);
    // dist/ is not synthesised on the branch: the same compile against the same base is a change.
    const synth = await main(['synth', '--spec', spec, '--out', out], { out: () => {}, err: () => {} });
    expect(synth).toBe(0);
    git(repo, 'commit', '-q', '-am', 'synth');
    const same = await run(['--spec', spec, '--out', out, '--base', 'HEAD']);
    expect(same.code).toBe(0);
    expect(same.out).toContain('orrery diff: no change');
    git(repo, 'reset', '-q', '--hard', 'HEAD~1');
  });

  it('markdown, a budget and --full: the comment stays within the limit, the file has everything', async () => {
    const full = path.join(repo, '..', `${path.basename(repo)}-full.md`);
    const r = await run(['--spec', spec, '--out', out, '--format', 'markdown', '--max-bytes', '2048', '--full', full]);
    expect(r.code).toBe(3);
    expect(Buffer.byteLength(r.out)).toBeLessThanOrEqual(2048);
    expect(r.out.startsWith('<!-- orrery-diff -->')).toBe(true);
    const text = await readFile(full, 'utf8');
    expect(text).toContain('<details>');
    await rm(full);
  });

  it('json is one parseable document', async () => {
    const r = await run(['--spec', spec, '--out', out, '--format', 'json']);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.out) as { clusters: { name: string; impacts: { area: string }[] }[] };
    expect(doc.clusters.map((c) => c.name)).toEqual(['vtalos']);
    expect(doc.clusters[0]!.impacts.map((i) => i.area)).toEqual(['talos']);
  });

  it('--fail-on dangerous exits 4 on a dangerous change, 3 otherwise; two directories need no git', async () => {
    const head = await tempDir('orrery-diff-head-');
    const base = await tempDir('orrery-diff-base-');
    dirs.push(head, base);
    await cp(out, head, { recursive: true });
    await cp(out, base, { recursive: true });
    // orrery protects the CNI release from prune; a base tree without that annotation (an older
    // output, a hand edit) makes its removal an uninstall of Cilium.
    const cni = 'vtalos/infrastructure/controllers/helmrelease-kube-system-cilium.yaml';
    const text = await readFile(path.join(base, cni), 'utf8');
    await writeFile(path.join(base, cni), text.replace(/\n +kustomize\.toolkit\.fluxcd\.io\/prune: disabled/, '').replace(/\n  annotations: *(?=\nspec:)/, ''));
    await rm(path.join(head, cni));
    const r = await run(['--base-dir', base, '--head-dir', head, '--fail-on', 'dangerous']);
    expect(r.code).toBe(4);
    expect(r.out).toContain('!! prune: PRUNES HelmRelease kube-system/cilium: uninstalls the CNI (cilium)');
    expect(r.err).toContain('exit 4 because of --fail-on dangerous');
    expect((await run(['--spec', spec, '--out', out, '--fail-on', 'dangerous'])).code).toBe(3);
  });

  it('blob ids computed in memory are the ids git has: identical trees read and report nothing', async () => {
    const r = spawnSync('git', ['hash-object', '--stdin'], { input: 'ünïcode ✓\n', encoding: 'utf8' });
    expect(gitBlobId('ünïcode ✓\n')).toBe(r.stdout.trim());
    const base = await gitTree({ base: await resolveBase({ root: repo, ref: 'main' }), dir: 'dist' });
    // dist/ on disk is main's (the branch changed only the spec).
    const disk = await directoryTree(out, 'dist');
    const files = await disk.read([...disk.paths.keys()]);
    const pair = await loadPair(base, memoryTree('same', files));
    expect(base.paths.size).toBeGreaterThan(20);
    expect(pair.changed).toEqual([]);
    expect(pair.before.size).toBe(0);
    // Negative control: one byte more in one file is one changed file.
    const first = [...files.keys()][0]!;
    expect((await loadPair(base, memoryTree('edited', new Map(files).set(first, `${files.get(first)}\n`)))).changed).toEqual([first]);
    // Two directories: every file is read to compare, but only the changed cluster's are kept as context.
    const dirs2 = await loadPair(disk, memoryTree('edited', new Map(files).set('vtalos/talos/cluster.yaml', `${files.get('vtalos/talos/cluster.yaml')}\n`)));
    expect(dirs2.changed).toEqual(['vtalos/talos/cluster.yaml']);
    expect([...dirs2.before.keys()].every((p) => p.startsWith('vtalos/'))).toBe(true);
    expect(dirs2.before.has('README.md')).toBe(false);
  });

  it('bad input exits 1 with the reason: an unknown ref, bad options, a spec error, no git', async () => {
    const bad = await run(['--spec', spec, '--out', out, '--base', 'no-such-branch']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^orrery diff: --base "no-such-branch" is not a commit in /);
    expect((await run(['--max-bytes', '100'])).err).toContain('--max-bytes must be a whole number of bytes, at least 2048, not "100"');
    expect((await run(['--format', 'github'])).err).toBe('orrery diff: --format must be text, markdown or json, not "github"\n');
    expect((await run(['--fail-on', 'everything'])).code).toBe(1);
    expect((await run(['--base', 'main', '--base-dir', out])).err).toContain('--base and --base-dir exclude each other');
    const nogit = await tempDir('orrery-diff-nogit-');
    dirs.push(nogit);
    await cp(spec, path.join(nogit, 'clusters'), { recursive: true });
    await cp(path.join(repo, 'secrets'), path.join(nogit, 'secrets'), { recursive: true });
    const outside = await run(['--spec', path.join(nogit, 'clusters'), '--out', path.join(nogit, 'dist')]);
    // The temp directory may sit inside some other work tree; either way the reason is stated.
    expect(outside.code).toBe(1);
    expect(outside.err).toMatch(/not in a git work tree; compare with --base-dir DIR instead|is outside the git work tree|no default branch|has no commit/);
    await writeFile(path.join(nogit, 'clusters', 'vtalos.yaml'), 'apiVersion: orrery.dev/v1alpha1\nkind: Cluster\nname: vtalos\n');
    const broken = await run(['--spec', path.join(nogit, 'clusters'), '--base-dir', out]);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('error(s) in the spec; nothing compared');
    expect(broken.err).not.toMatch(/\n\s+at /);
  });

  it('files orrery did not write (flux bootstrap’s flux-system/) are not compared', async () => {
    git(repo, 'checkout', '-q', 'main');
    await writeFile(path.join(out, 'vtalos/flux/flux-system-gotk-sync.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-ours\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'bootstrap');
    git(repo, 'checkout', '-q', 'feature');
    git(repo, 'merge', '-q', 'main', '-m', 'merge');
    const r = await run(['--spec', spec, '--out', out, '--base', 'main']);
    expect(r.out).toContain('(1 file orrery did not write ignored)');
    expect(r.out).not.toContain('not-ours');
  });
});
