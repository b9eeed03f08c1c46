/**
 * The last net under every message orrery prints (diagnostics, refusals, internal errors with
 * their stack): private key material is replaced, whatever put it there. Messages are written
 * not to quote secrets in the first place; this catches what slips through (an exception from
 * a library that quotes its input, a value someone pasted into the wrong field).
 */
const AGE_SECRET_KEY = /AGE-SECRET-KEY-1[0-9A-Z]+/gi;
const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;
/** base64 of "-----BEGIN": a PEM block inside a Kubernetes Secret's data. */
const BASE64_PEM = /LS0tLS1CRUdJTi[A-Za-z0-9+/=]+/g;

export function redactSecrets(text: string): string {
  return text
    .replace(AGE_SECRET_KEY, 'AGE-SECRET-KEY-1…(redacted)')
    .replace(PEM_PRIVATE_KEY, (_m, label: string) => `-----BEGIN ${label}PRIVATE KEY----- (redacted)`)
    .replace(BASE64_PEM, (m) => (Buffer.from(m, 'base64').toString('latin1').includes('PRIVATE KEY') ? '(redacted base64 private key)' : m));
}
