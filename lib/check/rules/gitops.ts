import type { ConstellationFacts } from '../context.ts';

/** Engine settings apply to their engine only: the other engine's block would be accepted and ignored. */
export function checkGitOps({ set, emit }: ConstellationFacts): void {
  const gitops = set.constellation.spec.gitops;
  const engine = gitops.engine ?? 'flux';
  const other = engine === 'flux' ? 'argocd' : 'flux';
  if (gitops[other] !== undefined) {
    emit(set.constellation.file, `/gitops/${other}`, 'gitops/other-engine', `gitops.${other} configures ${other === 'flux' ? 'Flux' : 'Argo CD'}, but gitops.engine is ${engine}: nothing would use it; remove it or set engine: ${other}`);
  }
}
