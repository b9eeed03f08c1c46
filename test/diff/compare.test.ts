import { describe, expect, it } from 'vitest';
import { compareFiles } from '../../lib/diff/compare.ts';
import { hasChanges } from '../../lib/diff/diff.ts';
import { entriesOf } from '../../lib/diff/entries.ts';
import { fieldDiff, formatPath, formatValue } from '../../lib/diff/field-diff.ts';
import { toYaml } from '../../lib/output/yaml.ts';
import { committedDist, diffFiles, editYaml, expectGolden, impacts, withYaml } from './helpers.ts';

const cm = (name: string, data: Record<string, string>, ns = 'apps'): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data });

describe('orrery diff: identity, not lines', () => {
  it('keys objects by cluster + group/kind + namespace + name; Talos documents by file + kind + name; the rest by path', () => {
    const k8s = entriesOf('lab/infrastructure/controllers/x.yaml', `${toYaml(cm('a', {}))}---\n${toYaml({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'cilium', namespace: 'kube-system' } })}`);
    expect(k8s.map((e) => e.key)).toEqual(['lab|object||ConfigMap|apps|a', 'lab|object|helm.toolkit.fluxcd.io|HelmRelease|kube-system|cilium']);
    const talos = entriesOf('lab/talos/nodes/cp-1.yaml', 'machine:\n  install:\n    image: x\n---\napiVersion: v1alpha1\nkind: LinkConfig\nname: eth0\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nhostname: cp-1\n');
    expect(talos.map((e) => e.key)).toEqual(['lab|talos|talos/nodes/cp-1.yaml|v1alpha1|', 'lab|talos|talos/nodes/cp-1.yaml|LinkConfig|eth0', 'lab|talos|talos/nodes/cp-1.yaml|HostnameConfig|']);
    expect(entriesOf('lab/talos/schematic.yaml', 'customization: {}\n').map((e) => e.type)).toEqual(['file']);
    expect(entriesOf('README.md', '# x\n').map((e) => e.key)).toEqual(['(fleet)|file|README.md']);
    expect(entriesOf('argocd/kustomization.yaml', 'resources: []\n')[0]!.group).toBe('(fleet)');
  });

  it('an object moved to another file is no change (shown as moved); two objects swapped between multi-document files neither', () => {
    const a = toYaml(cm('a', { x: '1' }));
    const b = toYaml(cm('b', { y: '2' }));
    const before = new Map([['lab/one.yaml', `${a}---\n${b}`]]);
    const after = new Map([['lab/two.yaml', `${b}---\n${a}`]]);
    const changes = compareFiles(before, after, ['lab/one.yaml', 'lab/two.yaml']);
    expect(changes.map((c) => c.status)).toEqual(['moved', 'moved']);
  });

  it('a renamed file with the same object and its kustomization listing: no object change', async () => {
    const before = await committedDist('vtalos-lab');
    const old = 'vtalos/namespaces/namespace-rello.yaml';
    const moved = new Map([...before].filter(([p]) => p !== old)).set('vtalos/namespaces/ns-rello.yaml', before.get(old)!);
    const after = editYaml(moved, 'vtalos/namespaces/kustomization.yaml', ([k]) => [{ ...k, resources: ['ns-rello.yaml'] }]);
    const r = await diffFiles(before, after);
    const changes = r.groups.flatMap((g) => g.changes);
    expect(changes.map((c) => [c.status, c.entry.label])).toEqual([
      ['changed', 'namespaces/kustomization.yaml'],
      ['moved', 'Namespace rello'],
    ]);
    expect(changes[0]!.note).toBe('resources: +ns-rello.yaml −namespace-rello.yaml');
    expect(impacts(r)).toEqual([]);
    await expectGolden('moved-file', r);
  });

  it("a kustomization's resources reordered is no change (the engines order objects themselves)", async () => {
    const before = await committedDist('vtalos-lab');
    const after = editYaml(before, 'vtalos/infrastructure/configs/kustomization.yaml', ([k]) => [{ ...k, resources: [...(k!.resources as string[])].reverse() }]);
    expect(hasChanges(await diffFiles(before, after))).toBe(false);
  });

  it('an object renamed (same kind and body, new name) is shown as renamed — and the old name is pruned', async () => {
    const before = await committedDist('vtalos-lab');
    const file = 'vtalos/infrastructure/configs/networkpolicy-rello-default-deny.yaml';
    const after = editYaml(before, file, ([np]) => [{ ...np, metadata: { ...(np!.metadata as object), name: 'deny-all' } }]);
    const r = await diffFiles(before, after);
    const changes = r.groups.flatMap((g) => g.changes);
    expect(changes.map((c) => [c.status, c.entry.label, c.previous?.label])).toEqual([['renamed', 'NetworkPolicy rello/deny-all', 'NetworkPolicy rello/default-deny']]);
    expect(impacts(r).map((i) => i.text)).toEqual(['prunes 1 object: NetworkPolicy rello/default-deny']);
    await expectGolden('renamed-object', r);
  });

  it('field diffs: one line per leaf, lists of named items matched by name, key order ignored', () => {
    const before = { spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] }, metadata: { annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } } };
    const after = { metadata: { annotations: {} }, spec: { containers: [{ name: 'new', image: 'n:1' }, { image: 'a:2', name: 'a' }, { name: 'b', image: 'b:1' }] } };
    const lines = fieldDiff(before, after).map((f) => `${f.op} ${formatPath(f.path)} ${formatValue(f.before)} ${formatValue(f.after)}`);
    expect(lines).toEqual([
      'change spec.containers[name=a].image a:1 a:2',
      'add spec.containers[name=new].name (none) new',
      'add spec.containers[name=new].image (none) n:1',
      'remove metadata.annotations["kustomize.toolkit.fluxcd.io/prune"] disabled (none)',
    ]);
    expect(fieldDiff({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toEqual([]);
    expect(formatValue('1.19.5')).toBe('1.19.5');
    expect(formatValue('0755')).toBe('"0755"');
    expect(formatValue('true')).toBe('"true"');
    expect(formatValue('a b')).toBe('a b');
    expect(formatValue('a: b')).toBe('"a: b"');
    expect(formatValue('')).toBe('""');
  });

  it('a file that changed only in its header comment is no change', async () => {
    const before = new Map([['lab/x.yaml', `# Generated by orrery from clusters/lab.yaml.\n${toYaml(cm('a', {}))}`]]);
    const after = new Map([['lab/x.yaml', `# Generated by orrery from clusters/renamed.yaml.\n${toYaml(cm('a', {}))}`]]);
    expect(hasChanges(await diffFiles(before, after))).toBe(false);
    // Negative control: a real value change is one.
    expect(hasChanges(await diffFiles(before, withYaml(after, 'lab/x.yaml', [cm('a', { k: 'v' })])))).toBe(true);
  });
});
