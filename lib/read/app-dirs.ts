import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Model } from '../model/model.ts';
import { diagnosticAt, type SourceFile } from './source-file.ts';

/** The file names kustomize looks for in a directory (sigs.k8s.io/kustomize/api konfig.RecognizedKustomizationFileNames). */
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * The repository root, from the output directory and where the spec says it sits in the
 * repository (gitops.repository.path); undefined when the output is somewhere else (a test's
 * temporary directory, `--out /tmp/x`), where nothing can be checked.
 */
export function repositoryRoot(outDir: string, gitopsPath: string): string | undefined {
  const out = path.resolve(outDir);
  if (gitopsPath === '.') return out;
  const segments = gitopsPath.split('/');
  const tail = out.split(path.sep).slice(-segments.length);
  return tail.join('/') === gitopsPath ? path.join(out, ...segments.map(() => '..')) : undefined;
}

/**
 * Each app directory (`apps[].path`) must hold a kustomization file in the repository, or the
 * GitOps engine fails to reconcile it ("kustomization path not found"): a warning at the key
 * (`--strict` makes it an error). One stat per possible file name; nothing is read.
 */
export async function appDirDiagnostics(model: Model, files: readonly SourceFile[], outDir: string): Promise<Diagnostic[]> {
  const root = repositoryRoot(outDir, model.constellation.gitops.path);
  if (!root) return [];
  const found: Diagnostic[] = [];
  for (const cluster of model.clusters) {
    const file = files.find((f) => (f.data as { kind?: unknown; name?: unknown }).kind === 'Cluster' && (f.data as { name?: unknown }).name === cluster.name);
    for (const [i, app] of cluster.apps.entries()) {
      const dir = path.join(root, ...app.path.split('/'));
      const present = await Promise.all(KUSTOMIZATION_FILES.map((n) => stat(path.join(dir, n)).then((s) => s.isFile(), () => false)));
      if (present.some(Boolean) || !file) continue;
      found.push(diagnosticAt(file, `/apps/${i}/path`, 'warning', 'apps/missing-dir', `${JSON.stringify(app.path)} has no kustomization.yaml in the repository (looked in ${path.relative(process.cwd(), dir) || '.'}): the GitOps engine would fail to reconcile app ${JSON.stringify(app.name)}; create it, or fix the path (relative to the repository root)`));
    }
  }
  return found;
}
