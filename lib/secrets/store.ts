import { lstatSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Model } from '../model/model.ts';
import { toYaml } from '../output/yaml.ts';
import { entryKind, readBounded } from '../read/bounded-read.ts';
import { toDisplayPath } from '../read/read-spec.ts';
import { KUBERNETES_SECRET_REGEX } from '../sops/sops.ts';
import { trustAnchorCertFile, type SecretRequirement } from './requirements.ts';

export { writeAtomically, writeSecretFiles, recoverSecretsDir, pendingSecretsTransaction, SECRETS_JOURNAL } from './store-transaction.ts';

/** A stored secret is a few KiB (the Talos bundle ~20 KiB encrypted): anything bigger is not one. */
export const MAX_SECRET_FILE_BYTES = 1024 * 1024;

/** The files of the secrets directory the requirements need (each generated file, and the public certificates beside them). */
export function secretFilesFor(requirements: readonly SecretRequirement[]): string[] {
  const files = new Set<string>();
  for (const r of requirements) {
    files.add(r.file);
    if (r.name === 'linkerd-trust-anchor') files.add(trustAnchorCertFile(r.cluster));
  }
  return [...files];
}

export interface SecretFiles {
  /** Relative path → text, for the files that exist. */
  readonly files: ReadonlyMap<string, string>;
  readonly diagnostics: Diagnostic[];
}

/**
 * Reads only the named files of the secrets directory, each bounded: a stray 600 MB file in
 * secrets/ is never opened, and one in the place of a secret is refused by its size. A link out
 * of the directory, a FIFO or a directory where a secret belongs, and an unreadable file are
 * errors naming the file. A missing file is simply absent (the caller knows what it needs).
 */
/** Whether something is at the path (a failure other than "not there" counts as there: reading it then says why). */
function existsAsEntry(full: string): boolean {
  try {
    return lstatSync(full, { throwIfNoEntry: false }) !== undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

export async function readSecretFiles(dir: string, wanted: readonly string[], cwd: string = process.cwd()): Promise<SecretFiles> {
  const files = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const fail = (rel: string, rule: string, message: string): void => {
    diagnostics.push({ severity: 'error', file: toDisplayPath(path.join(dir, rel), cwd), line: 1, col: 1, pointer: '', rule, message });
  };
  const root = path.resolve(dir);
  await Promise.all(
    wanted.map(async (rel) => {
      const full = path.join(dir, rel);
      const exists = existsAsEntry(full);
      if (!exists) return;
      const kind = await entryKind(full, root);
      if (kind.problem) return fail(rel, kind.rule.replace(/^spec\//, 'secrets/'), kind.problem.replace('named like a spec file but it', 'it'));
      const read = await readBounded(full, MAX_SECRET_FILE_BYTES);
      if ('tooLarge' in read) return fail(rel, 'secrets/too-large', `it is ${read.tooLarge} bytes, more than the ${MAX_SECRET_FILE_BYTES} a stored secret can be; it is not one of orrery's files — move it away and run npx orrery secrets`);
      if ('error' in read) return fail(rel, 'secrets/unreadable', `cannot read the stored secret: ${read.error}`);
      files.set(rel, read.bytes.toString('utf8'));
    }),
  );
  return { files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), diagnostics };
}

/**
 * The operator's own Secrets beside orrery's: `<cluster>/secret-<namespace>-<name>.yaml` names
 * present in each cluster's directory (a listing only; the files are then read bounded like the
 * rest). Components name the Secrets they expect there (lib/secrets/operator-secrets.ts).
 */
export async function operatorSecretFiles(dir: string, clusters: readonly string[]): Promise<string[]> {
  const found = await Promise.all(
    clusters.map(async (c) => {
      const entries = await readdir(path.join(dir, c), { withFileTypes: true }).catch(() => []);
      return entries.filter((e) => e.isFile() && /^secret-[^/]+\.yaml$/.test(e.name)).map((e) => `${c}/${e.name}`);
    }),
  );
  return found.flat().sort();
}

/** Every file of a secrets directory (relative `/` paths → text), each bounded. For tests and tools; synth reads only what it needs. */
export async function readSecretsDir(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const visit = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await visit(r);
      else if (e.isFile()) {
        const read = await readBounded(path.join(dir, r), MAX_SECRET_FILE_BYTES);
        if ('bytes' in read) out.set(r, read.bytes.toString('utf8'));
      }
    }
  };
  await visit('');
  return out;
}

/** Reads a small text file beside the secrets (the user's .sops.yaml); undefined when absent. */
export async function readIfExists(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `.sops.yaml` for the secrets directory, so people can edit the files with the sops CLI:
 * per cluster, whole-file encryption for the Talos bundle, data/stringData for Kubernetes Secrets.
 */
export function sopsConfig(model: Model, requirements: readonly SecretRequirement[], secretsDirName: string): string {
  const age = model.constellation.sopsRecipients.join(',');
  const dir = escapeRegex(secretsDirName);
  const rules: Record<string, string>[] = [];
  for (const c of model.clusters) {
    const own = requirements.filter((r) => r.cluster === c.name);
    if (own.length === 0) continue;
    for (const r of own.filter((x) => !x.kubernetes)) rules.push({ path_regex: `(^|/)${dir}/${escapeRegex(r.file)}$`, age });
    rules.push({ path_regex: `(^|/)${dir}/${escapeRegex(c.name)}/[^/]+\\.yaml$`, encrypted_regex: KUBERNETES_SECRET_REGEX, age });
  }
  return `${SOPS_CONFIG_HEADER} ${model.constellation.source}. Do not edit: change the spec and run npx orrery secrets.\n${toYaml({ creation_rules: rules })}`;
}

/** First words of the .sops.yaml orrery writes: one without them is the user's, never overwritten. */
export const SOPS_CONFIG_HEADER = '# Generated by orrery from';
