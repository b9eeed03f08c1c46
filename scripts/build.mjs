// Compiles lib/ and charts/ to JavaScript in build/ (gitignored), run by `npm ci` (the prepare
// script) and `npm run build`, so that bin/orrery.mjs starts without transpiling at run time.
// Plain JavaScript on purpose: it runs before anything else exists. Type errors are `npm test`'s
// business (tsc --noEmit); this only emits (--noCheck). Without TypeScript installed (a
// production install) it says so and leaves bin/orrery.mjs on its tsx fallback.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'build');
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  console.error('orrery build: TypeScript is not installed; bin/orrery.mjs runs the sources through tsx');
  process.exit(0);
}
rmSync(out, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--noCheck'], { stdio: 'inherit' });
if (r.status !== 0) {
  rmSync(out, { recursive: true, force: true });
  console.error('orrery build: tsc failed; bin/orrery.mjs runs the sources through tsx');
  process.exit(1);
}
// What the modules read beside themselves (new URL('./templates/…', import.meta.url)) and above
// (../../schemas): templates copied, schemas linked so that the JSON Schema stays the one in the repo.
const copyAssets = (rel) => {
  for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const r2 = path.join(rel, e.name);
    if (e.isDirectory()) copyAssets(r2);
    else if (!e.name.endsWith('.ts')) {
      mkdirSync(path.join(out, rel), { recursive: true });
      cpSync(path.join(root, r2), path.join(out, r2));
    }
  }
};
copyAssets('lib');
copyAssets('charts');
if (!existsSync(path.join(out, 'schemas'))) symlinkSync(path.join('..', 'schemas'), path.join(out, 'schemas'));
// ajv's standalone code for the spec schema, so that no start-up compiles it (lib/spec/spec-validators.ts).
const validators = await import(path.join(out, 'lib', 'spec', 'spec-validators.js'));
writeFileSync(path.join(out, 'lib', 'spec', 'spec-validators.generated.cjs'), validators.specValidatorsSource());
// The code's fingerprint, from the sources just compiled: the build cache's key (lib/util/code-fingerprint.ts).
const fingerprint = await import(path.join(out, 'lib', 'util', 'code-fingerprint.js'));
writeFileSync(path.join(out, fingerprint.FINGERPRINT_FILE), `${fingerprint.sourceFingerprint(root)}\n`);
// The stamp: bin/orrery.mjs uses build/ only while no source is newer than this file.
writeFileSync(path.join(out, '.built'), `${new Date().toISOString()}\n`);
console.error('orrery build: compiled lib/ and charts/ to build/');
