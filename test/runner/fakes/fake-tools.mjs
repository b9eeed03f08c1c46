// Fake talosctl / kubectl / helm / flux / clusterctl / kind for the runner tests.
//
// The simulated tools, one function per call: the executables the runner spawns are tiny POSIX
// shell shims (test/runner/fake-server.ts writes them) that hand their argv, stdin and working
// directory to this code running inside the test process, and print what it answers. Plain
// JavaScript, as when every call started its own node process; the state is still one JSON text
// (parsed and written back per call, exactly as the state file was), so no object is shared
// between two calls. Every call appends one log entry: the tool, its argv (the private temp dir
// shown as <tmp>/…), the stdin size and SHA-256 (never the bytes) and the environment's variable
// names. Secrets are stored as hashes only, so nothing secret lands in the recorded state.
import { clean, Exit, parseArgs, sha } from './common.mjs';
import { kubectl } from './kubectl.mjs';
import { clusterctl, flux, helm, kind } from './others.mjs';
import { talosctl } from './talosctl.mjs';

export function isMutating(tool, argv) {
  const { positional: a, get } = parseArgs(argv);
  const dry = get('--dry-run') === true;
  if (tool === 'talosctl') {
    if (a[0] === 'apply-config' || a[0] === 'upgrade-k8s') return !dry;
    return ['bootstrap', 'wipe', 'upgrade', 'reset', 'reboot'].includes(a[0]);
  }
  if (tool === 'kubectl') return ['apply', 'delete', 'create', 'patch', 'drain', 'uncordon', 'cordon'].includes(a[0]);
  if (tool === 'helm') return a[0] === 'upgrade' || a[0] === 'install';
  if (tool === 'flux') return a[0] === 'bootstrap';
  if (tool === 'clusterctl') return (a[0] === 'init' || a[0] === 'move') && !dry;
  if (tool === 'kind') return a[0] === 'create' || a[0] === 'delete';
  return false;
}

const TOOLS = { talosctl, kubectl, helm, flux, kind, clusterctl };

/**
 * One call of a fake tool. `call`: { stdin: Buffer, cwd, env: variable names, pid }; `store`:
 * { text: the state as JSON, log: entries }. Returns { code, stdout, stderr }, or { hang: true }
 * for a call that never answers (the shim then waits until the runner kills it).
 */
export function handle(tool, argv, call, store) {
  const { stdin } = call;
  const state = JSON.parse(store.text);
  const mutating = isMutating(tool, argv);
  store.log.push({ tool, args: argv.map(clean), mutating, ...(stdin.length ? { stdin: { bytes: stdin.length, sha256: sha(stdin) } } : {}), env: [...call.env].sort() });
  const save = () => {
    store.text = JSON.stringify(state);
  };
  const hang = (state.hang ?? []).find((h) => h.tool === tool && argv.join(' ').includes(h.match));
  if (hang) {
    store.log.push({ tool, hanging: true, pid: call.pid });
    return { hang: true };
  }
  state.mutations ??= 0;
  if (mutating) {
    state.mutations += 1;
    if (state.failAtMutation === state.mutations) {
      state.failAtMutation = undefined;
      state.mutations -= 1;
      save();
      return { code: 1, stdout: '', stderr: `simulated failure of ${tool} ${parseArgs(argv).positional[0]} (fails once)\n` };
    }
  }
  const once = (state.failOnce ?? []).findIndex((f) => f.tool === tool && argv.join(' ').includes(f.match));
  if (once >= 0) {
    const f = state.failOnce.splice(once, 1)[0];
    if (mutating) state.mutations -= 1;
    save();
    return { code: f.code ?? 1, stdout: '', stderr: `${f.stderr ?? 'simulated failure'}\n` };
  }
  try {
    const result = TOOLS[tool](state, argv, { stdin: stdin.toString('utf8'), cwd: call.cwd });
    save();
    return { code: 0, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  } catch (err) {
    // A bug in a fake is loud: the runner shows this, and the test that hit it fails.
    if (!(err instanceof Exit)) return { code: 70, stdout: '', stderr: `fake ${tool} crashed: ${err?.stack ?? err}\n` };
    if (mutating) state.mutations -= 1;
    save();
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr };
  }
}
