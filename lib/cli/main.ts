import { parseArgs } from 'node:util';
import path from 'node:path';
import { renderDiagnostics, hasErrors, type Diagnostic, type DiagnosticFormat } from '../diagnostics/diagnostic.ts';
import { diffOutput, writeOutput, OutputConflictError } from '../output/writer.ts';
import { gitSummary } from '../output/git-summary.ts';
import { compileSpecDir, defaultSecretsDir } from '../pipeline.ts';
import { secretRequirements } from '../secrets/requirements.ts';
import { generateSecrets, SecretsError } from '../secrets/generate.ts';
import { readSecretsDir, SOPS_CONFIG_HEADER, sopsConfig, writeAtomically } from '../secrets/store.ts';
import { readFile } from 'node:fs/promises';
import { loadAgeIdentities } from '../sops/keys.ts';
import { SopsError } from '../sops/sops.ts';
import { toDisplayPath } from '../read/read-spec.ts';

const COMMON_HELP = `Options:
  --spec DIR        spec directory (default: clusters)
  --out DIR         output directory (default: dist)
  --secrets DIR     secrets directory (default: secrets/ beside the spec directory)
  --format FORMAT   diagnostics as text, json or github (GitHub annotations) (default: text)
  -h, --help        show this help`;

const HELP: Record<string, string> = {
  main: `orrery — compile a constellation of Talos Kubernetes clusters into a GitOps tree

Usage: orrery <command> [options]

Commands:
  synth      compile clusters/ into dist/ (writes only changed files)
  validate   check the spec (schema and semantic rules) without writing anything
  check      exit 1 when dist/ differs from what synth would write (for CI)
  secrets    generate the secrets the spec needs, SOPS-encrypted, into secrets/ (once)

Run orrery <command> --help for a command's options.
Exit codes: 0 success, 1 bad input or dist/ out of date, 2 internal error (a bug in orrery).`,
  synth: `Usage: orrery synth [options]

Compiles every spec file in --spec into --out. Nothing is written when there is any error;
the previous output stays exactly as it was.

${COMMON_HELP}`,
  validate: `Usage: orrery validate [options]

Reads and checks the spec: YAML, schema, semantic rules. Writes nothing.

${COMMON_HELP.replace(/ {2}--out DIR[^\n]*\n/, '').replace(/ {2}--secrets DIR[^\n]*\n/, '')}`,
  secrets: `Usage: orrery secrets [options]

Generates every secret the spec needs and does not have yet — Talos secrets bundles, the
ClusterMesh CA shared by each mesh group, Linkerd trust anchors and issuers — encrypted with
SOPS (age) to sops.ageRecipients, into the secrets directory; writes its .sops.yaml. Existing
secrets are never touched unless rotated. Decryption keys (needed only to reuse existing
material: a new mesh member, a new Linkerd issuer) come from SOPS_AGE_KEY, SOPS_AGE_KEY_FILE or
~/.config/sops/age/keys.txt.

Options:
  --spec DIR        spec directory (default: clusters)
  --secrets DIR     secrets directory (default: secrets/ beside the spec directory)
  --rotate ID       regenerate a secret: <cluster>/<name>, or <name> for every cluster (repeatable)
  --format FORMAT   diagnostics as text, json or github (default: text)
  -h, --help        show this help`,
  check: `Usage: orrery check [options]

Compiles the spec in memory and compares the result with --out. Exit 1 and a list of the
differing files when the output is stale (run orrery synth and commit).

${COMMON_HELP}`,
};

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const defaultIo: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

function report(io: Io, diagnostics: readonly Diagnostic[], format: DiagnosticFormat): void {
  if (diagnostics.length === 0) return;
  const text = renderDiagnostics(diagnostics, format);
  (format === 'json' ? io.out : io.err)(text);
}

function pendingNote(io: Io, result: Awaited<ReturnType<typeof compileSpecDir>>): void {
  const pending = new Map<string, string[]>();
  for (const c of result.model?.clusters ?? []) for (const p of c.pending) pending.set(p, [...(pending.get(p) ?? []), c.name]);
  if (pending.size === 0) return;
  io.err('not compiled yet (validated only):\n');
  for (const [section, clusters] of pending) io.err(`  ${section}: ${clusters.join(', ')}\n`);
}

/** Runs the CLI and returns the exit code. Never throws for bad input. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.out(`${HELP.main}\n`);
    return command === undefined ? 1 : 0;
  }
  if (!['synth', 'validate', 'check', 'secrets'].includes(command)) {
    io.err(`orrery: unknown command ${JSON.stringify(command)}\n\n${HELP.main}\n`);
    return 1;
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options: {
        spec: { type: 'string', default: 'clusters' },
        out: { type: 'string', default: 'dist' },
        format: { type: 'string', default: 'text' },
        help: { type: 'boolean', short: 'h', default: false },
        secrets: { type: 'string' },
        ...(command === 'secrets' ? { rotate: { type: 'string' as const, multiple: true as const } } : {}),
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    io.err(`orrery ${command}: ${(err as Error).message}\n\n${HELP[command]}\n`);
    return 1;
  }
  if (values.help) {
    io.out(`${HELP[command]}\n`);
    return 0;
  }
  const format = values.format as DiagnosticFormat;
  if (!['text', 'json', 'github'].includes(format)) {
    io.err(`orrery ${command}: --format must be text, json or github, not ${JSON.stringify(values.format)}\n`);
    return 1;
  }
  const specDir = path.resolve(values.spec);
  const outDir = path.resolve(values.out);
  if (command === 'secrets') return runSecrets(io, specDir, values as { secrets?: string; rotate?: string[] }, format);
  const result = await compileSpecDir(specDir, { build: command !== 'validate', ...(values.secrets ? { secretsDir: path.resolve(values.secrets) } : {}) });
  report(io, result.diagnostics, format);
  if (hasErrors(result.diagnostics)) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    if (format !== 'json') io.err(`orrery ${command}: ${errors} error(s); nothing was written\n`);
    return 1;
  }
  if (format === 'text') pendingNote(io, result);
  const shownOut = values.out;
  if (command === 'validate') {
    if (format === 'text') io.err(`orrery validate: ${result.model!.clusters.length} cluster(s), no errors\n`);
    return 0;
  }
  const files = result.files!;
  if (command === 'check') {
    const diff = await diffOutput(outDir, files);
    const stale = [...diff.changed.map((f) => `changed  ${f}`), ...diff.added.map((f) => `missing  ${f}`), ...diff.orphans.map((f) => `orphan   ${f}`), ...diff.conflicts.map((f) => `foreign  ${f}`)];
    if (stale.length === 0) {
      io.err(`orrery check: ${shownOut} is up to date (${files.size} files)\n`);
      return 0;
    }
    io.err(`orrery check: ${shownOut} is not what synth would write:\n${stale.map((s) => `  ${s}\n`).join('')}run npm run synth and commit the result\n`);
    return 1;
  }
  try {
    const written = await writeOutput(outDir, files);
    io.err(`orrery synth: ${written.written.length} written, ${written.removed.length} removed, ${written.unchanged} unchanged in ${shownOut}\n`);
    const summary = await gitSummary(outDir);
    if (summary) io.err(`orrery synth: ${shownOut}: ${summary}\n`);
    return 0;
  } catch (err) {
    if (err instanceof OutputConflictError) {
      io.err(`orrery synth: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

async function runSecrets(io: Io, specDir: string, values: { secrets?: string; rotate?: string[] }, format: DiagnosticFormat): Promise<number> {
  const result = await compileSpecDir(specDir, { build: false });
  report(io, result.diagnostics, format);
  if (hasErrors(result.diagnostics)) {
    io.err(`orrery secrets: the spec has errors; nothing was generated\n`);
    return 1;
  }
  const model = result.model!;
  const secretsDir = values.secrets ? path.resolve(values.secrets) : defaultSecretsDir(specDir);
  const requirements = secretRequirements(model);
  try {
    const outcome = await generateSecrets({
      model,
      requirements,
      existing: await readSecretsDir(secretsDir),
      rotate: values.rotate ?? [],
      identities: () => loadAgeIdentities(),
      now: new Date(),
    });
    for (const [rel, content] of outcome.files) await writeAtomically(path.join(secretsDir, rel), content);
    if (requirements.length > 0) {
      // sops looks for .sops.yaml from the working directory upwards: put it beside secrets/ (the
      // repository root, usually), unless a .sops.yaml of the user's own is there.
      const configFile = path.join(path.dirname(secretsDir), '.sops.yaml');
      const current = await readFile(configFile, 'utf8').catch(() => undefined);
      const config = sopsConfig(model, requirements, path.basename(secretsDir));
      if (current === undefined || current.startsWith(SOPS_CONFIG_HEADER)) {
        if (current !== config) await writeAtomically(configFile, config);
      } else {
        io.err(`orrery secrets: ${toDisplayPath(configFile)} is not orrery's; add these creation rules to it:\n${config}`);
      }
    }
    const shown = toDisplayPath(secretsDir);
    for (const id of outcome.generated) io.err(`  generated ${id}\n`);
    for (const id of outcome.rotated) io.err(`  rotated   ${id}\n`);
    for (const id of outcome.rewrapped) io.err(`  re-encrypted to the new recipients: ${id}\n`);
    io.err(`orrery secrets: ${outcome.generated.length} generated, ${outcome.rotated.length} rotated, ${outcome.kept.length} kept in ${shown}\n`);
    return 0;
  } catch (err) {
    if (err instanceof SecretsError || err instanceof SopsError) {
      io.err(`orrery secrets: ${err.message}; nothing was written\n`);
      return 1;
    }
    throw err;
  }
}

/** The process entry: bad input exits 1 from `main`; anything thrown is a bug in orrery (exit 2). */
export async function runCli(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  try {
    return await main(argv, io);
  } catch (err) {
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    try {
      io.err(`orrery: internal error — this is a bug in orrery, please report it:\n${detail}\n`);
    } catch {
      process.stderr.write(`orrery: internal error — this is a bug in orrery, please report it:\n${detail}\n`);
    }
    return 2;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(path.basename(process.argv[1]));
if (invokedDirectly) {
  process.exitCode = await runCli(process.argv.slice(2));
}
