import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A hash of the code that turns a spec into output: every file under lib/, charts/ and schemas/
 * (sources, templates, the JSON Schema) and package-lock.json (the libraries that serialise).
 * The build cache (lib/build/cluster-cache.ts) keys every entry with it, so that any change to
 * orrery — an upgrade, a local edit, another dependency — builds everything again. Package
 * version numbers are not enough: they do not move with every change.
 *
 * Compiled JavaScript (build/, scripts/build.mjs) reads the fingerprint that the build computed
 * from the sources it compiled (`build/.fingerprint`); the sources compute it (a few ms).
 */
const SOURCE_DIRS = ['lib', 'charts', 'schemas'];
export const FINGERPRINT_FILE = '.fingerprint';

/** The fingerprint of the sources under a package root. */
export function sourceFingerprint(root: string): string {
  const hash = createHash('sha256');
  const visit = (rel: string): void => {
    const entries = readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) visit(r);
      else if (e.isFile()) hash.update(`${r}\0`).update(readFileSync(path.join(root, r))).update('\0');
    }
  };
  for (const dir of SOURCE_DIRS) visit(dir);
  const manifest = readFileSync(path.join(root, 'package.json'));
  hash.update('package.json\0').update(manifest).update('\0');
  // In the repository the lock pins every library; an installed package has no lock, so the
  // versions of the libraries it runs with are read from their own package.json files.
  if (existsSync(path.join(root, 'package-lock.json'))) {
    hash.update('package-lock.json\0').update(readFileSync(path.join(root, 'package-lock.json')));
  } else {
    const require = createRequire(path.join(root, 'package.json'));
    for (const dep of Object.keys((JSON.parse(manifest.toString('utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {}).sort()) {
      let version = 'missing';
      try {
        version = (JSON.parse(readFileSync(require.resolve(`${dep}/package.json`), 'utf8')) as { version?: string }).version ?? 'unknown';
      } catch {
        // A package that does not export its package.json: its name and "unresolved" still count.
        version = 'unresolved';
      }
      hash.update(`${dep}@${version}\0`);
    }
  }
  return hash.digest('base64');
}

let memo: string | undefined;

/** The fingerprint of the running code (see above) and of the Node.js running it; undefined when it cannot be made (synth then builds without a cache). */
export function codeFingerprint(): string | undefined {
  try {
    return `${runningFingerprint()} node ${process.version}`;
  } catch {
    return undefined;
  }
}

function runningFingerprint(): string {
  if (memo) return memo;
  const here = path.dirname(fileURLToPath(import.meta.url));
  // build/lib/util/ when compiled, lib/util/ in the sources.
  const compiled = path.basename(path.resolve(here, '..', '..')) === 'build';
  if (compiled) {
    try {
      memo = readFileSync(path.resolve(here, '..', '..', FINGERPRINT_FILE), 'utf8').trim();
    } catch {
      memo = sourceFingerprint(path.resolve(here, '..', '..', '..'));
    }
  } else {
    memo = sourceFingerprint(path.resolve(here, '..', '..'));
  }
  return memo;
}
