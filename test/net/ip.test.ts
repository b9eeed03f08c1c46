import { describe, expect, it } from 'vitest';
import ipaddr from 'ipaddr.js';
import { containsAddress, hostBitsSet, isIp, isIpv4, networkOf, overlaps, parseCidr, parseIp, parseRange } from '../../lib/net/ip.ts';

describe('ip helpers', () => {
  it('accepts only four-part decimal IPv4', () => {
    expect(isIpv4('10.0.0.1')).toBe(true);
    for (const bad of ['10.0.0.300', '10.0.1', '0x0a.0.0.1', '10.0.0.1/24', '']) expect(isIpv4(bad)).toBe(false);
    expect(isIp('fd00::1')).toBe(true);
  });

  it('parses CIDRs into intervals and detects host bits', () => {
    const c = parseCidr('10.244.0.0/16')!;
    expect(c.last - c.first).toBe(65535n);
    expect(hostBitsSet(parseCidr('10.244.1.0/16')!)).toBe(true);
    expect(networkOf(parseCidr('192.168.42.201/24')!)).toBe('192.168.42.0/24');
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(networkOf(parseCidr('fd00:10::1/64')!)).toBe('fd00:10::/64');
  });

  it('parses ranges and single addresses', () => {
    const r = parseRange('10.0.0.10-10.0.0.20')!;
    expect(r.last - r.first).toBe(10n);
    expect(parseRange('10.0.0.20-10.0.0.10')).toBeUndefined();
    expect(parseRange('10.0.0.1-fd00::1')).toBeUndefined();
  });

  it('answers overlap and containment, never across families', () => {
    expect(overlaps(parseCidr('10.0.0.0/8')!, parseCidr('10.1.0.0/16')!)).toBe(true);
    expect(overlaps(parseCidr('10.0.0.0/16')!, parseCidr('10.1.0.0/16')!)).toBe(false);
    expect(overlaps(parseRange('10.0.0.250-10.0.1.5')!, parseCidr('10.0.1.0/24')!)).toBe(true);
    expect(containsAddress(parseCidr('10.0.0.0/24')!, parseIp('10.0.0.255')!)).toBe(true);
    expect(containsAddress(parseCidr('10.0.0.0/24')!, parseIp('10.0.1.0')!)).toBe(false);
    expect(containsAddress(parseCidr('::/0')!, parseIp('10.0.0.1')!)).toBe(false);
  });
});

describe('the IPv4 fast path agrees with ipaddr.js', () => {
  // lib/net/ip.ts matches four-part decimal IPv4 with its own expression instead of
  // ipaddr.js@2.5.0 IPv4.isValidFourPartDecimal + parse; the two must accept the same texts and
  // give the same value.
  const edges = ['0.0.0.0', '255.255.255.255', '256.0.0.0', '1.2.3.256', '01.2.3.4', '1.2.3.04', '1.2.3.00', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.4\n', '1.2.3', '1.2.3.4.5', '0x1.2.3.4', '1e2.0.0.1', '١.2.3.4', '1..3.4', '999.1.1.1', '199.249.250.251', '1.2.3.4/24', ''];
  it('on edge cases and generated text', () => {
    let seed = 42;
    const next = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const alphabet = '0123456789.0123456789.25x/ ';
    const generated = Array.from({ length: 8000 }, () => Array.from({ length: 1 + Math.floor(next() * 15) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
    const dotted = Array.from({ length: 8000 }, () => Array.from({ length: 4 }, () => String(Math.floor(next() * 300)).padStart(next() < 0.1 ? 3 : 1, '0')).join('.'));
    let valid = 0;
    for (const text of [...edges, ...generated, ...dotted]) {
      const theirs = ipaddr.IPv4.isValidFourPartDecimal(text);
      expect(isIpv4(text), text).toBe(theirs);
      const ours = parseIp(text);
      if (theirs) {
        valid++;
        expect(ours, text).toEqual({ family: 4, value: BigInt(ipaddr.IPv4.parse(text).toByteArray().reduce((a, b) => a * 256 + b, 0)) });
      } else if (!ipaddr.IPv6.isValid(text)) expect(ours, text).toBeUndefined();
    }
    expect(valid).toBeGreaterThan(2000); // not vacuous: thousands of valid addresses compared
  });
});

describe('parse memo', () => {
  it('gives the same results as parsing afresh, frozen, one object per text', () => {
    for (const text of ['10.0.0.1/24', 'fd00::1/64', '10.0.0.1', 'bad', '10.0.0.9-10.0.0.1', '10.0.0.1-10.0.0.9']) {
      parseCidr.clear();
      parseIp.clear();
      parseRange.clear();
      const fresh = [parseIp(text), parseCidr(text), parseRange(text)];
      expect([parseIp(text), parseCidr(text), parseRange(text)]).toEqual(fresh);
      for (const [i, r] of fresh.entries()) {
        if (r === undefined) continue;
        expect(Object.isFrozen(r)).toBe(true);
        expect([parseIp, parseCidr, parseRange][i]!(text)).toBe(r);
        expect(() => Object.assign(r, { first: 0n })).toThrow(TypeError);
      }
    }
    expect(parseCidr('10.0.0.1/24')).toEqual({ family: 4, address: 167772161n, prefix: 24, first: 167772160n, last: 167772415n, text: '10.0.0.1/24' });
  });

  it('holds a bounded number of texts (2^17 per parser), however many it is given', () => {
    parseIp.clear();
    for (let i = 0; i < 140_000; i++) parseIp(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    expect(parseIp.size()).toBe(2 ** 17);
    expect(parseIp('10.2.34.8')).toEqual({ family: 4, value: 0x0a022208n }); // the newest are kept, the rest parsed afresh
    expect(parseIp('10.0.0.0')).toEqual({ family: 4, value: 0x0a000000n });
    parseIp.clear();
  });
});
