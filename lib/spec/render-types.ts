import { compile } from 'json-schema-to-typescript';
import type { JSONSchema4 } from 'json-schema';
import { loadSpecSchema } from './schema-file.ts';

const BANNER =
  '/* Generated from schemas/orrery.schema.json by `npm run gen:types`. Do not edit: change the schema. */';

/** Renders the TypeScript types of the spec; the schema is the single source of truth. */
export async function renderSpecTypes(): Promise<string> {
  const schema = loadSpecSchema();
  const defs = schema.$defs as Record<string, JSONSchema4>;
  // The root dispatches on `kind` with if/then/else, which json-schema-to-typescript cannot
  // express; give it a root that names both documents and keeps every definition.
  const root: JSONSchema4 = {
    title: 'SpecDocument',
    anyOf: [{ $ref: '#/$defs/Constellation' }, { $ref: '#/$defs/Cluster' }],
    // `allOf` here only holds if/then requirements (no type information) and would make the
    // generator emit duplicate names such as Endpoint1.
    $defs: Object.fromEntries(
      Object.entries(defs).map(([name, { allOf: _conditional, ...def }]) => [name, { ...def, title: name }]),
    ),
  };
  return compile(root, 'SpecDocument', {
    bannerComment: BANNER,
    additionalProperties: false,
    unreachableDefinitions: true,
    strictIndexSignatures: true,
    format: true,
    style: { singleQuote: true, printWidth: 110 },
  });
}
