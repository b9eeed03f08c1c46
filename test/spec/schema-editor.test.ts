import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { loadSpecSchema } from '../../lib/spec/schema-file.ts';
import { parseSpecText } from '../../lib/read/read-spec.ts';
import { validateSchema } from '../../lib/spec/validate-schema.ts';
import { formatDiagnostic } from '../../lib/diagnostics/diagnostic.ts';
import { isIp, parseCidr, parseRange } from '../../lib/net/ip.ts';
import { specKeys, type SchemaNode, type SpecKey } from './schema-walk.ts';

/**
 * What an editor shows from the schema (yaml-language-server reads description,
 * markdownDescription, examples, pattern; it does not know orrery's custom formats).
 */
const schema = loadSpecSchema() as { $defs: Record<string, SchemaNode & Record<string, unknown>> };

/** Every property of every definition, with the definition it belongs to. */
function properties(): { def: string; path: string; node: SchemaNode & Record<string, unknown> }[] {
  const out: { def: string; path: string; node: SchemaNode & Record<string, unknown> }[] = [];
  const walk = (def: string, node: SchemaNode & Record<string, unknown>, at: string): void => {
    for (const [k, v] of Object.entries(node.properties ?? {})) {
      out.push({ def, path: `${at}.${k}`, node: v as SchemaNode & Record<string, unknown> });
      walk(def, v as SchemaNode & Record<string, unknown>, `${at}.${k}`);
    }
    if (node.items) walk(def, node.items as SchemaNode & Record<string, unknown>, `${at}[]`);
    if (node.additionalProperties && typeof node.additionalProperties === 'object') walk(def, node.additionalProperties as SchemaNode & Record<string, unknown>, `${at}{}`);
  };
  for (const [name, def] of Object.entries(schema.$defs)) walk(name, def, name);
  return out;
}

describe('the schema in an editor', () => {
  it('every definition and every property has a description (the Cluster API ones too)', () => {
    const missing = [...Object.entries(schema.$defs).filter(([, d]) => !d.description).map(([n]) => n), ...properties().filter((p) => !p.node.description).map((p) => p.path)];
    expect(missing).toEqual([]);
    // The walk covers them: no definition is left out of properties().
    expect(new Set(properties().map((p) => p.def))).toEqual(new Set(Object.keys(schema.$defs).filter((n) => JSON.stringify(schema.$defs[n]).includes('"properties"'))));
  });

  it('the keys people get wrong carry markdownDescription and examples', () => {
    const rich = properties().filter((p) => typeof p.node.markdownDescription === 'string').map((p) => p.path);
    expect(rich).toEqual(
      expect.arrayContaining([
        'Endpoint.mode', 'Network.nodeCidr', 'Node.addresses', 'Sops.ageRecipients', 'GitRepository.path',
        // Cluster API: the method, the provider, the credentials only the operator has, the machine addresses.
        'Provisioning.method', 'ClusterApi.provider', 'ProxmoxProvider.credentialsSecret', 'ProxmoxProvider.ipv4Pool.addresses', 'BoundServer.bmc.credentialsSecret',
        // Bonds, VLANs and the operator's own Talos patches: where a link's addresses go, what a patch file is relative to.
        'Node.bond', 'Node.vlans', 'TalosPatch.documents', 'TalosPatch.file', 'TalosClusterPatch.documents', 'TalosClusterPatch.file',
      ]),
    );
    for (const p of properties()) {
      if (p.node.examples !== undefined) expect(Array.isArray(p.node.examples), p.path).toBe(true);
    }
  });

  it('every example is valid where it stands (the schema accepts it)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema(schema, 'spec');
    for (const p of properties()) {
      for (const e of (p.node.examples as unknown[] | undefined) ?? []) {
        const sub = { ...p.node, $defs: schema.$defs } as Record<string, unknown>;
        const refs = JSON.parse(JSON.stringify(sub).replace(/"#\/\$defs\//g, '"spec#/$defs/')) as Record<string, unknown>;
        delete refs.$defs;
        expect(ajv.validate(refs, e), `${p.path}: ${JSON.stringify(e)}`).toBe(true);
      }
    }
  });

  it('every pattern without a format has a hint in words (a regular expression is no message)', () => {
    const bare = properties().filter((p) => typeof p.node.pattern === 'string' && !p.node.format && !p.node['x-hint']).map((p) => p.path);
    const defs = Object.entries(schema.$defs).filter(([, d]) => typeof d.pattern === 'string' && !d.format && !d['x-hint']).map(([n]) => n);
    const deep = JSON.stringify(schema.$defs.Labels);
    expect([...bare, ...defs]).toEqual([]);
    expect(deep).toContain('x-hint');
  });

  it('a key not compiled yet says so in its description (none is left; a synthetic one without the words is caught)', () => {
    // The walk resolves $ref: the annotation and the words are on the property itself.
    const silent = (keys: readonly SpecKey[]): string[] => keys.filter((k) => k.pending && !/[Nn]ot compiled yet/.test(k.node.description ?? '')).map((k) => k.label);
    expect(silent(specKeys())).toEqual([]);
    const site = specKeys().find((k) => k.label === 'Cluster.site')!;
    expect(silent([{ ...site, pending: 'a later capability' }])).toEqual(['Cluster.site']);
    expect(silent([{ ...site, pending: 'a later capability', node: { ...site.node, description: 'Not compiled yet.' } }])).toEqual([]);
  });
});

describe('patterns beside orrery formats: editors flag what the format refuses', () => {
  const patternOf = (def: string): RegExp => new RegExp(schema.$defs[def]!.pattern as string, 'u');
  // Values the format accepts: the pattern must accept them too (it is looser, never stricter).
  const good = {
    IpAddress: ['10.0.0.1', '192.168.42.210', 'fd00::1', '::1', '2001:db8::10', 'fe80::1%eth0', '::ffff:10.0.0.1'],
    Cidr: ['10.244.0.0/16', '0.0.0.0/0', 'fd00::/64', '2001:db8::/32'],
    InterfaceAddress: ['192.168.42.201/24', 'fd00::21/64', '10.0.0.11/32'],
    AddressRange: ['10.0.0.0/28', '10.0.0.10-10.0.0.20', '10.0.0.10 - 10.0.0.20', 'fd00::10-fd00::20', '10.0.0.7'],
  };
  // Mistakes an editor should flag (the format refuses them too).
  const bad = {
    IpAddress: ['10.0.0.1/24', 'example.com', ''],
    Cidr: ['10.244.0.0', '10.244.0.0/', 'fd00::', 'ten/8'],
    InterfaceAddress: ['192.168.42.201', 'fd00::21'],
    AddressRange: ['10.0.0.10..10.0.0.20', 'lan'],
  };
  const formatAccepts: Record<string, (s: string) => boolean> = {
    IpAddress: isIp,
    Cidr: (s) => parseCidr(s) !== undefined,
    InterfaceAddress: (s) => parseCidr(s) !== undefined,
    AddressRange: (s) => parseRange(s) !== undefined,
  };
  it.each(Object.keys(good))('%s: the pattern accepts what the format accepts, and refuses the usual mistakes', (def) => {
    for (const v of good[def as keyof typeof good]) {
      expect(formatAccepts[def]!(v), `format accepts ${v}`).toBe(true);
      expect(patternOf(def).test(v), `pattern accepts ${v}`).toBe(true);
    }
    for (const v of bad[def as keyof typeof bad]) {
      expect(patternOf(def).test(v), `pattern refuses ${v}`).toBe(false);
      expect(formatAccepts[def]!(v), `format refuses ${v}`).toBe(false);
    }
  });

  it('one mistake, one message: the format\'s (with its hint), not the pattern\'s as well', () => {
    const text = 'apiVersion: orrery.dev/v1alpha1\nkind: Cluster\nname: lab\nrole: standalone\nprovisioning: {method: talosctl}\nendpoint: {mode: dns, host: k8s.example.com}\nnetwork: {podCidr: 10.244.0.0, serviceCidr: 10.96.0.0/12}\n';
    const { files } = parseSpecText(text, 'clusters/lab.yaml', 'clusters/lab.yaml');
    expect(validateSchema(files[0]!).map(formatDiagnostic)).toEqual([
      'clusters/lab.yaml:7:20 error /network/podCidr: "10.244.0.0" is not a network in CIDR notation (e.g. 10.244.0.0/16): the prefix length is missing, e.g. "10.244.0.0/24"',
    ]);
  });
});

describe('removed keys are refused with what replaces them', () => {
  it.each([
    ['cni:\n  name: cilium\n  cilium: {l2Announcements: true}\n', '/cni/cilium/l2Announcements', 'loadBalancing.l2.enabled: true'],
    ['cni:\n  name: cilium\n  cilium: {bgpControlPlane: true}\n', '/cni/cilium/bgpControlPlane', 'loadBalancing.bgp'],
  ])('%j', (extra, pointer, hint) => {
    const text = `apiVersion: orrery.dev/v1alpha1\nkind: Cluster\nname: lab\nrole: standalone\nprovisioning: {method: talosctl}\nendpoint: {mode: dns, host: k8s.example.com}\nnetwork: {podCidr: 10.244.0.0/16, serviceCidr: 10.96.0.0/12}\n${extra}`;
    const errors = validateSchema(parseSpecText(text, 'clusters/lab.yaml', 'clusters/lab.yaml').files[0]!);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.pointer).toBe(pointer);
    expect(errors[0]!.message).toContain('is no longer a key');
    expect(errors[0]!.message).toContain(hint);
  });

  it('a removed key is no property any more (nothing accepts it)', () => {
    expect(schema.$defs.Cilium!.properties).not.toHaveProperty('l2Announcements');
    expect(schema.$defs.Cilium!.properties).not.toHaveProperty('bgpControlPlane');
    expect(schema.$defs.BgpPeer!.properties!.password!.properties).not.toHaveProperty('key');
  });
});
