import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { decodeSpecText, lineColAt, nonPrintableIn } from './text.ts';
import { readBounded, describeReadError, entryKind } from './bounded-read.ts';
import { compareCodePoints } from '../util/order.ts';
import { withPatchFiles } from './patch-files.ts';
import { bytesKey, jsonLossy, lazySourceFile, rememberFileKey, type SpecCache } from './spec-cache.ts';
import { fileDiagnostic, MAX_SPEC_FILE_BYTES, parseYamlDocument, type ReadResult } from './yaml-document.ts';

export { MAX_ALIAS_COUNT, MAX_SPEC_FILE_BYTES, type ReadResult } from './yaml-document.ts';

export function toDisplayPath(file: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, file);
  // One message is one line: a control character or line separator in a path is shown escaped.
  return (rel === '' || rel.startsWith('..') ? file : rel)
    .split(path.sep)
    .join('/')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}


/** Parses one spec file's bytes: strict UTF-8 and printable characters only, then YAML. Pure. */
export function parseSpecBytes(bytes: Buffer, displayPath: string, specPath: string): ReadResult {
  if (bytes.length > MAX_SPEC_FILE_BYTES) return { files: [], diagnostics: [tooLarge(displayPath, bytes.length)] };
  const decoded = decodeSpecText(bytes);
  if ('problem' in decoded) {
    const { line, col } = lineColAt(bytes, decoded.problem.offset);
    return { files: [], diagnostics: [fileDiagnostic(displayPath, 'yaml/not-text', decoded.problem.message, line, col)] };
  }
  return parseSpecText(decoded.text, displayPath, specPath);
}

function tooLarge(displayPath: string, size?: number): Diagnostic {
  return fileDiagnostic(displayPath, 'yaml/too-large', `file is ${size === undefined ? 'larger than' : `${size} bytes, more than`} ${MAX_SPEC_FILE_BYTES} bytes${size === undefined ? '' : ' allowed'}; split the spec into several files`);
}

/** Parses one spec file's text. Pure: no disk access. */
export function parseSpecText(text: string, displayPath: string, specPath: string): ReadResult {
  if (Buffer.byteLength(text) > MAX_SPEC_FILE_BYTES) {
    return { files: [], diagnostics: [fileDiagnostic(displayPath, 'yaml/too-large', `file is larger than ${MAX_SPEC_FILE_BYTES} bytes; split the spec into several files`)] };
  }
  const unprintable = nonPrintableIn(text);
  if (unprintable) {
    const { line, col } = lineColAt(Buffer.from(text), unprintable.offset);
    return { files: [], diagnostics: [fileDiagnostic(displayPath, 'yaml/not-text', unprintable.message, line, col)] };
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
  return parseYamlDocument(nonEmpty[0]!, text, lineCounter, displayPath, specPath);
}

const SPEC_NAME = /\.ya?ml$/;

export { specCacheKey } from './spec-cache.ts';

/**
 * parseSpecBytes, or the data an earlier run parsed from the same bytes (lib/read/spec-cache.ts).
 * Either way a file that parsed cleanly keeps its bytes, not its text or YAML document: they are
 * decoded and parsed again only for a message that points into it.
 */
function parseWithCache(bytes: Buffer, displayPath: string, specPath: string, cache: SpecCache | undefined): ReadResult {
  const key = cache ? bytesKey(bytes) : undefined;
  const hit = key ? cache!.entries.get(key) : undefined;
  // Decoded only when a message points into the file (these bytes decoded cleanly before: a
  // hit is a file that parsed without a finding, and a miss was just parsed below).
  const text = (): string => (decodeSpecText(bytes) as { text: string }).text;
  if (key && hit) {
    cache!.used.set(key, hit);
    const file = lazySourceFile(text, hit.data, displayPath, specPath, hit.schemaValid ? { schemaValid: true } : {});
    rememberFileKey(file, key);
    return { files: [file], diagnostics: [] };
  }
  const parsed = parseSpecBytes(bytes, displayPath, specPath);
  if (parsed.diagnostics.length > 0 || parsed.files.length !== 1) return parsed;
  const file = lazySourceFile(text, parsed.files[0]!.data, displayPath, specPath);
  // (a file JSON cannot carry exactly — a .nan, an .inf, a -0 — is parsed every time)
  if (key && !jsonLossy(file.data)) {
    cache!.used.set(key, { data: file.data, schemaValid: false });
    rememberFileKey(file, key);
  }
  return { files: [file], diagnostics: [] };
}

/**
 * Reads every `*.yaml`/`*.yml` file of a spec directory (not recursive), in name order. Other
 * files are not spec files and are left alone; but whatever is named like a spec file and
 * cannot be one is an error, never skipped: a link out of the directory, a directory, a FIFO or
 * device, an upper-case `.YAML`, an unreadable file. (A skipped cluster file would make synth
 * remove that cluster's output.)
 */
export async function readSpecDir(specDir: string, cwd: string = process.cwd(), options: { cache?: SpecCache } = {}): Promise<ReadResult> {
  const displayDir = toDisplayPath(specDir, cwd);
  let entries;
  try {
    entries = (await readdir(specDir, { withFileTypes: true })).filter((e) => /\.ya?ml$/i.test(e.name)).sort((a, b) => compareCodePoints(a.name, b.name));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { files: [], diagnostics: [fileDiagnostic(displayDir, 'spec/missing-dir', 'spec directory not found; pass --spec DIR or create clusters/')] };
    return { files: [], diagnostics: [fileDiagnostic(displayDir, 'spec/unreadable', `cannot read the spec directory: ${describeReadError(err)}`)] };
  }
  if (entries.length === 0) {
    return { files: [], diagnostics: [fileDiagnostic(displayDir, 'spec/empty-dir', 'no *.yaml files in the spec directory')] };
  }
  const root = await realpath(specDir).catch(() => path.resolve(specDir));
  const results = await Promise.all(
    entries.map(async (entry): Promise<ReadResult> => {
      const name = entry.name;
      const full = path.join(specDir, name);
      const displayPath = toDisplayPath(full, cwd);
      const fail = (rule: string, message: string): ReadResult => ({ files: [], diagnostics: [fileDiagnostic(displayPath, rule, message)] });
      if (!SPEC_NAME.test(name)) {
        return fail('spec/file-name', `spec files end in .yaml or .yml, in lower case; rename it to ${JSON.stringify(name.replace(/\.ya?ml$/i, (e) => e.toLowerCase()))} so that it is read (on a case-sensitive file system it would be skipped)`);
      }
      // The name is quoted in every generated file's header comment and in the docs.
      if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name)) return fail('spec/file-name', `the file name ${JSON.stringify(name)} holds a control character or a line separator; rename the file`);
      const kind = await entryKind(full, root);
      if (kind.problem) return fail(kind.rule, kind.problem);
      const read = await readBounded(full, MAX_SPEC_FILE_BYTES);
      if ('tooLarge' in read) return { files: [], diagnostics: [tooLarge(displayPath, read.tooLarge)] };
      if ('error' in read) return fail('spec/unreadable', `cannot read the file: ${read.error}`);
      const parsed = parseWithCache(read.bytes, displayPath, `${path.basename(path.resolve(specDir))}/${name}`, options.cache);
      return withPatchFiles(parsed, { specDir, root, cwd });
    }),
  );
  return { files: results.flatMap((r) => r.files), diagnostics: results.flatMap((r) => r.diagnostics) };
}
