/**
 * A synthetic fleet on disk, as an operator has it: `<root>/clusters/*.yaml` (bench/synthetic.ts)
 * and `<root>/secrets/` made by a real `orrery secrets` run. The one-change edit moves one node's
 * address, which changes that node's Talos patch and the files that list the cluster's nodes.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { clusterName, syntheticConstellation } from './synthetic.ts';

export interface Fleet {
  readonly root: string;
  readonly specDir: string;
  readonly clusters: number;
  readonly specBytes: number;
}

export async function writeFleet(root: string, size: number): Promise<Fleet> {
  const spec = syntheticConstellation(size);
  const specDir = path.join(root, 'clusters');
  await mkdir(specDir, { recursive: true });
  for (const f of spec.files) await writeFile(path.join(specDir, f.name), f.text);
  return { root, specDir, clusters: size, specBytes: spec.bytes };
}

/** The first cluster's first node address: 10.0.0.11 ↔ 10.0.0.21 (both free in its /24). Returns the file changed. */
export async function moveOneNode(fleet: Fleet, step: number): Promise<string> {
  const file = path.join(fleet.specDir, `${clusterName(0)}.yaml`);
  const text = await readFile(file, 'utf8');
  const [from, to] = step % 2 === 0 ? ['10.0.0.11/24', '10.0.0.21/24'] : ['10.0.0.21/24', '10.0.0.11/24'];
  if (!text.includes(from)) throw new Error(`${file}: no ${from} to move`);
  await writeFile(file, text.replace(from, to));
  return file;
}
