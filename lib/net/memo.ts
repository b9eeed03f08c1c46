/**
 * A memo of a pure function of a string, bounded: once it holds `limit` entries the oldest is
 * dropped (insertion order), so a long-lived process never grows without end. Callers must
 * return immutable values (a hit hands every caller the same object).
 */
export interface StringMemo<V> {
  (text: string): V;
  /** Entries held now (for tests of the bound). */
  readonly size: () => number;
  readonly clear: () => void;
}

export function memoizeString<V>(fn: (text: string) => V, options: { readonly limit: number }): StringMemo<V> {
  const memo = new Map<string, V>();
  const lookup = (text: string): V => {
    const hit = memo.get(text);
    // An undefined result (malformed text) is remembered too, hence `has` when `get` misses.
    if (hit !== undefined || memo.has(text)) return hit as V;
    const value = fn(text);
    if (memo.size >= options.limit) memo.delete(memo.keys().next().value as string);
    memo.set(text, value);
    return value;
  };
  return Object.assign(lookup, { size: (): number => memo.size, clear: (): void => memo.clear() });
}
