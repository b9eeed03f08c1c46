import { beforeAll, describe, expect, it } from 'vitest';
import { bytes } from '../../lib/diff/budget.ts';
import type { DiffResult } from '../../lib/diff/diff.ts';
import { renderDiff } from '../../lib/diff/render.ts';
import { toYaml } from '../../lib/output/yaml.ts';
import { committedDist, diffFiles, parseAll, type Files } from './helpers.ts';

/** Every object of every YAML file of the tree gets 20 new annotations: a diff of everything. */
const ANNOTATIONS = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`example.com/reviewed-by-team-${i}`, `yes, on the ${i}th review round`]));
function annotateAll(files: Files): Files {
  const out = new Map(files);
  for (const [p, text] of files) {
    if (!p.endsWith('.yaml') || p.includes('/talos/') || p.endsWith('kustomization.yaml')) continue;
    const docs = parseAll(text);
    if (!docs.every((d) => d.metadata && typeof d.metadata === 'object')) continue;
    out.set(p, docs.map((d) => toYaml({ ...d, metadata: { ...(d.metadata as object), annotations: { ...((d.metadata as { annotations?: object }).annotations ?? {}), ...ANNOTATIONS } } })).join('---\n'));
  }
  return out;
}

const detailsCount = (s: string): number => s.split('<details>').length - 1;

describe('orrery diff: the byte budget', () => {
  let r: DiffResult;
  let total: number;
  beforeAll(async () => {
    const before = await committedDist('equinix-constellation');
    r = await diffFiles(before, annotateAll(before));
    total = r.groups.reduce((n, g) => n + g.changes.length, 0);
  });

  it('the diff is large enough to need the budget (negative control)', () => {
    expect(total).toBeGreaterThan(40);
    expect(bytes(renderDiff(r, { format: 'markdown' }))).toBeGreaterThan(100_000);
  });

  it.each([2_048, 5_000, 12_000, 60_000])('markdown within %i bytes, with an honest count of what was left out', (max) => {
    const text = renderDiff(r, { format: 'markdown', maxBytes: max, fullDiff: 'orrery-diff.md' });
    expect(bytes(text)).toBeLessThanOrEqual(max);
    const shown = detailsCount(text);
    const omitted = total - shown;
    if (omitted > 0) expect(text).toContain(`_${omitted} more object${omitted === 1 ? '' : 's'} not shown (this report is limited to ${max} bytes); full diff: orrery-diff.md_`);
    else expect(text).not.toContain('not shown (this report');
    expect(text).not.toContain('ENC[');
    expect(text.startsWith('<!-- orrery-diff -->\n')).toBe(true);
  });

  it('text within the budget too; the full report (no budget) shows every object', () => {
    const text = renderDiff(r, { format: 'text', maxBytes: 4_000 });
    expect(bytes(text)).toBeLessThanOrEqual(4_000);
    expect(text).toMatch(/… \d+ more objects not shown; run orrery diff --full FILE for the full diff\n$/);
    const full = renderDiff(r, { format: 'markdown' });
    expect(detailsCount(full)).toBe(total);
    expect(full).not.toContain('ENC[');
  });

  it('a summary larger than the budget is cut by whole clusters, with the count', async () => {
    const before: Files = new Map();
    const after: Files = new Map();
    for (let i = 0; i < 400; i++) {
      const p = `c${String(i).padStart(4, '0')}/namespaces/namespace-apps.yaml`;
      before.set(p, toYaml({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } } }));
      after.set(p, toYaml({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', labels: { team: String(i) } } }));
    }
    const big = await diffFiles(before, after);
    const text = renderDiff(big, { format: 'markdown', maxBytes: 10_000 });
    expect(bytes(text)).toBeLessThanOrEqual(10_000);
    expect(text).toMatch(/_… \d+ more sections not shown_/);
    expect(detailsCount(text)).toBe(0);
    expect(text).toContain('_400 more objects not shown');
  });
});
