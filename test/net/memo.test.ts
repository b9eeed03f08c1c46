import { describe, expect, it } from 'vitest';
import { memoizeString } from '../../lib/net/memo.ts';

describe('memoizeString', () => {
  it('computes each text once, remembers undefined results too', () => {
    const calls: string[] = [];
    const memo = memoizeString((t) => (calls.push(t), t === 'none' ? undefined : t.length), { limit: 10 });
    expect([memo('ab'), memo('ab'), memo('none'), memo('none'), memo('abc')]).toEqual([2, 2, undefined, undefined, 3]);
    expect(calls).toEqual(['ab', 'none', 'abc']);
  });

  it('never holds more than its limit, dropping the oldest, and stays correct after', () => {
    const calls: string[] = [];
    const memo = memoizeString((t) => (calls.push(t), t.toUpperCase()), { limit: 3 });
    for (const t of ['a', 'b', 'c', 'd', 'e']) memo(t);
    expect(memo.size()).toBe(3);
    calls.length = 0;
    expect([memo('c'), memo('d'), memo('e')]).toEqual(['C', 'D', 'E']);
    expect(calls).toEqual([]); // the newest three are held
    expect(memo('a')).toBe('A'); // dropped, computed again
    expect(calls).toEqual(['a']);
    expect(memo.size()).toBe(3);
    memo.clear();
    expect(memo.size()).toBe(0);
  });
});
