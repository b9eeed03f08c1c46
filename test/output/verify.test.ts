import { describe, expect, it } from 'vitest';
import { verifyOutput } from '../../lib/output/verify.ts';

describe('verifyOutput', () => {
  it('refuses plaintext private keys, age secret keys and unencrypted Secrets', () => {
    const files = new Map([
      ['a/key.yaml', 'k: |\n  -----BEGIN EC PRIVATE KEY-----\n  MHcC\n'],
      ['a/age.txt', 'AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n'],
      ['a/secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\nstringData:\n  p: hunter2\n'],
      ['a/sops.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  p: ENC[AES256_GCM,data:YQ==,iv:YQ==,tag:YQ==,type:str]\n  empty: ""\nsops:\n  mac: ENC[AES256_GCM,data:YQ==,iv:YQ==,tag:YQ==,type:str]\n'],
      ['a/fine.yaml', 'kind: ConfigMap\n'],
      // A sops block does not make a plaintext value safe (one value swapped for plaintext).
      ['a/half.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  a: ENC[AES256_GCM,data:YQ==,iv:YQ==,tag:YQ==,type:str]\n  ca.key: LS0tLS1CRUdJTiBFQyBQUklWQVRF\nsops:\n  mac: ENC[AES256_GCM,data:YQ==,iv:YQ==,tag:YQ==,type:str]\n'],
    ]);
    expect(verifyOutput(files).map((d) => `${d.file} ${d.rule}`)).toEqual([
      'a/key.yaml output/plaintext-secret',
      'a/age.txt output/plaintext-secret',
      'a/secret.yaml output/plaintext-secret',
      'a/half.yaml output/plaintext-secret',
    ]);
    expect(verifyOutput(new Map([['h.yaml', files.get('a/half.yaml')!]]))[0]!.message).toContain('/data/ca.key is not encrypted');
  });

  it('refuses paths that leave the output directory', () => {
    const bad = ['../x', '/abs', 'a/../../b', 'a//b', './a'];
    expect(verifyOutput(new Map(bad.map((p) => [p, '']))).length).toBe(bad.length);
  });
});
