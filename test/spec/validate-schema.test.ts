import { describe, expect, it } from 'vitest';
import { parseSpecText } from '../../lib/read/read-spec.ts';
import { validateSchema } from '../../lib/spec/validate-schema.ts';
import { formatDiagnostic } from '../../lib/diagnostics/diagnostic.ts';

function errorsOf(text: string): string[] {
  const { files, diagnostics } = parseSpecText(text, 'clusters/lab.yaml', 'clusters/lab.yaml');
  expect(diagnostics).toEqual([]);
  return validateSchema(files[0]!).map(formatDiagnostic);
}

const cluster = (extra: string): string => `apiVersion: orrery.dev/v1alpha1
kind: Cluster
name: lab
role: standalone
provisioning: {method: talosctl}
endpoint: {mode: dns, host: k8s.example.com}
network: {podCidr: 10.244.0.0/16, serviceCidr: 10.96.0.0/12}
${extra}`;

describe('validateSchema', () => {
  it('GIVEN a valid minimal cluster THEN there is no error', () => {
    expect(errorsOf(cluster(''))).toEqual([]);
  });

  it('GIVEN several mistakes THEN all of them are reported at once, each with file:line:col and pointer', () => {
    const errors = errorsOf(cluster('nodes:\n  - {name: a, role: controlplane, addresses: [10.0.0.300/24]}\n  - {name: B, role: master}\n'));
    expect(errors).toEqual([
      'clusters/lab.yaml:9:47 error /nodes/0/addresses/0: "10.0.0.300/24" is not an address with its prefix length (e.g. 192.168.1.10/24)',
      'clusters/lab.yaml:10:12 error /nodes/1/name: "B" is not valid here: use a DNS label such as "ganymede" or "talos-cp-1"',
      'clusters/lab.yaml:10:21 error /nodes/1/role: "master" is not one of controlplane, worker; did you mean "worker"?',
    ]);
  });

  it('GIVEN an unknown key THEN the closest known key is suggested and the key itself is located', () => {
    expect(errorsOf(cluster('kubernets: {version: 1.36.2}\n'))).toEqual([
      'clusters/lab.yaml:8:1 error /kubernets: unknown key "kubernets"; did you mean "kubernetes"?',
    ]);
  });

  it('GIVEN names that could escape the output directory THEN the schema refuses them', () => {
    for (const bad of ['../x', 'a/b', '.', '..', '/abs']) {
      const errors = errorsOf(cluster('').replace('name: lab', `name: "${bad}"`));
      expect(errors.join('\n')).toContain('/name:');
    }
  });

  it('GIVEN a CIDR with host bits THEN the network form is suggested', () => {
    const errors = errorsOf(cluster('').replace('podCidr: 10.244.0.0/16', 'podCidr: 10.244.3.0/16'));
    expect(errors[0]).toContain('did you mean "10.244.0.0/16"?');
  });

  it('GIVEN a file that is not a mapping THEN one clear error', () => {
    const { files } = parseSpecText('- a\n- b\n', 'x.yaml', 'clusters/x.yaml');
    expect(validateSchema(files[0]!).map(formatDiagnostic)).toEqual(['x.yaml:1:1 error a spec file must be a mapping with apiVersion and kind']);
  });
});
