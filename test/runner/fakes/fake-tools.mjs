// Fake talosctl / kubectl / helm / flux / clusterctl / kind for the runner tests.
//
// Plain JavaScript (not TypeScript): each fake runs as its own process for every call the runner
// makes, and node starts a .mjs file without a TypeScript loader in a fraction of the time.
// Every call appends one JSON line to the log: the tool, its argv (the private temp dir shown as
// <tmp>/…), the stdin size and SHA-256 (never the bytes) and the environment's variable names.
// State (machines, Kubernetes objects, Helm releases, kind clusters, Cluster API) lives in one
// JSON file; Secrets are stored as hashes only, so nothing secret lands in a recorded file.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { clean, Exit, parseArgs, sha } from './common.mjs';
import { kubectl } from './kubectl.mjs';
import { clusterctl, flux, helm, kind } from './others.mjs';
import { talosctl } from './talosctl.mjs';

export function isMutating(tool, argv) {
  const { positional: a, get } = parseArgs(argv);
  const dry = get('--dry-run') === true;
  if (tool === 'talosctl') {
    if (a[0] === 'apply-config' || a[0] === 'upgrade-k8s') return !dry;
    return ['bootstrap', 'wipe', 'upgrade', 'reset'].includes(a[0]);
  }
  if (tool === 'kubectl') return ['apply', 'delete', 'create', 'patch'].includes(a[0]);
  if (tool === 'helm') return a[0] === 'upgrade' || a[0] === 'install';
  if (tool === 'flux') return a[0] === 'bootstrap';
  if (tool === 'clusterctl') return (a[0] === 'init' || a[0] === 'move') && !dry;
  if (tool === 'kind') return a[0] === 'create' || a[0] === 'delete';
  return false;
}

const TOOLS = { talosctl, kubectl, helm, flux, kind, clusterctl };


function readStdin() {
  try {
    return readFileSync(0);
  } catch {
    return Buffer.alloc(0);
  }
}

export function main(tool, stateFile, logFile) {
  const argv = process.argv.slice(2);
  const stdin = process.stdin.isTTY ? Buffer.alloc(0) : readStdin();
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  const mutating = isMutating(tool, argv);
  appendFileSync(logFile, `${JSON.stringify({ tool, args: argv.map(clean), mutating, ...(stdin.length ? { stdin: { bytes: stdin.length, sha256: sha(stdin) } } : {}), env: Object.keys(process.env).sort() })}\n`);
  const save = () => writeFileSync(stateFile, JSON.stringify(state, null, 1));
  const hang = (state.hang ?? []).find((h) => h.tool === tool && argv.join(' ').includes(h.match));
  if (hang) {
    appendFileSync(logFile, `${JSON.stringify({ tool, hanging: true, pid: process.pid })}\n`);
    setInterval(() => {}, 1000);
    return;
  }
  state.mutations ??= 0;
  if (mutating) {
    state.mutations += 1;
    if (state.failAtMutation === state.mutations) {
      state.failAtMutation = undefined;
      state.mutations -= 1;
      save();
      process.stderr.write(`simulated failure of ${tool} ${parseArgs(argv).positional[0]} (fails once)\n`);
      process.exitCode = 1;
      return;
    }
  }
  const once = (state.failOnce ?? []).findIndex((f) => f.tool === tool && argv.join(' ').includes(f.match));
  if (once >= 0) {
    const f = state.failOnce.splice(once, 1)[0];
    if (mutating) state.mutations -= 1;
    save();
    process.stderr.write(`${f.stderr ?? 'simulated failure'}\n`);
    process.exitCode = f.code ?? 1;
    return;
  }
  try {
    const result = TOOLS[tool](state, argv, { stdin: stdin.toString('utf8'), cwd: process.cwd() });
    save();
    if (result.stdout) process.stdout.write(result.stdout);
    if (result.stderr) process.stderr.write(result.stderr);
  } catch (err) {
    if (!(err instanceof Exit)) throw err;
    if (mutating) state.mutations -= 1;
    save();
    if (err.stdout) process.stdout.write(err.stdout);
    process.stderr.write(err.stderr);
    process.exitCode = err.code;
  }
}
