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
    expect(verifyOutput(new Map(bad.map((p) => [p, '']))).filter((d) => d.rule === 'output/unsafe-path').length).toBe(bad.length);
  });

  it('refuses paths that cannot be checked out on Windows or macOS: device names with any extension, case-only twins, forbidden characters', () => {
    const paths = ['aux/README.md', 'lab/talos/nodes/nul.yaml', 'lab/COM1.txt', 'lab/a:b.yaml', 'lab/trailing.', 'Lab/x.yaml', 'lab/README.md', 'lab/readme.md', 'caf\u00e9/a', 'cafe\u0301/b', 'console/ok.yaml', 'lab/con-x.yaml', 'auxiliary/ok.yaml'];
    const found = verifyOutput(new Map(paths.map((p) => [p, 'x\n']))).filter((d) => d.rule === 'output/unportable-path');
    expect(found.map((d) => `${d.file}: ${d.message}`)).toEqual([
      'aux/README.md: cannot be checked out on Windows or macOS: "aux": "aux" is a reserved device name on Windows (even with an extension); rename what it is named after in the spec',
      'lab/talos/nodes/nul.yaml: cannot be checked out on Windows or macOS: "nul.yaml": "nul" is a reserved device name on Windows (even with an extension); rename what it is named after in the spec',
      'lab/COM1.txt: cannot be checked out on Windows or macOS: "COM1.txt": "COM1" is a reserved device name on Windows (even with an extension); rename what it is named after in the spec',
      'lab/a:b.yaml: cannot be checked out on Windows or macOS: "a:b.yaml": it holds a character Windows does not allow in file names (<>:"\\|?* or a control character); rename what it is named after in the spec',
      'lab/trailing.: cannot be checked out on Windows or macOS: "trailing.": Windows does not allow a file name that ends with a dot or a space; rename what it is named after in the spec',
      'Lab/x.yaml: cannot be checked out on Windows or macOS: Lab differs from lab only in case (or Unicode normalization): one name on macOS and Windows; rename what it is named after in the spec',
      'lab/readme.md: cannot be checked out on Windows or macOS: lab/readme.md differs from lab/README.md only in case (or Unicode normalization): one name on macOS and Windows; rename what it is named after in the spec',
      'cafe\u0301/b: cannot be checked out on Windows or macOS: cafe\u0301 differs from caf\u00e9 only in case (or Unicode normalization): one name on macOS and Windows; rename what it is named after in the spec',
    ]);
  });

  it('reports every path that has the same bad name or sits under the same case twin, each once', () => {
    // unportablePaths folds each directory once: a repeated bad segment or a second file under a
    // clashing directory must still be reported.
    const paths = ['aux/a.yaml', 'aux/b.yaml', 'lab/a/x.yaml', 'lab/a/y.yaml', 'Lab/a/x.yaml', 'Lab/a/z.yaml', 'lab/nul.txt', 'm/nul.txt', 'ok/a.yaml', 'ok/b.yaml'];
    const found = verifyOutput(new Map(paths.map((p) => [p, 'x\n']))).filter((d) => d.rule === 'output/unportable-path');
    expect(found.map((d) => d.file)).toEqual(['aux/a.yaml', 'aux/b.yaml', 'Lab/a/x.yaml', 'Lab/a/z.yaml', 'lab/nul.txt', 'm/nul.txt']);
    expect(found.filter((d) => d.file.startsWith('Lab/')).every((d) => d.message.includes('Lab differs from lab'))).toBe(true);
  });
});
