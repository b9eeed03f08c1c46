import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
export const SHARED = path.resolve(REPO, '..', 'shared');
export const HAS_SHARED = existsSync(path.join(SHARED, 'schemas'));
export const FIXTURES = path.join(REPO, 'test', 'fixtures');

export async function tempDir(prefix = 'orrery-test-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Lays a fixture out in a fresh directory: the base spec, then the fixture's own files on top.
 * A `<name>.absent` marker removes that base file. Returns the directory (it holds `clusters/`).
 */
export async function materializeFixture(fixture: string): Promise<string> {
  const dir = await tempDir('orrery-fixture-');
  await cp(path.join(FIXTURES, 'base'), dir, { recursive: true });
  const own = path.join(FIXTURES, fixture, 'clusters');
  // A fixture without overrides has no clusters/ folder at all (git keeps no empty folders).
  const names = existsSync(own) ? await readdir(own) : [];
  for (const name of names) {
    if (name.endsWith('.absent')) await rm(path.join(dir, 'clusters', name.replace(/\.absent$/, '')));
    else await cp(path.join(own, name), path.join(dir, 'clusters', name), { recursive: true });
  }
  // A fixture may carry its generated secrets (encrypted to the test key in test-keys/).
  const secrets = path.join(FIXTURES, fixture, 'secrets');
  if (existsSync(secrets)) await cp(secrets, path.join(dir, 'secrets'), { recursive: true });
  return dir;
}

export function fixtureNames(kind: 'reject' | 'accept'): string[] {
  return readdirSyncSorted(path.join(FIXTURES, kind)).map((name) => `${kind}/${name}`);
}

/** Every example directory (examples/<name>/clusters) plus the bundled clusters/. */
export function exampleSpecs(): { name: string; spec: string; dist: string }[] {
  const examples = existsSync(path.join(REPO, 'examples'))
    ? readdirSyncSorted(path.join(REPO, 'examples')).map((name) => ({
        name: `examples/${name}`,
        spec: path.join(REPO, 'examples', name, 'clusters'),
        dist: path.join(REPO, 'examples', name, 'dist'),
      }))
    : [];
  return [{ name: 'clusters (bundled)', spec: path.join(REPO, 'clusters'), dist: path.join(REPO, 'dist') }, ...examples];
}

function readdirSyncSorted(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** The public test key of test-keys/ (public test data; the examples and fixtures encrypt to it). */
export const TEST_RECIPIENT = 'age1ngwfd0dfm602wsxrmhff7p08zyv0f8ehyflzepetac808hz9r4dscg3dj5';
export const TEST_KEY_FILE = path.join(REPO, 'test-keys', 'age-test-key.txt');

/** The maximal specs of the schema walk (test/fixtures/maximal/*): every key set; no committed dist/. */
export function maximalSpecs(): { name: string; spec: string; cwd: string }[] {
  const root = path.join(FIXTURES, 'maximal');
  return readdirSyncSorted(root).map((name) => ({ name: `maximal/${name}`, spec: path.join(root, name, 'clusters'), cwd: path.join(root, name) }));
}

/** Runs the CLI in-process with an optional standard input (never the terminal unless `tty`), collecting what it prints. */
export async function runOrrery(argv: readonly string[], options: { stdin?: string; tty?: boolean } = {}): Promise<{ code: number; out: string; err: string }> {
  const { main } = await import('../lib/cli/main.ts');
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t), input: async () => ({ data: Buffer.from(options.stdin ?? ''), tty: options.tty === true }) });
  return { code, out, err };
}

/** A small seeded generator (mulberry32), so that a property test's failure replays. */
export function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
