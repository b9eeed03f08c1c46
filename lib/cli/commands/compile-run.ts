import path from 'node:path';
import { hasErrors, uniqueDiagnostics, type DiagnosticFormat } from '../../diagnostics/diagnostic.ts';
import { compileSpecDir } from '../../pipeline.ts';
import { report, strictDiagnostics, type CommandInput } from '../command.ts';
import type { BuildCache } from './compile-cache.ts';

/** synth, check and validate (lib/cli/commands/compile.ts): compile the spec, then write it, compare it, or stop. */
export async function runCompile(command: 'synth' | 'check' | 'validate', input: CommandInput, opening?: Promise<BuildCache | undefined>): Promise<number> {
  const outDir = path.resolve(String(input.values.out));
  // synth's build cache (compile-cache.ts), opened by compile.ts before this module loaded.
  const cache = await opening;
  try {
    return await compileAndFinish(command, input, outDir, cache);
  } finally {
    cache?.pending.cancel();
  }
}

async function compileAndFinish(command: 'synth' | 'check' | 'validate', { values, io }: CommandInput, outDir: string, cache: BuildCache | undefined): Promise<number> {
  const format = values.format as DiagnosticFormat;
  const strict = values.strict === true;
  const specDir = path.resolve(String(values.spec));
  // With a decryption key at hand, every stored Secret's MAC is checked before it is copied.
  // age (and its post-quantum curves) loads only here: validate never decrypts.
  const identities = command === 'validate' ? undefined : await (await import('../../sops/keys.ts')).loadAgeIdentities();
  const shownOut = String(values.out);
  const result = await compileSpecDir(specDir, {
    ...(cache ? { cache: { entries: cache.pending.entries.then((s) => s.cache.entries), fingerprint: cache.fingerprint } } : {}),
    build: command !== 'validate',
    // The operator's app directories are looked up in the repository that holds the output.
    ...(command !== 'validate' ? { outDir } : {}),
    ...(values.secrets ? { secretsDir: path.resolve(String(values.secrets)) } : {}),
    ...(identities ? { identities } : {}),
  });
  let diagnostics = uniqueDiagnostics(result.diagnostics);
  if (strict) diagnostics = strictDiagnostics(diagnostics);
  const failed = hasErrors(diagnostics);
  // check prints its findings after the comparison, so that a JSON reader gets one document.
  if (command !== 'check' || failed) report(io, diagnostics, format);
  if (failed) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    if (format !== 'json') io.err(`orrery ${command}: ${errors} error(s)${strict ? ' (--strict: warnings and keys not compiled yet count as errors)' : ''}; nothing was written\n`);
    return 1;
  }
  if (command === 'validate') {
    if (format === 'text') io.err(`orrery validate: ${result.model!.clusters.length} cluster(s), no errors\n`);
    return 0;
  }
  // The writer and the output comparison load only for synth and check.
  const { writeOrCheck } = await import('./compile-output.ts');
  return writeOrCheck({ command, io, format, diagnostics, shownOut, outDir, result, cache });
}
