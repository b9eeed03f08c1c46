import { App } from 'cdk8s';
import { hasErrors, type Diagnostic } from './diagnostics/diagnostic.ts';
import { diagnosticAt, type SourceFile } from './read/source-file.ts';
import { readSpecDir, toDisplayPath } from './read/read-spec.ts';
import { validateSchema } from './spec/validate-schema.ts';
import { checkSemantics } from './check/check-semantics.ts';
import type { SpecSet } from './check/spec-set.ts';
import { resolve } from './resolve/resolve.ts';
import { mergeArtifacts, type Artifacts } from './build/artifacts.ts';
import { REGISTRY, type Registry } from './registry.ts';
import { renderArtifacts, type OutputFiles } from './output/render.ts';
import { verifyOutput } from './output/verify.ts';
import type { Model } from './model/model.ts';
import type { Cluster, Constellation } from './spec/types.generated.ts';
import path from 'node:path';
import { secretRequirements, type SecretRequirement } from './secrets/requirements.ts';
import { readSecretsDir } from './secrets/store.ts';

export interface CompileResult {
  readonly diagnostics: readonly Diagnostic[];
  /** Present only when there is no error. */
  readonly model?: Model;
  readonly files?: OutputFiles;
}

/** Groups schema-valid files into one constellation and its clusters. */
export function collectSpecSet(files: readonly SourceFile[], specDirDisplay: string): { set?: SpecSet; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const constellations = files.filter((f) => (f.data as { kind?: string }).kind === 'Constellation');
  const clusters = files.filter((f) => (f.data as { kind?: string }).kind === 'Cluster');
  if (constellations.length === 0) {
    diagnostics.push({ severity: 'error', file: specDirDisplay, line: 1, col: 1, pointer: '', rule: 'spec/no-constellation', message: 'no file with kind: Constellation; add one (e.g. constellation.yaml) that names the fleet and its GitOps repository' });
  }
  for (const extra of constellations.slice(1)) {
    diagnostics.push(diagnosticAt(extra, '/kind', 'error', 'spec/multiple-constellations', `a second Constellation; the first is ${constellations[0]!.displayPath}`));
  }
  if (diagnostics.length > 0) return { diagnostics };
  const first = constellations[0]!;
  return {
    diagnostics,
    set: {
      constellation: { file: first, spec: first.data as Constellation },
      clusters: clusters.map((file) => ({ file, spec: file.data as Cluster })),
    },
  };
}

/** Everything between reading and writing; pure given the parsed files. */
export interface CompileOptions {
  /** Stop after resolve (validate, secrets). */
  readonly build?: boolean;
  /** The secrets directory's files; synth copies the encrypted Secrets from here. */
  readonly secrets?: ReadonlyMap<string, string>;
}

export function compileFiles(files: readonly SourceFile[], specDirDisplay: string, options: CompileOptions = {}): CompileResult {
  // Semantic rules run on the files that passed the schema, so both kinds of error come out in
  // one run. A file that failed is left out; references to its cluster are not "unknown".
  const checked = files.map((file) => ({ file, diagnostics: validateSchema(file) }));
  const schemaDiagnostics = checked.flatMap((c) => c.diagnostics);
  const valid = checked.filter((c) => !hasErrors(c.diagnostics)).map((c) => c.file);
  const invalid = checked.filter((c) => hasErrors(c.diagnostics)).map((c) => c.file.data as { kind?: unknown; name?: unknown } | null);
  if (invalid.some((d) => d?.kind === 'Constellation')) return { diagnostics: schemaDiagnostics };
  const collected = collectSpecSet(valid, specDirDisplay);
  if (!collected.set) return { diagnostics: [...schemaDiagnostics, ...collected.diagnostics] };
  const invalidClusters = new Set(invalid.flatMap((d) => (typeof d?.name === 'string' ? [d.name] : [])));
  const semantic = checkSemantics(collected.set, { invalidClusters });
  if (hasErrors(schemaDiagnostics) || hasErrors(semantic)) return { diagnostics: [...schemaDiagnostics, ...semantic] };
  const { model, diagnostics: resolveNotes } = resolve(collected.set);
  if (hasErrors(resolveNotes)) return { diagnostics: [...semantic, ...resolveNotes] };
  const needed = secretRequirements(model);
  if (needed.length > 0 && model.constellation.sopsRecipients.length === 0) {
    const what = [...new Set(needed.map((r) => r.name))].join(', ');
    return {
      diagnostics: [
        ...semantic,
        diagnosticAt(collected.set.constellation.file, '', 'error', 'secrets/no-recipients', `the spec needs secrets (${what}) but the constellation has no sops.ageRecipients to encrypt them to; add your age public key (age-keygen -y ~/.config/sops/age/keys.txt)`),
      ],
    };
  }
  const diagnostics = [...schemaDiagnostics, ...semantic, ...resolveNotes];
  if (options.build === false) return { diagnostics, model };
  const artifacts = buildArtifacts(model, options.secrets ?? new Map(), needed);
  const rendered = renderArtifacts(artifacts);
  const verified = verifyOutput(rendered.files);
  const all = [...diagnostics, ...(artifacts.diagnostics ?? []), ...rendered.diagnostics, ...verified];
  return hasErrors(all) ? { diagnostics: all } : { diagnostics: all, model, files: rendered.files };
}

/** Runs every component. Each cluster gets its own cdk8s App, so the work is per cluster. */
export function buildArtifacts(model: Model, secrets: ReadonlyMap<string, string> = new Map(), needed: readonly SecretRequirement[] = secretRequirements(model), registry: Registry = REGISTRY): Artifacts {
  const parts: Artifacts[] = registry.constellation.map((c) => c.build(model));
  const requirements = new Map<string, SecretRequirement[]>();
  // A requirement goes to the tree of the cluster that carries it (a Cluster API cluster's Secrets: its manager's).
  for (const r of needed) {
    const to = r.deliveredTo ?? r.cluster;
    requirements.set(to, [...(requirements.get(to) ?? []), r]);
  }
  for (const cluster of model.clusters) {
    const app = new App({ outdir: 'cdk8s.out' });
    const ctx = { model, cluster, app, secrets, secretRequirements: requirements.get(cluster.name) ?? [], platform: registry.platform };
    for (const component of registry.cluster) parts.push(component.build(ctx));
  }
  return mergeArtifacts(parts);
}

/** The secrets directory that goes with a spec directory: its sibling `secrets/`. */
export function defaultSecretsDir(specDir: string): string {
  return path.join(path.dirname(path.resolve(specDir)), 'secrets');
}

/** Reads a spec directory (and its secrets directory) and compiles it. */
export async function compileSpecDir(specDir: string, options: { build?: boolean; cwd?: string; secretsDir?: string } = {}): Promise<CompileResult> {
  const cwd = options.cwd ?? process.cwd();
  const read = await readSpecDir(specDir, cwd);
  if (hasErrors(read.diagnostics)) return { diagnostics: read.diagnostics };
  const secrets = options.build === false ? new Map<string, string>() : await readSecretsDir(options.secretsDir ?? defaultSecretsDir(specDir));
  return compileFiles(read.files, toDisplayPath(specDir, cwd), { build: options.build, secrets });
}
