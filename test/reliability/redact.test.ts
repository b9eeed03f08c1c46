import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../lib/diagnostics/redact.ts';
import { renderDiagnostics } from '../../lib/diagnostics/diagnostic.ts';

const PEM = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBL6Ga0kcExampleExampleExample\n-----END EC PRIVATE KEY-----\n';
const AGE = 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX';

describe('redactSecrets: the net under every printed message', () => {
  it('replaces age secret keys, PEM private keys and their base64, and leaves everything else', () => {
    const b64 = Buffer.from(PEM).toString('base64');
    const cert = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
    const text = redactSecrets(`a ${AGE} b\n${PEM}c ${b64} d ${cert} e age1ngwfd0dfm602wsxrmhff7p08zyv0f8ehyflzepetac808hz9r4dscg3dj5`);
    expect(text).toBe(`a AGE-SECRET-KEY-1…(redacted) b\n-----BEGIN EC PRIVATE KEY----- (redacted)\nc (redacted base64 private key) d ${cert} e age1ngwfd0dfm602wsxrmhff7p08zyv0f8ehyflzepetac808hz9r4dscg3dj5`);
  });

  it('is applied to every diagnostic format', () => {
    const d = { severity: 'error' as const, file: 'f.yaml', line: 1, col: 1, pointer: '/x', rule: 'r', message: `value ${JSON.stringify(AGE)}` };
    for (const format of ['text', 'json', 'github'] as const) expect(renderDiagnostics([d], format)).not.toContain(AGE.slice(16));
  });
});
