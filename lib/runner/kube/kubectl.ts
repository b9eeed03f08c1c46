import type { ClusterModel } from '../../model/model.ts';
import { NotYet, StepError, type RunContext } from '../step.ts';
import type { Arg, TempRef, ToolCommand } from '../tools/command.ts';

/** A Kubernetes cluster the runner talks to, through a kubeconfig in the private temp dir. */
export interface KubeTarget {
  readonly cluster: ClusterModel;
  /** Shown in --dry-run: where the kubeconfig will be. */
  readonly placeholder: TempRef;
  /** The kubeconfig; throws NotYet while the API does not exist. */
  kubeconfig(ctx: RunContext): Promise<TempRef>;
}

export function kubectl(kubeconfig: TempRef, args: readonly Arg[], extra: Partial<ToolCommand> = {}): ToolCommand {
  return { tool: 'kubectl', args: ['--kubeconfig', kubeconfig, ...args], timeoutMs: 60_000, ...extra };
}

const ABSENT = /\(NotFound\)|NotFound|not found|the server doesn't have a resource type|no matches for kind/i;
const UNREACHABLE = /connection refused|no route to host|i\/o timeout|Unable to connect to the server|TLS handshake timeout|EOF$/im;

/** `kubectl get … -o json`: the object, or undefined when it (or its CRD) does not exist. */
export async function getJson<T>(ctx: RunContext, kubeconfig: TempRef, args: readonly string[]): Promise<T | undefined> {
  const r = await ctx.exec(kubectl(kubeconfig, ['get', ...args, '-o', 'json']), { allowFailure: true, quiet: true });
  if (r.code === 0) return JSON.parse(r.stdout) as T;
  if (ABSENT.test(r.stderr)) return undefined;
  if (UNREACHABLE.test(r.stderr)) throw new NotYet('the Kubernetes API is not answering', r.stderr.trim().split('\n').pop());
  throw new StepError(`kubectl get ${args.join(' ')}: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`}`);
}

export interface KubeObjectStatus {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: Record<string, unknown>;
  readonly status?: { readonly conditions?: readonly { readonly type?: string; readonly status?: string; readonly reason?: string; readonly message?: string }[]; readonly [key: string]: unknown };
}

export function condition(o: KubeObjectStatus | undefined, type: string): { status?: string; reason?: string; message?: string } | undefined {
  return o?.status?.conditions?.find((c) => c.type === type);
}

/**
 * `kubectl diff --server-side`: exit 0 no differences, 1 differences, >1 an error
 * (kubectl diff --help, "Exit status"). Its output may hold Secret data: never shown.
 */
export async function differs(ctx: RunContext, command: ToolCommand): Promise<boolean> {
  const r = await ctx.exec({ ...command, secretOutput: true }, { allowFailure: true, quiet: true });
  if (r.code === 0) return false;
  if (r.code === 1) return true;
  if (UNREACHABLE.test(r.stderr)) throw new NotYet('the Kubernetes API is not answering', r.stderr.trim().split('\n').pop());
  if (ABSENT.test(r.stderr)) return true;
  throw new StepError(`kubectl diff failed: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`}`);
}
