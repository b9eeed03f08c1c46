// Re-synthesizes clusters/ → dist/ and every examples/<name>/clusters → examples/<name>/dist.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { main } from '../lib/cli/main.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const targets = [
  ['clusters', 'dist'],
  ...readdirSync(path.join(repo, 'examples'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => [`examples/${e.name}/clusters`, `examples/${e.name}/dist`]),
];
let failed = 0;
for (const [spec, out] of targets) {
  process.stderr.write(`${spec}:\n`);
  const code = await main(['synth', '--spec', path.join(repo, spec!), '--out', path.join(repo, out!)]);
  if (code !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
