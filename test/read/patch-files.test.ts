import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSpecDir } from '../../lib/read/read-spec.ts';
import { formatDiagnostic } from '../../lib/diagnostics/diagnostic.ts';
import { removeDir, tempDir } from '../helpers.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await removeDir(dir);
  dir = undefined;
});

/** A cluster file naming one patch file; the reader follows the reference, the schema and checks come later. */
const cluster = (ref: string): string => `apiVersion: orrery.dev/v1alpha1\nkind: Cluster\nname: lab\ntalos:\n  patches:\n    - name: p\n      file: ${ref}\n`;
const PATCH = 'machine:\n  sysctls: {vm.swappiness: "10"}\n---\napiVersion: v1alpha1\nkind: KmsgLogConfig\nname: remote\nurl: udp://10.0.0.5:514/\n';

async function read(ref: string, build: (spec: string, outside: string) => Promise<void>): Promise<{ diagnostics: string[]; documents: unknown[] }> {
  dir = await tempDir();
  const spec = path.join(dir, 'clusters');
  const outside = path.join(dir, 'elsewhere');
  await mkdir(spec);
  await mkdir(outside);
  await writeFile(path.join(spec, 'lab.yaml'), cluster(ref));
  await build(spec, outside);
  const r = await readSpecDir(spec, dir);
  const included = r.files[0]?.includes?.get(ref);
  return { diagnostics: r.diagnostics.map(formatDiagnostic), documents: included?.documents.map((d) => d.data) ?? [] };
}

describe('patch files: read with the spec, never from outside its directory', () => {
  it('a file inside the spec directory is read, each YAML document on its own', async () => {
    const r = await read('patches/kernel.yaml', async (spec) => {
      await mkdir(path.join(spec, 'patches'));
      await writeFile(path.join(spec, 'patches', 'kernel.yaml'), PATCH);
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.documents).toEqual([{ machine: { sysctls: { 'vm.swappiness': '10' } } }, { apiVersion: 'v1alpha1', kind: 'KmsgLogConfig', name: 'remote', url: 'udp://10.0.0.5:514/' }]);
  });

  it('a link to a file outside is refused at the reference', async () => {
    const r = await read('patches/out.yaml', async (spec, outside) => {
      await writeFile(path.join(outside, 'out.yaml'), PATCH);
      await mkdir(path.join(spec, 'patches'));
      await symlink(path.join(outside, 'out.yaml'), path.join(spec, 'patches', 'out.yaml'));
    });
    expect(r.diagnostics).toEqual([expect.stringMatching(/^clusters\/lab\.yaml:7:13 error \/talos\/patches\/0\/file: patch file "patches\/out\.yaml": a symbolic link to \/.+\/elsewhere\/out\.yaml, outside /)]);
    expect(r.documents).toEqual([]);
  });

  it('a linked directory on the way out is refused too (the file itself is no link)', async () => {
    const r = await read('patches/out.yaml', async (spec, outside) => {
      await writeFile(path.join(outside, 'out.yaml'), PATCH);
      await symlink(outside, path.join(spec, 'patches'));
    });
    expect(r.diagnostics).toEqual([expect.stringMatching(/^clusters\/lab\.yaml:7:13 error \/talos\/patches\/0\/file: patch file "patches\/out\.yaml" resolves to \/.+\/elsewhere\/out\.yaml, outside \/.+\/clusters \(through a symbolic link\)/)]);
  });

  it('a linked directory inside the spec directory is followed (negative control)', async () => {
    const r = await read('linked/kernel.yaml', async (spec) => {
      await mkdir(path.join(spec, 'patches'));
      await writeFile(path.join(spec, 'patches', 'kernel.yaml'), PATCH);
      await symlink('patches', path.join(spec, 'linked'));
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.documents).toHaveLength(2);
  });
});
