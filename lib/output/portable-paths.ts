/**
 * Paths a Git repository can be checked out at on Windows and macOS as well as Linux: the output
 * is committed and shared, so one unportable name breaks every clone there.
 *
 * Windows (learn.microsoft.com "Naming Files, Paths, and Namespaces"): CON, PRN, AUX, NUL,
 * COM0–COM9, LPT0–LPT9 (and the superscript-digit forms) are device names in any case and with
 * any extension (`nul.yaml` is NUL); `<>:"\|?*` and control characters are not allowed; a name
 * may not end with a dot or a space. macOS (APFS/HFS+ default) and Windows compare names without
 * case, so two paths that differ only in case (or Unicode normalization) are one file there.
 */
const RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[<>:"\\|?*\u0000-\u001f]/;

/** Why a path segment cannot be checked out on Windows or macOS, or undefined. */
export function unportableSegment(segment: string): string | undefined {
  const stem = segment.split('.')[0]!;
  if (RESERVED.test(stem)) return `${JSON.stringify(stem)} is a reserved device name on Windows (even with an extension)`;
  if (FORBIDDEN.test(segment)) return 'it holds a character Windows does not allow in file names (<>:"\\|?* or a control character)';
  if (/[. ]$/.test(segment)) return 'Windows does not allow a file name that ends with a dot or a space';
  return undefined;
}

/** The key under which two paths are the same file on a case-insensitive file system. */
export function foldedPath(p: string): string {
  return p.normalize('NFC').toLowerCase();
}

export interface UnportablePath {
  readonly path: string;
  readonly problem: string;
}

/** Anything unportableSegment could object to somewhere in a path (most paths match nothing: one test each). */
const QUICK_SUSPECT = /[<>:"\\|?*\u0000-\u001f]|[. ](\/|$)|(^|\/)(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\.|\/|$)/i;

/**
 * Every output path that would break a checkout on Windows or macOS. `written` are paths, taken
 * after `paths`, that an earlier synth wrote (kept from the build cache): their names passed this
 * check then, so only clashes with the others are looked for (the result is the same).
 */
export function unportablePaths(paths: Iterable<string>, written: Iterable<string> = []): UnportablePath[] {
  const out: UnportablePath[] = [];
  const seen = new Map<string, string>();
  // Prefixes already folded without a clash: a directory shared by thousands of files is folded once.
  const clean = new Set<string>();
  const visit = (p: string, named: boolean): void => {
    if (named && QUICK_SUSPECT.test(p)) {
      const bad = p
        .split('/')
        .map((s) => [s, unportableSegment(s)] as const)
        .find(([, why]) => why !== undefined);
      if (bad) out.push({ path: p, problem: `${JSON.stringify(bad[0])}: ${bad[1]}` });
    }
    // The file and each of its directories: `Lab/a` and `lab/b` put two directories in one place.
    for (let end = p.indexOf('/'); ; end = p.indexOf('/', end + 1)) {
      const prefix = end < 0 ? p : p.slice(0, end);
      if (!clean.has(prefix)) {
        const folded = foldedPath(prefix);
        const prior = seen.get(folded);
        if (prior === undefined) seen.set(folded, prefix);
        if (prior === undefined || prior === prefix) clean.add(prefix);
        else {
          out.push({ path: p, problem: `${prefix} differs from ${prior} only in case (or Unicode normalization): one name on macOS and Windows` });
          break;
        }
      }
      if (end < 0) break;
    }
  };
  for (const p of paths) visit(p, true);
  for (const p of written) visit(p, false);
  return out;
}
