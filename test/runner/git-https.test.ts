import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLines, mutating, workspace, type Workspace } from './harness.ts';

const spaces: Workspace[] = [];
afterAll(async () => Promise.all(spaces.map((w) => w.dispose())));

const URL = 'https://github.com/example/vtalos-lab.git';
const TOKEN = 'github_pat_FAKE0token0for0orrery0tests0only';
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** vtalos-lab with its repository over https (the spec edited, dist/ synthesised again); the fake Git host accepts TOKEN for user `git`. */
async function httpsVtalos(): Promise<Workspace> {
  const w = await workspace('vtalos-lab', {
    respec: (dir) => {
      const file = path.join(dir, 'clusters/constellation.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('ssh://git@github.com/example/vtalos-lab.git', URL));
    },
    state: (s) => (s.git = { tokens: [sha(TOKEN)], username: 'git' }),
  });
  spaces.push(w);
  return w;
}

describe('Flux over https: the token from --git-token-file goes to flux bootstrap on stdin only', () => {
  let w: Workspace;
  let without: { code: number; out: string; err: string };
  beforeAll(async () => {
    w = await httpsVtalos();
    without = await w.run(['up', '--yes']);
  }, 120_000);

  it('--dry-run shows the token as stdin, never as a flag value', async () => {
    const dry = await w.run(['up', '--dry-run']);
    expect(dry.out).toContain(`flux --kubeconfig <tmp:vtalos/kubeconfig> bootstrap git --url=${URL} --branch=main --path=dist/vtalos/flux --token-auth --username=git --timeout=10m0s < <token from --git-token-file>`);
  });

  it('without a token the bring-up stops at flux bootstrap and says what to pass', () => {
    expect(without.code).toBe(1);
    expect(without.err).toContain(`flux bootstrap git over https pushes to ${URL}: pass --git-token-file FILE (a token with write access; --git-username NAME if your Git host wants one)`);
    expect(commandLines(w.log(), (e) => e.tool === 'flux' && e.args.includes('bootstrap'))).toEqual([]);
  });

  it('a token file of two lines is refused before flux runs', async () => {
    writeFileSync(path.join(w.home, 'two-lines'), `${TOKEN}\nsomething else\n`, { mode: 0o600 });
    const r = await w.run(['up', '--yes', '--git-token-file', 'home/two-lines']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--git-token-file home/two-lines has more than one line: it must hold the token only');
    expect(commandLines(w.log(), (e) => e.tool === 'flux' && e.args.includes('bootstrap'))).toEqual([]);
  });

  it('with the token: --token-auth, the token as the first line of stdin, nowhere else; a rerun changes nothing', async () => {
    writeFileSync(path.join(w.home, 'token'), `${TOKEN}\n`, { mode: 0o600 });
    w.clearLog();
    const up = await w.run(['up', '--yes', '--git-token-file', 'home/token']);
    expect(up.code, up.err).toBe(0);
    expect(mutating(w.log()).filter((l) => l.startsWith('flux'))).toEqual([`flux --kubeconfig <tmp>/vtalos/kubeconfig bootstrap git --url=${URL} --branch=main --path=dist/vtalos/flux --token-auth --username=git --timeout=5s`]);
    const call = w.log().find((e) => e.tool === 'flux' && e.args.includes('bootstrap'))!;
    // flux reads the password up to the first newline: exactly the token and one newline.
    expect(call.stdin).toEqual({ bytes: TOKEN.length + 1, sha256: sha(`${TOKEN}\n`) });
    expect((Object.values(w.state().kube)[0] as { flux: { auth: string; url: string } }).flux).toMatchObject({ auth: 'token', url: URL });
    for (const record of [w.logText(), w.stateText(), up.out, up.err]) expect(record.includes(TOKEN)).toBe(false);
    expect(w.leftovers()).toEqual([]);
    w.clearLog();
    const again = await w.run(['up', '--yes', '--git-token-file', 'home/token']);
    expect(again.err).toContain('nothing to do');
    expect(mutating(w.log())).toEqual([]);
  });

  it('negative control: a wrong token is what the Git host refuses (the fake checks the token it got)', async () => {
    const other = await httpsVtalos();
    writeFileSync(path.join(other.home, 'token'), 'not-the-token\n', { mode: 0o600 });
    const r = await other.run(['up', '--yes', '--git-token-file', 'home/token']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('authentication required: Invalid username or password.');
  });
});

describe('Argo CD over https: the token becomes the repository Secret (username/password), on stdin', () => {
  const DT_URL = 'https://github.com/example/deepthought-homelab.git';
  const WIPES = ['--confirm', 'talos-cp1-zaphod,talos-work1-trillian,talos-work2-marvin'];
  async function httpsDeepthought(): Promise<Workspace> {
    const w = await workspace('deepthought-homelab', {
      respec: (dir) => {
        const file = path.join(dir, 'clusters/constellation.yaml');
        writeFileSync(file, readFileSync(file, 'utf8').replace('ssh://git@github.com/example/deepthought-homelab.git', DT_URL));
      },
    });
    spaces.push(w);
    return w;
  }
  const repositorySecret = (w: Workspace): { dataKeys: string[]; metadata: { labels: Record<string, string> } } | undefined =>
    (Object.values(w.state().kube)[0] as { objects: Record<string, { dataKeys: string[]; metadata: { labels: Record<string, string> } }> }).objects['Secret/argocd/orrery-repository'];

  it('with --git-token-file: Secret argocd/orrery-repository with type, url, username and password; the token in no record', async () => {
    const w = await httpsDeepthought();
    writeFileSync(path.join(w.home, 'token'), `${TOKEN}\n`, { mode: 0o600 });
    const up = await w.run(['up', '--yes', '--git-token-file', 'home/token', ...WIPES]);
    expect(up.code, up.err).toBe(0);
    const secret = repositorySecret(w)!;
    expect(secret.metadata.labels).toEqual({ 'argocd.argoproj.io/secret-type': 'repository' });
    expect(secret.dataKeys).toEqual(['type', 'url', 'username', 'password']);
    for (const record of [w.logText(), w.stateText(), up.out, up.err]) expect(record.includes(TOKEN)).toBe(false);
  });

  it('without one the repository is taken as public: no repository Secret, and the plan says so', async () => {
    const w = await httpsDeepthought();
    const up = await w.run(['up', '--yes', ...WIPES]);
    expect(up.code, up.err).toBe(0);
    expect(repositorySecret(w)).toBeUndefined();
    const plan = await w.run(['plan', '--format', 'json']);
    expect(plan.code).toBe(0);
    const steps = (JSON.parse(plan.out) as { clusters: { steps: { id: string; state: string; reason: string }[] }[] }).clusters[0]!.steps;
    expect(steps.find((st) => st.id === 'deepthought/argocd-repository')).toMatchObject({ state: 'done', reason: `${DT_URL} is read without credentials (a private repository needs --git-token-file)` });
  });
});
