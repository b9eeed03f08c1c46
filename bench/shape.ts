/**
 * The shape of synth at 10 000 clusters: clusters are independent after resolve, so the main
 * thread resolves the constellation once and hands the model to each worker (a thread per core
 * here; in a CI pipeline each job resolves it itself, with the spec cache), and each worker builds
 * and renders only its shard of the clusters (buildClusters' `shard`, each cluster from its view);
 * the shards' files are disjoint and their union is the output. This benchmark proves the shape
 * at 2 workers: it times build + render of all clusters in one worker against two workers with
 * half each, and checks that the union of the shards is byte for byte the one-worker output.
 * Run by `npm run bench`; alone: `npx tsx bench/shape.ts --size 1000`.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { checkFiles } from '../lib/pipeline.ts';
import { parseSpecText } from '../lib/read/read-spec.ts';
import type { Model } from '../lib/model/model.ts';
import { generateSecrets } from '../lib/secrets/generate.ts';
import { secretRequirements } from '../lib/secrets/requirements.ts';
import { syntheticConstellation } from './synthetic.ts';

const SPEC_DIR = 'clusters';
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface ShardJob {
  readonly size: number;
  /** The resolved model (structured-cloned into the worker). */
  readonly model: Model;
  readonly shard: number;
  readonly shards: number;
  readonly secrets: readonly (readonly [string, string])[];
}

interface ShardResult {
  readonly buildRenderMs: number;
  /** path → sha256 of the bytes: enough to compare the union with the one-worker output. */
  readonly hashes: readonly (readonly [string, string])[];
}

function modelOf(size: number): NonNullable<ReturnType<typeof checkFiles>['model']> {
  const spec = syntheticConstellation(size);
  const sources = spec.files.flatMap((f) => parseSpecText(f.text, `${SPEC_DIR}/${f.name}`, `${SPEC_DIR}/${f.name}`).files);
  const checked = checkFiles(sources, SPEC_DIR);
  if (!checked.model) throw new Error(`the synthetic spec does not compile: ${checked.diagnostics.find((d) => d.severity === 'error')?.message}`);
  return checked.model;
}

/**
 * A worker thread running the compiled build (build/, made by npm ci and by `npm run bench` first),
 * as a synth process would: a worker on the tsx loader would transpile every module again.
 */
function inWorker(job: ShardJob): Promise<ShardResult> {
  const lib = (m: string): string => JSON.stringify(pathToFileURL(path.join(REPO, 'build', 'lib', m)).href);
  const code = `
    const { parentPort, workerData: job } = await import('node:worker_threads');
    const { createHash } = await import('node:crypto');
    const { buildClusters } = await import(${lib('build/build-clusters.js')});
    const { REGISTRY } = await import(${lib('registry.js')});
    const { secretRequirements } = await import(${lib('secrets/requirements.js')});
    const b0 = performance.now();
    const built = buildClusters({ model: job.model, registry: REGISTRY, secrets: new Map(job.secrets), requirements: secretRequirements(job.model), shard: { index: job.shard, count: job.shards } });
    const buildRenderMs = performance.now() - b0;
    parentPort.postMessage({ buildRenderMs, hashes: [...built.files].map(([p, t]) => [p, createHash('sha256').update(t).digest('hex')]) });`;
  if (!existsSync(path.join(REPO, 'build', 'lib', 'build', 'build-clusters.js'))) throw new Error('bench/shape.ts needs the compiled build/: run npm run build');
  return new Promise((resolve, reject) => {
    const w = new Worker(`import(${JSON.stringify(`data:text/javascript,${encodeURIComponent(code)}`)})`, { eval: true, workerData: job });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

export async function shapeBench(size: number): Promise<void> {
  const model = modelOf(size);
  const outcome = await generateSecrets({ model, requirements: secretRequirements(model).filter((r) => r.toDist), existing: new Map(), rotate: [], identities: async () => ({ identities: [], sources: [] }), now: new Date() });
  const secrets = [...outcome.files];
  const w0 = performance.now();
  const one = await inWorker({ size, model, shard: 0, shards: 1, secrets });
  const oneMs = performance.now() - w0;
  const t0 = performance.now();
  const two = await Promise.all([0, 1].map((shard) => inWorker({ size, model, shard, shards: 2, secrets })));
  const twoMs = performance.now() - t0;
  const union = new Map(two.flatMap((s) => s.hashes));
  const overlap = two[0]!.hashes.length + two[1]!.hashes.length - union.size;
  const same = union.size === one.hashes.length && one.hashes.every(([p, h]) => union.get(p) === h);
  console.log(`2-worker shape at ${size} clusters (worker threads; the model resolved once and cloned into each, which builds + renders half the clusters):`);
  console.log(`  1 worker: ${(oneMs / 1000).toFixed(2)} s wall (build+render ${(one.buildRenderMs / 1000).toFixed(2)} s; the rest is the worker's start and the model's clone)`);
  console.log(`  2 workers: ${(twoMs / 1000).toFixed(2)} s wall (build+render ${two.map((s) => (s.buildRenderMs / 1000).toFixed(2)).join(' / ')} s); speed-up ${(oneMs / twoMs).toFixed(2)}× on ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}`);
  console.log(`  union of the shards = the one-worker output byte for byte: ${same ? 'yes' : 'NO'} (${union.size} files, ${overlap} in both shards)`);
  if (!same) process.exitCode = 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const i = process.argv.indexOf('--size');
  await shapeBench(i >= 0 ? Number(process.argv[i + 1]) : 1000);
}
