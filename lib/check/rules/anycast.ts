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
  for (const { file, spec } of set.clusters) {
    (spec.loadBalancing?.pools ?? []).forEach((p, i) => {
      if (!p.anycast) return;
      const decl = (cons.spec.anycast ?? []).find((a) => a.name === p.anycast);
      if (!decl) emit(file, pointer('loadBalancing', 'pools', i, 'anycast'), 'refs/anycast', `unknown anycast address ${quote(p.anycast)}; declare it under anycast in the constellation`);
      else if (!decl.clusters.includes(spec.name)) emit(file, pointer('loadBalancing', 'pools', i, 'anycast'), 'refs/anycast', `anycast ${quote(p.anycast)} does not list cluster ${quote(spec.name)}; add it to anycast.clusters`);
    });
  }
}
