import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentKinds, firstContractWith, V1ALPHA1_KEYS } from '../../lib/data/talos-documents.ts';
import { TALOS_CONTRACTS } from '../../lib/data/talos-kubernetes.ts';
import { HAS_SHARED, SHARED } from '../helpers.ts';
import { SCHEMAS } from '../conformance/talos-schema.ts';

/** The kind names Talos registers where the published schema says otherwise (../shared/schemas/talos/ERRATA.md). */
const REGISTERED_AS: Record<string, string> = { KubeSpanEndpoints: 'KubeSpanEndpointsConfig', UnattendedInstall: 'UnattendedInstallConfig' };

type Json = Record<string, any>;

function schemaKinds(contract: string): { kinds: Map<string, boolean>; v1alpha1: string[] } {
  const schema = JSON.parse(readFileSync(path.join(SHARED, 'schemas', 'talos', SCHEMAS[contract]!, 'config.schema.json'), 'utf8')) as Json;
  const kinds = new Map<string, boolean>();
  for (const def of Object.values(schema.$defs as Record<string, Json>)) {
    const kind = def.properties?.kind?.enum?.[0] as string | undefined;
    if (kind) kinds.set(REGISTERED_AS[kind] ?? kind, 'name' in def.properties);
  }
  return { kinds, v1alpha1: Object.keys(schema.$defs['v1alpha1.Config'].properties) };
}

describe('Talos document kinds per contract (lib/data/talos-documents.ts)', () => {
  it('grows with each contract and answers where a kind first appears', () => {
    expect(documentKinds('1.11')).toBeUndefined();
    expect(documentKinds('1.13')!.kinds.get('VLANConfig')).toBe(true);
    expect(documentKinds('1.13')!.kinds.get('HostnameConfig')).toBe(false);
    expect(documentKinds('1.13')!.kinds.has('KubeletConfig')).toBe(false);
    expect(firstContractWith('KubeletConfig')).toBe('1.14');
    expect(firstContractWith('NoSuchConfig')).toBeUndefined();
  });

  if (!HAS_SHARED) {
    it.skip('equals the kinds of ../shared/schemas/talos — SKIPPED: ../shared is absent', () => {});
    return;
  }
  it.each(TALOS_CONTRACTS.map((c) => [c]))('contract %s: the same kinds, named exactly where the schema has a name property', (contract) => {
    const { kinds, v1alpha1 } = schemaKinds(contract);
    const ours = documentKinds(contract)!.kinds;
    expect(new Map([...ours].sort())).toEqual(new Map([...kinds].sort()));
    // The v1alpha1 keys: the schema's, plus persist (accepted by Talos, ERRATA.md).
    expect([...V1ALPHA1_KEYS].sort()).toEqual([...v1alpha1, 'persist'].sort());
  });
});
