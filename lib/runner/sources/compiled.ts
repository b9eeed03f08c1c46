import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { hasErrors, type Diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ClusterModel, Model } from '../../model/model.ts';
import type { OutputFiles } from '../../output/render.ts';
import { compileFiles, defaultSecretsDir } from '../../pipeline.ts';
import { readSpecDir, toDisplayPath } from '../../read/read-spec.ts';
import { readSecretsDir } from '../../secrets/store.ts';

/**
 * The one source of truth the runner works from: the spec compiled in memory — the same model
 * and the same bytes synth writes to dist/ — and the secrets directory. The runner hands tools
 * the files in dist/ (the ones GitOps users see and review), after checking they are exactly
 * what synth would write now.
 */
export interface Compiled {
  readonly model: Model;
  readonly files: OutputFiles;
  /** Secrets directory: relative path → text (SOPS-encrypted). */
  readonly secrets: ReadonlyMap<string, string>;
  readonly secretsDisplay: string;
  /** The output directory as the operator wrote it (relative to the working directory): `dist`. */
  readonly outDisplay: string;
  readonly outDir: string;
}

export interface LoadOptions {
  readonly specDir: string;
  readonly outDir: string;
  readonly secretsDir?: string;
  readonly cwd: string;
}

export async function loadCompiled(options: LoadOptions): Promise<{ compiled?: Compiled; diagnostics: readonly Diagnostic[] }> {
  const specDir = path.resolve(options.cwd, options.specDir);
  const read = await readSpecDir(specDir, options.cwd);
  if (hasErrors(read.diagnostics)) return { diagnostics: read.diagnostics };
  const secretsDir = options.secretsDir ? path.resolve(options.cwd, options.secretsDir) : defaultSecretsDir(specDir);
  const secrets = await readSecretsDir(secretsDir);
  const result = compileFiles(read.files, toDisplayPath(specDir, options.cwd), { secrets });
  if (!result.model || !result.files) return { diagnostics: result.diagnostics };
  const outDir = path.resolve(options.cwd, options.outDir);
  return {
    diagnostics: result.diagnostics,
    compiled: { model: result.model, files: result.files, secrets, secretsDisplay: toDisplayPath(secretsDir, options.cwd), outDisplay: toDisplayPath(outDir, options.cwd), outDir },
  };
}

/** A dist/ file as tools are given it: relative to the working directory (`dist/vtalos/talos/cluster.yaml`). */
export function distPath(compiled: Compiled, rel: string): string {
  return compiled.outDisplay === '.' ? rel : `${compiled.outDisplay}/${rel}`;
}

/** The cluster's files in dist/ that differ from what synth would write (missing ones included). */
export async function staleFiles(compiled: Compiled, cluster: string): Promise<string[]> {
  const stale: string[] = [];
  for (const [rel, content] of compiled.files) {
    if (!rel.startsWith(`${cluster}/`)) continue;
    const onDisk = await readFile(path.join(compiled.outDir, rel), 'utf8').catch(() => undefined);
    if (onDisk !== content) stale.push(distPath(compiled, rel));
  }
  return stale;
}

export function findCluster(model: Model, name: string): ClusterModel | undefined {
  return model.clusters.find((c) => c.name === name);
}
