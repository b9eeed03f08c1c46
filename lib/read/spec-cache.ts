import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { cacheDir } from '../output/writer-index.ts';
import { replaceCacheFile, unsealCacheText } from '../output/cache-file.ts';
import type { SourceFile } from './source-file.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { CheckMemo } from '../check/check-memo.ts';

/**
 * What synth remembers of the spec files it parsed: per file content (a hash of its bytes) the
 * plain data, and whether the schema found nothing to say about it. Parsing YAML is the largest
 * part of reading a fleet (about 2 s for 1000 cluster files); a file whose bytes did not change is
 * not parsed again. Its positions are parsed only when a message must point into it. A cache,
 * never the truth: keyed with orrery's code fingerprint, ignored when missing or damaged,
 * and only files that parsed without any finding are kept. It also remembers what the cluster
 * rules found per cluster file (lib/check/check-memo.ts: the key covers all they read).
 */
const VERSION = 1;

export interface SpecCacheEntry {
  readonly data: unknown;
  /** validateSchema returned nothing for this data. */
  readonly schemaValid: boolean;
}

export interface SpecCache {
  readonly fingerprint: string;
  readonly entries: Map<string, SpecCacheEntry>;
  /** The entries this run used or made (what is saved). */
  readonly used: Map<string, SpecCacheEntry>;
  /**
   * The ClusterMesh CA fingerprint annotations of stored Secrets, by a hash of their text
   * (lib/secrets/verify-stored.ts): what was loaded, and what this run looked up or found (saved).
   */
  readonly fingerprints: { has(key: string): boolean; get(key: string): string | null | undefined; set(key: string, value: string | null): unknown };
  readonly loadedFingerprints: ReadonlyMap<string, string | null>;
  readonly usedFingerprints: Map<string, string | null>;
  /** The cluster rules' findings per cluster file (lib/check/check-memo.ts): what was loaded, and what this run used or made (saved). */
  readonly checkMemo: CheckMemo;
  readonly loadedFindings: ReadonlyMap<string, readonly Diagnostic[]>;
  readonly usedFindings: Map<string, readonly Diagnostic[]>;
}

const fileKeys = new WeakMap<SourceFile, string>();

/** Records the content key of a file read through the spec cache (lib/read/read-spec.ts). */
export function rememberFileKey(file: SourceFile, key: string): void {
  fileKeys.set(file, key);
}

/** The spec cache's key of a file read through it: a hash of its bytes. */
export const specCacheKey = (file: SourceFile): string | undefined => fileKeys.get(file);

const SEVERITIES: ReadonlySet<string> = new Set(['error', 'warning', 'note']);

/** A finding as the cache file holds it: its fields in a fixed order. */
type StoredFinding = [Diagnostic['severity'], string, number, number, string, string, string];

const storeFinding = (d: Diagnostic): StoredFinding => [d.severity, d.file, d.line, d.col, d.pointer, d.message, d.rule];

/**
 * A stored finding back as the object the rules make (diagnosticAt: the same keys in the same
 * order, an ordinary object of strings and numbers, so that it equals a fresh one and prints
 * the same in --format json); anything else in the file means the entry is dropped.
 */
function restoreFinding(x: unknown): Diagnostic | undefined {
  if (!Array.isArray(x) || x.length !== 7) return undefined;
  const [severity, file, line, col, ptr, message, rule] = x as unknown[];
  if (typeof severity !== 'string' || !SEVERITIES.has(severity) || typeof file !== 'string' || typeof ptr !== 'string' || typeof message !== 'string' || typeof rule !== 'string') return undefined;
  if (!Number.isSafeInteger(line) || !Number.isSafeInteger(col)) return undefined;
  return { severity: severity as Diagnostic['severity'], file, line: line as number, col: col as number, pointer: ptr, message, rule };
}

function restoreFindings(x: unknown): Diagnostic[] | undefined {
  if (!Array.isArray(x)) return undefined;
  const out: Diagnostic[] = [];
  for (const item of x) {
    const d = restoreFinding(item);
    if (!d) return undefined;
    out.push(d);
  }
  return out;
}

export const bytesKey = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('base64');

export function specCacheFileFor(specDir: string, dir: string = cacheDir()): string {
  return path.join(dir, `spec-${createHash('sha256').update(path.resolve(specDir)).digest('hex').slice(0, 16)}.json`);
}

/** Whether JSON would change the data: a number it cannot write (NaN, ±Infinity, -0). Such a file is not cached. */
export function jsonLossy(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value) || Object.is(value, -0);
  if (Array.isArray(value)) return value.some(jsonLossy);
  if (value !== null && typeof value === 'object') return Object.values(value).some(jsonLossy);
  return false;
}

/**
 * Objects as the parser makes them: null-prototype (lib/read/plain-data.ts), so that a key like
 * `__proto__` stays a key (the prototype is gone before the first key is set, so no setter runs).
 * Made from a literal whose prototype is then dropped, not with Object.create(null): V8 makes
 * the latter a dictionary-mode object, slower to build and to read for every later stage — at
 * 1000 clusters, in a fresh process, this copy took 80–100 ms that way and 25 ms this way, and
 * walking or freezing the result (resolve's deepFreeze) half as long.
 */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    Object.setPrototypeOf(out, null);
    for (const k in value) out[k] = plain((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

export async function loadSpecCache(file: string, fingerprint: string): Promise<SpecCache> {
  const entries = new Map<string, SpecCacheEntry>();
  const fingerprints = new Map<string, string | null>();
  const findings = new Map<string, readonly Diagnostic[]>();
  try {
    const parsed = JSON.parse(unsealCacheText(await fsp.readFile(file, 'utf8')) ?? '') as { version?: number; fingerprint?: string; files?: Record<string, [unknown, boolean]>; secrets?: Record<string, unknown>; findings?: Record<string, unknown> };
    if (parsed.version === VERSION && parsed.fingerprint === fingerprint && parsed.files && typeof parsed.files === 'object') {
      for (const [key, e] of Object.entries(parsed.files)) if (Array.isArray(e) && e.length === 2) entries.set(key, { data: plain(e[0]), schemaValid: e[1] === true });
      for (const [key, fp] of Object.entries(parsed.secrets ?? {})) if (typeof fp === 'string' || fp === null) fingerprints.set(key, fp);
      for (const [key, list] of Object.entries(parsed.findings ?? {})) {
        const restored = restoreFindings(list);
        if (restored) findings.set(key, restored);
      }
    }
  } catch {
    // No cache, or a damaged one: parse everything.
  }
  const usedFingerprints = new Map<string, string | null>();
  const memo = {
    has: (k: string): boolean => usedFingerprints.has(k) || fingerprints.has(k),
    get: (k: string): string | null | undefined => {
      const v = usedFingerprints.has(k) ? usedFingerprints.get(k) : fingerprints.get(k);
      if (v !== undefined) usedFingerprints.set(k, v);
      return v;
    },
    set: (k: string, v: string | null): void => void usedFingerprints.set(k, v),
  };
  const usedFindings = new Map<string, readonly Diagnostic[]>();
  const checkMemo: CheckMemo = {
    contentKey: specCacheKey,
    get: (k) => {
      const v = usedFindings.get(k) ?? findings.get(k);
      if (v !== undefined) usedFindings.set(k, v);
      return v;
    },
    put: (k, v) => void usedFindings.set(k, v),
  };
  return { fingerprint, entries, used: new Map(), fingerprints: memo, loadedFingerprints: fingerprints, usedFingerprints, checkMemo, loadedFindings: findings, usedFindings };
}

/** Saves what this run used, when it differs from what was loaded. Failures only cost speed. */
export async function saveSpecCache(file: string, cache: SpecCache): Promise<void> {
  const same = cache.used.size === cache.entries.size && [...cache.used].every(([k, e]) => cache.entries.get(k)?.schemaValid === e.schemaValid);
  const sameFingerprints = cache.usedFingerprints.size === cache.loadedFingerprints.size && [...cache.usedFingerprints.keys()].every((k) => cache.loadedFingerprints.has(k));
  // A key's findings are a function of the key (and the fingerprint): the same keys, the same findings.
  const sameFindings = cache.usedFindings.size === cache.loadedFindings.size && [...cache.usedFindings.keys()].every((k) => cache.loadedFindings.has(k));
  if (same && sameFingerprints && sameFindings) return;
  const body = {
    version: VERSION,
    fingerprint: cache.fingerprint,
    files: Object.fromEntries([...cache.used].map(([k, e]) => [k, [e.data, e.schemaValid]])),
    secrets: Object.fromEntries(cache.usedFingerprints),
    findings: Object.fromEntries([...cache.usedFindings].map(([k, list]) => [k, list.map(storeFinding)])),
  };
  // A failure only costs speed: the next run parses again.
  await replaceCacheFile(file, JSON.stringify(body));
}

/**
 * A spec file whose YAML document (for positions) is parsed on first use: a cached file, or a
 * freshly parsed one whose document synth drops to keep memory flat (1000 documents ≈ 90 MiB).
 * The text may be given as a function, called then: most files never need positions.
 */
export function lazySourceFile(text: string | (() => string), data: unknown, displayPath: string, specPath: string, extra: Pick<SourceFile, 'includes'> & { schemaValid?: boolean } = {}): SourceFile {
  let parsed: { doc: Document.Parsed; lineCounter: LineCounter } | undefined;
  const positions = (): { doc: Document.Parsed; lineCounter: LineCounter } => {
    if (!parsed) {
      const lineCounter = new LineCounter();
      const docs = parseAllDocuments(typeof text === 'string' ? text : text(), { lineCounter, uniqueKeys: true, prettyErrors: false, version: '1.2' });
      const doc = (Array.isArray(docs) ? docs : []).find((d) => d.contents !== null || d.errors.length > 0);
      parsed = { doc: doc as Document.Parsed, lineCounter };
    }
    return parsed;
  };
  return {
    displayPath,
    specPath,
    data,
    ...extra,
    get doc(): Document.Parsed {
      return positions().doc;
    },
    get lineCounter(): LineCounter {
      return positions().lineCounter;
    },
  };
}
