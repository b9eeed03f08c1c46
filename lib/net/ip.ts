import ipaddr from 'ipaddr.js';

export type Family = 4 | 6;

/** An inclusive address interval; used for every containment and overlap question. */
export interface AddressInterval {
  readonly family: Family;
  readonly first: bigint;
  readonly last: bigint;
}

export interface Cidr extends AddressInterval {
  readonly address: bigint;
  readonly prefix: number;
  readonly text: string;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

function toBigInt(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return addr.toByteArray().reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

function familyOf(addr: ipaddr.IPv4 | ipaddr.IPv6): Family {
  return addr.kind() === 'ipv4' ? 4 : 6;
}

export function isIpv4(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text);
}

export function isIp(text: string): boolean {
  return isIpv4(text) || (ipaddr.IPv6.isValid(text) && !text.includes('/'));
}

export function parseIp(text: string): { family: Family; value: bigint } | undefined {
  if (!isIp(text)) return undefined;
  const addr = ipaddr.parse(text);
  return { family: familyOf(addr), value: toBigInt(addr) };
}

/** Parses `a.b.c.d/n`; `undefined` when malformed. Host bits may be set (see `hostBitsSet`). */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const addrText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(prefixText) || !isIp(addrText)) return undefined;
  const addr = ipaddr.parse(addrText);
  const family = familyOf(addr);
  const prefix = Number(prefixText);
  if (prefix > BITS[family]) return undefined;
  const address = toBigInt(addr);
  const hostBits = BigInt(BITS[family] - prefix);
  const first = (address >> hostBits) << hostBits;
  const last = first + (1n << hostBits) - 1n;
  return { family, address, prefix, first, last, text };
}

export function formatAddress(family: Family, value: bigint): string {
  const bytes: number[] = [];
  for (let i = 0; i < BITS[family] / 8; i++) bytes.unshift(Number((value >> BigInt(8 * i)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

/** The network form of a CIDR whose host bits are set: 10.0.0.1/8 → 10.0.0.0/8. */
export function networkOf(cidr: Cidr): string {
  return `${formatAddress(cidr.family, cidr.first)}/${cidr.prefix}`;
}

export function hostBitsSet(cidr: Cidr): boolean {
  return cidr.address !== cidr.first;
}

/** A CIDR or an inclusive `first-last` range, as an interval. */
export function parseRange(text: string): AddressInterval | undefined {
  if (text.includes('/')) return parseCidr(text);
  const dash = text.indexOf('-');
  if (dash < 0) {
    const single = parseIp(text);
    return single && { family: single.family, first: single.value, last: single.value };
  }
  const a = parseIp(text.slice(0, dash).trim());
  const b = parseIp(text.slice(dash + 1).trim());
  if (!a || !b || a.family !== b.family || a.value > b.value) return undefined;
  return { family: a.family, first: a.value, last: b.value };
}

export function overlaps(a: AddressInterval, b: AddressInterval): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

export function containsAddress(net: AddressInterval, addr: { family: Family; value: bigint }): boolean {
  return net.family === addr.family && net.first <= addr.value && addr.value <= net.last;
}
