import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleSpecs, REPO } from '../helpers.ts';
import { filesUnder } from './harness.ts';

describe('the generated per-cluster READMEs point at orrery plan / up', () => {
  const readmes = exampleSpecs().flatMap((e) => [...filesUnder(e.dist).entries()].filter(([f]) => /\/(talos|bootstrap)\/README\.md$/.test(f)));

  it('there are READMEs to check (negative control for the loop below)', () => {
    expect(readmes.filter(([f]) => f.endsWith('/talos/README.md')).length).toBeGreaterThanOrEqual(4);
    expect(readmes.filter(([f]) => f.endsWith('/bootstrap/README.md')).length).toBeGreaterThanOrEqual(4);
  });

  it('talos/README.md: orrery plan, up and up --dry-run; none of the old, wrong raw commands', () => {
    for (const [file, text] of readmes.filter(([f]) => f.endsWith('/talos/README.md'))) {
      const cluster = path.basename(path.dirname(path.dirname(file)));
      expect(text, file).toContain(`npx orrery plan ${cluster} `);
      expect(text, file).toContain(`npx orrery up ${cluster} `);
      expect(text, file).toContain(`npx orrery up ${cluster} --dry-run`);
      // The old README decrypted the bundle into the repository, ran gen config elsewhere, and
      // used a talosconfig without credentials for bootstrap.
      for (const wrong of ['sops --decrypt', '> secrets.yaml', '_out', '--talosconfig talosconfig']) expect(text, `${file}: ${wrong}`).not.toContain(wrong);
    }
  });

  it('bootstrap/README.md: orrery up first, the by-hand commands still correct (secrets piped, never written)', () => {
    for (const [file, text] of readmes.filter(([f]) => f.endsWith('/bootstrap/README.md'))) {
      const cluster = path.basename(path.dirname(path.dirname(file)));
      expect(text, file).toContain(`npx orrery up ${cluster}\``);
      expect(text, file).toContain(`npx orrery up ${cluster} --dry-run`);
      expect(text, file).not.toMatch(/sops --decrypt [^|]*>/);
    }
  });
});

describe('.gitignore keeps hand-run plaintext out of git, and nothing orrery generates', () => {
  const ignored = (p: string): boolean => spawnSync('git', ['check-ignore', '-q', '--no-index', p], { cwd: REPO }).status === 0;
  it.skipIf(spawnSync('git', ['--version']).status !== 0)('ignores the decrypted bundle, _out/, root credentials, keys and the journal', () => {
    for (const p of ['secrets.yaml', 'dist/vtalos/talos/secrets.yaml', 'dist/vtalos/talos/_out/controlplane.yaml', 'talosconfig', 'kubeconfig', 'age.agekey', 'keys.txt', '.orrery/state/vtalos.json']) expect(ignored(p), p).toBe(true);
  });
  it.skipIf(spawnSync('git', ['--version']).status !== 0)('does not ignore generated or encrypted files', () => {
    for (const p of ['dist/vtalos/talos/talosconfig', 'dist/vtalos/talos/controlplane.yaml', 'secrets/vtalos/talos-secrets.yaml', 'examples/vtalos-lab/secrets/vtalos/talos-secrets.yaml', 'secrets/.sops.yaml']) expect(ignored(p), p).toBe(false);
    expect(readFileSync(path.join(REPO, '.gitignore'), 'utf8')).toContain('secrets.yaml');
  });
});
