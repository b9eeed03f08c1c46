import { chmodSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * The run's private temporary directory: where decrypted material goes when a tool can only read
 * it from a file (the Talos secrets bundle for `gen config`, the rendered machine configs, the
 * talosconfig and kubeconfig with credentials). Mode 0700, files 0600 created exclusively, outside
 * the repository, removed when the run ends — normally, on an error, and on SIGINT/SIGTERM.
 */
export interface PrivateDir {
  readonly root: string;
  /** Absolute path of a relative name inside the directory. */
  path(name: string): string;
  write(name: string, data: string | Buffer): Promise<string>;
  /** Writes or replaces a file (new content for a name written earlier in the run). */
  replace(name: string, data: string | Buffer): Promise<string>;
  read(name: string): Promise<string>;
  mkdir(name: string): Promise<string>;
  dispose(): void;
}

export class PrivateDirError extends Error {}

const live = new Set<string>();
let exitHookInstalled = false;

function removeAll(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export interface PrivateDirOptions {
  /** Where to create it (default: the OS temp dir, which honours TMPDIR). */
  readonly base?: string;
  /** Directories it must not be inside (the repository, the spec and output directories). */
  readonly outside: readonly string[];
}

export function createPrivateDir(options: PrivateDirOptions): PrivateDir {
  const base = realpathSync(options.base ?? os.tmpdir());
  for (const forbidden of options.outside) {
    let real: string;
    try {
      real = realpathSync(forbidden);
    } catch {
      continue;
    }
    if (inside(base, real)) {
      throw new PrivateDirError(`the temporary directory ${base} is inside ${real}; decrypted material must never land in the repository: set TMPDIR to a directory outside it`);
    }
  }
  const root = mkdtempSync(path.join(base, 'orrery-run-'));
  chmodSync(root, 0o700);
  live.add(root);
  if (!exitHookInstalled) {
    process.once('exit', removeAll);
    exitHookInstalled = true;
  }
  const resolveName = (name: string): string => {
    const full = path.resolve(root, name);
    if (!inside(full, root) || full === root) throw new PrivateDirError(`temp name ${JSON.stringify(name)} escapes the private directory`);
    return full;
  };
  return {
    root,
    path: resolveName,
    async write(name, data) {
      const full = resolveName(name);
      await mkdir(path.dirname(full), { recursive: true, mode: 0o700 });
      // wx: never through an existing file or a symlink planted in its place.
      await writeFile(full, data, { mode: 0o600, flag: 'wx' });
      return full;
    },
    async replace(name, data) {
      const full = resolveName(name);
      const next = `${full}.next`;
      await mkdir(path.dirname(full), { recursive: true, mode: 0o700 });
      await rm(next, { force: true });
      await writeFile(next, data, { mode: 0o600, flag: 'wx' });
      await rename(next, full);
      return full;
    },
    async read(name) {
      return readFile(resolveName(name), 'utf8');
    },
    async mkdir(name) {
      const full = resolveName(name);
      await mkdir(full, { recursive: true, mode: 0o700 });
      return full;
    },
    dispose() {
      rmSync(root, { recursive: true, force: true });
      live.delete(root);
    },
  };
}

/**
 * Runs `cleanup` and ends the process on SIGINT/SIGTERM (exit 130/143, as a shell reports a
 * signal); returns the function that removes the handlers again.
 */
export function onInterrupt(cleanup: () => void): () => void {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = (): void => {
      try {
        cleanup();
      } finally {
        removeAll();
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
    };
    process.on(signal, handler);
    return { signal, handler };
  });
  return () => {
    for (const { signal, handler } of handlers) process.off(signal, handler);
  };
}
