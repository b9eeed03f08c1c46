#!/usr/bin/env node
// Runs the JavaScript that `npm ci` compiled into build/ (scripts/build.mjs) while it is fresh —
// no source under lib/ or charts/ newer than its stamp — and the TypeScript sources through tsx's
// loader otherwise (a change not yet rebuilt, a production install without TypeScript), so that
// what runs is always the code in the tree. ORRERY_FROM_SOURCE=1 forces the sources.
import { readdirSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url);

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = new URL(e.name + (e.isDirectory() ? '/' : ''), dir);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function buildIsFresh() {
  if (process.env.ORRERY_FROM_SOURCE === '1') return false;
  try {
    const built = statSync(new URL('build/.built', root)).mtimeMs;
    return newestSource(new URL('lib/', root)) < built && newestSource(new URL('charts/', root)) < built;
  } catch {
    return false;
  }
}

let main;
if (buildIsFresh()) {
  main = await import('../build/lib/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  main = await import('../lib/cli/main.ts');
}
process.exitCode = await main.runCli(process.argv.slice(2));
