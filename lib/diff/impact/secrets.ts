import { isSecretObject, secretValues, sopsInfo } from '../redact.ts';
import { listSome, type Impact, type ImpactContext } from './impact.ts';

/** `age1ngwfd0dfm…g3dj5`: a recipient is a public key, shortened to stay readable. */
const shortKey = (k: string): string => (k.length > 20 ? `${k.slice(0, 12)}…${k.slice(-5)}` : k);

const keyName = (k: string): string => k.replace(/^(data|stringData)\./, '');

/**
 * Secrets that changed, without their values. SOPS encrypts every value with the file's data
 * key and a MAC over all values; `sops updatekeys` (and orrery's re-encryption to new
 * recipients, lib/sops rewrapSops) re-wraps only the data key, leaving values, MAC and
 * lastmodified byte for byte. So: same ciphertext with other recipients = re-encrypted; other
 * ciphertext = new values (rotated). orrery never decrypts to tell.
 */
export function secretImpacts(ctx: ImpactContext): Impact[] {
  const out: Impact[] = [];
  for (const c of ctx.changes) {
    const isSecret = isSecretObject(c.entry.value) || sopsInfo(c.entry.value) !== undefined;
    if (!isSecret || c.status === 'moved') continue;
    const label = c.entry.label;
    if (c.status === 'added') {
      const keys = [...secretValues(c.entry.value).keys()].map(keyName);
      out.push({ group: c.group, area: 'secrets', severity: 'info', text: `${label}: new${sopsInfo(c.entry.value) ? ', SOPS-encrypted' : ''} (${keys.length} key${keys.length === 1 ? '' : 's'}: ${listSome(keys)}; values not shown)` });
      continue;
    }
    if ((c.status !== 'changed' && c.status !== 'renamed') || !c.previous) continue;
    const before = secretValues(c.previous.value);
    const after = secretValues(c.entry.value);
    const added = [...after.keys()].filter((k) => !before.has(k)).map(keyName);
    const removed = [...before.keys()].filter((k) => !after.has(k)).map(keyName);
    const changed = [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k)).map(keyName);
    const sa = sopsInfo(c.previous.value);
    const sb = sopsInfo(c.entry.value);
    const plus = (sb?.recipients ?? []).filter((r) => !(sa?.recipients ?? []).includes(r));
    const minus = (sa?.recipients ?? []).filter((r) => !(sb?.recipients ?? []).includes(r));
    const parts: string[] = [];
    if (changed.length > 0) parts.push(`rotated: new values for ${listSome(changed)}`);
    if (added.length > 0) parts.push(`keys added: ${listSome(added)}`);
    if (removed.length > 0) parts.push(`keys removed: ${listSome(removed)}`);
    if (plus.length + minus.length > 0) {
      const who = [...plus.map((r) => `+${shortKey(r)}`), ...minus.map((r) => `−${shortKey(r)}`)].join(' ');
      parts.push(changed.length + added.length + removed.length === 0 && sa?.mac === sb?.mac ? `re-encrypted to new recipients (${who}); values and MAC unchanged` : `encrypted to new recipients (${who})`);
    } else if (parts.length === 0 && sa && sb && sa.mac !== sb.mac) {
      parts.push('re-encrypted (new MAC; metadata or values re-sealed)');
    }
    if (parts.length === 0) continue;
    out.push({ group: c.group, area: 'secrets', severity: changed.length + removed.length > 0 ? 'warning' : 'info', text: `${label}: ${parts.join('; ')} (values not shown)` });
  }
  return out;
}
