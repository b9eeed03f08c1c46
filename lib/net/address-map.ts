import type { Address, Family } from './ip.ts';

/**
 * A map keyed by address value (not spelling: fd00::1 and fd00:0::1 are one key), one bigint
 * map per family — no `family:value` key strings, whose bigint-to-decimal conversion was a
 * visible cost when every node address of a 1000-cluster fleet is keyed.
 */
export class AddressMap<V> {
  readonly #byFamily = new Map<Family, Map<bigint, V>>();

  get(ip: Address): V | undefined {
    return this.#byFamily.get(ip.family)?.get(ip.value);
  }

  has(ip: Address): boolean {
    return this.#byFamily.get(ip.family)?.has(ip.value) ?? false;
  }

  set(ip: Address, value: V): this {
    let m = this.#byFamily.get(ip.family);
    if (!m) this.#byFamily.set(ip.family, (m = new Map()));
    m.set(ip.value, value);
    return this;
  }

  /** Values in insertion order within a family, IPv4 family first if it was inserted first. */
  values(): V[] {
    return [...this.#byFamily.values()].flatMap((m) => [...m.values()]);
  }
}
