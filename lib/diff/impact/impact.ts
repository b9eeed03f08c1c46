import type { ObjectChange } from '../compare.ts';
import { entriesOf, type Entry } from '../entries.ts';

/**
 * `dangerous`: data or machines go away, or every control plane is replaced — what
 * `--fail-on dangerous` stops on. `warning`: reboots, machine rollouts, major upgrades, things
 * left behind. `info`: everything else worth a line.
 */
export type Severity = 'info' | 'warning' | 'dangerous';

export type Area = 'talos' | 'kubernetes' | 'capi' | 'helm' | 'prune' | 'secrets';

/** One plain statement of what the change will do to a cluster. */
export interface Impact {
  readonly group: string;
  readonly area: Area;
  readonly severity: Severity;
  readonly text: string;
}

/** What the impact rules read: the changes, and the loaded files of both trees for context. */
export interface ImpactContext {
  readonly before: ReadonlyMap<string, string>;
  readonly after: ReadonlyMap<string, string>;
  readonly changes: readonly ObjectChange[];
  /** Entries of every loaded file of one side (parsed once, on first use). */
  entries(side: 'before' | 'after'): readonly Entry[];
}

export function impactContext(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, changes: readonly ObjectChange[]): ImpactContext {
  const cache = new Map<'before' | 'after', Entry[]>();
  return {
    before,
    after,
    changes,
    entries(side) {
      let parsed = cache.get(side);
      if (!parsed) {
        const files = side === 'before' ? before : after;
        parsed = [...files].flatMap(([p, text]) => entriesOf(p, text));
        cache.set(side, parsed);
      }
      return parsed;
    },
  };
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A nested field of a parsed document, or undefined. */
export function field(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const p of path) {
    if (!isObject(v)) return undefined;
    v = v[p];
  }
  return v;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** "a, b, c and 4 more": lists that stay one line however large the fleet. */
export function listSome(items: readonly string[], max = 6): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
