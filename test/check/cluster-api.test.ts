import { describe, expect, it } from 'vitest';
import { usableAddresses } from '../../lib/check/rules/cluster-api.ts';
import { parseCidr, parseIp, parseRange } from '../../lib/net/ip.ts';

const net = parseCidr('10.1.0.0/24')!;
const gw = parseIp('10.1.0.1')!.value;
const count = (...ranges: string[]): bigint => usableAddresses(ranges.map((r) => parseRange(r)!), net, gw);

describe('addresses the in-cluster IPAM provider hands out (PoolSpecToIPSet)', () => {
  it('a range counts every address it holds', () => {
    expect(count('10.1.0.20-10.1.0.40')).toBe(21n);
  });
  it('never the gateway, the network or the broadcast address', () => {
    expect(count('10.1.0.0/24')).toBe(253n);
    expect(count('10.1.0.1-10.1.0.9')).toBe(8n);
  });
  it('overlapping ranges count once', () => {
    expect(count('10.1.0.20-10.1.0.40', '10.1.0.30-10.1.0.50', '10.1.0.45')).toBe(31n);
  });
});
