import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers.ts';

/** Every module under lib/ and charts/ with the lib-relative modules it imports (static and dynamic). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (dir: string): void => {
    for (const e of readdirSync(path.join(REPO, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) visit(rel);
      else if (e.name.endsWith('.ts')) {
        const text = readFileSync(path.join(REPO, rel), 'utf8');
        const targets = [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1]!)));
        graph.set(rel, targets.filter((t) => t.endsWith('.ts')));
      }
    }
  };
  visit('lib');
  visit('charts');
  return graph;
}

const graph = importGraph();
const importers = (pred: (target: string) => boolean): string[] =>
  [...graph].filter(([, targets]) => targets.some(pred)).map(([m]) => m).sort();

describe('module structure', () => {
  it('has no import cycles', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (m: string, stack: string[]): void => {
      if (state.get(m) === 'done') return;
      if (state.get(m) === 'visiting') {
        cycles.push([...stack.slice(stack.indexOf(m)), m].join(' → '));
        return;
      }
      state.set(m, 'visiting');
      for (const t of graph.get(m) ?? []) visit(t, [...stack, m]);
      state.set(m, 'done');
    };
    for (const m of [...graph.keys()].sort()) visit(m, []);
    expect(cycles).toEqual([]);
  });

  it('only the registry (and components sharing code with each other) import a component', () => {
    const outside = importers((t) => t.startsWith('lib/components/')).filter((m) => m !== 'lib/registry.ts' && !m.startsWith('lib/components/'));
    expect(outside).toEqual([]);
  });

  it('the stages below resolve never import it (defaults live in lib/model)', () => {
    const offenders = importers((t) => t.startsWith('lib/resolve/')).filter((m) => /^lib\/(check|read|spec|model|net|data|diagnostics|components|gitops|build)\//.test(m));
    expect(offenders).toEqual([]);
  });

  it('the pure stages never touch the disk: only read, the writer, secrets storage, key loading, the CLI and the runner do', () => {
    const fsUsers = [...graph.keys()].filter((m) => /from 'node:fs(\/promises)?'/.test(readFileSync(path.join(REPO, m), 'utf8')));
    // (the build cache and the code fingerprint are caches next to the writer's index: read and written by synth only)
    const allowed = /^lib\/(read|output\/writer|output\/build-cache|output\/cache-file|util\/code-fingerprint|secrets\/store|sops\/keys|cli|runner|diff|spec\/schema-file)|^lib\/components\/[^/]+\/[^/]+\.ts$/;
    // Components read only their own bundled templates at load time (readFileSync of a URL beside them).
    const offenders = fsUsers.filter((m) => !allowed.test(m));
    expect(offenders).toEqual([]);
  });
});
