/**
 * `orrery diff` benchmark, run by `npm run bench` (bench/bench.ts calls diffBench) or alone:
 * `npx tsx bench/diff.ts --size 1000`.
 *
 * A fleet of N synthetic clusters is synthesised and committed to a fresh git repository
 * (setup, not timed). Then one cluster's spec changes — a sysctl (a live Talos change on its
 * five nodes) and a namespace removed (a prune, which makes the diff read every cluster's GitOps
 * entry points) — and what `orrery diff` does is timed in two parts: the compile (the synth
 * it runs in memory) and the diff itself (list the base tree, read what differs, compare,
 * classify, render the markdown). Target: the diff part under a second at 1000 clusters.
 * Runs in a child process so its memory is its own. Not a test; no network.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseDocument } from 'yaml';
import { compileFiles } from '../lib/pipeline.ts';
import { parseSpecText } from '../lib/read/read-spec.ts';
import { writeOutput } from '../lib/output/writer.ts';
import { toYaml } from '../lib/output/yaml.ts';
import { generateSecrets } from '../lib/secrets/generate.ts';
import { secretRequirements } from '../lib/secrets/requirements.ts';
import { diffLoaded } from '../lib/diff/diff.ts';
import { directoryTree } from '../lib/diff/dir-tree.ts';
import { gitTree, resolveBase } from '../lib/diff/git-tree.ts';
import { loadPair } from '../lib/diff/load.ts';
import { renderDiff } from '../lib/diff/render.ts';
import { memoryTree } from '../lib/diff/tree.ts';
import type { OutputFiles } from '../lib/output/render.ts';
import { clusterName, operatorSecretsOf, syntheticConstellation, type SyntheticConstellation } from './synthetic.ts';

const MARKER = 'ORRERY_DIFF_BENCH ';
const TARGET_MS = 1000;
const SPEC_DIR = 'clusters';

interface DiffBenchResult {
  readonly clusters: number;
  readonly files: number;
  readonly setupMs: number;
  readonly compileMs: number;
  /** Median of three runs; the first run (cold, as a CLI run is) and the fastest. */
  readonly diffGitMs: number;
  readonly diffGitFirstMs: number;
  readonly diffGitMinMs: number;
  readonly diffDirMs: number;
  /** One-minute load average while it ran: the machine may be shared. */
  readonly loadAverage: number;
  readonly cpus: number;
  readonly changedFiles: number;
  readonly reportBytes: number;
  readonly impacts: number;
}

/** The same fleet with one cluster edited: a sysctl value and a namespace gone. */
function editOne(spec: SyntheticConstellation, index: number): SyntheticConstellation {
  const name = `${clusterName(index)}.yaml`;
  const files = spec.files.map((f) => {
    if (f.name !== name) return f;
    const doc = parseDocument(f.text).toJS() as { talos: { sysctls: Record<string, string> }; namespaces: { name: string }[] };
    doc.talos.sysctls['net.core.somaxconn'] = '32768';
    doc.namespaces = doc.namespaces.filter((n) => n.name !== 'monitoring');
    return { name: f.name, text: toYaml(doc) };
  });
  return { ...spec, files };
}

async function compile(spec: SyntheticConstellation, secrets: ReadonlyMap<string, string>): Promise<OutputFiles> {
  const sources = spec.files.flatMap((f) => parseSpecText(f.text, `${SPEC_DIR}/${f.name}`, `${SPEC_DIR}/${f.name}`).files);
  const result = compileFiles(sources, SPEC_DIR, { secrets });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !result.files) throw new Error(`the synthetic spec does not compile: ${errors[0]?.message ?? 'no files'}`);
  return result.files;
}

/** The ClusterMesh CA Secrets synth copies (as `orrery secrets` makes them). */
async function secretsOf(spec: SyntheticConstellation): Promise<ReadonlyMap<string, string>> {
  const sources = spec.files.flatMap((f) => parseSpecText(f.text, `${SPEC_DIR}/${f.name}`, `${SPEC_DIR}/${f.name}`).files);
  const { model } = compileFiles(sources, SPEC_DIR, { build: false });
  const outcome = await generateSecrets({ model: model!, requirements: secretRequirements(model!).filter((r) => r.toDist), existing: new Map(), rotate: [], identities: async () => ({ identities: [], sources: [] }), now: new Date() });
  return new Map([...outcome.files, ...(await operatorSecretsOf(model!))]);
}

function git(cwd: string, ...args: string[]): void {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };
  const r = spawnSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

async function runChild(size: number): Promise<DiffBenchResult> {
  const spec = syntheticConstellation(size);
  const changed = editOne(spec, Math.floor(size / 2));
  const secrets = await secretsOf(spec);
  const repo = await mkdtemp(path.join(os.tmpdir(), 'orrery-bench-diff-'));
  try {
    const s0 = performance.now();
    const base = await compile(spec, secrets);
    await writeOutput(path.join(repo, 'dist'), base);
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'fleet');
    const setupMs = performance.now() - s0;

    const c0 = performance.now();
    const after = await compile(changed, secrets);
    const compileMs = performance.now() - c0;

    // What orrery diff does after its compile, from the compiled files on (memoryTree hashes them).
    const againstGit = async (): Promise<{ ms: number; result: ReturnType<typeof diffLoaded>; report: string }> => {
      const g0 = performance.now();
      const head = memoryTree('dist/ as synth would write it', after);
      const baseTree = await gitTree({ base: await resolveBase({ root: repo, ref: 'HEAD' }), dir: 'dist' });
      const result = diffLoaded(await loadPair(baseTree, head), { base: baseTree.label, head: head.label });
      const report = renderDiff(result, { format: 'markdown', maxBytes: 60_000 });
      return { ms: performance.now() - g0, result, report };
    };
    const runs = [await againstGit(), await againstGit(), await againstGit()];
    const { result, report } = runs[0]!;
    const times = runs.map((x) => x.ms).sort((a, b) => a - b);

    const d0 = performance.now();
    const dirTree = await directoryTree(path.join(repo, 'dist'), 'dist');
    const dirHead = memoryTree('dist/ as synth would write it', after);
    renderDiff(diffLoaded(await loadPair(dirTree, dirHead), { base: 'dist', head: dirHead.label }), { format: 'markdown', maxBytes: 60_000 });
    const diffDirMs = performance.now() - d0;

    const impacts = result.groups.flatMap((g) => g.impacts);
    const target = clusterName(Math.floor(size / 2));
    if (!impacts.some((i) => i.group === target && i.area === 'talos') || !impacts.some((i) => i.group === target && i.area === 'prune')) {
      throw new Error(`the diff did not find the Talos and prune impacts of ${target}:\n${report}`);
    }
    return { clusters: size, files: base.size, setupMs, compileMs, diffGitMs: times[1]!, diffGitFirstMs: runs[0]!.ms, diffGitMinMs: times[0]!, diffDirMs, loadAverage: os.loadavg()[0]!, cpus: os.cpus().length, changedFiles: result.files.changed, reportBytes: Buffer.byteLength(report), impacts: impacts.length };
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

/** Runs the diff benchmark for `size` clusters in a child process and prints its lines. */
export async function diffBench(size: number): Promise<boolean> {
  const script = fileURLToPath(import.meta.url);
  const loader = process.execArgv.some((a) => a.includes('tsx')) ? [] : ['--import', import.meta.resolve('tsx')];
  const r = await new Promise<DiffBenchResult>((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, ...loader, script, '--child', String(size)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(MARKER));
      if (code !== 0 || !line) reject(new Error(`diff bench child exited with ${code}${out ? `:\n${out}` : ''}`));
      else resolvePromise(JSON.parse(line.slice(MARKER.length)) as DiffBenchResult);
    });
  });
  const ok = r.diffGitMs <= TARGET_MS;
  console.log(`orrery diff: ${r.clusters} clusters (${r.files} files), one cluster changed (${r.changedFiles} files differ, ${r.impacts} impact lines, report ${r.reportBytes} bytes)`);
  console.log(`  compile (the synth diff runs in memory): ${r.compileMs.toFixed(0)} ms`);
  console.log(`  diff against git (hash the compiled files, ls-tree, read what differs, compare, classify, render): median ${r.diffGitMs.toFixed(0)} ms of 3 (first ${r.diffGitFirstMs.toFixed(0)}, fastest ${r.diffGitMinMs.toFixed(0)}); against a directory (reads every file): ${r.diffDirMs.toFixed(0)} ms`);
  console.log(`  (load average ${r.loadAverage.toFixed(1)} on ${r.cpus} CPUs while it ran)`);
  console.log(`  (setup, not timed: synth + git commit of the base, ${(r.setupMs / 1000).toFixed(1)} s)`);
  console.log(`target: diff under 1 s plus synth time at ${r.clusters} clusters: ${ok ? 'OK' : 'MISSED'} (${(r.diffGitMs / 1000).toFixed(2)} s + ${(r.compileMs / 1000).toFixed(2)} s synth)`);
  return ok;
}

const invoked = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (invoked) {
  const arg = (name: string): number | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const child = arg('--child');
  const run = child !== undefined ? runChild(child).then((r) => void process.stdout.write(`${MARKER}${JSON.stringify(r)}\n`)) : diffBench(arg('--size') ?? 1000).then(() => undefined);
  run.catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  });
}
