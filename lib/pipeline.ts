import { hasErrors, type Diagnostic } from './diagnostics/diagnostic.ts';
import { diagnosticAt, type SourceFile } from './read/source-file.ts';
import { readSpecDir, specCacheKey, toDisplayPath } from './read/read-spec.ts';
import { loadSpecCache, saveSpecCache, specCacheFileFor } from './read/spec-cache.ts';
import { validateSchema } from './spec/validate-schema.ts';
import { checkSemantics } from './check/check-semantics.ts';
import type { CheckMemo } from './check/check-memo.ts';
import type { SpecSet } from './check/spec-set.ts';
import { resolve } from './resolve/resolve.ts';
import { REGISTRY } from './registry.ts';
import type { OutputFiles } from './output/render.ts';
import { verifyOutput } from './output/verify.ts';
import type { Model } from './model/model.ts';
import type { Cluster, Constellation } from './spec/types.generated.ts';
import path from 'node:path';
import { secretRequirements, type SecretRequirement } from './secrets/requirements.ts';
import { operatorSecretFiles, pendingSecretsTransaction, readSecretFiles, secretFilesFor, SECRETS_JOURNAL } from './secrets/store.ts';
import { checkStoredSecrets, type FingerprintMemo, type SecretCheck } from './secrets/verify-stored.ts';
import type { AgeIdentities } from './sops/keys.ts';
import { NOT_COMPILED_YET, pendingKeys } from './spec/pending.ts';
import { referencedSecretDiagnostics } from './secrets/referenced-secrets.ts';
import type { OperatorSecret } from './secrets/operator-secrets.ts';
import { SYSTEM_NAMESPACES } from './k8s/namespaces.ts';
import { FLUX_NAMESPACE } from './gitops/flux.ts';
import { appDirDiagnostics } from './read/app-dirs.ts';
import { reviewModel } from './build/review.ts';
import { knownSecretParse } from './secrets/parsed-secrets.ts';
import { buildClusters, clusterKeys } from './build/build-clusters.ts';
import type { ClusterCache, ClusterCacheEntry } from './build/cluster-cache.ts';

export interface CompileResult {
  readonly diagnostics: readonly Diagnostic[];
  /** Present only when there is no error. */
  readonly model?: Model;
  readonly files?: OutputFiles;
  /** What synth tells the operator after writing (boot media of each schematic). */
  readonly notices?: readonly string[];
  /** The Secrets the output references that the operator supplies (present once the build ran, errors or not). */
  readonly referencedSecrets?: readonly OperatorSecret[];
  /** With a cache: the files of clusters not built (unchanged on disk), every cluster's entry for the next run, the clusters built. */
  readonly known?: ReadonlySet<string>;
  /** With a cache: contentHash of the cluster files rendered (the writer's index needs them too). */
  readonly hashes?: ReadonlyMap<string, string>;
  readonly cacheEntries?: ReadonlyMap<string, ClusterCacheEntry>;
  readonly built?: readonly string[];
  /** Files the schema found nothing in (what the spec cache remembers). */
  readonly schemaValidFiles?: readonly SourceFile[];
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
  /** What the read stage found out about those files (MAC, mesh CA); absent: not verified. */
  readonly secretChecks?: ReadonlyMap<string, SecretCheck>;
  /** The secrets directory as messages show it (default `secrets`). */
  readonly secretsShown?: string;
  /** The spec directory as messages show it (default `clusters`). */
  readonly specShown?: string;
  /** The parsed spec files: build diagnostics that name a key get its line and column. */
  readonly files?: readonly SourceFile[];
  /** The previous synth's cluster entries and orrery's fingerprint (lib/build/cluster-cache.ts); synth only. */
  readonly cache?: { readonly entries: ClusterCache; readonly fingerprint: string; readonly keys?: ReadonlyMap<string, string> };
}

export function compileFiles(files: readonly SourceFile[], specDirDisplay: string, options: CompileOptions = {}): CompileResult {
  const checked = checkFiles(files, specDirDisplay);
  return checked.model && options.build !== false ? buildModel(checked.model, checked.diagnostics, { files, ...options }) : checked;
}

/** Read → validate → check → resolve: the model, or every error. Pure (`memo`: the cluster rules' findings of earlier runs, same result). */
export function checkFiles(files: readonly SourceFile[], specDirDisplay: string, options: { readonly memo?: CheckMemo } = {}): CompileResult {
  // Semantic rules run on the files that passed the schema, so both kinds of error come out in
  // one run. A file that failed is left out; references to its cluster are not "unknown".
  // A file whose bytes an earlier run validated (lib/read/spec-cache.ts) is not validated again.
  const checked = files.map((file) => ({ file, diagnostics: file.schemaValid ? [] : validateSchema(file) }));
  const schemaValidFiles = checked.filter((c) => c.diagnostics.length === 0).map((c) => c.file);
  const schemaDiagnostics = checked.flatMap((c) => c.diagnostics);
  const valid = checked.filter((c) => !hasErrors(c.diagnostics)).map((c) => c.file);
  const invalid = checked.filter((c) => hasErrors(c.diagnostics)).map((c) => c.file.data as { kind?: unknown; name?: unknown } | null);
  if (invalid.some((d) => d?.kind === 'Constellation')) return { diagnostics: schemaDiagnostics };
  const collected = collectSpecSet(valid, specDirDisplay);
  if (!collected.set) return { diagnostics: [...schemaDiagnostics, ...collected.diagnostics] };
  const invalidClusters = new Set(invalid.flatMap((d) => (typeof d?.name === 'string' ? [d.name] : [])));
  const semantic = checkSemantics(collected.set, { invalidClusters, ...(options.memo ? { memo: options.memo } : {}) });
  if (hasErrors(schemaDiagnostics) || hasErrors(semantic)) return { diagnostics: [...schemaDiagnostics, ...semantic] };
  const { model, diagnostics: resolved } = resolve(collected.set);
  if (hasErrors(resolved)) return { diagnostics: [...semantic, ...resolved] };
  // Findings that need what the components derive (a Talos patch overriding orrery's documents).
  const resolveNotes = [...resolved, ...reviewModel(model, REGISTRY.cluster, valid)];
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
  return { diagnostics: [...schemaDiagnostics, ...semantic, ...resolveNotes, ...pendingDiagnostics(valid)], model, schemaValidFiles };
}

/** A note at every key the spec sets that nothing compiles yet (`--strict` makes them errors). */
export function pendingDiagnostics(files: readonly SourceFile[]): Diagnostic[] {
  return files.flatMap((file) =>
    pendingKeys(file.data).map((p) => diagnosticAt(file, p.pointer, 'note', NOT_COMPILED_YET, `not compiled yet: ${p.label} is validated and checked, but nothing is generated from it until ${p.by} lands`, { onKey: true })),
  );
}

/**
 * Build → render → verify, for a resolved model. Pure. Each cluster is built from its view of
 * the model and rendered as soon as it is built (lib/build/build-clusters.ts); with a cache, a
 * cluster whose inputs are unchanged is not built at all and its files are `known` (on disk as
 * the output index recorded them).
 */
export function buildModel(model: Model, diagnostics: readonly Diagnostic[], options: CompileOptions = {}): CompileResult {
  const secrets = options.secrets ?? new Map<string, string>();
  const requirements = secretRequirements(model);
  const built = buildClusters({ model, registry: REGISTRY, secrets, requirements, ...(options.secretChecks ? { secretChecks: options.secretChecks } : {}), ...(options.cache ? { cache: options.cache } : {}) });
  // Every Secret the output references: generated, supplied by the operator, or an error.
  const referenced = referencedSecretDiagnostics({
    model,
    secrets,
    requirements,
    referenced: built.referencedSecrets,
    namespaces: clusterNamespaces(model, built.created),
    ...(options.secretChecks ? { checks: options.secretChecks } : {}),
    ...(options.secretsShown ? { shownDir: options.secretsShown } : {}),
    ...(options.specShown ? { specShown: options.specShown } : {}),
  });
  const files = new Map([...built.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  // Files taken from the cache were verified when they were rendered; their paths still count for portability.
  const verified = verifyOutput(files, { parsed: (content) => knownSecretParse(secrets, content), ...(built.known.size > 0 ? { otherPaths: built.known } : {}) });
  const all = locateDiagnostics(options.files ?? [], [...diagnostics, ...built.diagnostics, ...referenced, ...verified]);
  const referencedSecrets = built.referencedSecrets;
  if (hasErrors(all)) return { diagnostics: all, referencedSecrets };
  return { diagnostics: all, model, files, notices: built.notices, referencedSecrets, ...(options.cache ? { known: built.known, cacheEntries: built.entries, built: built.built, hashes: built.hashes } : {}) };
}

/** The namespaces a cluster has: the ones its output creates, the system ones, its GitOps engine's. */
function clusterNamespaces(model: Model, created: ReadonlyMap<string, readonly string[]>): Map<string, Set<string>> {
  const gitops = model.constellation.gitops;
  const hub = model.clusters.find((c) => c.role === 'management');
  return new Map(
    model.clusters.map((c) => {
      const own = created.get(c.name) ?? [];
      // Flux bootstrap creates flux-system; Argo CD runs in its namespace on the hub, or on every cluster.
      const engine = gitops.engine === 'flux' ? [FLUX_NAMESPACE] : !hub || hub.name === c.name ? [gitops.argocd.namespace] : [];
      return [c.name, new Set([...SYSTEM_NAMESPACES, ...engine, ...own])];
    }),
  );
}

/**
 * Build-stage findings name the spec key (a JSON pointer) but not its place: give them the line
 * and column of that key in its file, and the file's name as the user sees it.
 */
function locateDiagnostics(files: readonly SourceFile[], diagnostics: readonly Diagnostic[]): Diagnostic[] {
  if (files.length === 0) return [...diagnostics];
  const bySpecPath = new Map(files.map((f) => [f.specPath, f]));
  return diagnostics.map((d) => {
    const file = bySpecPath.get(d.file);
    if (!file || d.pointer === '' || d.line !== 1 || d.col !== 1) return d;
    return diagnosticAt(file, d.pointer, d.severity, d.rule, d.message);
  });
}

/** The secrets directory that goes with a spec directory: its sibling `secrets/`. */
export function defaultSecretsDir(specDir: string): string {
  return path.join(path.dirname(path.resolve(specDir)), 'secrets');
}

/**
 * Reads a spec directory, compiles it, and reads of the secrets directory only the files the
 * model needs (bounded), checked in memory — MAC with a key, one CA per mesh — before build.
 */
export async function compileSpecDir(
  specDir: string,
  options: {
    build?: boolean;
    cwd?: string;
    secretsDir?: string;
    identities?: AgeIdentities;
    outDir?: string;
    /** The entries may still be loading (lib/output/writer-snapshot.ts): awaited only once the spec is checked. */
    cache?: { readonly entries: ClusterCache | Promise<ClusterCache>; readonly fingerprint: string };
  } = {},
): Promise<CompileResult> {
  const cwd = options.cwd ?? process.cwd();
  const specCacheFile = options.cache ? specCacheFileFor(specDir) : undefined;
  const specCache = specCacheFile ? await loadSpecCache(specCacheFile, options.cache!.fingerprint) : undefined;
  const read = await readSpecDir(specDir, cwd, specCache ? { cache: specCache } : {});
  if (hasErrors(read.diagnostics)) return { diagnostics: read.diagnostics };
  const checked = checkFiles(read.files, toDisplayPath(specDir, cwd), specCache ? { memo: specCache.checkMemo } : {});
  if (specCache && specCacheFile) {
    for (const f of checked.schemaValidFiles ?? []) {
      const key = specCacheKey(f);
      const entry = key ? specCache.used.get(key) : undefined;
      if (key && entry && !entry.schemaValid) specCache.used.set(key, { ...entry, schemaValid: true });
    }
  }
  if (!checked.model || options.build === false) return checked;
  const secretsDir = options.secretsDir ?? defaultSecretsDir(specDir);
  const needed = secretRequirements(checked.model);
  const operator = await operatorSecretFiles(secretsDir, checked.model.clusters.map((c) => c.name));
  const stored = await readStoredSecrets(secretsDir, needed, cwd, options.identities, operator, specCache?.fingerprints);
  // The operator's app directories live in the repository beside the output (a few stat calls).
  const apps = options.outDir ? await appDirDiagnostics(checked.model, read.files, options.outDir) : [];
  if (hasErrors(stored.diagnostics)) return { diagnostics: [...checked.diagnostics, ...stored.diagnostics, ...apps] };
  // The keys first: made while the entries may still be loading (lib/output/writer-snapshot.ts).
  const keys = options.cache ? clusterKeys(checked.model, needed, options.cache.fingerprint) : undefined;
  const cache = options.cache ? { entries: await options.cache.entries, fingerprint: options.cache.fingerprint, keys: keys! } : undefined;
  const built = buildModel(checked.model, [...checked.diagnostics, ...stored.diagnostics, ...apps], { secrets: stored.files, secretChecks: stored.checks, secretsShown: toDisplayPath(secretsDir, cwd), specShown: toDisplayPath(specDir, cwd), files: read.files, ...(cache ? { cache } : {}) });
  // Remembered only after a synth that succeeds: a spec synth refuses (a key in plaintext) stays out of the cache too.
  if (specCache && specCacheFile && !hasErrors(built.diagnostics)) await saveSpecCache(specCacheFile, specCache);
  return built;
}

async function readStoredSecrets(
  secretsDir: string,
  needed: readonly SecretRequirement[],
  cwd: string,
  identities: AgeIdentities | undefined,
  operator: readonly string[] = [],
  fingerprints?: FingerprintMemo,
): Promise<{ files: ReadonlyMap<string, string>; checks: ReadonlyMap<string, SecretCheck>; diagnostics: Diagnostic[] }> {
  const display = toDisplayPath(secretsDir, cwd);
  const at = (rule: string, severity: Diagnostic['severity'], message: string): Diagnostic => ({ severity, file: display, line: 1, col: 1, pointer: '', rule, message });
  if (needed.length === 0 && operator.length === 0) return { files: new Map(), checks: new Map(), diagnostics: [] };
  if (await pendingSecretsTransaction(secretsDir)) {
    return { files: new Map(), checks: new Map(), diagnostics: [at('secrets/interrupted', 'error', `an orrery secrets run was interrupted while it replaced files here (${SECRETS_JOURNAL}); run npx orrery secrets to finish it before synth`)] };
  }
  const stored = await readSecretFiles(secretsDir, [...new Set([...secretFilesFor(needed), ...operator])], cwd);
  if (hasErrors(stored.diagnostics)) return { files: new Map(), checks: new Map(), diagnostics: stored.diagnostics };
  const show = (file: string): string => toDisplayPath(path.join(secretsDir, file), cwd);
  const verified = await checkStoredSecrets({ files: stored.files, requirements: needed, operatorFiles: operator, ...(identities ? { identities } : {}), show, ...(fingerprints ? { fingerprints } : {}) });
  const diagnostics: Diagnostic[] = [];
  // Said once per run, not per file: CI usually has no key, and that is fine.
  if (verified.unverified > 0) {
    diagnostics.push(at('secrets/unverified', 'note', `${verified.unverified} stored Secret(s) copied into the output without checking their MAC: no age key (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, ~/.config/sops/age/keys.txt); with one, synth refuses a tampered file`));
  }
  return { files: stored.files, checks: verified.checks, diagnostics };
}
