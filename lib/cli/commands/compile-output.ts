import type { Diagnostic, DiagnosticFormat } from '../../diagnostics/diagnostic.ts';
import { checkOutput, writeOutput, OutputError } from '../../output/writer.ts';
import { indexFileFor } from '../../output/writer-index.ts';
import { dropBuildCache, sameAsLoaded, saveBuildCache } from '../../output/build-cache.ts';
import type { BuildCache } from './compile-cache.ts';
import type { CompileResult } from '../../pipeline.ts';
import { report, type Io } from '../command.ts';

// synth and check after the spec compiled (compile-run.ts): write the output, or compare it with
// what is on disk. validate never gets here, so it never loads the writer.

export interface CompiledOutput {
  readonly command: 'synth' | 'check';
  readonly io: Io;
  readonly format: DiagnosticFormat;
  readonly diagnostics: readonly Diagnostic[];
  /** --out as the user typed it, and resolved. */
  readonly shownOut: string;
  readonly outDir: string;
  readonly result: CompileResult;
  readonly cache: BuildCache | undefined;
}

/** synth writes the compiled files (and saves the build cache); check compares them with --out. */
export async function writeOrCheck({ command, io, format, diagnostics, shownOut, outDir, result, cache }: CompiledOutput): Promise<number> {
  const files = result.files!;
  const lock = { onWait: (holder: string) => io.err(`orrery ${command}: waiting for ${holder} to finish writing ${shownOut}\n`) };
  try {
    if (command === 'check') return checkStale(io, format, diagnostics, shownOut, files.size, await checkOutput(outDir, files, { lock }));
    const snapshot = cache ? await cache.pending.result : undefined;
    const known = new Map([...(result.known ?? [])].map((rel) => [rel, snapshot!.cache.known.get(rel)!] as const));
    // The entries describe the output: dropped before its first change (so that a crash between
    // the write and the save leaves none), saved after — unless nothing changed and every entry is
    // the one loaded, when the file already says exactly this.
    let dropped = false;
    const beforeChange = async (): Promise<void> => {
      if (cache) await dropBuildCache(cache.file);
      dropped = true;
    };
    const written = await writeOutput(outDir, files, {
      lock,
      index: indexFileFor(outDir),
      known,
      beforeChange,
      ...(result.hashes ? { hashes: result.hashes } : {}),
      ...(snapshot ? { loadedIndex: snapshot.index, ...(snapshot.tree ? { tree: snapshot.tree } : {}) } : {}),
    });
    const warnings = [...written.warnings];
    if (cache && snapshot && result.cacheEntries && (dropped || !sameAsLoaded(snapshot.cache, result.cacheEntries))) await saveBuildCache(cache.file, cache.realOut, cache.fingerprint, result.cacheEntries, warnings);
    for (const w of warnings) io.err(`orrery synth: warning: ${w}\n`);
    const reused = result.model!.clusters.length - (result.built?.length ?? result.model!.clusters.length);
    io.err(`orrery synth: ${written.written.length} written, ${written.removed.length} removed, ${written.unchanged} unchanged in ${shownOut}${reused > 0 ? ` (${reused} of ${result.model!.clusters.length} cluster(s) unchanged since the last synth, not rebuilt)` : ''}\n`);
    // simple-git loads only after a synth wrote: validate and check never ask git.
    const summary = await (await import('../../output/git-summary.ts')).gitSummary(outDir);
    if (summary) io.err(`orrery synth: ${shownOut}: ${summary}\n`);
    // What a bare-metal user needs first: the boot media of each cluster's schematics.
    if (format === 'text') for (const line of new Set(result.notices ?? [])) io.err(`${line}\n`);
    return 0;
  } catch (err) {
    // A full disk, a read-only mount, a file in the way: the machine's state, not a bug (exit 1).
    if (err instanceof OutputError) {
      io.err(`orrery ${command}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}


const STALE = {
  changed: 'synth would write other bytes',
  missing: 'synth would write this file, which is not there',
  orphan: 'orrery wrote this file before, and synth would remove it',
  foreign: 'a file orrery did not write is where synth would write one',
} as const;

/**
 * A stale output as diagnostics in every format (CI reads `--format github|json`), or as the
 * list a person reads. Each stale file is an error at that file.
 */
function checkStale(io: Io, format: DiagnosticFormat, diagnostics: readonly Diagnostic[], shownOut: string, total: number, diff: Awaited<ReturnType<typeof checkOutput>>): number {
  for (const w of diff.warnings) io.err(`orrery check: warning: ${w}\n`);
  const stale = [
    ...diff.changed.map((f) => ['changed', f] as const),
    ...diff.added.map((f) => ['missing', f] as const),
    ...diff.orphans.map((f) => ['orphan', f] as const),
    ...diff.conflicts.map((f) => ['foreign', f] as const),
  ];
  const fix = 'run npx orrery synth and commit the result';
  if (format !== 'text') {
    const found = stale.map(([kind, f]): Diagnostic => ({ severity: 'error', file: `${shownOut}/${f}`, line: 1, col: 1, pointer: '', rule: `output/${kind}`, message: `${STALE[kind]}: ${shownOut} is not what synth would write; ${fix}` }));
    report(io, [...diagnostics, ...found], format);
    if (format === 'github' && stale.length === 0) io.err(`orrery check: ${shownOut} is up to date (${total} files)\n`);
    return stale.length === 0 ? 0 : 1;
  }
  report(io, diagnostics, format);
  if (stale.length === 0) {
    io.err(`orrery check: ${shownOut} is up to date (${total} files)\n`);
    return 0;
  }
  io.err(`orrery check: ${shownOut} is not what synth would write:\n${stale.map(([kind, f]) => `  ${kind.padEnd(8)} ${f}\n`).join('')}${fix}\n`);
  return 1;
}
