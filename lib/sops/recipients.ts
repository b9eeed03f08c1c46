import { Encrypter } from 'age-encryption';

/**
 * Whether a string is an age X25519 recipient, checksum included: age-encryption decodes the
 * bech32 (BIP 173) string and refuses a wrong checksum ("Invalid checksum"), so a mistyped
 * character is caught when the spec is validated, not when `orrery secrets` encrypts.
 */
export function isAgeRecipient(text: string): boolean {
  if (!text.startsWith('age1')) return false;
  try {
    new Encrypter().addRecipient(text);
    return true;
  } catch {
    return false;
  }
}

/** An age secret key pasted where a public key belongs. */
export function looksLikeAgeSecretKey(text: string): boolean {
  return /^AGE-SECRET-KEY-1/i.test(text.trim());
}
