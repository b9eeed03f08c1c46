import { describe, expect, it } from 'vitest';
import { escapeSegment, parsePointer, pointer } from '../../lib/diagnostics/pointer.ts';

// lib/diagnostics/pointer.ts skips the escaping passes for segments without `~` or `/`; the
// check rules build their pointers with it. RFC 6901 §3: `~` is written `~0`, `/` is `~1`.
describe('JSON pointers', () => {
  it('escapes ~ and / (in that order) and leaves other segments alone', () => {
    expect(escapeSegment('a/b~c')).toBe('a~1b~0c');
    expect(escapeSegment('~1')).toBe('~01');
    expect(escapeSegment('plain.key-1')).toBe('plain.key-1');
    expect(escapeSegment(7)).toBe('7');
    expect(escapeSegment('')).toBe('');
    expect(pointer('nodes', 0, 'labels', 'node.orrery.dev/pool')).toBe('/nodes/0/labels/node.orrery.dev~1pool');
    expect(pointer()).toBe('');
  });
  it('round-trips through parsePointer', () => {
    for (const segs of [['a', 'b/c', '~', '~1/~0', ''], ['x'], ['0', '1']]) expect(parsePointer(pointer(...segs))).toEqual(segs);
  });
});
