import { describe, expect, it } from 'vitest';
import { syntheticConstellation } from '../../bench/synthetic.ts';
import { collectSpecSet } from '../../lib/pipeline.ts';
import { parseSpecText } from '../../lib/read/read-spec.ts';
import { resolve } from '../../lib/resolve/resolve.ts';
import { NO_ENTRIES, NO_ITEMS } from '../../lib/resolve/empty.ts';
import type { Constellation } from '../../lib/spec/types.generated.ts';

/** A 12-cluster synthetic fleet whose constellation lists clusters several times over. */
function fleet(): ReturnType<typeof collectSpecSet>['set'] & object {
  const files = syntheticConstellation(12).files.flatMap((f) => parseSpecText(f.text, `clusters/${f.name}`, `clusters/${f.name}`).files);
  const cons = files.find((f) => (f.data as { kind: string }).kind === 'Constellation')!.data as Constellation & { management?: unknown; meshGroups: { name: string; members: { cluster: string; id?: number }[] }[] };
  (cons as { management?: unknown }).management = [
    { cluster: 'c0001', manages: ['c0002', 'c0003'] },
    { cluster: 'c0004', manages: ['c0002', 'c0005'] }, // c0002 listed twice: the first entry manages it
    { cluster: 'c0001', manages: ['c0006'] },
  ];
  cons.meshGroups.push({ name: 'extra', members: [{ cluster: 'c0002', id: 9 }, { cluster: 'c0007', id: 10 }] });
  cons.anycast!.push({ name: 'twice', address: '198.19.0.1', clusters: ['c0003', 'c0003', 'c0008'] });
  return collectSpecSet(files, 'clusters').set!;
}

describe('resolve: what each cluster reads from the constellation', () => {
  it('management, mesh memberships and anycast as a scan of the lists per cluster gives them', () => {
    const set = fleet();
    const cons = set.constellation.spec;
    const { model } = resolve(set);
    for (const c of model.clusters) {
      // The per-cluster scans resolve made before it indexed the lists (issue 16).
      expect(c.managedBy, c.name).toBe((cons.management ?? []).find((m) => m.manages.includes(c.name))?.cluster);
      expect(c.manages, c.name).toEqual((cons.management ?? []).filter((m) => m.cluster === c.name).flatMap((m) => m.manages));
      expect(c.meshGroups, c.name).toEqual(model.constellation.meshGroups.flatMap((g) => g.members.filter((m) => m.cluster === c.name).map((m) => ({ group: g.name, id: m.id }))));
      expect(c.anycast, c.name).toEqual((cons.anycast ?? []).filter((a) => a.clusters.includes(c.name)));
    }
    const byName = new Map(model.clusters.map((c) => [c.name, c]));
    // Not vacuous: the lists do say something about these clusters.
    expect(byName.get('c0002')!.managedBy).toBe('c0001');
    expect(byName.get('c0001')!.manages).toEqual(['c0002', 'c0003', 'c0006']);
    expect(byName.get('c0002')!.meshGroups.map((m) => m.group)).toEqual(['mesh-g1', 'extra']);
    expect(byName.get('c0003')!.anycast.map((a) => a.name)).toEqual(['ingress-g1', 'twice']);
  });

  it('every object of the model is frozen', () => {
    const { model } = resolve(fleet());
    let objects = 0;
    const walk = (v: unknown): void => {
      if (v === null || typeof v !== 'object') return;
      objects++;
      expect(Object.isFrozen(v)).toBe(true);
      for (const x of Object.values(v)) walk(x);
    };
    walk(model);
    expect(objects).toBeGreaterThan(1000);
  });

  it('empty lists and records the model makes are the one shared frozen object (deepFreeze stops at it), and nothing can push into it', () => {
    const { model } = resolve(fleet());
    const node = model.clusters[0]!.nodes[0]!;
    for (const empty of [node.routes, node.taints, node.vlans, node.patches, model.clusters[0]!.apps, model.clusters[0]!.machinePools]) expect(empty).toBe(NO_ITEMS);
    const withDisks = model.clusters.flatMap((c) => c.nodes).find((n) => n.dataDisks.length > 0)!;
    expect(withDisks.dataDisks).not.toBe(NO_ITEMS); // a list with items is the node's own
    expect(model.clusters.some((c) => c.nodes.some((n) => n.labels === NO_ENTRIES))).toBe(true);
    expect(Object.isFrozen(NO_ITEMS) && Object.isFrozen(NO_ENTRIES)).toBe(true);
    expect(() => (NO_ITEMS as unknown as unknown[]).push(1)).toThrow(TypeError);
    expect(NO_ITEMS).toEqual([]);
  });
});
