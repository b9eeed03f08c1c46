import { parseSecretFile, type ParsedSecretFile } from '../sops/sops.ts';

/**
 * Each stored Secret parsed once per synth. The read stage (its MAC and mesh CA checks), the
 * secrets component (what it copies), the check of referenced Secrets and the output's last
 * check (lib/output/verify.ts, on the same bytes copied into dist/) all read the same files;
 * parsing SOPS YAML is most of what they cost (at 1000 clusters, about 0.6 s per pass).
 * The parses are kept with the synth's map of file texts (a WeakMap: they go when it goes), by
 * text, so that a parse is only ever used for the very bytes it was made from.
 */
const parses = new WeakMap<ReadonlyMap<string, string>, Map<string, ParsedSecretFile>>();

/** A map that stands for another (lib/secrets/recorded-secrets.ts): its parses are the other's. */
export const UNDERLYING = Symbol('orrery.underlyingSecrets');

function parsesOf(secrets: ReadonlyMap<string, string>): Map<string, ParsedSecretFile> {
  const base = (secrets as { readonly [UNDERLYING]?: ReadonlyMap<string, string> })[UNDERLYING] ?? secrets;
  let byText = parses.get(base);
  if (!byText) {
    byText = new Map();
    parses.set(base, byText);
  }
  return byText;
}

/** The plain data (values still encrypted) of `secrets.get(file)`, parsed at most once; undefined when there is no such file. */
export function storedSecretFile(secrets: ReadonlyMap<string, string>, file: string): ParsedSecretFile | undefined {
  const text = secrets.get(file);
  if (text === undefined) return undefined;
  const byText = parsesOf(secrets);
  let parsed = byText.get(text);
  if (!parsed) {
    parsed = parseSecretFile(text);
    byText.set(text, parsed);
  }
  return parsed;
}

/** Records a parse made elsewhere (the read stage parses a file to decrypt it), so that nothing parses it again. */
export function rememberSecretFile(secrets: ReadonlyMap<string, string>, file: string, parsed: ParsedSecretFile): void {
  const text = secrets.get(file);
  if (text !== undefined) parsesOf(secrets).set(text, parsed);
}

/** The parse already made of these bytes of a stored Secret, if any (never parses). */
export function knownSecretParse(secrets: ReadonlyMap<string, string>, text: string): ParsedSecretFile | undefined {
  return parsesOf(secrets).get(text);
}
