import { hash } from 'node:crypto';
import { MANIFEST_NAME } from '../output/writer.ts';

/**
 * One side of a diff: the files of an output directory, relative to it (`/`-separated). Files
 * are listed up front and read on demand, so that a fleet where one cluster changed reads only
 * that cluster's files.
 */
export interface OutputTree {
  /** How the user names this side: "main (merge base 1a2b3c4)", "dist/ as synth would write it". */
  readonly label: string;
  /**
   * Path → git blob id when it is known without reading (git trees, compiled output);
   * `undefined` when the content must be read to compare (a directory on disk).
   */
  readonly paths: ReadonlyMap<string, string | undefined>;
  /** Files orrery did not write (not in the tree's `.orrery-manifest.json`): never compared. */
  readonly foreign: readonly string[];
  read(paths: readonly string[]): Promise<Map<string, string>>;
}

/** A tree that cannot be read: bad input (a missing directory, an unknown git ref), exit 1. */
export class TreeError extends Error {}

/** The id git gives a blob with this content (`git hash-object`): equal ids, equal bytes. */
export function gitBlobId(content: string): string {
  // One-shot hash of the string (UTF-8): this runs for every file of a fleet's output.
  return hash('sha1', `blob ${Buffer.byteLength(content, 'utf8')}\0${content}`);
}

/**
 * The files a tree's manifest says orrery wrote. A tree without a manifest (an older output,
 * a hand-made directory) owns everything it holds. The manifest itself is bookkeeping: it
 * changes whenever a file is added or removed, which the diff already says.
 */
export function ownedPaths(all: readonly string[], manifestText: string | undefined): { owned: string[]; foreign: string[] } {
  const listed = parseManifest(manifestText);
  const files = all.filter((p) => p !== MANIFEST_NAME);
  if (!listed) return { owned: files, foreign: [] };
  return { owned: files.filter((p) => listed.has(p)), foreign: files.filter((p) => !listed.has(p)) };
}

function parseManifest(text: string | undefined): Set<string> | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as { files?: unknown };
    return Array.isArray(parsed.files) ? new Set(parsed.files.filter((f): f is string => typeof f === 'string')) : undefined;
  } catch {
    return undefined;
  }
}

/** Output compiled in memory (what synth would write now). */
export function memoryTree(label: string, files: ReadonlyMap<string, string>): OutputTree {
  const paths = new Map<string, string | undefined>();
  for (const [p, content] of files) if (p !== MANIFEST_NAME) paths.set(p, gitBlobId(content));
  return {
    label,
    paths,
    foreign: [],
    read: async (wanted) => new Map(wanted.flatMap((p) => (files.has(p) ? [[p, files.get(p)!] as const] : []))),
  };
}
