import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.ts';
import { WAVES } from '../../lib/gitops/argocd.ts';
import { cleanupAfterAll, compile, fixtureWith, scratchDir } from './consumer-helpers.ts';
import { FIXTURES } from '../helpers.ts';

cleanupAfterAll();

const APPS = `apps:
  - {name: base, path: apps/base}
  - {name: web, path: apps/web, dependsOn: [base]}
  - {name: db, path: apps/db}
`;

describe('the apps layer: the operator\'s own kustomize directories after the platform', () => {
  it('Flux: a Kustomization per app on bootstrap\'s source, after the last platform layer and the apps it names, at its repository path', async () => {
    const out = await fixtureWith(APPS);
    const entry = out.one('lab/flux/orrery/kustomization.yaml');
    expect(entry.resources).toEqual(expect.arrayContaining(['kustomization-flux-system-lab-app-base.yaml', 'kustomization-flux-system-lab-app-web.yaml', 'kustomization-flux-system-lab-app-db.yaml']));
    const web = out.one('lab/flux/orrery/kustomization-flux-system-lab-app-web.yaml');
    // The app's path is the repository's, not the output's (gitops.repository.path is dist here).
    expect(web.spec).toMatchObject({ sourceRef: { kind: 'GitRepository', name: 'flux-system' }, path: './apps/web', prune: true, wait: true });
    // kustomize-controller applies a Kustomization once every dependsOn is Ready (v1.9 docs, "Dependencies").
    const lastLayer = ['lab-apps', 'lab-infra-configs', 'lab-infra-controllers'].find((n) => out.files.has(`lab/flux/orrery/kustomization-flux-system-${n}.yaml`))!;
    expect(web.spec.dependsOn).toEqual([{ name: lastLayer }, { name: 'lab-app-base' }]);
    expect(out.one('lab/flux/orrery/kustomization-flux-system-lab-app-db.yaml').spec.dependsOn).toEqual([{ name: lastLayer }]);
  });

  it('Argo CD: an Application per app in the waves after the apps wave, a dependency one wave earlier', async () => {
    const dir = await scratchDir();
    await cp(path.join(FIXTURES, 'base'), dir, { recursive: true });
    const constellation = path.join(dir, 'clusters', 'constellation.yaml');
    await writeFile(constellation, (await readFile(constellation, 'utf8')).replace('gitops:\n', 'gitops:\n  engine: argocd\n'));
    const lab = path.join(dir, 'clusters', 'lab.yaml');
    await writeFile(lab, (await readFile(lab, 'utf8')) + APPS);
    const out = await compile(path.join(dir, 'clusters'), dir);
    const app = (name: string) => out.one(`lab/argocd/apps/application-argocd-lab-app-${name}.yaml`);
    expect(app('web').spec.source).toMatchObject({ repoURL: 'ssh://git@example.com/fleet.git', path: 'apps/web' });
    const wave = (name: string): number => Number(app(name).metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave('base')).toBe(WAVES.apps + 1);
    expect(wave('db')).toBe(WAVES.apps + 1);
    expect(wave('web')).toBe(WAVES.apps + 2);
    expect(app('web').spec.syncPolicy.syncOptions).toContain('SkipDryRunOnMissingResource=true');
  });

  it('synth warns when an app directory has no kustomization in the repository, and is quiet once it has one', async () => {
    const repo = await scratchDir();
    await cp(path.join(FIXTURES, 'base', 'clusters'), path.join(repo, 'clusters'), { recursive: true });
    const lab = path.join(repo, 'clusters', 'lab.yaml');
    await writeFile(lab, `${await readFile(lab, 'utf8')}apps:\n  - {name: web, path: apps/web}\n`);
    let err = '';
    const io = { out: () => undefined, err: (t: string) => (err += t) };
    expect(await main(['synth', '--spec', path.join(repo, 'clusters'), '--out', path.join(repo, 'dist')], io)).toBe(0);
    expect(err).toMatch(/warning \/apps\/0\/path: "apps\/web" has no kustomization\.yaml in the repository/);
    await mkdir(path.join(repo, 'apps', 'web'), { recursive: true });
    await writeFile(path.join(repo, 'apps', 'web', 'kustomization.yaml'), 'resources: []\n');
    err = '';
    expect(await main(['synth', '--spec', path.join(repo, 'clusters'), '--out', path.join(repo, 'dist')], io)).toBe(0);
    expect(err).not.toContain('apps/missing-dir');
    expect(err).not.toContain('has no kustomization');
  });
});
