import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HAS_SHARED, SHARED } from '../../helpers.ts';
import { compileVariant, removeVariants, type Obj } from '../variant.ts';

afterAll(removeVariants);

const CHART = path.join(SHARED, 'schemas', 'charts', 'external-dns', '1.21.1');

function deepMerge(base: unknown, over: unknown): unknown {
  if (!over || typeof over !== 'object' || Array.isArray(over) || !base || typeof base !== 'object' || Array.isArray(base)) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v);
  return out;
}

async function externalDnsValues(provider: 'google' | 'cloudflare' | 'route53', extra: Obj = {}): Promise<{ values: Obj; warnings: string[] }> {
  const out = await compileVariant('clusters', (d) => {
    d['ganymede.yaml']!.components.externalDns = { enabled: true, provider, domainFilters: ['example.com'], ...(provider === 'google' ? { project: 'dns-project' } : {}), ...extra };
  });
  const [release] = out.file('ganymede/infrastructure/controllers/helmrelease-external-dns-external-dns.yaml');
  const warnings = out.result.diagnostics.filter((d) => d.rule === 'secrets/operator-supplied' && d.file === 'clusters/ganymede.yaml' && d.message.startsWith('external-dns')).map((d) => d.message);
  return { values: release!.spec.values, warnings };
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
    const { values, warnings } = await externalDnsValues(provider);
    expect(values).toMatchObject({ ...expected, txtOwnerId: 'ganymede', domainFilters: ['example.com'], sources: ['service', 'ingress', 'gateway-httproute', 'gateway-grpcroute'] });
    // The operator supplies the credentials; synth names the Secret, its keys and the file to create.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Secret external-dns/external-dns');
    expect(warnings[0]).toContain('secrets/ganymede/secret-external-dns-external-dns.yaml');
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

  it('an operator file already in secrets/ is reported as not delivered yet, with the command that applies it', async () => {
    const out = await compileVariant('clusters', () => undefined, { secrets: { 'ganymede/secret-external-dns-clouddns-credentials.yaml': 'apiVersion: v1\nkind: Secret\n' } });
    const msg = (ns: string): string => out.result.diagnostics.find((d) => d.rule === 'secrets/operator-supplied' && d.file === 'clusters/ganymede.yaml' && d.message.includes(`Secret ${ns}/clouddns-credentials`))!.message;
    expect(msg('external-dns')).toContain('apply secrets/ganymede/secret-external-dns-clouddns-credentials.yaml by hand');
    // cert-manager's copy lives in its own namespace, so in its own file, still to create.
    expect(msg('cert-manager')).toContain('create it SOPS-encrypted as secrets/ganymede/secret-cert-manager-clouddns-credentials.yaml');
  });
});
