import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VTALOS_UP } from './expected.ts';
import { commandLines, mutating, workspace, type FakeState, type Workspace } from './harness.ts';

const spaces: Workspace[] = [];
afterAll(async () => Promise.all(spaces.map((w) => w.dispose())));

async function fresh(state?: (s: FakeState) => void): Promise<{ w: Workspace; key: string }> {
  const w = await workspace('vtalos-lab', state ? { state } : {});
  spaces.push(w);
  writeFileSync(path.join(w.home, 'deploy-key'), 'fake deploy key\n', { mode: 0o600 });
  // Relative to the workspace: the same command line in every workspace.
  return { w, key: 'home/deploy-key' };
}

// The reference run: the mutating commands of a clean bring-up, to inject a failure into each.
let reference: string[] = [];

describe('resume after a failure at every mutating step (vtalos-lab)', () => {
  it('the reference bring-up', async () => {
    const { w, key } = await fresh();
    expect((await w.run(['up', '--yes', '--git-private-key', key])).code).toBe(0);
    reference = mutating(w.log());
    expect(reference).toEqual(VTALOS_UP('home/deploy-key'));
  });

  for (let i = 1; i <= VTALOS_UP('').length; i++) {
    it(`mutation ${i} fails once: up stops there, the rerun runs exactly the rest`, async () => {
      const { w, key } = await fresh((s) => (s.failAtMutation = i));
      const failed = await w.run(['up', '--yes', '--git-private-key', key]);
      expect(failed.code).toBe(1);
      expect(failed.err).toMatch(/orrery up: stopped at vtalos: .*(\n\s+)?simulated failure of \w+ \S+ \(fails once\)/);
      expect(failed.err).toContain('run orrery up vtalos again');
      expect(mutating(w.log())).toEqual(reference.slice(0, i));
      expect(w.leftovers()).toEqual([]);
      w.clearLog();
      const resumed = await w.run(['up', '--yes', '--git-private-key', key]);
      expect(resumed.code, resumed.err).toBe(0);
      // Nothing done before the failure is done again; the failed command is retried; then the rest.
      expect(mutating(w.log())).toEqual(reference.slice(i - 1));
      expect(resumed.err).toContain('vtalos up to date');
    }, 180_000);
  }

  it('a probe that fails once (talosctl health) stops up with its message; the rerun continues', async () => {
    const { w, key } = await fresh((s) => (s.failOnce = [{ tool: 'talosctl', match: 'health', stderr: 'waiting for etcd to be healthy: rpc error: code = DeadlineExceeded' }]));
    const first = await w.run(['up', '--yes', '--git-private-key', key]);
    // The health check saw the failure (pending): up waited with the long health call, then verified.
    expect(first.code, first.err).toBe(0);
    expect(commandLines(w.log(), (e) => e.args.includes('health')).map((l) => l.replace(/.* --wait-timeout /, ''))).toEqual(['10s', '5s', '10s']);
  }, 120_000);
});
