import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderSpecTypes } from '../../lib/spec/render-types.ts';

describe('generated spec types', () => {
  it('lib/spec/types.generated.ts matches schemas/orrery.schema.json (run npm run gen:types)', async () => {
    const committed = await readFile(new URL('../../lib/spec/types.generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await renderSpecTypes());
  });
});

describe('generated spec reference', () => {
  it('docs/spec-reference.md matches the schema (run npm run gen:types)', async () => {
    const { renderSpecReference } = await import('../../lib/spec/render-reference.ts');
    const committed = await readFile(new URL('../../docs/spec-reference.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderSpecReference());
  });
});
