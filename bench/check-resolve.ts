/**
 * In-process benchmark of the two stages that always run over the whole constellation, even
 * when every cluster's build is cached: the semantic checks and resolve.
 *
 *   npx tsx bench/check-resolve.ts [--size 1000] [--repeats 5] [--keep-memo] [--profile out.cpuprofile] [--dump out.json]
 *
 * The synthetic fleet (bench/synthetic.ts) is parsed in memory once; one warm-up run (timed too:
 * a CLI process runs the stages once, with cold JIT), then `--repeats` timed runs of each stage;
 * medians printed. The address-parse memo (lib/net/ip.ts) is emptied before every run, as a new
 * process has it, unless `--keep-memo`. `--profile` CPU-profiles the timed runs
 * (node:inspector) and prints the functions with the most self time per run. `--dump` writes the
 * diagnostics and the model as JSON, to compare byte for byte before and after a change.
 * Not a test; timings depend on the machine's load, which is printed.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { checkSemantics } from '../lib/check/check-semantics.ts';
import { collectSpecSet } from '../lib/pipeline.ts';
import { parseCidr, parseIp, parseRange } from '../lib/net/ip.ts';
import { parseSpecText } from '../lib/read/read-spec.ts';
import { resolve } from '../lib/resolve/resolve.ts';
import { syntheticConstellation } from './synthetic.ts';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const { values } = parseArgs({ options: { size: { type: 'string', default: '1000' }, repeats: { type: 'string', default: '5' }, profile: { type: 'string' }, 'keep-memo': { type: 'boolean', default: false }, dump: { type: 'string' } } });
const size = Number(values.size);
const repeats = Number(values.repeats);

const files = syntheticConstellation(size).files.flatMap((f) => parseSpecText(f.text, `clusters/${f.name}`, `clusters/${f.name}`).files);
const { set } = collectSpecSet(files, 'clusters');
if (!set) throw new Error('the synthetic spec has no constellation');

const runCheck = (): ReturnType<typeof checkSemantics> => checkSemantics(set, { invalidClusters: new Set() });
const runResolve = (): ReturnType<typeof resolve> => resolve(set);

const fresh = (): void => {
  if (values['keep-memo']) return;
  for (const memo of [parseIp, parseCidr, parseRange]) memo.clear();
};

// The first run: cold JIT, empty memo, as `orrery synth` runs these stages.
let t0 = performance.now();
const diagnostics = runCheck();
const firstCheck = performance.now() - t0;
t0 = performance.now();
const resolved = runResolve();
const firstResolve = performance.now() - t0;
if (values.dump) await writeFile(values.dump, JSON.stringify({ diagnostics, resolveDiagnostics: resolved.diagnostics, model: resolved.model }, null, 1));

const session = values.profile ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
const check: number[] = [];
const res: number[] = [];
// CPU time of the process as well: on a shared machine, wall time also counts waiting for a core.
const cpu: number[] = [];
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (let i = 0; i < repeats; i++) {
  fresh();
  const c0 = cpuMs();
  let t = performance.now();
  runCheck();
  check.push(performance.now() - t);
  t = performance.now();
  runResolve();
  res.push(performance.now() - t);
  cpu.push(cpuMs() - c0);
}
if (session && values.profile) {
  const { profile } = (await session.post('Profiler.stop')) as { profile: { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] } };
  await writeFile(values.profile, JSON.stringify(profile));
  const perSample = (profile.endTime - profile.startTime) / 1000 / profile.samples.length;
  const self = new Map<string, number>();
  for (const n of profile.nodes) {
    const where = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(lib|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
    self.set(where, (self.get(where) ?? 0) + (n.hitCount ?? 0) * perSample);
  }
  console.log(`self time per run (ms), top 25 of ${repeats} runs:`);
  for (const [where, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${(ms / repeats).toFixed(1).padStart(8)}  ${where}`);
}
const [c, r] = [median(check), median(res)];
console.log(`first run (cold JIT): checkSemantics ${firstCheck.toFixed(1)} ms, resolve ${firstResolve.toFixed(1)} ms`);
console.log(`${size} clusters, load ${os.loadavg()[0]!.toFixed(2)}, memo ${values['keep-memo'] ? 'kept' : 'emptied'} between runs: checkSemantics ${c.toFixed(1)} ms, resolve ${r.toFixed(1)} ms, together ${(c + r).toFixed(1)} ms (median of ${repeats}; runs: check ${check.map((x) => x.toFixed(0)).join('/')}, resolve ${res.map((x) => x.toFixed(0)).join('/')}); CPU time of both ${median(cpu).toFixed(1)} ms; ${diagnostics.length} diagnostics`);
