// Regenerates what is derived from schemas/orrery.schema.json: the TypeScript types and the
// spec reference. The test suite fails when either committed file is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderSpecTypes } from '../lib/spec/render-types.ts';
import { renderSpecReference } from '../lib/spec/render-reference.ts';

const targets: [string, () => Promise<string> | string][] = [
  ['../lib/spec/types.generated.ts', renderSpecTypes],
  ['../docs/spec-reference.md', renderSpecReference],
];
for (const [rel, render] of targets) {
  const target = fileURLToPath(new URL(rel, import.meta.url));
  const source = await render();
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current === source) console.log(`${rel.slice(3)} is up to date`);
  else {
    await writeFile(target, source);
    console.log(`wrote ${rel.slice(3)}`);
  }
}
