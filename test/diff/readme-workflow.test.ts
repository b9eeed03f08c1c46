import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { diffCommand } from '../../lib/cli/commands/diff.ts';
import { COMMENT_MARKER } from '../../lib/diff/render.ts';
import { REPO } from '../helpers.ts';

interface Step {
  readonly uses?: string;
  readonly run?: string;
}

/** The sample workflow of the README section "PR review: orrery diff". */
function workflow(): { steps: Step[]; permissions: Record<string, string> } {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const block = /```yaml\n(# \.github\/workflows\/orrery\.yaml\n[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README has no sample workflow');
  const doc = parse(block[1]!) as { permissions: Record<string, string>; jobs: { review: { steps: Step[] } } };
  return { steps: doc.jobs.review.steps, permissions: doc.permissions };
}

describe('README: the PR review workflow', () => {
  it('is valid YAML whose actions are pinned by commit', () => {
    const { steps } = workflow();
    const uses = steps.flatMap((s) => (s.uses ? [s.uses] : []));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^actions\/[a-z-]+@[0-9a-f]{40}$/);
  });

  it('runs validate --strict, check and diff with options orrery diff has, and keeps one comment by its marker', () => {
    const { steps, permissions } = workflow();
    const runs = steps.flatMap((s) => (s.run ? [s.run] : [])).join('\n');
    expect(runs).toContain('npx orrery validate --strict');
    expect(runs).toContain('npx orrery check');
    const diff = /npx orrery diff ([\s\S]*?)>/.exec(runs)![1]!;
    for (const flag of diff.match(/--[a-z-]+/g)!) expect(Object.keys(diffCommand.options), flag).toContain(flag.slice(2));
    expect(runs).toContain(`startswith("${COMMENT_MARKER}")`);
    expect(runs).toMatch(/--method PATCH "repos\/\$GITHUB_REPOSITORY\/issues\/comments\/\$id"/);
    expect(permissions['pull-requests']).toBe('write');
  });
});
