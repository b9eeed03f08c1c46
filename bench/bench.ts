/**
 * orrery benchmark: `npm run bench` (options: `--sizes 100,1000`, `--full` for 5 repeats at every
 * size, `--repeats N`, `--no-diff`). Not a test; no network.
 *
 * Everything is timed as an operator sees it: whole processes of `node bin/orrery.mjs synth` on a
 * synthetic fleet written to disk (bench/fleet.ts), so process start, module loading and spec
 * reading count. Each repetition synthesises into a directory that did not exist before (creating
 * files right after a large `rm -rf` on ext4 is several times slower, which would flatter a
 * comparison), then runs synth again with nothing changed, then after one node address changed.
 * The floor (bench/floor.ts) serialises the same files with the `yaml` library directly and writes
 * them with plain fs calls into another new directory. Peak RSS comes from getrusage in the synth
 * process itself (bench/rss-probe.mjs). Medians over the repeats; the machine's load is printed
 * beside each size, since these machines are shared.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { diffBench } from './diff.ts';
import { floor, loadOutput } from './floor.ts';
import { moveOneNode, writeFleet, type Fleet } from './fleet.ts';
import { shapeBench } from './shape.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(REPO, 'bin', 'orrery.mjs');
const PROBE = path.join(REPO, 'bench', 'rss-probe.mjs');
const DEFAULT_SIZES = [100, 1000];
const TARGET_INCREMENTAL_MS = 1000;
const TARGET_COLD_RATIO = 1.5;
const TARGET_VALIDATE_MS = 1000;
const TARGET_RSS_MIB = 400;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

interface Run {
  readonly ms: number;
  readonly rssMiB: number;
  readonly stderr: string;
}

/** One whole `node bin/orrery.mjs …` process: wall time from spawn to exit, its peak RSS. A fleet's output index stays in the fleet's temp directory. */
async function orrery(args: readonly string[], cwd: string): Promise<Run> {
  const rssFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'orrery-bench-rss-')), 'rss');
  const t0 = performance.now();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', PROBE, BIN, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ORRERY_BENCH_RSS_FILE: rssFile, ...(cwd === REPO ? {} : { ORRERY_CACHE_DIR: path.join(cwd, '.orrery-cache') }) } });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stderr: err }));
  });
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`orrery ${args.join(' ')} exited with ${code}:\n${stderr}`);
  const rss = Number((await readFile(rssFile, 'utf8')).trim().split('\n').at(-1));
  await rm(path.dirname(rssFile), { recursive: true, force: true });
  return { ms, rssMiB: rss / 1024, stderr };
}

async function nodeStart(): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => spawn(process.execPath, ['-e', '0']).on('close', () => resolve()).on('error', reject));
  return performance.now() - t0;
}

const load = (): string => os.loadavg().map((l) => l.toFixed(1)).join(' ');

interface SizeResult {
  readonly size: number;
  readonly files: number;
  readonly specKiB: number;
  readonly repeats: number;
  readonly cold: readonly number[];
  readonly noChange: readonly number[];
  readonly uncached: readonly number[];
  readonly oneChange: readonly number[];
  readonly oneChangeWritten: string;
  readonly floor: readonly number[];
  readonly serialise: readonly number[];
  readonly writeOnly: readonly number[];
  readonly sameBytes: number;
  /** Peak RSS of the cold, no-change and one-change synth processes (the largest of the repeats). */
  readonly rssMiB: { readonly cold: number; readonly noChange: number; readonly oneChange: number };
  readonly loadBefore: string;
  readonly loadAfter: string;
}

async function benchSize(size: number, repeats: number): Promise<SizeResult> {
  const root = await mkdtemp(path.join(os.tmpdir(), `orrery-bench-${size}-`));
  try {
    const loadBefore = load();
    const fleet: Fleet = await writeFleet(root, size);
    const spec = ['--spec', fleet.specDir];
    const cold: number[] = [];
    const noChange: number[] = [];
    const uncached: number[] = [];
    const oneChange: number[] = [];
    const floors: number[] = [];
    const serialise: number[] = [];
    const writeOnly: number[] = [];
    const rss = { cold: 0, noChange: 0, oneChange: 0 };
    let files = 0;
    let sameBytes = 0;
    let oneChangeWritten = '';
    for (let r = 0; r < repeats; r++) {
      // A new directory per repetition (never the place of a tree just removed).
      const out = path.join(root, `run-${r}`, 'dist');
      // Cold means no cache of any kind: neither the build cache nor the spec cache of earlier repetitions.
      await rm(path.join(root, '.orrery-cache'), { recursive: true, force: true });
      const c = await orrery(['synth', ...spec, '--out', out], root);
      cold.push(c.ms);
      rss.cold = Math.max(rss.cold, c.rssMiB);
      const n = await orrery(['synth', ...spec, '--out', out], root);
      if (!/ 0 written, 0 removed/.test(n.stderr)) throw new Error(`no-change synth wrote something:\n${n.stderr}`);
      noChange.push(n.ms);
      rss.noChange = Math.max(rss.noChange, n.rssMiB);
      await moveOneNode(fleet, r);
      const o = await orrery(['synth', ...spec, '--out', out], root);
      oneChangeWritten = `${/(\d+ written, \d+ removed)/.exec(o.stderr)?.[1] ?? '?'}, ${/\((\d+ of \d+) cluster\(s\) unchanged/.exec(o.stderr)?.[1] ?? 'no'} cluster(s) taken from the build cache`;
      // The same no-change synth without the build cache (every cluster built, the output compared through the index).
      const u = await orrery(['synth', '--no-cache', ...spec, '--out', out], root);
      if (!/ 0 written, 0 removed/.test(u.stderr)) throw new Error(`no-change synth without cache wrote something:\n${u.stderr}`);
      uncached.push(u.ms);
      oneChange.push(o.ms);
      rss.oneChange = Math.max(rss.oneChange, o.rssMiB);
      // The floor writes the same files as the one-change synth just did, into a new directory.
      const loaded = await loadOutput(out);
      files = loaded.length;
      const f = await floor(loaded, path.join(root, `floor-${r}`), path.join(root, `write-only-${r}`));
      floors.push(f.ms);
      serialise.push(f.serialiseMs);
      writeOnly.push(f.writeOnlyMs);
      sameBytes = f.sameBytes;
    }
    return { size, files, specKiB: fleet.specBytes / 1024, repeats, cold, noChange, uncached, oneChange, oneChangeWritten, floor: floors, serialise, writeOnly, sameBytes, rssMiB: rss, loadBefore, loadAfter: load() };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** `orrery validate` of the bundled example (clusters/, three clusters): start-up dominated. */
async function validateStartup(repeats: number): Promise<{ ms: number[]; node: number[]; load: string }> {
  const ms: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < repeats; i++) {
    ms.push((await orrery(['validate', '--spec', path.join(REPO, 'clusters')], REPO)).ms);
    node.push(await nodeStart());
  }
  return { ms, node, load: load() };
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const s2 = (ms: number): string => (ms / 1000).toFixed(2);
const spread = (xs: readonly number[]): string => `${s2(median(xs))} (${s2(Math.min(...xs))}–${s2(Math.max(...xs))})`;
const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');

function argValue(name: string): string | undefined {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(name);
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

async function main(): Promise<void> {
  const sizes = (argValue('--sizes') ?? DEFAULT_SIZES.join(',')).split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes: not cluster counts: ${argValue('--sizes')}`);
  const full = process.argv.includes('--full');
  const fixed = argValue('--repeats');
  // 1000 clusters twice by default (about ten minutes on a shared 2-core machine), five with --full.
  const repeatsFor = (n: number): number => (fixed ? Number(fixed) : full ? 5 : n <= 100 ? 3 : 2);
  // What an operator runs after npm ci: the compiled build/ (scripts/build.mjs), not the tsx fallback.
  const built = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error('npm run build failed; the bench would time the tsx fallback');
  console.log(`orrery bench: ${sizes.join(', ')} clusters, node ${process.version}, ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'unknown CPU'}, load ${load()}`);
  const v = await validateStartup(full ? 9 : 5);
  const results: SizeResult[] = [];
  for (const size of sizes) {
    results.push(await benchSize(size, repeatsFor(size)));
    console.error(`bench: ${size} clusters done (load ${load()})`);
  }
  console.log('');
  console.log('whole-process wall seconds, median (min–max) over the repeats:');
  console.log(
    table(
      ['clusters', 'files', 'runs', 'cold', 'no change', 'one change', 'no change --no-cache', 'floor', 'of which yaml', 'write only', 'cold÷floor', 'cold÷write', 'no-change÷cold', 'one-change÷cold', 'peak RSS MiB cold/no/one', 'load before → after'],
      results.map((r) => [
        String(r.size),
        String(r.files),
        String(r.repeats),
        spread(r.cold),
        spread(r.noChange),
        spread(r.oneChange),
        spread(r.uncached),
        spread(r.floor),
        s2(median(r.serialise)),
        s2(median(r.writeOnly)),
        (median(r.cold) / median(r.floor)).toFixed(1),
        (median(r.cold) / median(r.writeOnly)).toFixed(1),
        (median(r.noChange) / median(r.cold)).toFixed(2),
        (median(r.oneChange) / median(r.cold)).toFixed(2),
        `${r.rssMiB.cold.toFixed(0)}/${r.rssMiB.noChange.toFixed(0)}/${r.rssMiB.oneChange.toFixed(0)}`,
        `${r.loadBefore} → ${r.loadAfter}`,
      ]),
    ),
  );
  for (const r of results) {
    console.log(`  ${r.size}: one change wrote ${r.oneChangeWritten}; the floor reproduced ${r.sameBytes} of ${r.files} files byte for byte; spec ${r.specKiB.toFixed(0)} KiB`);
  }
  console.log('(cold = a new output directory; floor = the same files serialised with the yaml library and written with plain synchronous fs calls into a new directory, in a warm process: no start-up; write only = the same bytes written, nothing serialised)');
  console.log('');
  console.log(`orrery validate of clusters/ (3 clusters): median ${s2(median(v.ms))} s (min ${s2(Math.min(...v.ms))}) over ${v.ms.length}; node -e 0 alone: ${s2(median(v.node))} s; load ${v.load}`);
  console.log('');
  const big = results.find((r) => r.size === 1000) ?? results.at(-1)!;
  const small = results.find((r) => r.size === 100) ?? results[0]!;
  console.log(`targets (at ${big.size} clusters):`);
  console.log(`  one-change synth < 1 s: ${verdict(median(big.oneChange) < TARGET_INCREMENTAL_MS)} (${s2(median(big.oneChange))} s)`);
  console.log(`  no-change synth < 1 s: ${verdict(median(big.noChange) < TARGET_INCREMENTAL_MS)} (${s2(median(big.noChange))} s)`);
  console.log(`  cold ≤ 1.5× floor: ${verdict(median(big.cold) / median(big.floor) <= TARGET_COLD_RATIO)} (${(median(big.cold) / median(big.floor)).toFixed(1)}×)`);
  console.log(`  validate < 1 s: ${verdict(median(v.ms) < TARGET_VALIDATE_MS)} (${s2(median(v.ms))} s)`);
  const peak = Math.max(big.rssMiB.cold, big.rssMiB.noChange, big.rssMiB.oneChange);
  console.log(`  peak RSS < 400 MiB: ${verdict(peak < TARGET_RSS_MIB)} (${peak.toFixed(0)} MiB)`);
  if (small !== big) {
    const per = (r: SizeResult): number => median(r.cold) / r.size;
    console.log(`  linear: cold ms/cluster at ${big.size} vs ${small.size} = ${per(big).toFixed(1)} / ${per(small).toFixed(1)} = ${(per(big) / per(small)).toFixed(2)}×`);
  }
  console.log('');
  await shapeBench(big.size);
  if (!process.argv.includes('--no-diff')) {
    console.log('');
    await diffBench(big.size);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
