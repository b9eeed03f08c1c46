import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import type { ConstellationFacts } from '../context.ts';

/**
 * The operator's app directories (`apps:`): unique names, `dependsOn` naming other apps of the
 * cluster without a loop (Flux would wait forever on a dependency cycle, never applying any of
 * them), and paths outside orrery's output directory, whose files orrery owns and may remove.
 */
export function checkApps({ set, emit }: ConstellationFacts): void {
  const output = set.constellation.spec.gitops.repository.path ?? 'dist';
  const clusterNames = new Set(set.clusters.map((c) => c.spec.name));
  for (const { file, spec: c } of set.clusters) {
    const apps = c.apps ?? [];
    const seen = new Map<string, number>();
    apps.forEach((a, i) => {
      const prior = seen.get(a.name);
      if (prior !== undefined) emit(file, pointer('apps', i, 'name'), 'names/duplicate-app', `app ${quote(a.name)} is declared twice (also apps[${prior}])`);
      else seen.set(a.name, i);
      const first = a.path.split('/')[0]!;
      const inOutput = output === '.' ? clusterNames.has(first) || first === 'argocd' : a.path === output || a.path.startsWith(`${output}/`);
      if (inOutput) {
        emit(file, pointer('apps', i, 'path'), 'apps/in-output', `${quote(a.path)} is inside orrery's output ${output === '.' ? '(the repository root, gitops.repository.path: ".", where each cluster and argocd/ are orrery\'s)' : `directory ${quote(output)} (gitops.repository.path)`}, which orrery owns; keep your manifests beside it, e.g. ${quote(`apps/${a.name}`)}`);
      }
      (a.dependsOn ?? []).forEach((d, k) => {
        if (d === a.name) emit(file, pointer('apps', i, 'dependsOn', k), 'apps/depends-on-itself', `app ${quote(a.name)} depends on itself`);
        else if (!apps.some((x) => x.name === d)) emit(file, pointer('apps', i, 'dependsOn', k), 'refs/app', `unknown app ${quote(d)} (apps of ${c.name}: ${apps.map((x) => x.name).join(', ')})`);
      });
    });
    // A loop of two or more apps: report it once, at its first member.
    // (The first of two apps of one name is the one the others depend on; the second is reported above.)
    const deps = new Map<string, string[]>();
    for (const a of apps) if (!deps.has(a.name)) deps.set(a.name, (a.dependsOn ?? []).filter((d) => d !== a.name));
    const reported = new Set<string>();
    for (const [i, a] of apps.entries()) {
      const stack: string[] = [];
      const loop = (name: string): string[] | undefined => {
        if (stack.includes(name)) return [...stack.slice(stack.indexOf(name)), name];
        stack.push(name);
        for (const d of deps.get(name) ?? []) {
          const found = loop(d);
          if (found) return found;
        }
        stack.pop();
        return undefined;
      };
      const cycle = loop(a.name);
      if (!cycle || cycle[0] !== a.name) continue;
      const key = [...new Set(cycle)].sort().join(' ');
      if (reported.has(key)) continue;
      reported.add(key);
      emit(file, pointer('apps', i, 'dependsOn'), 'apps/dependency-cycle', `apps depend on each other in a loop: ${cycle.map(quote).join(' → ')}; the GitOps engine would wait on them forever`);
    }
  }
}
