import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hasErrors } from '../../diagnostics/diagnostic.ts';
import { STARTER_GITIGNORE, starterCluster, starterConstellation, type StarterOptions } from '../../init/starter.ts';
import { checkFiles } from '../../pipeline.ts';
import { parseSpecText, toDisplayPath } from '../../read/read-spec.ts';
import { secretRequirements } from '../../secrets/requirements.ts';
import { sopsConfig } from '../../secrets/store.ts';
import { createAgeKeyFile, defaultKeyFile, loadAgeIdentities, recipientOf } from '../../sops/keys.ts';
import { SPEC_SCHEMA_PATH } from '../../spec/schema-file.ts';
import type { CommandInput } from '../command.ts';

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** The path the schema has in a fleet repository that installed orrery (its package name is orrery). */
const INSTALLED_SCHEMA = '../node_modules/orrery/schemas/orrery.schema.json';

const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

/** A fleet name from the directory's name, when that is a DNS label. */
function fleetName(dir: string): string {
  const base = path.basename(path.resolve(dir)).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return NAME.test(base) ? base : 'fleet';
}

/**
 * The `$schema` line's path from the spec directory: orrery's own schema file when it is inside
 * the new repository (installed in its node_modules, or orrery's own checkout), else where
 * `npm install` will put it.
 */
function schemaPath(specDir: string): string {
  const rel = path.relative(specDir, SPEC_SCHEMA_PATH);
  return rel.startsWith(`..${path.sep}..${path.sep}`) || path.isAbsolute(rel) ? INSTALLED_SCHEMA : rel.split(path.sep).join('/');
}

/** `orrery init` (lib/cli/commands/init.ts). */
export async function runInit({ values, positionals, io }: CommandInput): Promise<number> {
  if (positionals.length > 1) {
    io.err(`orrery init: one directory, not ${positionals.length}: orrery init DIR\n`);
    return 1;
  }
  const dir = path.resolve(positionals[0] ?? '.');
  const shown = toDisplayPath(dir) || '.';
  const fleet = typeof values.fleet === 'string' ? values.fleet : fleetName(dir);
  const cluster = String(values.cluster);
  for (const [flag, name] of [['--fleet', fleet], ['--cluster', cluster]] as const) {
    if (!NAME.test(name)) {
      io.err(`orrery init: ${flag} ${JSON.stringify(name)} is not a DNS label (lower-case letters, digits and '-', e.g. homelab)\n`);
      return 1;
    }
  }
  const specDir = path.join(dir, 'clusters');
  const present = (await readdir(specDir).catch(() => [] as string[])).filter((f) => /\.ya?ml$/i.test(f));
  const taken = [...present.map((f) => path.join(specDir, f)), ...(await Promise.all([path.join(dir, '.sops.yaml')].map(async (f) => ((await exists(f)) ? [f] : [])))).flat()];
  if (taken.length > 0) {
    io.err(`orrery init: ${taken.map((f) => toDisplayPath(f)).join(', ')} already exist${taken.length === 1 ? 's' : ''}; init starts a new fleet and overwrites nothing (edit the spec instead)\n`);
    return 1;
  }

  // The age key: an existing one (where sops looks), or a new one in sops's default file.
  const ids = await loadAgeIdentities();
  let recipient: string;
  let keyNote: string;
  if (ids.identities.length > 0) {
    recipient = await recipientOf(ids.identities[0]!);
    keyNote = `using your age key from ${ids.sources[0]} (public key ${recipient})`;
  } else {
    const keyFile = defaultKeyFile();
    recipient = await createAgeKeyFile(keyFile);
    keyNote = `created an age key in ${keyFile.replace(os.homedir(), '~')} (mode 0600; public key ${recipient}). Back it up, e.g. in your password manager: without it nobody can decrypt this fleet's secrets`;
  }

  const starter: StarterOptions = { schema: schemaPath(specDir), fleet, cluster, recipient };
  const files: [string, string][] = [
    [path.join(specDir, 'constellation.yaml'), starterConstellation(starter)],
    [path.join(specDir, `${cluster}.yaml`), starterCluster(starter)],
  ];
  // The .sops.yaml orrery secrets keeps up to date, from the starter's own model (a bug if it does not compile).
  const parsed = files.map(([f, text]) => parseSpecText(text, toDisplayPath(f), `clusters/${path.basename(f)}`).files[0]!);
  const checked = checkFiles(parsed, 'clusters');
  if (!checked.model || hasErrors(checked.diagnostics)) throw new Error(`the starter spec does not compile: ${checked.diagnostics.map((d) => d.message).join('; ')}`);
  files.push([path.join(dir, '.sops.yaml'), sopsConfig(checked.model, secretRequirements(checked.model), 'secrets')]);
  const gitignore = path.join(dir, '.gitignore');
  const keepGitignore = await exists(gitignore);
  if (!keepGitignore) files.push([gitignore, STARTER_GITIGNORE]);

  await mkdir(specDir, { recursive: true });
  // Exclusive creates: a file that appeared since the check is never overwritten.
  for (const [file, text] of files) await writeFile(file, text, { flag: 'wx' });
  io.err(`orrery init: wrote ${files.map(([f]) => toDisplayPath(f)).join(', ')}\n`);
  io.err(`orrery init: ${keyNote}\n`);
  if (keepGitignore) io.err(`orrery init: ${toDisplayPath(gitignore)} exists and was left as it is; make sure it keeps these out of git:\n${STARTER_GITIGNORE.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => `  ${l}`).join('\n')}\n`);
  if (starter.schema === INSTALLED_SCHEMA && !(await exists(path.join(dir, 'node_modules', 'orrery')))) {
    io.err(`orrery init: the spec's $schema line points at ${INSTALLED_SCHEMA}: install orrery in ${shown} (npm install --save-dev <orrery tarball or git URL>; not "npm install orrery", which is another package)\n`);
  }
  io.err(
    `next:\n  1. edit ${toDisplayPath(files[1]![0])} for your machines (every key: the spec reference; your editor completes them)\n` +
      `  2. npx orrery secrets   (the Talos secrets bundle, encrypted to your key; commit secrets/)\n` +
      `  3. npx orrery synth     (writes dist/; commit it, then bootstrap with dist/${cluster}/talos/README.md)\n`,
  );
  return 0;
}
