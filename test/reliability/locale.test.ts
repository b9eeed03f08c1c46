import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, REPO, removeDir, tempDir } from '../helpers.ts';
import { snapshot } from './support/tree.ts';

// Output bytes must not depend on the machine's locale. Node reads the default locale from
// LC_ALL/LANG and, with full ICU (the default build), collates by it whether or not the C
// library has that locale installed — so the negative control below proves each locale really
// changes localeCompare in a child process before synth is run under it.
const LOCALES = ['cs_CZ.UTF-8', 'da_DK.UTF-8', 'lt_LT.UTF-8', 'et_EE.UTF-8'];
// Cluster (and so directory, list and key) names whose order these locales change: "ch" after
// "h" (Czech), "aa" last (Danish), "y" between "i" and "j" (Lithuanian), "z" after "s" (Estonian).
const NAMES = ['aa', 'ab', 'ch', 'cz', 'h', 'hr', 'i', 'j', 's', 't', 'y', 'z'];

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

function env(locale: string): NodeJS.ProcessEnv {
  const { LANG: _l, LANGUAGE: _g, LC_COLLATE: _c, ...rest } = process.env;
  return { ...rest, LC_ALL: locale };
}

function collation(locale: string): string {
  const r = spawnSync(process.execPath, ['-e', `process.stdout.write(${JSON.stringify(NAMES)}.slice().sort((a, b) => a.localeCompare(b)).join(' '))`], { env: env(locale), encoding: 'utf8' });
  return r.stdout;
}

async function spec(): Promise<string> {
  const dir = await tempDir('orrery-locale-');
  dirs.push(dir);
  await mkdir(path.join(dir, 'clusters'));
  const base = await readFile(path.join(FIXTURES, 'base', 'clusters', 'lab.yaml'), 'utf8');
  await writeFile(path.join(dir, 'clusters', 'constellation.yaml'), await readFile(path.join(FIXTURES, 'base', 'clusters', 'constellation.yaml'), 'utf8'));
  for (const [i, name] of NAMES.entries()) {
    const text = base
      .replace('name: lab', `name: ${name}`)
      .replaceAll('10.0.0.', `10.${i + 1}.0.`)
      .replace('nodeCidr: 10.0.0.0/24', `nodeCidr: 10.${i + 1}.0.0/24`)
      .replace('name: cp-1', `name: ${name}-cp-1`)
      .replace('name: worker-1', `name: ${name}-worker-1`)
      // Keys whose order these locales change, in maps orrery sorts (sysctls, node labels).
      .replace('nodes:\n', `talos:\n  sysctls: {net.hr: "1", net.ch: "1", net.h: "1", net.aa: "1", net.z: "1", net.y: "1", net.i: "1"}\nnodes:\n`);
    await writeFile(path.join(dir, 'clusters', `${name}.yaml`), text);
  }
  return dir;
}

async function synth(dir: string, out: string, locale: string): Promise<void> {
  const child = spawn(process.execPath, [path.join(REPO, 'bin', 'orrery.mjs'), 'synth', '--spec', path.join(dir, 'clusters'), '--out', out], { cwd: dir, env: env(locale), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code, stderr).toBe(0);
}

describe('synth under several locales', () => {
  const reference = collation('C.UTF-8');
  const differing = LOCALES.filter((l) => collation(l) !== reference);
  if (differing.length === 0) console.warn('locale test: skipped — this Node build has no ICU collation data for cs_CZ, da_DK, lt_LT or et_EE (small-icu?), so localeCompare cannot differ here');

  it('the negative control: every locale really changes localeCompare in a child process', () => {
    if (differing.length === 0) return;
    expect(differing).toEqual(LOCALES);
    expect(collation('cs_CZ.UTF-8')).toMatch(/\bh hr ch\b|\bh ch\b/);
    expect(collation('da_DK.UTF-8').split(' ').at(-1)).toBe('aa');
  });

  it.skipIf(differing.length === 0)('writes the same bytes under C.UTF-8, cs_CZ, da_DK, lt_LT and et_EE', async () => {
    const dir = await spec();
    // Separate outputs, so the runs go in parallel.
    await Promise.all(['C.UTF-8', ...LOCALES].map((locale) => synth(dir, path.join(dir, `dist-${locale}`), locale)));
    const expected = await snapshot(path.join(dir, 'dist-C.UTF-8'));
    expect(Object.keys(expected).length).toBeGreaterThan(NAMES.length * 10);
    for (const locale of LOCALES) expect(await snapshot(path.join(dir, `dist-${locale}`)), locale).toEqual(expected);
  });
});
