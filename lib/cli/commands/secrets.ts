import path from 'node:path';
import { hasErrors, type DiagnosticFormat } from '../../diagnostics/diagnostic.ts';
import { redactSecrets } from '../../diagnostics/redact.ts';
import { compileSpecDir, defaultSecretsDir } from '../../pipeline.ts';
import { secretRequirements } from '../../secrets/requirements.ts';
import { generateSecrets, SecretsError } from '../../secrets/generate.ts';
import { readIfExists, readSecretFiles, recoverSecretsDir, secretFilesFor, SOPS_CONFIG_HEADER, sopsConfig, writeAtomically, writeSecretFiles } from '../../secrets/store.ts';
import { loadAgeIdentities } from '../../sops/keys.ts';
import { SopsError } from '../../sops/sops.ts';
import { toDisplayPath } from '../../read/read-spec.ts';
import { OutputError } from '../../output/fs-error.ts';
import { withLock } from '../../output/writer-lock.ts';
import { report, SPEC_OPTIONS, type Command, type CommandInput } from '../command.ts';

async function runSecrets({ values: raw, io }: CommandInput): Promise<number> {
  const values = raw as { spec: string; secrets?: string; rotate?: string[]; format: string };
  const format = values.format as DiagnosticFormat;
  const specDir = path.resolve(values.spec);
  const result = await compileSpecDir(specDir, { build: false });
  report(io, result.diagnostics, format);
  if (hasErrors(result.diagnostics)) {
    io.err(`orrery secrets: the spec has errors; nothing was generated\n`);
    return 1;
  }
  const model = result.model!;
  const secretsDir = values.secrets ? path.resolve(values.secrets) : defaultSecretsDir(specDir);
  const requirements = secretRequirements(model);
  const shown = toDisplayPath(secretsDir);
  const show = (file: string): string => toDisplayPath(path.join(secretsDir, file));
  try {
    // One run at a time on a secrets directory; an interrupted one is finished first.
    return await withLock(`${secretsDir}.orrery-lock`, { command: 'orrery secrets', onWait: (h) => io.err(`orrery secrets: waiting for ${h}\n`) }, async () => {
      if (await recoverSecretsDir(secretsDir, [...new Set(requirements.map((r) => r.cluster))])) io.err(`orrery secrets: finished the interrupted run in ${shown}\n`);
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
        rotate: values.rotate ?? [],
        identities: () => loadAgeIdentities(),
        now: new Date(),
        show,
      });
      // All or nothing: a mesh CA rotated for every member, or for none.
      await writeSecretFiles(secretsDir, outcome.files);
      if (requirements.length > 0) {
        // sops looks for .sops.yaml from the working directory upwards: put it beside secrets/ (the
        // repository root, usually), unless a .sops.yaml of the user's own is there.
        const configFile = path.join(path.dirname(secretsDir), '.sops.yaml');
        const current = await readIfExists(configFile);
        const config = sopsConfig(model, requirements, path.basename(secretsDir));
        if (current === undefined || current.startsWith(SOPS_CONFIG_HEADER)) {
          if (current !== config) await writeAtomically(configFile, config);
        } else {
          io.err(`orrery secrets: ${toDisplayPath(configFile)} is not orrery's; add these creation rules to it:\n${config}`);
        }
      }
      for (const id of outcome.generated) io.err(`  generated ${id}\n`);
      for (const id of outcome.rotated) io.err(`  rotated   ${id}\n`);
      for (const id of outcome.rewrapped) io.err(`  re-encrypted to the new recipients: ${id}\n`);
      io.err(`orrery secrets: ${outcome.generated.length} generated, ${outcome.rotated.length} rotated, ${outcome.kept.length} kept in ${shown}\n`);
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

export const secretsCommand: Command = {
  name: 'secrets',
  summary: 'generate the secrets the spec needs, SOPS-encrypted, into secrets/ (once)',
  help: `Usage: orrery secrets [options]

Generates every secret the spec needs and does not have yet — Talos secrets bundles, the
ClusterMesh CA shared by each mesh group, Linkerd trust anchors and issuers — encrypted with
SOPS (age) to sops.ageRecipients, into the secrets directory; writes its .sops.yaml. Existing
secrets are never touched unless rotated. Decryption keys (needed only to reuse existing
material: a new mesh member, a new Linkerd issuer) come from SOPS_AGE_KEY, SOPS_AGE_KEY_FILE or
~/.config/sops/age/keys.txt.

Options:
  --spec DIR        spec directory (default: clusters)
  --secrets DIR     secrets directory (default: secrets/ beside the spec directory)
  --rotate ID       regenerate a secret: <cluster>/<name>, or <name> for every cluster (repeatable)
  --format FORMAT   diagnostics as text, json or github (default: text)
  -h, --help        show this help`,
  options: { ...SPEC_OPTIONS, rotate: { type: 'string', multiple: true } },
  run: runSecrets,
};
