import type { Address, AddressInterval, Family } from './ip.ts';

interface Entry<T> {
  readonly first: bigint;
  readonly last: bigint;
  readonly value: T;
}

interface Sorted<T> {
  readonly entries: readonly Entry<T>[];
  /** maxLast[i]: the highest `last` among entries[0..i]; a walk down stops once it is below the address. */
  readonly maxLast: readonly bigint[];
}

/**
 * Address intervals (CIDRs, ranges) to look addresses up in: which intervals contain an
 * address, in O(log n + intervals that start below it and reach it) rather than a scan of all.
 * Add everything first, then query (the first query sorts).
 */
export class IntervalIndex<T> {
  readonly #pending = new Map<Family, Entry<T>[]>();
  #sorted: Map<Family, Sorted<T>> | undefined;

  add(interval: AddressInterval, value: T): void {
    if (this.#sorted) throw new Error('IntervalIndex: add after the first query');
    const list = this.#pending.get(interval.family) ?? [];
    list.push({ first: interval.first, last: interval.last, value });
    this.#pending.set(interval.family, list);
  }

  /** The values of every interval containing the address, in no particular order. */
  containing(ip: Address): T[] {
    const sorted = (this.#sorted ??= this.#sort()).get(ip.family);
    if (!sorted) return [];
    const { entries, maxLast } = sorted;
    // The first entry that starts above the address; every candidate is before it.
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (entries[mid]!.first <= ip.value) lo = mid + 1;
      else hi = mid;
    }
    const out: T[] = [];
    for (let j = lo - 1; j >= 0 && maxLast[j]! >= ip.value; j--) if (entries[j]!.last >= ip.value) out.push(entries[j]!.value);
    return out;
  }

  #sort(): Map<Family, Sorted<T>> {
    const out = new Map<Family, Sorted<T>>();
    for (const [family, list] of this.#pending) {
      const entries = [...list].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
      const maxLast: bigint[] = [];
      for (const [i, e] of entries.entries()) maxLast.push(i === 0 || e.last > maxLast[i - 1]! ? e.last : maxLast[i - 1]!);
      out.set(family, { entries, maxLast });
    }
    return out;
  }
}
