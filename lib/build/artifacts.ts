import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { OperatorSecret } from '../secrets/operator-secrets.ts';

/** A Kubernetes object as emitted (plain JSON). */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** Objects for one directory that a GitOps engine reads (it gets a kustomization.yaml). */
export interface KubeBundle {
  /** Directory relative to the output root, e.g. `ganymede/namespaces`. */
  readonly dir: string;
  /** Spec file named in each file's header. */
  readonly source: string;
  readonly objects: readonly KubeObject[];
  /** Other kustomizations this one includes (relative directories), listed first. */
  readonly include?: readonly string[];
  /** Files listed in the kustomization as they are (SOPS-encrypted Secrets, copied byte for byte). */
  readonly files?: readonly { readonly name: string; readonly content: string }[];
  /**
   * Kustomize generator configs (listed under `generators:`, e.g. a KSOPS `kind: ksops` file),
   * and the files only a generator reads (kept in the directory, not listed as resources).
   */
  readonly generators?: readonly { readonly name: string; readonly content: string }[];
  readonly generatorInputs?: readonly { readonly name: string; readonly content: string }[];
}

/** Any other file (docs, Talos documents, plans), already rendered. */
export interface FileArtifact {
  readonly path: string;
  readonly source: string;
  readonly content: string;
}

export interface Artifacts {
  readonly bundles: readonly KubeBundle[];
  readonly files: readonly FileArtifact[];
  /** Problems a generator found (a missing secret); any error stops the write. */
  readonly diagnostics?: readonly Diagnostic[];
  /** Secrets the output references that the operator supplies (the registry, lib/secrets/operator-secrets.ts). */
  readonly referencedSecrets?: readonly OperatorSecret[];
  /** Lines synth prints for the operator after writing (the boot media to download first). */
  readonly notices?: readonly string[];
}

export function mergeArtifacts(parts: readonly Artifacts[]): Artifacts {
  return {
    bundles: parts.flatMap((p) => p.bundles),
    files: parts.flatMap((p) => p.files),
    diagnostics: parts.flatMap((p) => p.diagnostics ?? []),
    referencedSecrets: parts.flatMap((p) => p.referencedSecrets ?? []),
    notices: parts.flatMap((p) => p.notices ?? []),
  };
}
