import { createHash } from 'node:crypto';
import { compareCodePoints } from '../../util/order.ts';

/** JSON with object keys in code-point order: the same content always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareCodePoints(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The name of an immutable template: `<base>-<first 8 hex of sha256(spec)>`. Cluster API rolls
 * a MachineDeployment only when its template reference changes, and a changed template must be a
 * new object with a new name (cluster-api@v1.14.0 docs/book/src/tasks/updating-machine-templates.md);
 * CACPPT rolls control planes when infrastructureTemplate's name changes (controllers/controlplane.go
 * MatchesTemplateClonedFrom). A content hash makes every spec change a new name and nothing else one.
 */
export function templateName(base: string, spec: unknown): string {
  return `${base}-${createHash('sha256').update(canonical(spec)).digest('hex').slice(0, 8)}`;
}
