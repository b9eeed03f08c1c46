import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SPEC_SCHEMA_PATH = fileURLToPath(new URL('../../schemas/orrery.schema.json', import.meta.url));

let cached: Record<string, unknown> | undefined;

/** The spec's JSON Schema (schemas/orrery.schema.json), parsed once per process. */
export function loadSpecSchema(): Record<string, unknown> {
  cached ??= JSON.parse(readFileSync(SPEC_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  return cached;
}
