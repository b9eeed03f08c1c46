import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { TalosDocument } from '../../lib/components/talos/contracts.ts';
import { SHARED } from '../helpers.ts';

/** The Talos config schemas on disk, per contract (../shared/schemas/talos). */
export const SCHEMAS: Record<string, string> = { '1.12': 'v1.12.11', '1.13': 'v1.13.9', '1.14': 'v1.14.0-rc.1' };

type Json = Record<string, unknown>;

/** Patches a config may carry: required fields come from the generated config they merge into. */
function partial(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(partial);
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'required').map(([k, v]) => [k, partial(v)]));
  }
  return node;
}

/** Defects of the published schemas, per ../shared/schemas/talos/ERRATA.md (and one found here). */
function applyErrata(defs: Record<string, Json>): void {
  for (const [name, def] of Object.entries(defs)) {
    const kind = (def.properties as Record<string, Json> | undefined)?.kind;
    const values = kind?.enum as string[] | undefined;
    if (!values) continue;
    // ERRATA: the schema says KubeSpanEndpoints, Talos registers KubeSpanEndpointsConfig.
    if (values.includes('KubeSpanEndpoints')) values.push('KubeSpanEndpointsConfig');
    // Not in ERRATA yet: v1.14.0-rc.1 names the install document UnattendedInstall; the Go code
    // registers UnattendedInstallConfigKind = "UnattendedInstallConfig" (types/runtime/unattended_install.go).
    if (values.includes('UnattendedInstall')) values.push('UnattendedInstallConfig');
    void name;
  }
}

export interface Validator {
  (doc: TalosDocument): string[];
}

export function talosValidator(contract: string): Validator {
  const raw = JSON.parse(readFileSync(path.join(SHARED, 'schemas', 'talos', SCHEMAS[contract]!, 'config.schema.json'), 'utf8')) as Json;
  const schema = partial(raw) as Json;
  const defs = schema.$defs as Record<string, Json>;
  applyErrata(defs);
  const byKind = new Map<string, string>();
  for (const [name, def] of Object.entries(defs)) {
    for (const k of ((def.properties as Record<string, Json> | undefined)?.kind?.enum as string[] | undefined) ?? []) byKind.set(k, name);
  }
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(schema, 'talos');
  return (doc) => {
    const kind = doc.kind as string | undefined;
    const def = kind === undefined ? 'v1alpha1.Config' : byKind.get(kind);
    if (!def) return [`Talos ${contract} has no document kind ${kind}`];
    // `$patch: delete` removes a whole document: only its kind has to exist.
    if (doc.$patch === 'delete') return [];
    const validate = ajv.getSchema(`talos#/$defs/${def}`)!;
    return validate(stripDirectives(doc)) ? [] : (validate.errors ?? []).map((e) => `${kind ?? 'v1alpha1'}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  };
}

/** Removes strategic-merge directives (`key: {$patch: delete}`): they are not config values. */
function stripDirectives(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripDirectives);
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node)
        .filter(([, v]) => !(v && typeof v === 'object' && (v as Json).$patch === 'delete'))
        .map(([k, v]) => [k, stripDirectives(v)]),
    );
  }
  return node;
}

/** v1alpha1 paths that a typed document replaces in each contract: never emitted there. */
export const REPLACED: Record<string, string[]> = {
  '1.12': ['machine.network.hostname', 'machine.network.interfaces', 'machine.network.nameservers', 'machine.time', 'machine.registries', 'machine.features.stableHostname'],
  '1.13': ['machine.network', 'machine.time', 'machine.registries', 'machine.env', 'machine.features.stableHostname'],
  '1.14': [
    'machine.network', 'machine.time', 'machine.registries', 'machine.env', 'machine.install', 'machine.kubelet', 'machine.nodeLabels',
    'machine.nodeTaints', 'machine.sysctls', 'machine.kernel', 'machine.features.kubePrism', 'cluster.clusterName', 'cluster.controlPlane',
    'cluster.network', 'cluster.proxy', 'cluster.apiServer', 'cluster.allowSchedulingOnControlPlanes',
  ],
};

export function has(doc: TalosDocument, dotted: string): boolean {
  let node: unknown = doc;
  for (const part of dotted.split('.')) {
    if (!node || typeof node !== 'object' || !(part in node)) return false;
    node = (node as Json)[part];
  }
  return true;
}

