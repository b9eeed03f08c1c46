import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { materializeFixture, removeDir } from '../helpers.ts';

// User-keyed maps (labels, annotations, sysctls, registry mirrors, pod selectors) and names that
// are Object.prototype members must come out as ordinary keys: not dropped (`__proto__` assigned
// to a plain object sets its prototype), not an internal error (cdk8s and constructs key on them).
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map(removeDir)));

async function compile(talos?: string): Promise<ReadonlyMap<string, string>> {
  const dir = await materializeFixture('accept/hostile-keys');
  dirs.push(dir);
  if (talos) {
    const lab = path.join(dir, 'clusters', 'lab.yaml');
    await writeFile(lab, (await readFile(lab, 'utf8')).replace('talos:\n', `talos:\n  version: ${talos}\n`));
  }
  const result = await compileSpecDir(path.join(dir, 'clusters'), { cwd: dir });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.files!;
}

const docs = (text: string): Record<string, any>[] => parseAllDocuments(text).map((d) => d.toJS() as Record<string, any>);

describe('keys named like Object.prototype members, end to end', () => {
  it('namespaces: a namespace named constructor, labels and annotations __proto__/constructor/toString/valueOf', async () => {
    const files = await compile();
    const apps = parse(files.get('lab/namespaces/namespace-apps.yaml')!);
    expect(apps.metadata.labels).toEqual({ constructor: 'a', 'pod-security.kubernetes.io/enforce': 'baseline', valueOf: 'b' });
    expect(Object.keys(apps.metadata.annotations)).toEqual(['__proto__', 'constructor', 'kustomize.toolkit.fluxcd.io/prune', 'toString']);
    expect(apps.metadata.annotations.constructor).toBe('d');
    expect(parse(files.get('lab/namespaces/namespace-constructor.yaml')!).metadata.name).toBe('constructor');
    expect(parse(files.get('lab/namespaces/namespace-tostring.yaml')!).metadata.name).toBe('tostring');
  });

  it('network policies: pod selectors with constructor and toString keys, in a namespace called constructor', async () => {
    const policy = parse((await compile()).get('lab/infrastructure/configs/networkpolicy-constructor-web.yaml')!);
    expect(policy.spec.podSelector.matchLabels).toEqual({ constructor: 'web' });
    expect(JSON.stringify(policy.spec.ingress)).toContain('"toString":"client"');
  });

  it.each([['1.13', undefined], ['1.14', 'v1.14.0-rc.1']])('Talos %s: sysctls, registry mirrors and node labels keep __proto__ and constructor', async (_contract, talos) => {
    const files = await compile(talos);
    const cluster = docs(files.get('lab/talos/cluster.yaml')!);
    const sysctls = cluster.find((d) => d.kind === 'SysctlConfig')?.params ?? cluster.find((d) => d.machine)?.machine.sysctls;
    expect(Object.keys(sysctls)).toEqual(['__proto__', 'constructor', 'net.core.somaxconn']);
    expect(cluster.filter((d) => d.kind === 'RegistryMirrorConfig').map((d) => d.name)).toEqual(['__proto__', 'constructor']);
    const node = files.get('lab/talos/nodes/cp-1.yaml')!;
    expect(node).toMatch(/constructor: x\n/);
    expect(node).toMatch(/toString: "y"\n/);
    expect(node).toMatch(/hasOwnProperty: z\n/);
  });
});
