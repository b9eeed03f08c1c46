import path from 'node:path';
import { hasErrors, type DiagnosticFormat } from '../../diagnostics/diagnostic.ts';
import { redactSecrets } from '../../diagnostics/redact.ts';
import { buildModel, compileSpecDir, defaultSecretsDir } from '../../pipeline.ts';
import type { Model } from '../../model/model.ts';
import { secretRequirements } from '../../secrets/requirements.ts';
import { generateSecrets, SecretsError } from '../../secrets/generate.ts';
import { MAX_SECRET_FILE_BYTES, readIfExists, readSecretFiles, recoverSecretsDir, secretFilesFor, SOPS_CONFIG_HEADER, sopsConfig, writeAtomically, writeSecretFiles } from '../../secrets/store.ts';
import { encryptOperatorSecret, parseSecretValues, resolveSecretTarget } from '../../secrets/add-secret.ts';
import { loadAgeIdentities } from '../../sops/keys.ts';
import { SopsError } from '../../sops/sops.ts';
import { toDisplayPath } from '../../read/read-spec.ts';
import { NOT_COMPILED_YET } from '../../spec/pending.ts';
import { OutputError } from '../../output/fs-error.ts';
import { withLock } from '../../output/writer-lock.ts';
import { report, type CommandInput, type Io } from '../command.ts';

interface SecretsValues {
  readonly spec: string;
  readonly secrets?: string;
  readonly rotate?: string[];
  readonly add?: string;
  readonly key?: string;
  readonly yes?: boolean;
  readonly format: string;
}

/**
 * A check that may refuse to rotate a cluster's secret (why, or undefined to allow). The runner
 * keeps each cluster's state (issue 10): its guard refuses `--rotate talos-secrets` while the
 * cluster is marked as up. Guards are passed to `secretsCommandWith`; none are built in yet.
 */
export type RotationGuard = (rotation: { readonly cluster: string; readonly secret: string }) => Promise<string | undefined>;

const isTalosBundle = (id: string): boolean => id === 'talos-secrets' || id.endsWith('/talos-secrets');

/**
 * What replacing a Talos secrets bundle means (siderolabs/talos docs "CA Rotation": `talosctl
 * rotate-ca` rotates the Talos API and Kubernetes API CAs of a running cluster; the etcd CA, the
 * cluster id and secret, and the tokens it does not rotate, so a new bundle is a new cluster).
 */
const TALOS_ROTATION = `The Talos secrets bundle is the root of a cluster's PKI and identity: the etcd, Kubernetes and Talos API CAs,
the service-account key, the cluster id and secret, the bootstrap and trustd tokens. A running cluster cannot
take a new one: Talos rotates only the Talos API and Kubernetes API CAs in place (talosctl rotate-ca), never
the etcd CA or the cluster identity. Rotate the bundle only for a cluster you are about to install (again):`;

const TALOS_NEXT = (clusters: readonly string[]): string => `Next, for ${clusters.join(', ')}: the old bundle is in git history until you are done. Regenerate the machine configs with the new
bundle (the talosctl gen config command in dist/<cluster>/talos/README.md), then reinstall every node
(talosctl reset, then apply-config --insecure, then bootstrap once): nodes still running the old bundle will not
join it. To rotate only the API CAs of a running cluster, restore the old bundle and use talosctl rotate-ca.`;

/** `orrery secrets` (lib/cli/commands/secrets.ts), with the rotation guards it was given. */
export async function runSecrets({ values: raw, io }: CommandInput, guards: readonly RotationGuard[]): Promise<number> {
  const values = raw as unknown as SecretsValues;
  const format = values.format as DiagnosticFormat;
  const rotate = values.rotate ?? [];
  if (values.key !== undefined && values.add === undefined) return fail(io, '--key names the key of the value --add reads from stdin; use it with --add');
  if (values.add !== undefined && rotate.length > 0) return fail(io, '--add and --rotate are separate runs; run one, then the other');
  const talos = rotate.filter(isTalosBundle);
  if (talos.length > 0 && values.yes !== true) {
    io.err(`orrery secrets: --rotate ${talos.join(' ')} replaces the cluster's whole PKI, so it needs --yes.\n\n${TALOS_ROTATION}\n  npx orrery secrets --rotate ${talos[0]} --yes\nNothing was written.\n`);
    return 1;
  }
  const specDir = path.resolve(values.spec);
  const result = await compileSpecDir(specDir, { build: false });
  // Keys not compiled yet are synth's business, not this command's.
  report(io, result.diagnostics.filter((d) => d.rule !== NOT_COMPILED_YET), format);
  if (hasErrors(result.diagnostics)) {
    io.err(`orrery secrets: the spec has errors; nothing was generated\n`);
    return 1;
  }
  const model = result.model!;
  const secretsDir = values.secrets ? path.resolve(values.secrets) : defaultSecretsDir(specDir);
  const requirements = secretRequirements(model);
  const shown = toDisplayPath(secretsDir);
  const show = (file: string): string => toDisplayPath(path.join(secretsDir, file));
  for (const id of talos) {
    for (const r of requirements.filter((x) => x.name === 'talos-secrets' && (x.id === id || id === 'talos-secrets'))) {
      for (const guard of guards) {
        const why = await guard({ cluster: r.cluster, secret: r.name });
        if (why) return fail(io, `refusing to rotate ${r.id}: ${why}`);
      }
    }
  }
  try {
    // One run at a time on a secrets directory; an interrupted one is finished first.
    return await withLock(`${secretsDir}.orrery-lock`, { command: 'orrery secrets', onWait: (h) => io.err(`orrery secrets: waiting for ${h}\n`) }, async () => {
      if (await recoverSecretsDir(secretsDir, [...new Set(requirements.map((r) => r.cluster))])) io.err(`orrery secrets: finished the interrupted run in ${shown}\n`);
      if (values.add !== undefined) return addSecret({ io, model, secretsDir, show, id: values.add, ...(values.key !== undefined ? { key: values.key } : {}), replace: values.yes === true });
      const stored = await readSecretFiles(secretsDir, secretFilesFor(requirements));
      if (hasErrors(stored.diagnostics)) {
        report(io, stored.diagnostics, format);
        io.err(`orrery secrets: cannot read ${shown}; nothing was written\n`);
        return 1;
      }
      const outcome = await generateSecrets({
        model,
        requirements,
        existing: stored.files,
        rotate,
        identities: () => loadAgeIdentities(),
        now: new Date(),
        show,
      });
      // All or nothing: a mesh CA rotated for every member, or for none.
      await writeSecretFiles(secretsDir, outcome.files);
      if (requirements.length > 0) await writeSopsConfig(io, model, requirements, secretsDir);
      for (const id of outcome.generated) io.err(`  generated ${id}\n`);
      for (const id of outcome.rotated) io.err(`  rotated   ${id}\n`);
      for (const id of outcome.rewrapped) io.err(`  re-encrypted to the new recipients: ${id}\n`);
      io.err(`orrery secrets: ${outcome.generated.length} generated, ${outcome.rotated.length} rotated, ${outcome.kept.length} kept in ${shown}\n`);
      const rotatedBundles = outcome.rotated.filter(isTalosBundle);
      if (rotatedBundles.length > 0) io.err(`${TALOS_NEXT(rotatedBundles.map((id) => id.split('/')[0]!))}\n`);
      return 0;
    });
  } catch (err) {
    if (err instanceof SecretsError || err instanceof SopsError || err instanceof OutputError) {
      io.err(`orrery secrets: ${redactSecrets(err.message)}; nothing was written\n`);
      return 1;
    }
    throw err;
  }
}

function fail(io: Io, message: string): number {
  io.err(`orrery secrets: ${message}; nothing was written\n`);
  return 1;
}

/** sops looks for .sops.yaml from the working directory upwards: beside secrets/, unless one of the user's own is there. */
async function writeSopsConfig(io: Io, model: Model, requirements: ReturnType<typeof secretRequirements>, secretsDir: string): Promise<void> {
  const configFile = path.join(path.dirname(secretsDir), '.sops.yaml');
  const current = await readIfExists(configFile);
  const config = sopsConfig(model, requirements, path.basename(secretsDir));
  if (current === undefined || current.startsWith(SOPS_CONFIG_HEADER)) {
    if (current !== config) await writeAtomically(configFile, config);
  } else {
    io.err(`orrery secrets: ${toDisplayPath(configFile)} is not orrery's; add these creation rules to it:\n${config}`);
  }
}

/**
 * `--add`: one operator Secret, its values read from stdin (never from the command line, where
 * they would sit in the shell's history and in `ps`), encrypted in memory and written SOPS-encrypted.
 */
async function addSecret(options: { io: Io; model: Model; secretsDir: string; show: (f: string) => string; id: string; key?: string; replace: boolean }): Promise<number> {
  const { io, model } = options;
  // The Secrets the output reads, as the build declares them (built in memory, nothing written).
  const declared = buildModel(model, [], {}).referencedSecrets ?? [];
  const target = resolveSecretTarget(options.id, model, declared);
  if (!io.input) return fail(io, 'no standard input to read the values from');
  let stdin;
  try {
    stdin = await io.input(MAX_SECRET_FILE_BYTES);
  } catch (err) {
    if (err instanceof RangeError) return fail(io, err.message);
    throw err;
  }
  if (stdin.tty) {
    const keys = target.keys.length > 0 ? target.keys : ['KEY'];
    return fail(io, `pipe the value${keys.length > 1 ? 's' : ''} on standard input, never as an argument: ${keys.length === 1 ? `npx orrery secrets --add ${options.id} --key ${keys[0]} < file` : `printf '%s\\n' ${keys.map((k) => `'${k}=…'`).join(' ')} | npx orrery secrets --add ${options.id}`}`);
  }
  const values = parseSecretValues(stdin.data.toString('utf8'), options.key ?? (target.keys.length === 1 ? target.keys[0] : undefined));
  const { file, content } = await encryptOperatorSecret({ model, target, values, now: new Date() });
  const existing = await readSecretFiles(options.secretsDir, [file]);
  if (hasErrors(existing.diagnostics)) return fail(io, existing.diagnostics.map((d) => `${d.file}: ${d.message}`).join('; '));
  if (existing.files.has(file) && !options.replace) return fail(io, `${options.show(file)} exists; pass --yes to replace it (or edit it with sops ${options.show(file)})`);
  await writeSecretFiles(options.secretsDir, new Map([[file, content]]));
  const keys = [...values.keys()].sort().join(', ');
  io.err(`orrery secrets: ${existing.files.has(file) ? 'replaced' : 'added'} ${options.show(file)}: Secret ${target.namespace}/${target.name} (key${values.size === 1 ? '' : 's'} ${keys}${target.consumers.length > 0 ? `, read by ${target.consumers.join(' and ')}` : ''}), encrypted to ${model.constellation.sopsRecipients.length} age recipient(s); commit it, then npx orrery synth delivers it\n`);
  return 0;
}
