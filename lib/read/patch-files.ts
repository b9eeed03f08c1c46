import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { pointer } from '../diagnostics/pointer.ts';
import { readBounded, entryKind } from './bounded-read.ts';
import { diagnosticAt, type IncludedFile } from './source-file.ts';
import { decodeSpecText, lineColAt } from './text.ts';
import { fileDiagnostic, MAX_SPEC_FILE_BYTES, parseYamlDocument, type ReadResult } from './yaml-document.ts';

/** Where a cluster file names a patch file: `file` of its talos, node and pool patches. */
function references(data: unknown): { ref: string; ptr: string }[] {
  const c = data as { kind?: unknown; talos?: { patches?: unknown }; nodes?: unknown; provisioning?: { clusterApi?: { machinePools?: unknown } } } | null;
  if (!c || c.kind !== 'Cluster') return [];
  const out: { ref: string; ptr: string }[] = [];
  const list = (patches: unknown, base: string): void => {
    if (!Array.isArray(patches)) return;
    patches.forEach((p, i) => {
      const ref = (p as { file?: unknown } | null)?.file;
      if (typeof ref === 'string') out.push({ ref, ptr: `${base}/${i}/file` });
    });
  };
  list(c.talos?.patches, pointer('talos', 'patches'));
  if (Array.isArray(c.nodes)) c.nodes.forEach((n, i) => list((n as { patches?: unknown } | null)?.patches, pointer('nodes', i, 'patches')));
  const pools = c.provisioning?.clusterApi?.machinePools;
  if (Array.isArray(pools)) pools.forEach((p, i) => list((p as { patches?: unknown } | null)?.patches, pointer('provisioning', 'clusterApi', 'machinePools', i, 'patches')));
  return out;
}

/** A reference the schema accepts: relative, inside the directory (no `.`/`..` segment), a YAML file. The schema reports the others. */
const acceptable = (ref: string): boolean => !path.isAbsolute(ref) && !ref.includes('\\') && ref.split('/').every((s) => s !== '' && s !== '.' && s !== '..') && /\.ya?ml$/.test(ref);

/** Parses a patch file's text: every non-empty YAML document, each checked like a spec document. Pure. */
export function parsePatchText(text: string, displayPath: string, specPath: string): { included?: IncludedFile; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, version: '1.2' });
  const parsed: ReadResult[] = (Array.isArray(docs) ? docs : [])
    .filter((d) => d.contents !== null || d.errors.length > 0)
    .map((d) => parseYamlDocument(d, text, lineCounter, displayPath, specPath));
  const diagnostics = parsed.flatMap((p) => p.diagnostics);
  // Talos skips null documents (an empty one after a trailing ---): talos@v1.13.9
  // pkg/machinery/config/configloader/internal/decoder/decoder.go parse, "skip null documents".
  const documents = parsed.flatMap((p) => p.files).filter((f) => f.data !== null);
  return diagnostics.length > 0 ? { diagnostics } : { included: { displayPath, specPath, documents }, diagnostics };
}

/**
 * Reads the Talos patch files a cluster file names, bounded like spec files, relative to the spec
 * directory and never outside it (a link out is refused, as for spec files): a review of the
 * directory sees every file that reaches the machines. Problems are errors at the reference.
 */
export async function withPatchFiles(parsed: ReadResult, where: { specDir: string; root: string; cwd: string }): Promise<ReadResult> {
  const file = parsed.files[0];
  const refs = file ? references(file.data).filter((r) => acceptable(r.ref)) : [];
  if (!file || refs.length === 0) return parsed;
  const includes = new Map<string, IncludedFile>();
  const diagnostics: Diagnostic[] = [];
  const specDirName = path.basename(path.resolve(where.specDir));
  for (const { ref, ptr } of refs) {
    if (includes.has(ref)) continue;
    const full = path.join(where.specDir, ...ref.split('/'));
    const at = (rule: string, message: string): void => void diagnostics.push(diagnosticAt(file, ptr, 'error', rule, message));
    const displayPath = path.posix.join(path.posix.dirname(file.displayPath), ref);
    const kind = await entryKind(full, where.root);
    if (kind.problem) {
      const missing = await lstat(full).then(() => false, () => true);
      if (missing) at('talos-patch/file-missing', `patch file ${JSON.stringify(ref)} does not exist (looked for ${displayPath}; a patch file's path is relative to the spec directory)`);
      else at(kind.rule === 'spec/not-a-file' ? 'talos-patch/not-a-file' : kind.rule, `patch file ${JSON.stringify(ref)}: ${kind.rule === 'spec/not-a-file' ? 'it is not a regular file' : kind.problem}`);
      continue;
    }
    // entryKind looks at the file itself; a linked directory on the way (patches -> /etc) must not lead out either.
    const real = await realpath(full).catch(() => full);
    const rel = path.relative(where.root, real);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      at('spec/link-outside', `patch file ${JSON.stringify(ref)} resolves to ${real}, outside ${where.root} (through a symbolic link); orrery reads nothing from outside the spec directory (a review of it would not show the file): copy the file in instead`);
      continue;
    }
    const read = await readBounded(full, MAX_SPEC_FILE_BYTES);
    if ('tooLarge' in read) at('yaml/too-large', `patch file ${JSON.stringify(ref)} is ${read.tooLarge} bytes, more than ${MAX_SPEC_FILE_BYTES} bytes allowed`);
    else if ('error' in read) at('spec/unreadable', `cannot read the patch file ${JSON.stringify(ref)}: ${read.error}`);
    else {
      const decoded = decodeSpecText(read.bytes);
      if ('problem' in decoded) {
        const { line, col } = lineColAt(read.bytes, decoded.problem.offset);
        diagnostics.push(fileDiagnostic(displayPath, 'yaml/not-text', decoded.problem.message, line, col));
        continue;
      }
      const result = parsePatchText(decoded.text, displayPath, `${specDirName}/${ref}`);
      diagnostics.push(...result.diagnostics);
      if (result.included) includes.set(ref, result.included);
    }
  }
  return { files: diagnostics.length > 0 ? [] : [{ ...file, includes }], diagnostics: [...parsed.diagnostics, ...diagnostics] };
}
