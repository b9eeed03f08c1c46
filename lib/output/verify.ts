import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { OutputFiles } from './render.ts';
import { parseSecretFile, plaintextInParsedSecret, type ParsedSecretFile } from '../sops/sops.ts';
import { unportablePaths } from './portable-paths.ts';

const PLAINTEXT_SECRETS: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/, what: 'a PEM private key' },
  { pattern: /AGE-SECRET-KEY-1[0-9A-Z]{20,}/, what: 'an age secret key' },
];

/**
 * Last line of defence before anything is written: no plaintext private keys, and every
 * Kubernetes Secret must be SOPS-encrypted. Paths must stay inside the output directory.
 * `parsed` gives the parse synth already made of the same bytes (a stored Secret copied as it is).
 */
export function verifyOutput(
  files: OutputFiles,
  options: {
    readonly parsed?: (content: string) => ParsedSecretFile | undefined;
    /** Paths of the output not in `files` (taken unchanged from the last synth, whose verify passed them): checked for clashes with the others. */
    readonly otherPaths?: Iterable<string>;
  } = {},
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const fail = (file: string, rule: string, message: string): void => {
    out.push({ severity: 'error', file, line: 1, col: 1, pointer: '', rule, message });
  };
  for (const [path, content] of files) {
    if (path.startsWith('/') || path.split('/').some((s) => s === '..' || s === '.' || s === '')) {
      fail(path, 'output/unsafe-path', 'output path leaves the output directory');
    }
    for (const { pattern, what } of PLAINTEXT_SECRETS) {
      if (pattern.test(content)) fail(path, 'output/plaintext-secret', `refusing to write ${what} in plaintext`);
    }
    if (/^kind: Secret$/m.test(content)) {
      const plaintext = plaintextInParsedSecret(options.parsed?.(content) ?? parseSecretFile(content));
      if (plaintext.length > 0) fail(path, 'output/plaintext-secret', `refusing to write a Kubernetes Secret that is not fully encrypted: ${plaintext.slice(0, 3).join('; ')}`);
    }
  }
  // (otherPaths were written by an earlier synth, whose verify passed their names)
  for (const { path, problem } of unportablePaths(files.keys(), options.otherPaths)) {
    fail(path, 'output/unportable-path', `cannot be checked out on Windows or macOS: ${problem}; rename what it is named after in the spec`);
  }
  return out;
}
