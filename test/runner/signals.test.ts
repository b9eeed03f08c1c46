import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers.ts';
import { alive } from './fake-server.ts';
import { filesUnder, TEST_AGE_KEY, workspace, type Workspace } from './harness.ts';

const spaces: Workspace[] = [];
afterAll(async () => Promise.all(spaces.map((w) => w.dispose())));


async function until(what: string, test: () => boolean, ms = 60_000): Promise<void> {
  const start = Date.now();
  while (!test()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Ctrl-C and SIGTERM: the private temp directory goes, the running tool is stopped', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} while a tool runs: exit ${code}, nothing left in the temp dir, the tool killed`, async () => {
      const w = await workspace('vtalos-lab', { state: (s) => (s.hang = [{ tool: 'talosctl', match: 'apply-config --insecure --nodes 192.168.42.142' }]) });
      spaces.push(w);
      const child = spawn(process.execPath, [path.join(REPO, 'bin', 'orrery.mjs'), 'up', '--yes', '--poll-interval', '0s'], {
        cwd: w.dir,
        env: { PATH: `${w.bin}${path.delimiter}${process.env.PATH}`, HOME: w.home, TMPDIR: w.tmpBase, SOPS_AGE_KEY: TEST_AGE_KEY, ...w.networkEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      // The fake records the pid of the tool process the runner started (the shim) when it hangs.
      const hanging = (): { pid: number } | undefined => w.log().find((e) => e.hanging && e.pid !== undefined) as { pid: number } | undefined;
      await until('the hanging apply-config', () => hanging() !== undefined);
      // While the tool runs, the rendered configs and the decrypted bundle are in the private dir: 0700, files 0600.
      expect(w.leftovers()).toHaveLength(1);
      const priv = path.join(w.tmpBase, w.leftovers()[0]!);
      const modes = [...filesUnder(priv).keys()].map((f) => [path.relative(priv, f), (statSync(f).mode & 0o777).toString(8)]);
      expect(modes.length).toBeGreaterThanOrEqual(6);
      expect(modes.filter(([, m]) => m !== '600')).toEqual([]);
      expect((statSync(priv).mode & 0o777).toString(8)).toBe('700');
      child.kill(signal);
      expect(await exited).toBe(code);
      expect(err).toContain('interrupted; the private temp directory is removed. Run it again: it resumes where it stopped.');
      expect(w.leftovers()).toEqual([]);
      await until('the tool to stop', () => !alive(hanging()!.pid), 10_000);
    }, 120_000);
  }
});
