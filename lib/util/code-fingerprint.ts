import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
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
  hash.update('package-lock.json\0').update(readFileSync(path.join(root, 'package-lock.json')));
  return hash.digest('base64');
}

let memo: string | undefined;

/** The fingerprint of the running code (see above). */
export function codeFingerprint(): string {
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
