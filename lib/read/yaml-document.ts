import type { Document, LineCounter } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { diagnosticAt, type SourceFile } from './source-file.ts';
import { toPlainData, type DataProblem } from './plain-data.ts';
import { yamlSyntaxMessage } from './yaml-errors.ts';

/** Files larger than this are refused before parsing: a spec file is hand-written text. */
export const MAX_SPEC_FILE_BYTES = 1024 * 1024;
/** Alias expansion bound (the yaml library's guard against "billion laughs"). */
export const MAX_ALIAS_COUNT = 100;

export interface ReadResult {
  readonly files: SourceFile[];
  readonly diagnostics: Diagnostic[];
}

export function fileDiagnostic(displayPath: string, rule: string, message: string, line = 1, col = 1): Diagnostic {
  return { severity: 'error', file: displayPath, line, col, pointer: '', message, rule };
}

/**
 * One parsed YAML document as a SourceFile: duplicate keys, syntax, alias expansion and
 * non-printable escapes are errors at their position. Pure. (A spec file holds one; a Talos patch
 * file may hold several, each checked the same way.)
 */
export function parseYamlDocument(doc: Document.Parsed, text: string, lineCounter: LineCounter, displayPath: string, specPath: string): ReadResult {
  const diagnostics: Diagnostic[] = [];
  let syntaxReported = false;
  for (const err of [...doc.errors, ...doc.warnings]) {
    const pos = lineCounter.linePos(err.pos[0]);
    if (err.code === 'DUPLICATE_KEY') {
      const key = text.slice(err.pos[0]).split(/[:\n]/)[0]!.trim();
      diagnostics.push(fileDiagnostic(displayPath, 'yaml/duplicate-key', `duplicate key ${JSON.stringify(key)}: each key may appear once in a mapping`, pos.line, pos.col));
    } else if (!syntaxReported) {
      // Later syntax errors are almost always consequences of the first one.
      syntaxReported = true;
      diagnostics.push(fileDiagnostic(displayPath, 'yaml/syntax', `YAML: ${yamlSyntaxMessage({ code: err.code, message: err.message, text, line: pos.line })}`, pos.line, pos.col));
    }
  }
  if (diagnostics.length > 0) return { files: [], diagnostics };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = (err as Error).message;
    return /excessive alias/i.test(message)
      ? { files: [], diagnostics: [fileDiagnostic(displayPath, 'yaml/alias-limit', `aliases expand beyond the limit of ${MAX_ALIAS_COUNT}: ${message}`)] }
      : { files: [], diagnostics: [fileDiagnostic(displayPath, 'yaml/alias', `YAML: ${message.split('\n')[0]}`)] };
  }
  const problems: DataProblem[] = [];
  const file: SourceFile = { displayPath, specPath, doc, lineCounter, data: toPlainData(data, problems) };
  if (problems.length > 0) {
    return { files: [], diagnostics: problems.map((p) => ({ ...diagnosticAt(file, p.pointer, 'error', 'yaml/control-character', p.message, { onKey: p.onKey }), pointer: p.shownAt ?? p.pointer })) };
  }
  return { files: [file], diagnostics: [] };
}

