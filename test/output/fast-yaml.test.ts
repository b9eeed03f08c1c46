import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { fastYaml } from '../../lib/output/fast-yaml.ts';
import { libraryYaml, toYaml, YAML_OPTIONS } from '../../lib/output/yaml.ts';
import { REPO } from '../helpers.ts';

// fast-yaml.ts must write byte for byte what the yaml library writes with our options, or step
// aside (undefined). Checked on every document of the committed output and on random documents
// made of YAML's hard cases; the coverage checks make sure the fast path is really taken.

function outputDocuments(): unknown[] {
  const docs: unknown[] = [];
  const visit = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.name.endsWith('.yaml')) for (const d of parseAllDocuments(readFileSync(p, 'utf8'))) docs.push(d.toJS());
    }
  };
  visit(path.join(REPO, 'dist'));
  for (const ex of readdirSync(path.join(REPO, 'examples'))) visit(path.join(REPO, 'examples', ex, 'dist'));
  return docs;
}

const HARD_STRINGS = [
  '', ' ', 'a', 'y', 'Y', 'n', 'no', 'on', 'Off', 'yes', 'true', 'False', 'null', '~', 'NULL', '1', '-1', '+1', '0755', '0x1F', '0o17', '1_000', '1.5', '.5', '1.', '1e3', '1e+3',
  '.inf', '-.Inf', '.nan', '12:30', '190:20:30', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '10.0.0.1', '10.0.0.0/24', '1.36.2', 'v1.13.9', '1.2', '1.2.', '1..2',
  '- a', '-a', 'a-', ': a', 'a:', 'a: b', 'a:b', 'a #b', 'a#b', '#a', '@a', '`a', '%a', '!a', '&a', '*a', '|', '>', '?', '? a', '[a]', '{a}', 'a,b', '"', "'", "it's", 'say "hi"',
  ' lead', 'trail ', '---', '...', '--- a', '<<', '=', 'a\tb', 'ü', 'straße', '日本', '😀', 'app.kubernetes.io/name', 'a/b', '/a', '_a', 'a_b', 'A-B.c', 'x'.repeat(200),
  'multi\nline', 'trailing\n', 'x\n\n', '\n', '\n\n', ' lead\nx\n', 'a\n  b\n', 'a\n\nb', 'tab\t\nx', 'trail \nx', '# c\nx', 'a: b\nc', '- a\nb', '"q"\n', 'x\r\ny', '/*\n!/lab/\n', 'ü\n😀', '  \n  ', '\\', 'a\\b', '0', '00', '-', '--', '.', '..', '/', 'C:\\x', 'http://x.y/z?q=1#f', '${VAR}', '$(x)', '{{ .Values }}', 'ø: x',
];

/** A small deterministic PRNG (mulberry32): the same random documents on every run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomValue(r: () => number, depth: number): unknown {
  const pick = r();
  if (depth < 4 && pick < 0.25) return Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, () => [HARD_STRINGS[Math.floor(r() * HARD_STRINGS.length)]!, randomValue(r, depth + 1)]));
  if (depth < 4 && pick < 0.4) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  if (pick < 0.8) return HARD_STRINGS[Math.floor(r() * HARD_STRINGS.length)];
  if (pick < 0.86) return Math.floor(r() * 2000) - 1000;
  if (pick < 0.9) return r() < 0.5;
  if (pick < 0.93) return null;
  if (pick < 0.95) return undefined;
  return r() * 100;
}

describe('fast YAML emitter', () => {
  it('GIVEN every document of the committed output THEN it writes the bytes the yaml library writes, and takes the fast path for most', () => {
    const docs = outputDocuments();
    expect(docs.length).toBeGreaterThan(400);
    let fast = 0;
    for (const doc of docs) {
      const text = fastYaml(doc, YAML_OPTIONS);
      if (text === undefined) continue;
      fast++;
      expect(text).toBe(libraryYaml(doc));
    }
    console.log(`fast-yaml: ${fast} of ${docs.length} output documents on the fast path`);
    expect(fast / docs.length).toBeGreaterThan(0.8);
  });

  it('GIVEN 5000 random documents of hard strings, numbers, nesting, undefined THEN fast = library whenever fast answers', () => {
    const r = rng(16);
    let fast = 0;
    for (let i = 0; i < 5000; i++) {
      const doc = Object.fromEntries(Array.from({ length: 1 + Math.floor(r() * 5) }, () => [HARD_STRINGS[Math.floor(r() * HARD_STRINGS.length)]!, randomValue(r, 0)]));
      const text = fastYaml(doc, YAML_OPTIONS);
      if (text === undefined) continue;
      fast++;
      expect(text, JSON.stringify(doc)).toBe(libraryYaml(doc));
    }
    // The control: the fast path really ran on a good share of them.
    expect(fast).toBeGreaterThan(1000);
  });

  it('GIVEN multi-line strings at every depth, as map values, sequence items, values of maps in sequences and keys THEN the bytes the library writes, on the fast path', () => {
    const strings = HARD_STRINGS.filter((s) => s.includes('\n'));
    let fast = 0;
    for (const s of strings) {
      // The same string at key columns 0-8 and dash columns 2-8: block scalars indent from their column.
      const docs = [{ k: s }, { a: { k: s, j: 1 } }, { a: [s, 'x'] }, { a: { b: [{ k: s }, { j: 1, k: s }] } }, { a: { b: { c: { d: s, e: [s] } } } }, { a: [{ b: [{ c: s }] }] }, { [s]: s, a: { [s]: [s] } }];
      for (const doc of docs) {
        const text = fastYaml(doc, YAML_OPTIONS);
        if (text === undefined) continue;
        fast++;
        expect(text, JSON.stringify(doc)).toBe(libraryYaml(doc));
      }
    }
    // The control: multi-line strings take the fast path (not the whole document by the library).
    expect(fast).toBeGreaterThan(strings.length * 5);
  });

  it('GIVEN relative paths and http(s) URLs (written plain without asking the library) THEN the library writes them so too, as values and items', () => {
    const r = rng(7);
    const pick = (chars: string, n: number): string => Array.from({ length: n }, () => chars[Math.floor(r() * chars.length)]!).join('');
    const PATH = 'aZ09_./-';
    const edge = ['./', '../', './-', './.', './..', '../-a', './a/', './/', '..//x', 'http://a', 'https://a:1/', 'http://1.2.3.4:80/x', 'https://-a.b', 'http://a./', 'https://a.b/-', 'http://a:0', 'https://x/..'];
    const random = Array.from({ length: 400 }, (_, i) =>
      i % 2 === 0 ? `${r() < 0.5 ? '.' : '..'}/${pick(PATH, Math.floor(r() * 12))}` : `http${r() < 0.5 ? 's' : ''}://${pick('a1.-', 1 + Math.floor(r() * 8))}${r() < 0.5 ? `:${Math.floor(r() * 70000)}` : ''}${r() < 0.7 ? `/${pick(PATH, Math.floor(r() * 10))}` : ''}`,
    );
    for (const s of [...edge, ...random]) {
      const doc = { a: s, b: { c: [s, { d: s }] } };
      const text = fastYaml(doc, YAML_OPTIONS);
      expect(text, s).toBe(libraryYaml(doc));
    }
  });

  it('GIVEN shapes it leaves to the library (floats, nested sequences, class instances) THEN undefined, and toYaml still writes them', () => {
    for (const doc of [{ a: 1.5 }, { a: [[1]] }, { a: new Date(0) }, { a: new Map() }]) {
      expect(fastYaml(doc, YAML_OPTIONS)).toBeUndefined();
      expect(toYaml(doc)).toBe(libraryYaml(doc));
    }
  });
});
