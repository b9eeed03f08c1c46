/**
 * A synthetic fleet on disk, as an operator has it: `<root>/clusters/*.yaml` (bench/synthetic.ts)
 * and `<root>/secrets/` made by a real `orrery secrets` run (plus the operator's own Secrets). The one-change edit moves one node's
 * address, which changes that node's Talos patch and the files that list the cluster's nodes.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { compileFiles } from '../lib/pipeline.ts';
import { parseSpecText } from '../lib/read/read-spec.ts';
import { generateSecrets } from '../lib/secrets/generate.ts';
import { secretRequirements } from '../lib/secrets/requirements.ts';
import { clusterName, operatorSecretsOf, syntheticConstellation } from './synthetic.ts';

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
  // The Secrets synth copies into the output (one ClusterMesh CA per mesh group, encrypted per
  // member), made as `orrery secrets` makes them; the Talos bundles synth does not read are left
  // out (a whole `orrery secrets` of 1000 clusters takes many minutes of key generation).
  const sources = spec.files.flatMap((f) => parseSpecText(f.text, `clusters/${f.name}`, `clusters/${f.name}`).files);
  const { model } = compileFiles(sources, 'clusters', { build: false });
  if (!model) throw new Error('the synthetic spec does not compile');
  const outcome = await generateSecrets({ model, requirements: secretRequirements(model).filter((r) => r.toDist), existing: new Map(), rotate: [], identities: async () => ({ identities: [], sources: [] }), now: new Date() });
  // And the Secrets the operator supplies (its DNS credentials), as `orrery secrets --add` stores them.
  for (const [rel, text] of [...outcome.files, ...(await operatorSecretsOf(model))]) {
    await mkdir(path.dirname(path.join(root, 'secrets', rel)), { recursive: true });
    await writeFile(path.join(root, 'secrets', rel), text);
  }
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
