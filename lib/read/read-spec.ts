import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { SourceFile } from './source-file.ts';

/** Files larger than this are refused before parsing: a spec file is hand-written text. */
export const MAX_SPEC_FILE_BYTES = 1024 * 1024;
/** Alias expansion bound (the yaml library's guard against "billion laughs"). */
export const MAX_ALIAS_COUNT = 100;

export interface ReadResult {
  readonly files: SourceFile[];
  readonly diagnostics: Diagnostic[];
}

export function toDisplayPath(file: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return (rel === '' || rel.startsWith('..') ? file : rel).split(path.sep).join('/');
}

function fileDiagnostic(displayPath: string, rule: string, message: string, line = 1, col = 1): Diagnostic {
  return { severity: 'error', file: displayPath, line, col, pointer: '', message, rule };
}

/** Parses one spec file's text. Pure: no disk access. */
export function parseSpecText(text: string, displayPath: string, specPath: string): ReadResult {
  const diagnostics: Diagnostic[] = [];
  if (Buffer.byteLength(text) > MAX_SPEC_FILE_BYTES) {
    return { files: [], diagnostics: [fileDiagnostic(displayPath, 'yaml/too-large', `file is larger than ${MAX_SPEC_FILE_BYTES} bytes; split the spec into several files`)] };
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, version: '1.2' });
  if (!Array.isArray(docs)) {
    return { files: [], diagnostics: [fileDiagnostic(displayPath, 'yaml/empty', 'file holds no YAML document')] };
  }
  const nonEmpty = docs.filter((d) => d.contents !== null || d.errors.length > 0);
  if (nonEmpty.length !== 1) {
    const second = nonEmpty[1]?.range?.[0];
    const pos = second === undefined ? { line: 1, col: 1 } : lineCounter.linePos(second);
    return {
      files: [],
      diagnostics: [
        fileDiagnostic(
          displayPath,
          nonEmpty.length === 0 ? 'yaml/empty' : 'yaml/multiple-documents',
          nonEmpty.length === 0 ? 'file holds no YAML document' : 'one document per file: put each cluster in its own file',
          pos.line,
          pos.col,
        ),
      ],
    };
  }
  const doc = nonEmpty[0]!;
  let syntaxReported = false;
  for (const err of [...doc.errors, ...doc.warnings]) {
    const pos = lineCounter.linePos(err.pos[0]);
    if (err.code === 'DUPLICATE_KEY') {
      const key = text.slice(err.pos[0]).split(/[:\n]/)[0]!.trim();
      diagnostics.push(fileDiagnostic(displayPath, 'yaml/duplicate-key', `duplicate key ${JSON.stringify(key)}: each key may appear once in a mapping`, pos.line, pos.col));
    } else if (!syntaxReported) {
      // Later syntax errors are almost always consequences of the first one.
      syntaxReported = true;
      diagnostics.push(fileDiagnostic(displayPath, 'yaml/syntax', `YAML: ${err.message.split('\n')[0]}`, pos.line, pos.col));
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
  return { files: [{ displayPath, specPath, doc, lineCounter, data }], diagnostics: [] };
}

/** Reads every `*.yaml`/`*.yml` file of a spec directory (not recursive), in name order. */
export async function readSpecDir(specDir: string, cwd: string = process.cwd()): Promise<ReadResult> {
  const displayDir = toDisplayPath(specDir, cwd);
  let entries: string[];
  try {
    entries = (await readdir(specDir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    return { files: [], diagnostics: [fileDiagnostic(displayDir, 'spec/missing-dir', 'spec directory not found; pass --spec DIR or create clusters/')] };
  }
  if (entries.length === 0) {
    return { files: [], diagnostics: [fileDiagnostic(displayDir, 'spec/empty-dir', 'no *.yaml files in the spec directory')] };
  }
  const results = await Promise.all(
    entries.map(async (name): Promise<ReadResult> => {
      const full = path.join(specDir, name);
      const displayPath = toDisplayPath(full, cwd);
      const info = await stat(full).catch(() => undefined);
      if (!info) return { files: [], diagnostics: [fileDiagnostic(displayPath, 'spec/unreadable', 'cannot read the file (a dangling link?)')] };
      if (!info.isFile()) return { files: [], diagnostics: [] };
      if (info.size > MAX_SPEC_FILE_BYTES) {
        return { files: [], diagnostics: [fileDiagnostic(displayPath, 'yaml/too-large', `file is ${info.size} bytes, more than the ${MAX_SPEC_FILE_BYTES} allowed; split the spec into several files`)] };
      }
      const text = await readFile(full, 'utf8');
      return parseSpecText(text, displayPath, `${path.basename(path.resolve(specDir))}/${name}`);
    }),
  );
  return { files: results.flatMap((r) => r.files), diagnostics: results.flatMap((r) => r.diagnostics) };
}
