import { afterAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers.ts';
import { runUnprivileged, unprivilegedDir } from './support/unprivileged.ts';

// Permission faults with real permissions: the scenario runs as an unprivileged user.
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

async function run(scenario: string): Promise<Record<string, any>> {
  const dir = await unprivilegedDir();
  dirs.push(dir);
  return runUnprivileged('permission-scenario.ts', [scenario, dir]);
}

describe('the writer under real permissions', () => {
  it('GIVEN an unwritable parent THEN a new output is a clear exit-1 error naming it; an existing writable output is updated in place', async () => {
    const r = await run('unwritable-parent');
    expect(r.fresh).toMatchObject({ ok: false, type: 'OutputError' });
    expect(r.fresh.error).toMatch(/^cannot create \/.+\/ro\/dist: \/.+\/ro is not writable for this user; remount it read-write or fix the permissions, or choose another --out$/);
    expect(r.freshLeft).toEqual(['existing']);
    expect(r.existing).toEqual({ ok: true, warnings: [] });
    expect(r.existingAgain).toEqual({ ok: true, warnings: [] });
    expect(r.tree).toMatchObject({ 'README.md': 'v2\n', 'lab/a.yaml': 'A\n', 'lab/b.yaml': 'b\n' });
    expect(Object.keys(r.tree).filter((k) => k.startsWith('.orrery-') && k !== '.orrery-manifest.json')).toEqual([]);
    expect(r.parentLeft).toEqual(['existing']);
  });

  it('GIVEN read-only directories inside the output THEN synth succeeds, keeps their modes, and the old tree is removed (never wedges the next run)', async () => {
    const r = await run('read-only-inside');
    expect(r.first).toEqual({ ok: true, warnings: [] });
    expect(r.second).toEqual({ ok: true, warnings: [] });
    expect(r.third).toEqual({ ok: true, warnings: [] });
    expect(r.modes).toEqual({ lab: '555', sealed: '500' });
    expect(r.beside).toEqual(['dist']);
    expect(r.tree).toMatchObject({ 'README.md': 'v3\n', 'lab/b.yaml': 'b\n', 'sealed/': '' });
  });

  it('GIVEN unreadable spec files, secret files or spec directory THEN exit 1 with an error naming it and the fix; nothing written', async () => {
    const r = await run('unreadable-inputs');
    expect(r.secret.code).toBe(1);
    expect(r.secret.text).toContain('FIXTURE/secrets/lab/cilium-ca.yaml:1:1 error cannot read the stored secret: permission denied; make it readable for this user (chmod u+r)');
    expect(r.spec.code).toBe(1);
    expect(r.spec.text).toContain('FIXTURE/clusters/edge.yaml:1:1 error cannot read the file: permission denied; make it readable for this user (chmod u+r)');
    expect(r.specDir.code).toBe(1);
    expect(r.specDir.text).toContain('FIXTURE/clusters:1:1 error cannot read the spec directory: permission denied; make it readable for this user (chmod u+r)');
    for (const k of ['secret', 'spec', 'specDir']) expect(r[k].text).not.toMatch(/internal error|\n\s+at /);
    expect(r.written).toBe(false);
  });
});
