import type { DiffResult } from './diff.ts';
import { formatPath } from './field-diff.ts';

/** The whole diff as JSON (values redacted as in the other formats; no byte budget). */
export function renderJson(r: DiffResult): string {
  const doc = {
    base: r.base,
    head: r.head,
    dangerous: r.dangerous,
    totals: r.totals,
    files: r.files,
    clusters: r.groups.map((g) => ({
      name: g.name,
      counts: g.counts,
      impacts: g.impacts.map((i) => ({ severity: i.severity, area: i.area, text: i.text })),
      objects: g.changes.map((c) => ({
        status: c.status,
        label: c.entry.label,
        path: c.entry.path,
        ...(c.previous && c.previous.path !== c.entry.path ? { from: c.previous.path } : {}),
        ...(c.status === 'renamed' && c.previous ? { renamedFrom: c.previous.label } : {}),
        ...(c.entry.kind ? { kind: c.entry.kind } : {}),
        ...(c.entry.apiGroup !== undefined ? { apiGroup: c.entry.apiGroup } : {}),
        ...(c.entry.namespace ? { namespace: c.entry.namespace } : {}),
        ...(c.entry.name ? { name: c.entry.name } : {}),
        ...(c.note ? { note: c.note } : {}),
        fields: c.fields.map((f) => ({ path: formatPath(f.path), op: f.op, ...(f.op !== 'add' ? { before: f.before } : {}), ...(f.op !== 'remove' ? { after: f.after } : {}) })),
      })),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
