import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.ts';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('orrery plan / up / upgrade / reset: usage', () => {
  it('each has help and is listed', async () => {
    for (const cmd of ['plan', 'up', 'upgrade', 'reset']) {
      const r = await run([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: orrery ${cmd}`);
      expect(r.out).toContain('--wait-timeout DUR');
    }
    expect((await run(['--help'])).out).toMatch(/plan\s+probe live clusters/);
  });

  it('bad usage is exit 1 with what to do, before anything is read or run', async () => {
    expect(await run(['reset', '--yes'])).toMatchObject({ code: 1, err: 'orrery reset: give exactly one node: orrery reset NODE\n' });
    expect(await run(['plan', '--format', 'github'])).toMatchObject({ code: 1, err: 'orrery plan: --format must be text or json, not "github"\n' });
    expect(await run(['up', '--wait-timeout', 'soon'])).toMatchObject({ code: 1, err: 'orrery up: --wait-timeout "soon" is not a duration (e.g. 20m, 90s)\n' });
    expect((await run(['plan', '--bogus'])).code).toBe(1);
  });

  it('a spec with errors: the diagnostics, exit 1, no tool run', async () => {
    const r = await run(['plan', '--spec', 'test/fixtures/reject/gateway-off-link/clusters']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('orrery plan: the spec has errors; fix them first (orrery validate)');
  });
});
