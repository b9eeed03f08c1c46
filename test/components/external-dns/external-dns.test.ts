import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HAS_SHARED, SHARED, TEST_RECIPIENT } from '../../helpers.ts';
import { compileVariant, removeVariants, type Obj } from '../variant.ts';
import { encryptSops, KUBERNETES_SECRET_REGEX } from '../../../lib/sops/sops.ts';
import { DNS_CREDENTIAL_KEYS } from '../../../lib/secrets/operator-secrets.ts';

afterAll(removeVariants);

const CHART = path.join(SHARED, 'schemas', 'charts', 'external-dns', '1.21.1');

function deepMerge(base: unknown, over: unknown): unknown {
  if (!over || typeof over !== 'object' || Array.isArray(over) || !base || typeof base !== 'object' || Array.isArray(base)) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v);
  return out;
}

/** The credentials Secret as the operator supplies it: encrypted, with the provider's keys. */
async function credentials(name: string, keys: readonly string[]): Promise<Record<string, string>> {
  const data = Object.fromEntries(keys.map((k) => [k, Buffer.from('not-a-real-credential').toString('base64')]));
  const text = await encryptSops({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'external-dns' }, type: 'Opaque', data }, { recipients: [TEST_RECIPIENT], encryptedRegex: KUBERNETES_SECRET_REGEX, lastModified: '2026-01-01T00:00:00Z' });
  return { [`ganymede/secret-external-dns-${name}.yaml`]: text };
}

async function externalDnsValues(provider: 'google' | 'cloudflare' | 'route53', extra: Obj = {}): Promise<{ values: Obj; secrets: string[] }> {
  const name = (extra.credentialsSecret as string | undefined) ?? 'external-dns';
  const out = await compileVariant(
    'clusters',
    (d) => {
      d['ganymede.yaml']!.components.externalDns = { enabled: true, provider, domainFilters: ['example.com'], ...(provider === 'google' ? { project: 'dns-project' } : {}), ...extra };
    },
    { secrets: await credentials(name, DNS_CREDENTIAL_KEYS[provider]) },
  );
  const [release] = out.file('ganymede/infrastructure/controllers/helmrelease-external-dns-external-dns.yaml');
  const [kustomization] = out.file('ganymede/secrets/kustomization.yaml');
  return { values: release!.spec.values, secrets: kustomization!.resources };
}

describe('external-dns', () => {
  it.each([
    ['google', { provider: { name: 'google' }, env: [{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/etc/secrets/service-account/key.json' }], extraArgs: ['--google-project=dns-project'] }],
    ['cloudflare', { provider: { name: 'cloudflare' }, env: [{ name: 'CF_API_TOKEN', valueFrom: { secretKeyRef: { name: 'external-dns', key: 'api-token' } } }] }],
    [
      'route53',
      {
        provider: { name: 'aws' },
        env: [
          { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'external-dns', key: 'access-key-id' } } },
          { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'external-dns', key: 'secret-access-key' } } },
          { name: 'AWS_DEFAULT_REGION', value: 'us-east-1' },
        ],
      },
    ],
  ] as const)('%s: provider settings as the external-dns tutorials give them, TXT owner = the cluster', async (provider, expected) => {
    const { values, secrets } = await externalDnsValues(provider);
    expect(values).toMatchObject({ ...expected, txtOwnerId: 'ganymede', domainFilters: ['example.com'], sources: ['service', 'ingress', 'gateway-httproute', 'gateway-grpcroute'] });
    // The operator's credentials Secret is delivered with the cluster's Secrets, before the release.
    expect(secrets).toContain('secret-external-dns-external-dns.yaml');
    if (HAS_SHARED && existsSync(CHART)) {
      // Helm validates the chart's defaults merged with ours against values.schema.json.
      const { $schema: _drop, ...schema } = JSON.parse(readFileSync(path.join(CHART, 'values.schema.json'), 'utf8')) as Record<string, unknown>;
      const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
      const merged = deepMerge(parse(readFileSync(path.join(CHART, 'values.yaml'), 'utf8')), values);
      expect(validate(merged) ? [] : validate.errors).toEqual([]);
    }
  });

  it('google mounts the Secret the key file is read from', async () => {
    const { values } = await externalDnsValues('google', { credentialsSecret: 'clouddns' });
    expect(values.extraVolumes).toEqual([{ name: 'google-credentials', secret: { secretName: 'clouddns' } }]);
    expect(values.extraVolumeMounts).toEqual([{ name: 'google-credentials', mountPath: '/etc/secrets/service-account', readOnly: true }]);
  });

  it('sources as configured; without the Gateway API only Services and Ingresses', async () => {
    expect((await externalDnsValues('cloudflare', { sources: ['service'] })).values.sources).toEqual(['service']);
    const out = await compileVariant('clusters', (d) => {
      const c = d['ganymede.yaml']!;
      delete c.components.gatewayApi;
      c.components.ingress = { controller: 'none' };
    });
    const [release] = out.file('ganymede/infrastructure/controllers/helmrelease-external-dns-external-dns.yaml');
    expect(release!.spec.values.sources).toEqual(['service', 'ingress']);
  });

  it('without its credentials Secret synth stops, naming the file to create, its key and the command', async () => {
    const out = await compileVariant('clusters', (d) => {
      d['ganymede.yaml']!.components.externalDns = { enabled: true, provider: 'route53', domainFilters: ['example.com'], credentialsSecret: 'aws' };
    }, { expectErrors: true });
    const errors = out.result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.file}:${d.line} ${d.rule} ${d.pointer}`)).toEqual([expect.stringMatching(/^clusters\/ganymede\.yaml:\d+ secrets\/operator-missing \/components\/externalDns\/credentialsSecret$/)]);
    expect(errors[0]!.message).toBe(
      'external-dns (route53) reads the Secret external-dns/aws (keys access-key-id, secret-access-key), which nobody supplies: create secrets/ganymede/secret-external-dns-aws.yaml, SOPS-encrypted (access-key-id and secret-access-key: an AWS access key allowed to change the hosted zones): npx orrery secrets --add ganymede/external-dns/aws < <file of KEY=VALUE lines: access-key-id, secret-access-key>',
    );
  });
});
