import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SPEC_SCHEMA_PATH = fileURLToPath(new URL('../../schemas/orrery.schema.json', import.meta.url));

let cached: Record<string, unknown> | undefined;

/** The spec's JSON Schema (schemas/orrery.schema.json), parsed once per process. */
export function loadSpecSchema(): Record<string, unknown> {
  cached ??= JSON.parse(readFileSync(SPEC_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  return cached;
}

/** A hash of the schema file's bytes: what the generated standalone validators were made from (spec-validators.ts). */
export function specSchemaHash(): string {
  return createHash('sha256').update(readFileSync(SPEC_SCHEMA_PATH)).digest('hex');
}
