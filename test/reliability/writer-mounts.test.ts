import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, removeDir, tempDir } from '../helpers.ts';

// Real file systems instead of injected faults: a tmpfs as the output (a mount point), a full
// tmpfs, a read-only remount. Needs root and `unshare --mount` (a private mount namespace, so a
// failed test leaves no mount behind); skipped, visibly, elsewhere.
const SCENARIO = path.join(REPO, 'test', 'reliability', 'support', 'mount-scenario.ts');
const canMount =
  process.getuid?.() === 0 && spawnSync('unshare', ['--mount', 'sh', '-c', 'd=$(mktemp -d) && mount -t tmpfs tmpfs "$d" && umount "$d" && rmdir "$d"']).status === 0;
if (!canMount) console.warn('writer-mounts: skipped — needs root and unshare --mount to mount a tmpfs');

const roots: string[] = [];
afterAll(async () => Promise.all(roots.map(removeDir)));

async function run(scenario: string): Promise<Record<string, any>> {
  const dir = await tempDir('orrery-mount-');
  roots.push(dir);
  const r = spawnSync('unshare', ['--mount', process.execPath, '--import', 'tsx', SCENARIO, scenario, dir], { cwd: REPO, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Record<string, any>;
}

describe.skipIf(!canMount)('the writer on real mounts', () => {
  it('GIVEN the output is a mount point (rename fails with EBUSY) THEN it is updated in place, stays mounted, and nothing is left', async () => {
    const r = await run('mount-point');
    expect(r.first).toEqual({ ok: true });
    expect(r.second).toEqual({ ok: true });
    expect(r.tree).toMatchObject({ 'README.md': 'v2\n', 'lab/a.yaml': 'a\n', 'lab/b.yaml': 'b\n' });
    expect(Object.keys(r.tree).filter((k) => k.startsWith('.orrery-') && k !== '.orrery-manifest.json')).toEqual([]);
    expect(r.stillMounted).toBe(true);
    expect(r.beside).toEqual(['dist']);
  });

  it('GIVEN a full disk THEN a clear exit-1 error names the path and the fix, the staging tree is gone, and the next run works', async () => {
    const r = await run('full-disk');
    expect(r.first).toEqual({ ok: true });
    expect(r.full.ok).toBe(false);
    expect(r.full.type).toBe('OutputError');
    expect(r.full.error).toMatch(/cannot write the new output \(the previous one is unchanged\): no space left on the device that holds \/.+dist\.orrery-staging; free some space and run again/);
    expect(r.tree).toMatchObject({ 'README.md': 'v1\n', 'lab/a.yaml': 'a\n' });
    expect(r.beside).toEqual(['dist']);
    expect(r.next).toEqual({ ok: true });
    expect(r.after).toMatchObject({ 'README.md': 'v2\n', 'lab/b.yaml': 'b\n' });
  });

  it('GIVEN a read-only file system THEN an existing and a new output are both refused with the path and the fix, nothing changed', async () => {
    const r = await run('read-only');
    expect(r.first).toEqual({ ok: true });
    expect(r.second).toMatchObject({ ok: false, type: 'OutputError' });
    expect(r.second.error).toMatch(/^cannot write \/.+\/dist: \/.+\/dist is on a read-only file system, and so is \/.+; remount it read-write or fix the permissions, or choose another --out$/);
    expect(r.fresh).toMatchObject({ ok: false, type: 'OutputError' });
    expect(r.fresh.error).toMatch(/^cannot create \/.+\/new-dist: \/.+ is on a read-only file system; remount it read-write/);
    expect(r.tree).toMatchObject({ 'README.md': 'v1\n' });
    expect(r.check).toEqual({ changed: ['README.md'], added: ['lab/b.yaml'] });
  });
});
