import type { TalosPatchModel } from '../../model/model.ts';
import { toYaml } from '../../output/yaml.ts';

/** Control characters and line separators never reach a comment line (they would end it). */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/g;
const safe = (s: string): string => s.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Where the operator wrote a patch: `clusters/lab.yaml /talos/patches/0`, or its file and the entry naming it. */
export function patchOrigin(p: TalosPatchModel): string {
  const entry = `${p.origin.spec} ${p.origin.pointer}`;
  return safe(p.origin.file ? `${p.origin.file} (named at ${entry})` : entry);
}

/** The comment that opens a patch's YAML: which patch, from where, for whom. */
export function patchComment(p: TalosPatchModel, scope: string): string {
  return `# Your Talos patch "${safe(p.name)}" from ${patchOrigin(p)}, for ${scope}: Talos merges it after orrery's documents.\n`;
}

/** A patch's documents as one YAML stream, the form `talosctl --patch @file` and CABPT's strategicPatches take. */
export function patchDocuments(p: TalosPatchModel): string {
  return p.documents.map(toYaml).join('---\n');
}
