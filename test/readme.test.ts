import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../lib/cli/commands/index.ts';
import { REPO } from './helpers.ts';

const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
/** The shell in the README's code blocks, one command per line (continuations joined). */
const shellLines = [...readme.matchAll(/```(?:sh|yaml)\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.replace(/\\\n\s*/g, ' ').split('\n'));

describe('the README\'s commands are ones orrery has', () => {
  const uses = shellLines.flatMap((line) => [...line.matchAll(/npx orrery ([a-z-]+)((?:\s+(?:--?[a-z-]+|[^\s|&;<>#]+))*)/g)].map((m) => ({ line, command: m[1]!, args: m[2]! })));

  it('every npx orrery line names a command and only options it takes', () => {
    expect(uses.length).toBeGreaterThan(10);
    const wrong: string[] = [];
    for (const u of uses) {
      if (u.command.startsWith('-')) {
        if (u.command !== '--version') wrong.push(u.line);
        continue;
      }
      const command = COMMANDS.find((c) => c.name === u.command);
      if (!command) {
        wrong.push(`${u.line}: no command ${u.command}`);
        continue;
      }
      for (const flag of u.args.match(/--[a-z-]+/g) ?? []) if (!(flag.slice(2) in command.options) && flag !== '--help') wrong.push(`${u.line}: ${u.command} has no ${flag}`);
    }
    expect(wrong).toEqual([]);
  });

  it('the CI workflow runs validate --strict, check and diff', () => {
    const workflow = /```yaml\n(# \.github\/workflows\/orrery\.yaml\n[\s\S]*?)```/.exec(readme)![1]!;
    for (const step of ['npx orrery validate --strict', 'npx orrery check', 'npx orrery diff']) expect(workflow).toContain(step);
    // One workflow in the README: the PR review section's, referred to from the fleet section.
    expect(readme.match(/# \.github\/workflows\//g)).toHaveLength(1);
  });

  it('orrery is never installed by its npm name (which is another package)', () => {
    const installs = shellLines.filter((l) => /npm (install|i)\b/.test(l));
    expect(installs.length).toBeGreaterThan(0);
    for (const l of installs) expect(l, l).toMatch(/npm install --save-dev (\.\.?\/\S+\.tgz|"git\+https:\/\/)/);
    expect(readme).toContain('never `npm install orrery`');
  });
});
