import { describe, expect, it } from 'vitest';
import { ExtendedKeyUsage, KeyUsage, loadX509 } from '../../lib/secrets/pki.ts';

describe('pki constants', () => {
  // lib/secrets/pki.ts names the flags without loading @peculiar/x509 (start-up); they must be the library's.
  it('KeyUsage and ExtendedKeyUsage are the values @peculiar/x509 uses', async () => {
    const x509 = await loadX509();
    for (const [name, value] of Object.entries(KeyUsage)) expect([name, value]).toEqual([name, x509.KeyUsageFlags[name as keyof typeof x509.KeyUsageFlags]]);
    for (const [name, value] of Object.entries(ExtendedKeyUsage)) expect([name, value]).toEqual([name, x509.ExtendedKeyUsage[name as keyof typeof x509.ExtendedKeyUsage]]);
  });

  it('loads the library once', async () => {
    expect(await loadX509()).toBe(await loadX509());
  });
});
