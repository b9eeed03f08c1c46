/** The group of files that are not one cluster's: top-level files and the fleet-wide `argocd/`. */
export const FLEET = '(fleet)';

/**
 * Which cluster a file of the output belongs to: the first directory (`dist/<cluster>/…`).
 * Top-level files (README, .sourceignore) and the fleet ApplicationSet directory `argocd/` are
 * the fleet's (lib/gitops/layout.ts puts every cluster's files under its name).
 */
export function groupOf(p: string): string {
  const slash = p.indexOf('/');
  if (slash < 0) return FLEET;
  const first = p.slice(0, slash);
  return first === 'argocd' ? FLEET : first;
}
