/**
 * orrery benchmark: `npm run bench` (optionally `-- --sizes 10,100`).
 *
 * For each size the parent re-runs this script in a child process (`--size N`), so that each
 * size's peak RSS (process.resourceUsage().maxRSS, monotonic per process) is its own. The
 * child generates a synthetic constellation in memory (bench/synthetic.ts), then times the
 * full pipeline: spec text → parseSpecText → compileFiles → writeOutput into a fresh temp dir.
 * It also times the floor: serializing the same output objects with toYaml and writing them
 * with plain fs calls into another fresh temp dir. Not a test; no network.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { compileFiles, buildArtifacts } from '../lib/pipeline.ts';
import { generateSecrets } from '../lib/secrets/generate.ts';
import { secretRequirements } from '../lib/secrets/requirements.ts';
import { encryptSops, KUBERNETES_SECRET_REGEX } from '../lib/sops/sops.ts';
import { BENCH_RECIPIENT } from './synthetic.ts';
import { parseSpecText } from '../lib/read/read-spec.ts';
import { writeOutput } from '../lib/output/writer.ts';
import { objectFileName } from '../lib/output/render.ts';
import { toYaml, yamlHeader } from '../lib/output/yaml.ts';
import type { OutputFiles } from '../lib/output/render.ts';
import type { Model } from '../lib/model/model.ts';
import type { SourceFile } from '../lib/read/source-file.ts';
import { formatDiagnostic, type Diagnostic } from '../lib/diagnostics/diagnostic.ts';
import { operatorSecretsOf, syntheticConstellation, NODES_PER_CLUSTER, type SyntheticConstellation } from './synthetic.ts';
import { diffBench } from './diff.ts';

const DEFAULT_SIZES = [10, 100, 1000];
const TARGET_100_MS = 5000;
const RESULT_MARKER = 'ORRERY_BENCH_RESULT ';
const SPEC_DIR = 'clusters';

interface SizeResult {
  readonly size: number;
  readonly clusters: number;
  readonly nodes: number;
  readonly specBytes: number;
  readonly files: number;
  readonly repeats: number;
  /** Medians over the repeats. */
  readonly wallMs: number;
  readonly parseMs: number;
  readonly compileMs: number;
  readonly writeMs: number;
  readonly floorMs: number;
  /** One-off cost of the first (3-cluster) compile in the process: schema compilation, lazy imports. */
  readonly initMs: number;
  readonly genMs: number;
  readonly warnings: number;
  readonly peakRssMiB: number;
  /** The Secrets synth copies (one ClusterMesh CA per mesh group, encrypted per member). */
  readonly secretsGenerated: number;
  readonly secretsMs: number;
  /** SOPS encryption alone: Kubernetes Secrets (two PEM values) per second. */
  readonly encryptPerSecond: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function assertNoErrors(diagnostics: readonly Diagnostic[], what: string): void {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return;
  const shown = errors.slice(0, 10).map(formatDiagnostic).join('\n  ');
  throw new Error(`${what}: the synthetic spec does not compile (${errors.length} error(s)):\n  ${shown}`);
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'orrery-bench-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface FullRun {
  readonly parseMs: number;
  readonly compileMs: number;
  readonly writeMs: number;
  readonly wallMs: number;
  readonly files: OutputFiles;
  readonly model: Model;
  readonly warnings: number;
}

/** The measured path: text → parse → compileFiles → writeOutput into a fresh temp dir. */
async function fullPipeline(spec: SyntheticConstellation, label: string, secrets: ReadonlyMap<string, string>): Promise<FullRun> {
  return withTempDir(async (tmp) => {
    const outDir = path.join(tmp, 'dist');
    const t0 = performance.now();
    const sources: SourceFile[] = [];
    const readDiagnostics: Diagnostic[] = [];
    for (const f of spec.files) {
      const display = `${SPEC_DIR}/${f.name}`;
      const parsed = parseSpecText(f.text, display, display);
      sources.push(...parsed.files);
      readDiagnostics.push(...parsed.diagnostics);
    }
    const t1 = performance.now();
    assertNoErrors(readDiagnostics, label);
    const t1b = performance.now();
    const result = compileFiles(sources, SPEC_DIR, { secrets });
    const t2 = performance.now();
    assertNoErrors(result.diagnostics, label);
    if (!result.files || !result.model) throw new Error(`${label}: compileFiles returned no files`);
    const t2b = performance.now();
    const report = await writeOutput(outDir, result.files);
    const t3 = performance.now();
    if (report.written.length !== result.files.size) {
      throw new Error(`${label}: writeOutput wrote ${report.written.length} of ${result.files.size} files into a fresh directory`);
    }
    return {
      parseMs: t1 - t0,
      compileMs: t2 - t1b,
      writeMs: t3 - t2b,
      wallMs: t1 - t0 + (t2 - t1b) + (t3 - t2b),
      files: result.files,
      model: result.model,
      warnings: result.diagnostics.filter((d) => d.severity === 'warning').length,
    };
  });
}

/**
 * The floor: serialize the same output objects with toYaml (Kubernetes objects and their
 * kustomization.yaml; docs are already text) and write them with plain mkdir/writeFile.
 * The artifacts are built outside the timed region.
 */
async function floor(model: Model, expectedFiles: number, label: string, secrets: ReadonlyMap<string, string>): Promise<number> {
  const artifacts = buildArtifacts(model, secrets);
  return withTempDir(async (tmp) => {
    const t0 = performance.now();
    const dirs = new Set<string>();
    let written = 0;
    const put = async (rel: string, content: string): Promise<void> => {
      const dir = path.dirname(path.join(tmp, rel));
      if (!dirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        dirs.add(dir);
      }
      await writeFile(path.join(tmp, rel), content);
      written++;
    };
    for (const bundle of artifacts.bundles) {
      const names: string[] = [];
      for (const o of bundle.objects) {
        const name = objectFileName(o);
        names.push(name);
        await put(`${bundle.dir}/${name}`, yamlHeader(bundle.source) + toYaml(o));
      }
      for (const f of bundle.files ?? []) {
        names.push(f.name);
        await put(`${bundle.dir}/${f.name}`, f.content);
      }
      await put(`${bundle.dir}/kustomization.yaml`, yamlHeader(bundle.source) + toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: names }));
    }
    for (const f of artifacts.files) await put(f.path, f.content);
    const ms = performance.now() - t0;
    if (written !== expectedFiles) throw new Error(`${label}: the floor wrote ${written} files, the pipeline ${expectedFiles}`);
    return ms;
  });
}

function repeatsFor(size: number): number {
  return size <= 10 ? 7 : size <= 100 ? 3 : 1;
}

/**
 * The Secrets synth copies into dist/ (the ClusterMesh CAs), generated and encrypted as
 * `orrery secrets` does, outside the timed synth. Talos bundles are not needed by synth.
 */
async function secretsFor(spec: SyntheticConstellation): Promise<{ files: ReadonlyMap<string, string>; generated: number; ms: number }> {
  const sources = spec.files.flatMap((f) => parseSpecText(f.text, `${SPEC_DIR}/${f.name}`, `${SPEC_DIR}/${f.name}`).files);
  const { model } = compileFiles(sources, SPEC_DIR, { build: false });
  const t0 = performance.now();
  const outcome = await generateSecrets({
    model: model!,
    requirements: secretRequirements(model!).filter((r) => r.toDist),
    existing: new Map(),
    rotate: [],
    identities: async () => ({ identities: [], sources: [] }),
    now: new Date(),
  });
  // The Secrets the operator supplies (the DNS credentials), as orrery secrets --add stores them.
  const files = new Map([...outcome.files, ...(await operatorSecretsOf(model!))]);
  return { files, generated: outcome.files.size, ms: performance.now() - t0 };
}

/** Encrypts one Secret with two PEM-sized values repeatedly: SOPS + age throughput alone. */
async function encryptionThroughput(): Promise<number> {
  const doc = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'y' }, data: { 'ca.crt': 'A'.repeat(900), 'ca.key': 'B'.repeat(300) } };
  const n = 200;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await encryptSops(doc, { recipients: [BENCH_RECIPIENT], encryptedRegex: KUBERNETES_SECRET_REGEX, lastModified: '2026-01-01T00:00:00Z' });
  return (n / (performance.now() - t0)) * 1000;
}

/** Child mode: one size, one process. */
async function runSize(size: number): Promise<SizeResult> {
  // Warm-up: the first compile of a process compiles the JSON Schema and loads cdk8s; report it apart.
  const warm = syntheticConstellation(3);
  const initMs = (await fullPipeline(warm, 'warm-up', (await secretsFor(warm)).files)).wallMs;

  const g0 = performance.now();
  const spec = syntheticConstellation(size);
  const genMs = performance.now() - g0;

  const label = `${size} clusters`;
  const secrets = await secretsFor(spec);
  const runs: Omit<FullRun, 'files' | 'model'>[] = [];
  const floors: number[] = [];
  let files = 0;
  for (let r = 0; r < repeatsFor(size); r++) {
    const { files: out, model, ...times } = await fullPipeline(spec, label, secrets.files);
    files = out.size;
    floors.push(await floor(model, out.size, label, secrets.files));
    runs.push(times);
  }
  return {
    size,
    clusters: spec.clusters,
    nodes: spec.clusters * NODES_PER_CLUSTER,
    specBytes: spec.bytes,
    files,
    repeats: runs.length,
    wallMs: median(runs.map((r) => r.wallMs)),
    parseMs: median(runs.map((r) => r.parseMs)),
    compileMs: median(runs.map((r) => r.compileMs)),
    writeMs: median(runs.map((r) => r.writeMs)),
    floorMs: median(floors),
    initMs,
    genMs,
    warnings: runs[0]!.warnings,
    secretsGenerated: secrets.generated,
    secretsMs: secrets.ms,
    encryptPerSecond: await encryptionThroughput(),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

/** Parent mode: one child process per size. */
function spawnSize(size: number): Promise<SizeResult> {
  const script = fileURLToPath(import.meta.url);
  // Under tsx, execArgv already carries its loader; otherwise add it.
  const loader = process.execArgv.some((a) => a.includes('tsx')) ? [] : ['--import', import.meta.resolve('tsx')];
  const args = [...process.execArgv, ...loader, script, '--size', String(size)];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || !line) {
        reject(new Error(`bench child for ${size} clusters exited with ${code}${out ? `:\n${out}` : ''}`));
        return;
      }
      resolvePromise(JSON.parse(line.slice(RESULT_MARKER.length)) as SizeResult);
    });
  });
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const f0 = (n: number): string => n.toFixed(0);
const f1 = (n: number): string => n.toFixed(1);
const f2 = (n: number): string => n.toFixed(2);

/** Prints the tables and the checks; returns false when 100 clusters miss the 5 s target. */
function report(results: readonly SizeResult[]): boolean {
  console.log(
    table(
      ['size', 'clusters', 'files', 'wall ms', 'ms/cluster', 'peak RSS MiB', 'floor ms', 'ratio'],
      results.map((r) => [String(r.size), String(r.clusters), String(r.files), f0(r.wallMs), f2(r.wallMs / r.clusters), f0(r.peakRssMiB), f1(r.floorMs), f1(r.wallMs / r.floorMs)]),
    ),
  );
  console.log('');
  console.log(
    table(
      ['size', 'nodes', 'spec KiB', 'runs', 'parse ms', 'compile ms', 'write ms', 'init ms', 'warnings'],
      results.map((r) => [String(r.size), String(r.nodes), f0(r.specBytes / 1024), String(r.repeats), f0(r.parseMs), f0(r.compileMs), f0(r.writeMs), f0(r.initMs), String(r.warnings)]),
    ),
  );
  console.log('(wall = parse + compile + write, median of runs; floor = toYaml of the same objects + plain fs writes; init = first 3-cluster compile of the process, not in wall)');
  console.log('');
  console.log(
    table(
      ['size', 'secrets', 'generate+encrypt ms', 'secrets/s', 'encrypt only secrets/s'],
      results.map((r) => [String(r.size), String(r.secretsGenerated), f0(r.secretsMs), f0((r.secretsGenerated / r.secretsMs) * 1000), f0(r.encryptPerSecond)]),
    ),
  );
  console.log('(secrets = the ClusterMesh CA Secrets synth copies: one CA per mesh group of 3, SOPS-encrypted per member, as orrery secrets makes them)');
  console.log('');
  const at = (n: number): SizeResult | undefined => results.find((r) => r.clusters === n);
  const r100 = at(100);
  const r1000 = at(1000);
  if (r100 && r1000) {
    const a = r100.wallMs / r100.clusters;
    const b = r1000.wallMs / r1000.clusters;
    const ratio = b / a;
    console.log(`linearity: ms/cluster at 1000 vs 100 = ${f2(b)} / ${f2(a)} = ${f2(ratio)}x${ratio > 1.5 ? '  (NON-LINEAR: per-cluster cost grows with fleet size)' : ' (linear)'}`);
  } else {
    console.log('linearity: n/a (needs sizes 100 and 1000)');
  }
  if (r100) {
    const ok = r100.wallMs <= TARGET_100_MS;
    console.log(`target: 100 clusters under 5 s: ${ok ? 'OK' : 'MISSED'} (${f2(r100.wallMs / 1000)} s)`);
    return ok;
  }
  console.log('target: 100 clusters under 5 s: n/a (size 100 not run)');
  return true;
}

function argValue(name: string): string | undefined {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(name);
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

function parseSize(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a cluster count: ${JSON.stringify(text)}`);
  return n;
}

async function main(): Promise<void> {
  const single = argValue('--size');
  if (single !== undefined) {
    const result = await runSize(parseSize(single));
    process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
    return;
  }
  const sizesArg = argValue('--sizes');
  const sizes = sizesArg ? sizesArg.split(',').filter((s) => s.trim() !== '').map((s) => parseSize(s.trim())) : DEFAULT_SIZES;
  console.log(`orrery bench: ${sizes.join(', ')} clusters (${NODES_PER_CLUSTER} nodes each), node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}`);
  const results: SizeResult[] = [];
  for (const size of sizes) results.push(await spawnSize(size));
  console.log('');
  report(results);
  console.log('');
  await diffBench(Math.max(...sizes));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
