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

/**
 * Every output path that would break a checkout on Windows or macOS. Output paths share their
 * directories (42k files in a few thousand directories at 1000 clusters), so each directory is
 * judged once — its first bad segment, its first case clash — and each file by its own name.
 */
export function unportablePaths(paths: Iterable<string>): UnportablePath[] {
  const out: UnportablePath[] = [];
  const seen = new Map<string, string>();
  const verdicts = new Map<string, string | undefined>();
  const segmentVerdict = (s: string): string | undefined => {
    if (!verdicts.has(s)) verdicts.set(s, unportableSegment(s));
    return verdicts.get(s);
  };
  // A path's name (the file, or a directory) registered under its folded form, or the clash it makes.
  const clash = (name: string): string | undefined => {
    const folded = foldedPath(name);
    const prior = seen.get(folded);
    if (prior === undefined) seen.set(folded, name);
    else if (prior !== name) return `${name} differs from ${prior} only in case (or Unicode normalization): one name on macOS and Windows`;
    return undefined;
  };
  // Per directory: its first bad segment, and the first of its prefixes that clashes. The same
  // directory gives the same answers every time: the prefixes before a clash are registered
  // under its own spelling, and the clashing one still meets the other spelling.
  const dirs = new Map<string, { readonly bad?: string; readonly clash?: string }>();
  const judgeDir = (dir: string): { readonly bad?: string; readonly clash?: string } => {
    let verdict = dirs.get(dir);
    if (verdict === undefined) {
      const segments = dir.split('/');
      const badSegment = segments.find((s) => segmentVerdict(s) !== undefined);
      let clashed: string | undefined;
      for (let i = 0, prefix = ''; i < segments.length && clashed === undefined; i++) {
        prefix = i === 0 ? segments[0]! : `${prefix}/${segments[i]!}`;
        clashed = clash(prefix);
      }
      verdict = {
        ...(badSegment !== undefined ? { bad: `${JSON.stringify(badSegment)}: ${segmentVerdict(badSegment)!}` } : {}),
        ...(clashed !== undefined ? { clash: clashed } : {}),
      };
      dirs.set(dir, verdict);
    }
    return verdict;
  };
  for (const p of paths) {
    const slash = p.lastIndexOf('/');
    const dir = slash >= 0 ? judgeDir(p.slice(0, slash)) : {};
    const base = p.slice(slash + 1);
    const baseWhy = segmentVerdict(base);
    if (dir.bad !== undefined) out.push({ path: p, problem: dir.bad });
    else if (baseWhy !== undefined) out.push({ path: p, problem: `${JSON.stringify(base)}: ${baseWhy}` });
    // The file and each of its directories: `Lab/a` and `lab/b` put two directories in one place.
    const clashed = dir.clash ?? clash(p);
    if (clashed !== undefined) out.push({ path: p, problem: clashed });
  }
  return out;
}
