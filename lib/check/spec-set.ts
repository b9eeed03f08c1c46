import type { SourceFile } from '../read/source-file.ts';
import type { Cluster, Constellation } from '../spec/types.generated.ts';

/** The schema-valid documents of one spec directory, each with the file it came from. */
export interface SpecSet {
  readonly constellation: { readonly file: SourceFile; readonly spec: Constellation };
  readonly clusters: readonly { readonly file: SourceFile; readonly spec: Cluster }[];
}
