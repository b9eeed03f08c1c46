import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Model } from '../model/model.ts';
import { diagnosticAt, type SourceFile } from '../read/source-file.ts';
import type { ClusterComponent, SpecFinding } from './component.ts';

/** The spec file (or the document of a patch file) a finding is about. */
function fileOf(files: readonly SourceFile[], at: SpecFinding['at']): SourceFile | undefined {
  for (const f of files) {
    if (at.document === undefined && f.specPath === at.spec) return f;
    for (const inc of f.includes?.values() ?? []) if (inc.specPath === at.spec && at.document !== undefined) return inc.documents[at.document];
  }
  return undefined;
}

/**
 * Runs the components' reviews of the resolved model (findings that need what a component
 * derives) and locates each finding in the spec. Pure.
 */
export function reviewModel(model: Model, components: readonly ClusterComponent[], files: readonly SourceFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const cluster of model.clusters) {
    for (const component of components) {
      for (const f of component.review?.(cluster) ?? []) {
        const file = fileOf(files, f.at);
        out.push(file ? diagnosticAt(file, f.at.pointer, f.severity, f.rule, f.message) : { severity: f.severity, file: f.at.spec, line: 1, col: 1, pointer: f.at.pointer, rule: f.rule, message: f.message });
      }
    }
  }
  return out;
}
