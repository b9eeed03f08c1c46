import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { renderSpecReference } from '../../lib/spec/render-reference.ts';
import { pendingKeys } from '../../lib/spec/pending.ts';
import { materializeFixture, removeDir, runOrrery } from '../helpers.ts';
import { compileDocs, findOccurrence, judge, loadVariants, specKeys } from './schema-walk.ts';

/**
 * The "not compiled yet" machinery (issue 12, point 1), proven on a synthetic annotation: every
 * key of the real schema compiles now (test/spec/schema-walk.test.ts proves none is left), so
 * this file's schema — and only this file's, vitest gives each test file its own modules — marks
 * one real key, nodes[].maintenanceAddress, x-orrery-pending. Everything that reads the schema
 * (validate, the pipeline's notes, --strict, the spec reference, the walk) sees it as a key a
 * later capability would compile.
 */
const { BY } = vi.hoisted(() => ({ BY: 'a synthetic capability of this test' }));
vi.mock('../../lib/spec/schema-file.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../lib/spec/schema-file.ts')>();
  const schema = structuredClone(real.loadSpecSchema()) as { $defs: Record<string, { properties: Record<string, Record<string, unknown>> }> };
  const key = schema.$defs.Node!.properties.maintenanceAddress!;
  key['x-orrery-pending'] = BY;
  key.description = `${String(key.description)} Not compiled yet.`;
  return { ...real, loadSpecSchema: () => schema };
});

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

/** The base fixture with maintenanceAddress set on worker-1 (line 26, column 5 of lab.yaml). */
async function pendingSpec(): Promise<{ spec: string; out: string; dir: string }> {
  const dir = await materializeFixture('accept/base');
  dirs.push(dir);
  const lab = path.join(dir, 'clusters', 'lab.yaml');
  await writeFile(lab, (await readFile(lab, 'utf8')).replace('    addresses: [10.0.0.21/24]\n', '    addresses: [10.0.0.21/24]\n    maintenanceAddress: 10.0.0.121\n'));
  return { spec: path.join(dir, 'clusters'), out: path.join(dir, 'dist'), dir };
}

describe('a key not compiled yet (a synthetic x-orrery-pending)', () => {
  it('is found where a spec sets it, and nowhere else', () => {
    const doc = { kind: 'Cluster', nodes: [{ name: 'a' }, { name: 'b', maintenanceAddress: '10.0.0.9' }] };
    expect(pendingKeys(doc)).toEqual([{ pointer: '/nodes/1/maintenanceAddress', label: 'nodes[].maintenanceAddress', by: BY }]);
    // Negative control: the same document without the key has none.
    expect(pendingKeys({ kind: 'Cluster', nodes: [{ name: 'a' }] })).toEqual([]);
  });

  it('a note at the key in text, ::notice in github, an entry in JSON; validate still exits 0', async () => {
    const { spec } = await pendingSpec();
    const text = await runOrrery(['validate', '--spec', spec]);
    expect(text.code, text.err).toBe(0);
    expect(text.err).toMatch(/lab\.yaml:26:5 note \/nodes\/1\/maintenanceAddress: not compiled yet: nodes\[\]\.maintenanceAddress is validated and checked, but nothing is generated from it until a synthetic capability of this test lands/);
    const github = await runOrrery(['validate', '--spec', spec, '--format', 'github']);
    expect(github.out).toMatch(/::notice file=[^,]*lab\.yaml,line=26,col=5,title=orrery spec\/not-compiled-yet::\/nodes\/1\/maintenanceAddress: not compiled yet/);
    const json = JSON.parse((await runOrrery(['validate', '--spec', spec, '--format', 'json'])).out) as { rule: string; pointer: string }[];
    expect(json.filter((d) => d.rule === 'spec/not-compiled-yet').map((d) => d.pointer)).toEqual(['/nodes/1/maintenanceAddress']);
  });

  it('fails validate and synth --strict, naming it; nothing is written', async () => {
    const { spec, out } = await pendingSpec();
    const r = await runOrrery(['validate', '--spec', spec, '--strict']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error \/nodes\/1\/maintenanceAddress: not compiled yet: .* \(an error with --strict\)/);
    expect(r.err).toContain('(--strict: warnings and keys not compiled yet count as errors)');
    const synth = await runOrrery(['synth', '--spec', spec, '--out', out, '--strict']);
    expect(synth.code).toBe(1);
    expect(synth.err).toContain('nothing was written');
    await expect(readFile(path.join(out, 'README.md'))).rejects.toThrow();
  });

  it("the cluster's README lists it, and the spec reference marks it", async () => {
    const { spec, dir } = await pendingSpec();
    const result = await compileSpecDir(spec, { cwd: dir });
    expect(result.files!.get('lab/README.md')).toContain(`- nodes[].maintenanceAddress (waits for ${BY})`);
    expect(renderSpecReference()).toContain(`**not compiled yet** (waits for ${BY}; \`--strict\` refuses it)`);
  });

  it('the schema walk stops at it, judges it pending, and finds it reported at its place in the maximal spec', () => {
    const keys = specKeys();
    const pending = keys.filter((k) => k.pending);
    expect(pending.map((k) => k.label)).toEqual(['Cluster.nodes[].maintenanceAddress']);
    const variants = loadVariants();
    const key = pending[0]!;
    expect(judge(key, variants, new Map()).verdict).toBe('pending');
    const variant = variants.find((v) => findOccurrence(v, key))!;
    const at = findOccurrence(variant, key)!;
    const baseline = compileDocs(variant.docs, variant.secrets, variant.patchFiles);
    expect(baseline.errors).toBe(0);
    expect(baseline.diagnostics).toMatch(new RegExp(`clusters/${at.file}:\\d+:\\d+ note ${at.pointer.replace(/\//g, '\\/')}: not compiled yet`));
  });
});
