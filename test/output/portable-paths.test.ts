import { prng } from '../helpers.ts';
import { describe, expect, it } from 'vitest';
import { foldedPath, unportablePaths, unportableSegment, type UnportablePath } from '../../lib/output/portable-paths.ts';

// unportablePaths takes a quick test per path and folds each directory once (59,000 output paths at
// 1000 clusters). The straightforward version — every segment checked, every prefix folded —
// is the oracle here, on random paths made of the names and characters each rule is about.
function oracle(paths: Iterable<string>): UnportablePath[] {
  const out: UnportablePath[] = [];
  const seen = new Map<string, string>();
  for (const p of paths) {
    const bad = p
      .split('/')
      .map((s) => [s, unportableSegment(s)] as const)
      .find(([, why]) => why !== undefined);
    if (bad) out.push({ path: p, problem: `${JSON.stringify(bad[0])}: ${bad[1]}` });
    const segments = p.split('/');
    for (let i = 1; i <= segments.length; i++) {
      const prefix = segments.slice(0, i).join('/');
      const prior = seen.get(foldedPath(prefix));
      if (prior === undefined) seen.set(foldedPath(prefix), prefix);
      else if (prior !== prefix) {
        out.push({ path: p, problem: `${prefix} differs from ${prior} only in case (or Unicode normalization): one name on macOS and Windows` });
        break;
      }
    }
  }
  return out;
}


const PIECES = ['a', 'A', 'lab', 'Lab', 'con', 'CON', 'nul', 'com1', 'lpt²', 'aux', 'x', '.', ' ', ':', '?', '\u0007', 'e\u0301', '\u00e9', 'yaml', '-', 'conin$'];

describe('portable output paths', () => {
  it('property: the fast check reports exactly what checking every segment and folding every prefix reports', () => {
    const random = prng(7);
    const pick = (): string => PIECES[Math.floor(random() * PIECES.length)]!;
    let found = 0;
    for (let round = 0; round < 300; round++) {
      const paths: string[] = [];
      for (let n = 0; n < 30; n++) {
        const depth = 1 + Math.floor(random() * 4);
        const segs = Array.from({ length: depth }, () => Array.from({ length: 1 + Math.floor(random() * 3) }, pick).join(''));
        paths.push(segs.join('/'));
      }
      const want = oracle(paths);
      found += want.length;
      expect(unportablePaths(paths), paths.join('\n')).toEqual(want);
    }
    // Not vacuous: the random paths hit every kind of problem many times.
    expect(found).toBeGreaterThan(1000);
  });

  it('paths an earlier synth wrote (passed as written) give the same result: their names passed then, so only clashes are looked for', () => {
    const random = prng(11);
    const pick = (): string => PIECES[Math.floor(random() * PIECES.length)]!;
    let clashes = 0;
    for (let round = 0; round < 300; round++) {
      const paths = Array.from({ length: 30 }, () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => Array.from({ length: 1 + Math.floor(random() * 2) }, pick).join('')).join('/'));
      // What a synth could keep: a set whose names are portable and which does not clash within itself.
      const written: string[] = [];
      for (const p of paths) if (unportablePaths([...written, p]).length === 0) written.push(p);
      const fresh = paths.filter((p) => !written.includes(p));
      const want = oracle([...fresh, ...written]);
      clashes += want.length;
      expect(unportablePaths(fresh, written), [...fresh, '--', ...written].join('\n')).toEqual(want);
    }
    expect(clashes).toBeGreaterThan(300);
  });
});
