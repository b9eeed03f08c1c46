import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { evaluate } from '@marcbachmann/cel-js';
import { SHARED } from '../helpers.ts';

type Json = Record<string, any>;
export interface KubeObjectLike { apiVersion: string; kind: string; [key: string]: unknown }

export interface KubeSchemas {
  /** ajv errors against the upstream Kubernetes 1.36 / CRD schema (`no upstream schema` when none). */
  validate(o: KubeObjectLike): string[];
  /** Failures of the CRD's CEL rules (x-kubernetes-validations), which ajv does not evaluate. */
  cel(o: KubeObjectLike): string[];
}

/** Loads the upstream Kubernetes 1.36 schemas and CRD schemas from ../shared (never copied here). */
export function kubeSchemas(): KubeSchemas {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const k8s = path.join(SHARED, 'schemas', 'k8s', 'v1.36');
  ajv.addSchema(JSON.parse(readFileSync(path.join(k8s, '_definitions.json'), 'utf8')));
  const index = new Map<string, string>();
  // Keyed by bare file name: the per-kind schemas refer to `_definitions.json` relatively.
  for (const f of readdirSync(k8s).filter((n) => !n.startsWith('_') && n !== 'index.json')) index.set(f, path.join(k8s, f));
  const crds = JSON.parse(readFileSync(path.join(SHARED, 'schemas', 'crds', 'index.json'), 'utf8')) as { group: string; version: string; kind: string; schema?: string; file?: string }[];
  const crdFile = (o: KubeObjectLike): string | undefined => {
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
    const entry = crds.find((c) => c.group === group && c.version === version && c.kind === o.kind);
    const rel = entry?.schema ?? entry?.file;
    return rel ? path.join(SHARED, 'schemas', 'crds', rel) : undefined;
  };
  const raw = new Map<string, Json>();
  const rawSchema = (file: string): Json => raw.get(file) ?? (raw.set(file, JSON.parse(readFileSync(file, 'utf8'))), raw.get(file)!);
  return {
    validate(o) {
      const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
      const file = group === '' ? `${o.kind.toLowerCase()}-${version}.json` : `${o.kind.toLowerCase()}-${group!.split('.')[0]}-${version}.json`;
      let schemaPath = index.get(file);
      let key = file;
      if (!schemaPath) {
        schemaPath = crdFile(o);
        key = `crds/${schemaPath}`;
      }
      if (!schemaPath) return [`no upstream schema for ${o.apiVersion} ${o.kind}`];
      const load = (): Json => {
        const s = JSON.parse(readFileSync(schemaPath!, 'utf8')) as Json;
        return key.startsWith('crds/') ? strict(s) : s;
      };
      const v = ajv.getSchema(key) ?? (ajv.addSchema(load(), key), ajv.getSchema(key)!);
      return v(o) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    },
    cel(o) {
      const file = crdFile(o);
      return file ? celFailures(rawSchema(file), o, '') : [];
    },
  };
}

/**
 * The API server prunes fields a structural CRD schema does not declare, silently: a misspelt
 * field is valid and lost. The converted CRDs keep additionalProperties as upstream wrote it (never
 * false, ../shared/schemas/SOURCES.md "CRD conversion"), so this closes every object node that
 * declares properties and does not preserve unknown fields, as the SOURCES note suggests.
 */
export function strict(schema: Json, close = true): Json {
  if (Array.isArray(schema)) return schema.map((s) => strict(s as Json, close));
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    // A branch of allOf/anyOf/oneOf/not constrains its parent object; it is not the object's shape.
    // Kubernetes prunes by the structural schema outside the junctors (which may not even set
    // additionalProperties): "Specifying a structural schema", kubernetes.io/docs/tasks/extend-kubernetes/
    // custom-resources/custom-resource-definitions. Closing `{properties: {egress: {}}, required: [egress]}`
    // would refuse every CiliumNetworkPolicy with an endpointSelector.
    const junctor = k === 'allOf' || k === 'anyOf' || k === 'oneOf' || k === 'not';
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, strict(s as Json)])) : typeof v === 'object' ? strict(v as Json, !junctor) : v;
  }
  if (close && out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

/**
 * Evaluates every x-kubernetes-validations rule along the object, as the API server does on
 * create: `self` is the value at the rule's node; transition rules (oldSelf) do not apply to a
 * create and are skipped; an absent optional value is not checked.
 */
export function celFailures(schema: Json, value: unknown, at: string): string[] {
  if (value === undefined || value === null) return [];
  const out: string[] = [];
  for (const v of (schema['x-kubernetes-validations'] ?? []) as { rule: string; message?: string }[]) {
    if (v.rule.includes('oldSelf')) continue;
    let ok: unknown;
    try {
      ok = evaluate(v.rule, { self: value });
    } catch (err) {
      ok = `error: ${(err as Error).message.split('\n')[0]}`;
    }
    if (ok !== true) out.push(`${at || '/'}: ${v.message ?? v.rule} (${v.rule} → ${String(ok)})`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => out.push(...celFailures(schema.items, item, `${at}/${i}`)));
  else if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, child] of Object.entries(value)) {
      const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (sub) out.push(...celFailures(sub, child, `${at}/${k}`));
    }
  }
  return out;
}
