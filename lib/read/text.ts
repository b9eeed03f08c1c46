/**
 * The bytes of a spec file as text, or where they stop being text. Invalid UTF-8 would be
 * decoded as U+FFFD and written into generated files; a NUL or another control character has no
 * business in a configuration file (YAML 1.2 §5.1 allows only printable characters, c-printable)
 * and is often the sign of a binary or corrupted file.
 */
export interface TextProblem {
  readonly offset: number;
  readonly message: string;
}

const NAMES: Record<number, string> = { 0x00: 'NUL', 0x1b: 'ESC', 0x7f: 'DEL', 0x85: 'NEXT LINE', 0xfffe: 'a noncharacter', 0xffff: 'a noncharacter' };

function codePoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Whether a code point may appear in a spec: YAML's c-printable (tab, LF, CR, U+0020–U+007E,
 * U+0085, U+00A0–U+D7FF, U+E000–U+FFFD, U+10000 and above).
 */
export function isPrintable(cp: number): boolean {
  return cp === 0x09 || cp === 0x0a || cp === 0x0d || (cp >= 0x20 && cp <= 0x7e) || cp === 0x85 || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || cp >= 0x10000;
}

export function describeCodePoint(cp: number): string {
  const name = NAMES[cp] ?? (cp < 0x20 || (cp >= 0x80 && cp < 0xa0) ? 'a control character' : cp >= 0xd800 && cp <= 0xdfff ? 'a lone surrogate' : 'a non-printable character');
  return `${codePoint(cp)} (${name})`;
}

/** Decodes strict UTF-8 (no BOM handling: YAML allows one at the start, the parser skips it). */
export function decodeSpecText(bytes: Buffer): { text: string } | { problem: TextProblem } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { problem: { offset: firstInvalidUtf8(bytes), message: 'the file is not valid UTF-8 (a binary file, or another encoding such as Latin-1?); save it as UTF-8' } };
  }
  const problem = nonPrintableIn(text);
  return problem ? { problem } : { text };
}

/** The first character of a text that YAML does not allow (a BOM is allowed at the start only). */
export function nonPrintableIn(text: string): TextProblem | undefined {
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    else if (!isPrintable(cp) && !(i === 0 && cp === 0xfeff)) {
      return { offset: Buffer.byteLength(text.slice(0, i)), message: `${describeCodePoint(cp)} is not allowed in a spec file; remove it (a binary or corrupted file?)` };
    }
  }
  return undefined;
}

/** Byte offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) return i;
    if (i + len > bytes.length) return i;
    for (let k = 1; k < len; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    // Overlong three/four-byte forms, surrogates and code points above U+10FFFF.
    const b1 = bytes[i + 1] ?? 0;
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return i;
    i += len;
  }
  return bytes.length;
}

/** Line and column (1-based, columns in characters) of a byte offset. */
export function lineColAt(bytes: Buffer, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  const col = new TextDecoder('utf-8').decode(bytes.subarray(start, offset)).length + 1;
  return { line, col };
}
