import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';
import { parsePointer } from '../diagnostics/pointer.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';

/** A parsed spec file: its text, the YAML document with positions and the plain data. */
export interface SourceFile {
  /** Path as shown in messages (relative to the working directory, `/` separators). */
  readonly displayPath: string;
  /** Path used in generated headers: the spec directory's name and the file, e.g. `clusters/lab.yaml`. */
  readonly specPath: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  readonly data: unknown;
  /** Files this one references by path (Talos patch files), keyed by the path as written; read by lib/read. */
  readonly includes?: ReadonlyMap<string, IncludedFile>;
  /** The schema was checked on these very bytes by an earlier run and found nothing (lib/read/spec-cache.ts). */
  readonly schemaValid?: boolean;
}

/** A file a spec file references (a Talos patch file): each of its YAML documents as a SourceFile of its own. */
export interface IncludedFile {
  readonly displayPath: string;
  /** Path in generated comments: the spec directory's name and the path, e.g. `clusters/patches/audit.yaml`. */
  readonly specPath: string;
  readonly documents: readonly SourceFile[];
}

export interface Location {
  readonly line: number;
  readonly col: number;
}

/**
 * Finds where a JSON pointer points in the document. `onKey` locates the key of the last
 * segment instead of its value (for unknown keys). An unresolvable tail falls back to the
 * deepest node found, so every message still gets a position.
 */
export function locate(file: SourceFile, ptr: string, onKey = false): Location {
  let node: unknown = file.doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  const segments = parsePointer(ptr);
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) break;
      const key = pair.key as Node;
      const value = pair.value as Node | null;
      if (last && onKey) {
        offset = key.range?.[0] ?? offset;
        break;
      }
      node = value;
      offset = value?.range?.[0] ?? key.range?.[0] ?? offset;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!item) break;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  const pos = file.lineCounter.linePos(offset);
  return { line: pos.line, col: pos.col };
}

export function diagnosticAt(
  file: SourceFile,
  ptr: string,
  severity: Diagnostic['severity'],
  rule: string,
  message: string,
  options: { onKey?: boolean } = {},
): Diagnostic {
  const { line, col } = locate(file, ptr, options.onKey);
  return { severity, file: file.displayPath, line, col, pointer: ptr, message, rule };
}
