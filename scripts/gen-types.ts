// Regenerates lib/spec/types.generated.ts from schemas/orrery.schema.json.
// `npm run gen:types` writes it; the test suite fails when the committed file is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderSpecTypes } from '../lib/spec/render-types.ts';

const target = fileURLToPath(new URL('../lib/spec/types.generated.ts', import.meta.url));
const source = await renderSpecTypes();
const current = await readFile(target, 'utf8').catch(() => '');
if (current === source) {
  console.log('lib/spec/types.generated.ts is up to date');
} else {
  await writeFile(target, source);
  console.log('wrote lib/spec/types.generated.ts');
}
