import { compareCodePoints } from '../util/order.ts';
import { redactSecrets } from './redact.ts';

/** One finding about the input, located in a source file. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning' | 'note';
  /** Path of the spec file as shown to the user (relative to the working directory). */
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** JSON pointer into the document ('' for the whole document). */
  readonly pointer: string;
  readonly message: string;
  /** Stable rule identifier, e.g. `schema/format` or `net/pod-cidr-overlap`. */
  readonly rule: string;
}

export type DiagnosticFormat = 'text' | 'json' | 'github';

const SEVERITY_ORDER = { error: 0, warning: 1, note: 2 } as const;

export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      compareCodePoints(a.file, b.file) ||
      a.line - b.line ||
      a.col - b.col ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      compareCodePoints(a.pointer, b.pointer) ||
      compareCodePoints(a.message, b.message),
  );
}

/** Each finding once: rules that look at a cluster-wide setting once per node report it once. */
export function uniqueDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = [d.file, d.line, d.col, d.severity, d.pointer, d.rule, d.message].join('\u0000');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `clusters/lab.yaml:14:9 error /nodes/2/address: "10.0.0.300" is not an IPv4 address` */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.pointer === '' ? '' : `${d.pointer}: `;
  return `${d.file}:${d.line}:${d.col} ${d.severity} ${where}${d.message}`;
}

function githubEscape(value: string, property: boolean): string {
  let out = value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  if (property) out = out.replace(/:/g, '%3A').replace(/,/g, '%2C');
  return out;
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], format: DiagnosticFormat): string {
  // Never a private key in CI logs, whichever message carried it.
  const sorted = sortDiagnostics(uniqueDiagnostics(diagnostics)).map((d) => ({ ...d, message: redactSecrets(d.message), pointer: redactSecrets(d.pointer) }));
  switch (format) {
    case 'json':
      return `${JSON.stringify(sorted, null, 2)}\n`;
    case 'github':
      return sorted
        .map((d) => {
          const level = d.severity === 'note' ? 'notice' : d.severity;
          const props = `file=${githubEscape(d.file, true)},line=${d.line},col=${d.col},title=${githubEscape(`orrery ${d.rule}`, true)}`;
          const where = d.pointer === '' ? '' : `${d.pointer}: `;
          return `::${level} ${props}::${githubEscape(where + d.message, false)}\n`;
        })
        .join('');
    case 'text':
      return sorted.map((d) => `${formatDiagnostic(d)}\n`).join('');
  }
}

/** Quotes a value from the input for a message: strings in double quotes, the rest as JSON. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  const json = JSON.stringify(value);
  if (json === undefined) return String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
