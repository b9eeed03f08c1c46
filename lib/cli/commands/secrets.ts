import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { hasErrors, type DiagnosticFormat } from '../../diagnostics/diagnostic.ts';
import { compileSpecDir, defaultSecretsDir } from '../../pipeline.ts';
import { secretRequirements } from '../../secrets/requirements.ts';
import { generateSecrets, SecretsError } from '../../secrets/generate.ts';
import { readSecretsDir, SOPS_CONFIG_HEADER, sopsConfig, writeAtomically } from '../../secrets/store.ts';
import { loadAgeIdentities } from '../../sops/keys.ts';
import { SopsError } from '../../sops/sops.ts';
import { toDisplayPath } from '../../read/read-spec.ts';
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
  try {
    const outcome = await generateSecrets({
      model,
      requirements,
      existing: await readSecretsDir(secretsDir),
      rotate: values.rotate ?? [],
      identities: () => loadAgeIdentities(),
      now: new Date(),
    });
    for (const [rel, content] of outcome.files) await writeAtomically(path.join(secretsDir, rel), content);
    if (requirements.length > 0) {
      // sops looks for .sops.yaml from the working directory upwards: put it beside secrets/ (the
      // repository root, usually), unless a .sops.yaml of the user's own is there.
      const configFile = path.join(path.dirname(secretsDir), '.sops.yaml');
      const current = await readFile(configFile, 'utf8').catch(() => undefined);
      const config = sopsConfig(model, requirements, path.basename(secretsDir));
      if (current === undefined || current.startsWith(SOPS_CONFIG_HEADER)) {
        if (current !== config) await writeAtomically(configFile, config);
      } else {
        io.err(`orrery secrets: ${toDisplayPath(configFile)} is not orrery's; add these creation rules to it:\n${config}`);
      }
    }
    const shown = toDisplayPath(secretsDir);
    for (const id of outcome.generated) io.err(`  generated ${id}\n`);
    for (const id of outcome.rotated) io.err(`  rotated   ${id}\n`);
    for (const id of outcome.rewrapped) io.err(`  re-encrypted to the new recipients: ${id}\n`);
    io.err(`orrery secrets: ${outcome.generated.length} generated, ${outcome.rotated.length} rotated, ${outcome.kept.length} kept in ${shown}\n`);
    return 0;
  } catch (err) {
    if (err instanceof SecretsError || err instanceof SopsError) {
      io.err(`orrery secrets: ${err.message}; nothing was written\n`);
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
