import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { handle, type FakeAnswer } from './fakes/fake-tools.mjs';

/**
 * The fake tools' transport. Every fake on PATH is a POSIX shell shim — builtins, mkfifo and
 * cat, a few milliseconds — instead of a node process per call (a node start plus the fakes'
 * imports took ~110 ms, and one bring-up makes ~55 calls). The shim writes its argv
 * (NUL-separated) and stdin to files named after its pid, opens a reply FIFO, and writes one
 * line "<pid> <tool> <cwd>" to the request FIFO. This server, in the test process, runs the
 * simulated tool (fakes/fake-tools.mjs) against the workspace's state, writes the stdout and
 * stderr files and puts the exit code into the reply FIFO; the shim prints them and exits with
 * it. The runner still spawns a real child for every call — its own process group, the minimal
 * environment, stdin, timeouts, kills — so what the tests prove about process handling is still
 * proven against real processes. The environment a tool saw is read from /proc/<pid>/environ
 * (exactly what exec gave the shim), or from `env` where there is no /proc.
 */
export interface FakeLogEntry {
  readonly tool: string;
  readonly args: string[];
  readonly mutating: boolean;
  readonly stdin?: { readonly bytes: number; readonly sha256: string };
  readonly env: string[];
  readonly hanging?: boolean;
  readonly pid?: number;
}

interface Store {
  text: string;
  log: FakeLogEntry[];
}

export interface FakeServer {
  /** The directory with the shims (first on PATH). */
  readonly bin: string;
  /** The state as JSON (what the fakes' state file held). */
  stateText(): string;
  setStateText(text: string): void;
  readonly log: FakeLogEntry[];
  close(): void;
}

function shim(tool: string, calls: string, requests: string): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  // Builtins wherever possible (each external command is a fork and exec): files named after
  // the shim's pid, stdin read only when it is not /dev/null (the runner's 'ignore') or a tty.
  return `#!/bin/sh
# Fake ${tool} of the orrery runner tests: the call goes to the simulator in the test process
# (test/runner/fake-server.ts), which answers through files named after this process.
f=${q(calls)}/$$
for a in "$@"; do printf '%s\\0' "$a"; done > "$f.args"
if [ -c /dev/stdin ]; then : > "$f.stdin"; else cat > "$f.stdin"; fi
[ -r /proc/$$/environ ] || env > "$f.env"
mkfifo "$f.done" 2>/dev/null || { rm -f "$f.done"; mkfifo "$f.done"; } || exit 90
exec 3<>"$f.done"
printf '%s %s %s\\n' "$$" ${q(tool)} "$PWD" > ${q(requests)}
read -r rc <&3
[ -s "$f.out" ] && cat "$f.out"
[ -s "$f.err" ] && cat "$f.err" >&2
exit "$rc"
`;
}

function environNames(pid: number, file: string): string[] {
  let text: string;
  let sep: string;
  try {
    text = readFileSync(`/proc/${pid}/environ`, 'utf8');
    sep = '\0';
  } catch {
    text = existsSync(`${file}.env`) ? readFileSync(`${file}.env`, 'utf8') : '';
    sep = '\n';
  }
  return text
    .split(sep)
    .map((kv) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(kv)?.[1])
    .filter((k): k is string => k !== undefined);
}

/** Is process `pid` still running? (signal 0 tests without sending anything.) */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const CALL_FILES = ['args', 'stdin', 'env', 'out', 'err', 'done'];

/** Starts the simulator for one workspace: shims for `tools` in `bin`, state from `initial`. */
export function startFakeServer(options: { readonly bin: string; readonly tools: readonly string[]; readonly initial: string }): FakeServer {
  const root = mkdtempSync(path.join(os.tmpdir(), 'orrery-fakes-'));
  chmodSync(root, 0o700);
  const calls = path.join(root, 'calls');
  mkdirSync(calls, { mode: 0o700 });
  const requests = path.join(root, 'requests');
  execFileSync('mkfifo', ['-m', '600', requests]);
  for (const tool of options.tools) {
    const file = path.join(options.bin, tool);
    writeFileSync(file, shim(tool, calls, requests));
    chmodSync(file, 0o755);
  }
  const store: Store = { text: options.initial, log: [] };
  // Read-write: this process is always a writer too, so the FIFO never reports end of file
  // between two shims, and opening it never blocks (Linux fifo(7)); net.Socket reads it without
  // tying up a thread.
  const fd = openSync(requests, constants.O_RDWR | constants.O_NONBLOCK);
  const pipe = new net.Socket({ fd, readable: true, writable: false });
  pipe.unref();
  let buffer = '';
  // Calls answered whose shim may still be reading its reply: their files go once it has exited.
  const answered = new Set<number>();
  const remove = (pid: number): void => {
    for (const ext of CALL_FILES) rmSync(path.join(calls, `${pid}.${ext}`), { force: true });
  };
  const sweep = (): void => {
    for (const pid of answered) {
      if (alive(pid)) continue;
      remove(pid);
      answered.delete(pid);
    }
  };
  const answer = (line: string): void => {
    const m = /^(\d+) (\S+) (.+)$/.exec(line);
    if (!m) return;
    sweep();
    const pid = Number(m[1]);
    const tool = m[2]!;
    const cwd = m[3]!;
    const file = path.join(calls, String(pid));
    const argv = readFileSync(`${file}.args`, 'utf8').split('\0').slice(0, -1);
    const stdin = readFileSync(`${file}.stdin`);
    const env = environNames(pid, file);
    // The stdin bytes were secret material (decrypted Secrets, keys): gone as soon as they are read.
    for (const ext of ['args', 'stdin', 'env']) rmSync(`${file}.${ext}`, { force: true });
    // The fakes resolve relative paths (dist/…) against the tool's working directory.
    const saved = process.cwd();
    let result: FakeAnswer;
    process.chdir(cwd);
    try {
      result = handle(tool, argv, { stdin, cwd, env, pid }, store);
    } finally {
      process.chdir(saved);
    }
    answered.add(pid);
    if (result.hang) return;
    writeFileSync(`${file}.out`, result.stdout, { mode: 0o600 });
    writeFileSync(`${file}.err`, result.stderr, { mode: 0o600 });
    let reply: number;
    try {
      // The shim holds the reply FIFO open for reading; if it is gone (killed), nobody waits.
      reply = openSync(`${file}.done`, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch {
      return;
    }
    try {
      writeSync(reply, `${result.code}\n`);
    } finally {
      closeSync(reply);
    }
  };
  pipe.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      answer(line);
    }
  });
  return {
    bin: options.bin,
    stateText: () => store.text,
    setStateText(text) {
      store.text = text;
    },
    log: store.log,
    close() {
      pipe.destroy();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
