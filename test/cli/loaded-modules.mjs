// Preloaded (node --import) by test/cli/start-up.test.ts: at exit, writes every module the process
// loaded to $ORRERY_LOADED_OUT (JSON, absolute paths). CommonJS modules from Module._cache, which
// holds a CommonJS package whether an ESM import or a require() loaded it (Node evaluates both
// through the CommonJS loader); ES modules from a load hook (loaded-modules-hooks.mjs), which
// runs on the hooks thread and appends each URL to a side file as it loads (Node docs,
// module.register: hooks run off the main thread, so they cannot share memory with it).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

// Worker threads (synth's output snapshot, lib/output/writer-snapshot.ts) preload this file too
// (they inherit --import): only the main thread reports, or a worker's exit would write the
// report and remove the log while the main thread still loads modules.
const out = isMainThread ? process.env.ORRERY_LOADED_OUT : undefined;
if (out) {
  const esmLog = `${out}.esm`;
  register('./loaded-modules-hooks.mjs', import.meta.url, { data: { log: esmLog } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => {
    const esm = existsSync(esmLog) ? readFileSync(esmLog, 'utf8').split('\n').filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u)) : [];
    rmSync(esmLog, { force: true });
    writeFileSync(out, JSON.stringify([...new Set([...Object.keys(cache), ...esm])]));
  });
}
