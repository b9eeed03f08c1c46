import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import type { ConstellationFacts } from '../context.ts';

/** Anycast addresses: clusters exist and announce over BGP; pools name a declared address. */
export function checkAnycast({ set, emit, refCluster }: ConstellationFacts): void {
  const cons = set.constellation;
  const cfile = cons.file;
  const anycastNames = new Set<string>();
  (cons.spec.anycast ?? []).forEach((a, ai) => {
    if (anycastNames.has(a.name)) emit(cfile, pointer('anycast', ai, 'name'), 'names/duplicate-anycast', `anycast ${quote(a.name)} is declared twice`);
    anycastNames.add(a.name);
    a.clusters.forEach((name, ci) => {
      const c = refCluster(name, pointer('anycast', ai, 'clusters', ci));
      if (c && !c.spec.loadBalancing?.bgp) {
        emit(cfile, pointer('anycast', ai, 'clusters', ci), 'anycast/needs-bgp', `cluster ${quote(name)} must announce ${quote(a.address)} over BGP, but its loadBalancing has no bgp section`);
      }
    });
  });
  // A name means its first declaration (the `find` over the list this replaced, once per pool).
  const byName = new Map<string, NonNullable<typeof cons.spec.anycast>[number]>();
  for (const a of cons.spec.anycast ?? []) if (!byName.has(a.name)) byName.set(a.name, a);
  for (const { file, spec } of set.clusters) {
    (spec.loadBalancing?.pools ?? []).forEach((p, i) => {
      if (!p.anycast) return;
      const decl = byName.get(p.anycast);
      if (!decl) emit(file, pointer('loadBalancing', 'pools', i, 'anycast'), 'refs/anycast', `unknown anycast address ${quote(p.anycast)}; declare it under anycast in the constellation`);
      else if (!decl.clusters.includes(spec.name)) emit(file, pointer('loadBalancing', 'pools', i, 'anycast'), 'refs/anycast', `anycast ${quote(p.anycast)} does not list cluster ${quote(spec.name)}; add it to anycast.clusters`);
    });
  }
}
