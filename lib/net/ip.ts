import ipaddr from 'ipaddr.js';
import { memoizeString } from './memo.ts';

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

/**
 * A four-part decimal IPv4 address, exactly what ipaddr.js@2.5.0 `IPv4.isValidFourPartDecimal`
 * accepts — each part `0|[1-9][0-9]*` (ASCII digits, no leading zero) and at most 255, nothing
 * before or after — written as one regular expression because ipaddr.js's own check parses the
 * text twice (octal, hex and short forms first, then the strict match): it was a third of the
 * semantic checks' time at 1000 clusters. test/net/ip.test.ts compares the two on generated text.
 */
const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;

function ipv4Value(text: string): bigint | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  return BigInt(((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0);
}

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

function isIpv6(text: string): boolean {
  return ipaddr.IPv6.isValid(text) && !text.includes('/');
}

/** Whether the text is an IPv4 or IPv6 address; through the parse memo, so that the schema's format checks fill it for the semantic checks. */
export function isIp(text: string): boolean {
  return parseIp(text) !== undefined;
}

export type Address = { readonly family: Family; readonly value: bigint };

function parseIpUncached(text: string): Address | undefined {
  const v4 = ipv4Value(text);
  if (v4 !== undefined) return Object.freeze({ family: 4, value: v4 });
  if (!isIpv6(text)) return undefined;
  return Object.freeze({ family: 6, value: toBigInt(ipaddr.IPv6.parse(text)) });
}

function parseCidrUncached(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const prefixText = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(prefixText)) return undefined;
  const addr = parseIpUncached(text.slice(0, slash));
  if (!addr) return undefined;
  const { family, value: address } = addr;
  const prefix = Number(prefixText);
  if (prefix > BITS[family]) return undefined;
  const hostBits = BigInt(BITS[family] - prefix);
  const first = (address >> hostBits) << hostBits;
  const last = first + (1n << hostBits) - 1n;
  return Object.freeze({ family, address, prefix, first, last, text });
}

function parseRangeUncached(text: string): AddressInterval | undefined {
  if (text.includes('/')) return parseCidr(text);
  const dash = text.indexOf('-');
  if (dash < 0) {
    const single = parseIp(text);
    return single && Object.freeze({ family: single.family, first: single.value, last: single.value });
  }
  const a = parseIp(text.slice(0, dash).trim());
  const b = parseIp(text.slice(dash + 1).trim());
  if (!a || !b || a.family !== b.family || a.value > b.value) return undefined;
  return Object.freeze({ family: a.family, first: a.value, last: b.value });
}

/**
 * The same texts are parsed by many rules and by resolve (a node address by the network,
 * host-address, routes, uniqueness and anycast rules, …), so each parse is remembered; the
 * results are frozen, since every caller shares them. The bound is far above a 1000-cluster
 * fleet's distinct address texts (about 15 000) and keeps a long-lived process from growing.
 */
const MEMO = { limit: 1 << 17 };

export const parseIp = memoizeString(parseIpUncached, MEMO);
/** Parses `a.b.c.d/n`; `undefined` when malformed. Host bits may be set (see `hostBitsSet`). */
export const parseCidr = memoizeString(parseCidrUncached, MEMO);
/** A CIDR or an inclusive `first-last` range, as an interval. */
export const parseRange = memoizeString(parseRangeUncached, MEMO);

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

export function overlaps(a: AddressInterval, b: AddressInterval): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

export function containsAddress(net: AddressInterval, addr: { family: Family; value: bigint }): boolean {
  return net.family === addr.family && net.first <= addr.value && addr.value <= net.last;
}
