/**
 * The shape of synth at 10 000 clusters: clusters are independent after resolve, so each worker
 * (a thread per core here; a CI job per shard in a pipeline) resolves the whole constellation —
 * cheap, it is what every cluster reads — and builds and renders only its share of the clusters;
 * the shards' files are disjoint and their union is the output. This benchmark proves the shape
 * at 2 workers: it times build + render of all clusters in one worker against two workers with
 * half each, and checks that the union of the shards is byte for byte the one-worker output.
 * Run by `npm run bench`; alone: `npx tsx bench/shape.ts --size 1000`.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { App } from 'cdk8s';
import { checkFiles } from '../lib/pipeline.ts';
import { parseSpecText } from '../lib/read/read-spec.ts';
import { mergeArtifacts, type Artifacts } from '../lib/build/artifacts.ts';
import { REGISTRY } from '../lib/registry.ts';
import { renderArtifacts } from '../lib/output/render.ts';
import { generateSecrets } from '../lib/secrets/generate.ts';
import { secretRequirements, type SecretRequirement } from '../lib/secrets/requirements.ts';
import { syntheticConstellation } from './synthetic.ts';

const SPEC_DIR = 'clusters';

interface ShardJob {
  readonly size: number;
  readonly shard: number;
  readonly shards: number;
  readonly secrets: readonly (readonly [string, string])[];
}

interface ShardResult {
  readonly resolveMs: number;
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

/** One shard: the constellation-level files go with shard 0; cluster i with shard i mod n (as pipeline.buildArtifacts, restricted). */
function runShard(job: ShardJob): ShardResult {
  const r0 = performance.now();
  const model = modelOf(job.size);
  const resolveMs = performance.now() - r0;
  const b0 = performance.now();
  const secrets = new Map(job.secrets);
  const requirements = new Map<string, SecretRequirement[]>();
  for (const r of secretRequirements(model)) {
    const to = r.deliveredTo ?? r.cluster;
    requirements.set(to, [...(requirements.get(to) ?? []), r]);
  }
  const parts: Artifacts[] = job.shard === 0 ? REGISTRY.constellation.map((c) => c.build(model)) : [];
  model.clusters.forEach((cluster, i) => {
    if (i % job.shards !== job.shard) return;
    const app = new App({ outdir: 'cdk8s.out' });
    const ctx = { model, cluster, app, secrets, secretRequirements: requirements.get(cluster.name) ?? [], platform: REGISTRY.platform };
    for (const component of REGISTRY.cluster) parts.push(component.build(ctx));
  });
  const rendered = renderArtifacts(mergeArtifacts(parts));
  const buildRenderMs = performance.now() - b0;
  const hashes = [...rendered.files].map(([p, text]) => [p, createHash('sha256').update(text).digest('hex')] as const);
  return { resolveMs, buildRenderMs, hashes };
}

function inWorker(job: ShardJob): Promise<ShardResult> {
  return new Promise((resolve, reject) => {
    // A worker does not inherit tsx's loader for its entry file on node 20: it registers it first.
    const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const w = new Worker(boot, { eval: true, workerData: job });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

export async function shapeBench(size: number): Promise<void> {
  const model = modelOf(size);
  const outcome = await generateSecrets({ model, requirements: secretRequirements(model).filter((r) => r.toDist), existing: new Map(), rotate: [], identities: async () => ({ identities: [], sources: [] }), now: new Date() });
  const secrets = [...outcome.files];
  const w0 = performance.now();
  const one = await inWorker({ size, shard: 0, shards: 1, secrets });
  const oneMs = performance.now() - w0;
  const t0 = performance.now();
  const two = await Promise.all([0, 1].map((shard) => inWorker({ size, shard, shards: 2, secrets })));
  const twoMs = performance.now() - t0;
  const union = new Map(two.flatMap((s) => s.hashes));
  const overlap = two[0]!.hashes.length + two[1]!.hashes.length - union.size;
  const same = union.size === one.hashes.length && one.hashes.every(([p, h]) => union.get(p) === h);
  console.log(`2-worker shape at ${size} clusters (worker threads; each resolves the whole constellation, builds + renders half the clusters):`);
  console.log(`  1 worker: ${(oneMs / 1000).toFixed(2)} s wall (resolve ${(one.resolveMs / 1000).toFixed(2)} s, build+render ${(one.buildRenderMs / 1000).toFixed(2)} s)`);
  console.log(`  2 workers: ${(twoMs / 1000).toFixed(2)} s wall (resolve ${two.map((s) => (s.resolveMs / 1000).toFixed(2)).join(' / ')} s, build+render ${two.map((s) => (s.buildRenderMs / 1000).toFixed(2)).join(' / ')} s); speed-up ${(oneMs / twoMs).toFixed(2)}× on ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}`);
  console.log(`  union of the shards = the one-worker output byte for byte: ${same ? 'yes' : 'NO'} (${union.size} files, ${overlap} in both shards)`);
  if (!same) process.exitCode = 1;
}

if (!isMainThread) parentPort!.postMessage(runShard(workerData as ShardJob));
else if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const i = process.argv.indexOf('--size');
  await shapeBench(i >= 0 ? Number(process.argv[i + 1]) : 1000);
}
