// Preloaded (node --import) by test/cli/start-up.test.ts: at exit, writes the CommonJS modules the
// process loaded — Module._cache, which holds a CommonJS package whether an ESM import or a
// require() loaded it (Node evaluates both through the CommonJS loader) — to $ORRERY_LOADED_OUT.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  writeFileSync(process.env.ORRERY_LOADED_OUT, JSON.stringify(Object.keys(cache)));
});
