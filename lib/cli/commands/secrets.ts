import { SPEC_OPTIONS, type Command } from '../command.ts';
import type { RotationGuard } from './secrets-run.ts';

export type { RotationGuard } from './secrets-run.ts';

// orrery secrets' help and options; what it does is in secrets-run.ts, imported when it runs.
/** The secrets command with the rotation guards of the state the runner keeps. */
export function secretsCommandWith(guards: readonly RotationGuard[]): Command {
  return {
    name: 'secrets',
    summary: 'generate the secrets the spec needs, SOPS-encrypted, into secrets/ (once); add your own',
    help: `Usage: orrery secrets [options]

Generates every secret the spec needs and does not have yet — Talos secrets bundles, the
ClusterMesh CA shared by each mesh group, Linkerd trust anchors and issuers — encrypted with
SOPS (age) to sops.ageRecipients, into the secrets directory; writes its .sops.yaml. Existing
secrets are never touched unless rotated. Decryption keys (needed only to reuse existing
material: a new mesh member, a new Linkerd issuer) come from SOPS_AGE_KEY, SOPS_AGE_KEY_FILE or
~/.config/sops/age/keys.txt.

With --add, stores one Secret that you supply (provider credentials, BGP passwords, your apps'
Secrets) as secrets/<cluster>/secret-<namespace>-<name>.yaml, encrypted; synth delivers it with
the cluster's Secrets. The values come from standard input, never from the command line:
  npx orrery secrets --add lab/external-dns/external-dns --key api-token < token.txt
  printf 'access-key-id=%s\\nsecret-access-key=%s\\n' "$ID" "$KEY" | npx orrery secrets --add lab/external-dns/external-dns

Options:
  --spec DIR        spec directory (default: clusters)
  --secrets DIR     secrets directory (default: secrets/ beside the spec directory)
  --rotate ID       regenerate a secret: <cluster>/<name>, or <name> for every cluster (repeatable);
                    talos-secrets also needs --yes (it replaces a cluster's whole PKI)
  --add ID          store a Secret you supply: <cluster>/<namespace>/<name> (or <name> when the
                    output reads one Secret of that name); values on stdin
  --key KEY         with --add: stdin is the value of KEY (otherwise KEY=VALUE lines)
  --yes             confirm: rotate talos-secrets, or replace an existing Secret with --add
  --format FORMAT   diagnostics as text, json or github (default: text)
  -h, --help        show this help`,
    options: { ...SPEC_OPTIONS, rotate: { type: 'string', multiple: true }, add: { type: 'string' }, key: { type: 'string' }, yes: { type: 'boolean', default: false } },
    run: async (input) => (await import('./secrets-run.ts')).runSecrets(input, guards),
  };
}

export const secretsCommand: Command = secretsCommandWith([]);
