import { loadSpecSchema } from './schema-file.ts';

interface Node {
  type?: string | string[];
  $ref?: string;
  enum?: unknown[];
  const?: unknown;
  items?: Node;
  additionalProperties?: Node | boolean;
  properties?: Record<string, Node>;
  required?: string[];
  description?: string;
  default?: unknown;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  examples?: unknown[];
  'x-orrery-pending'?: string;
  'x-orrery-removed'?: Record<string, string>;
}

function typeOf(n: Node): string {
  if (n.$ref) {
    const name = n.$ref.replace('#/$defs/', '');
    return `[${name}](#${name.toLowerCase()})`;
  }
  if (n.const !== undefined) return `\`${JSON.stringify(n.const)}\``;
  if (n.enum) return n.enum.map((v) => `\`${String(v)}\``).join(' | ');
  if (n.type === 'array') return `list of ${n.items ? typeOf(n.items) : 'any'}`;
  if (n.type === 'object' && n.additionalProperties && typeof n.additionalProperties === 'object') return `map of ${typeOf(n.additionalProperties)}`;
  const t = Array.isArray(n.type) ? n.type.join(' | ') : (n.type ?? 'any');
  return n.format ? `${t} (${n.format})` : t;
}

function constraints(n: Node): string {
  const parts: string[] = [];
  if (n['x-orrery-pending']) parts.push(`**not compiled yet** (waits for ${n['x-orrery-pending']}; \`--strict\` refuses it)`);
  for (const [key, hint] of Object.entries(n['x-orrery-removed'] ?? {})) parts.push(`removed: \`${key}\` — ${hint}`);
  if (n.examples?.length) parts.push(`e.g. ${n.examples.map((e) => `\`${typeof e === 'string' ? e : JSON.stringify(e)}\``).join(', ')}`);
  if (n.minimum !== undefined || n.maximum !== undefined) parts.push(`range ${n.minimum ?? '…'}–${n.maximum ?? '…'}`);
  if (n.default !== undefined) parts.push(`default \`${JSON.stringify(n.default)}\``);
  return parts.join('; ');
}

const cell = (s: string | undefined): string => (s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/spec-reference.md, rendered from the schema so the two cannot drift. */
export function renderSpecReference(): string {
  const schema = loadSpecSchema() as { $defs: Record<string, Node> };
  const out = [
    '<!-- Generated from schemas/orrery.schema.json by `npm run gen:types`. Do not edit. -->',
    '# Spec reference',
    '',
    'Every file under `clusters/` is one YAML document with `apiVersion: orrery.dev/v1alpha1` and a `kind`:',
    'one [Constellation](#constellation) and one [Cluster](#cluster) per cluster. Unknown keys are errors.',
    '',
  ];
  const order = ['Constellation', 'Cluster', ...Object.keys(schema.$defs).filter((k) => k !== 'Constellation' && k !== 'Cluster').sort()];
  for (const name of order) {
    const def = schema.$defs[name]!;
    out.push(`## ${name}`, '');
    if (def.description) out.push(def.description, '');
    if (def.properties) {
      out.push('| key | type | required | notes |', '|---|---|---|---|');
      for (const [key, prop] of Object.entries(def.properties)) {
        const notes = [prop.description, constraints(prop)].filter(Boolean).join(' ');
        out.push(`| \`${key}\` | ${cell(typeOf(prop))} | ${def.required?.includes(key) ? 'yes' : ''} | ${cell(notes)} |`);
      }
      out.push('');
      for (const [key, hint] of Object.entries(def['x-orrery-removed'] ?? {})) out.push(`Removed: \`${key}\` — ${hint}.`, '');
    } else {
      out.push(`Type: ${typeOf(def)}${def.pattern ? `, pattern \`${def.pattern}\`` : ''}.`, '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
