import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Synth's output index (lib/output/writer-index.ts) of every temporary output a test writes
    // goes to the repository's gitignored cache, never to the user's ~/.cache.
    env: { ORRERY_CACHE_DIR: fileURLToPath(new URL('./node_modules/.cache/orrery-test', import.meta.url)) },
  },
});
