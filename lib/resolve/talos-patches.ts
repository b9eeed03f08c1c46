import type { TalosPatchModel } from '../model/model.ts';
import type { SourceFile } from '../read/source-file.ts';
import type { TalosClusterPatch, TalosPatch } from '../spec/types.generated.ts';
import { mapOr } from './empty.ts';

/** Resolves a list of patch entries at a JSON pointer of a spec file. */
export type PatchResolver = (patches: readonly (TalosPatch | TalosClusterPatch)[] | undefined, pointer: string) => readonly TalosPatchModel[];

/**
 * The operator's patches as the model carries them: inline documents as written, a file's
 * documents as lib/read parsed them (checks have made sure every referenced file was read).
 */
export function patchResolver(file: SourceFile): PatchResolver {
  return (patches, pointer) =>
    mapOr(patches, (p, i) => {
      const included = p.file !== undefined ? file.includes?.get(p.file) : undefined;
      const documents = (included ? included.documents.map((d) => d.data) : (p.documents ?? [])) as Record<string, unknown>[];
      return {
        name: p.name,
        ...('role' in p && p.role ? { role: p.role } : {}),
        documents,
        origin: { spec: file.specPath, pointer: `${pointer}/${i}`, ...(included ? { file: included.specPath } : {}) },
      };
    });
}
