import { describe, expect, it } from 'vitest';
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
