import { parse } from 'yaml';
import type { ClusterModel } from '../../model/model.ts';
import { extractKubeContext } from '../credentials.ts';
import { getJson, kubectl } from '../kube/kubectl.ts';
import { mergedContextKubeconfig } from '../kube/merged-context.ts';
import { NotYet, type RunContext } from '../step.ts';
import { lastLine } from '../talos/session.ts';
import { tmp, type TempRef, type ToolCommand } from '../tools/command.ts';
import { bootstrapClusterName, capiContextName, type RunnerCapiBringUp } from './bring-up.ts';

export const CLUSTERS = 'clusters.cluster.x-k8s.io';

export interface Files {
  readonly kubeconfigFile: string;
  readonly talosconfigFile: string;
  readonly home: string;
}

/**
 * One Cluster API cluster in one run: where its Cluster object lives (the kind bootstrap
 * cluster before the pivot, the cluster itself after; the management cluster for a workload
 * cluster) and how to reach the cluster it describes.
 */
export class CapiSession {
  readonly kindName: string;
  readonly kindKubeconfig: string;
  readonly targetKubeconfig: string;
  private kindText: string | undefined | null = null;
  private targetText: string | undefined;
  private pivotedCache: boolean | undefined;

  constructor(
    readonly cluster: ClusterModel,
    readonly bringUp: RunnerCapiBringUp,
    private readonly files: Files,
    /** The management cluster's kubeconfig context (workload clusters). */
    private readonly managerContext: string = capiContextName(bringUp.managedBy ?? ''),
  ) {
    this.kindName = bootstrapClusterName(cluster.name);
    this.kindKubeconfig = `${cluster.name}/bootstrap-cluster.kubeconfig`;
    this.targetKubeconfig = `${cluster.name}/kubeconfig`;
  }

  invalidate(): void {
    this.kindText = null;
    this.pivotedCache = undefined;
  }

  /** The kind cluster's kubeconfig, or undefined when it does not exist. */
  async kind(ctx: RunContext): Promise<TempRef | undefined> {
    if (this.kindText === null) {
      const list = await ctx.exec({ tool: 'kind', args: ['get', 'clusters'] }, { quiet: true });
      if (!list.stdout.split('\n').map((l) => l.trim()).includes(this.kindName)) {
        this.kindText = undefined;
      } else {
        const r = await ctx.exec({ tool: 'kind', args: ['get', 'kubeconfig', '--name', this.kindName], secretOutput: true }, { quiet: true });
        ctx.redactor.addValues((parse(r.stdout) as { users?: unknown }).users);
        await ctx.tmp.replace(this.kindKubeconfig, r.stdout);
        this.kindText = r.stdout;
      }
    }
    return this.kindText === undefined ? undefined : tmp(this.kindKubeconfig);
  }

  /** The management cluster's kubeconfig for a workload cluster (merged by the management cluster's bring-up). */
  async manager(ctx: RunContext): Promise<TempRef> {
    return mergedContextKubeconfig(ctx, this.files, this.bringUp.managedBy!, this.managerContext);
  }

  /** Where the Cluster object is now. */
  async home(ctx: RunContext): Promise<TempRef> {
    if (this.bringUp.role === 'workload') return this.manager(ctx);
    if (await this.pivoted(ctx)) return this.target(ctx);
    const kind = await this.kind(ctx);
    if (!kind) throw new NotYet(`the bootstrap cluster ${this.kindName} does not exist`);
    return kind;
  }

  /** The cluster itself: from its `<cluster>-kubeconfig` Secret, else the context merged earlier. */
  async target(ctx: RunContext): Promise<TempRef> {
    if (this.targetText !== undefined) return tmp(this.targetKubeconfig);
    const fromSecret = await this.kubeconfigFromSecret(ctx).catch((err: unknown) => {
      if (err instanceof NotYet) return undefined;
      throw err;
    });
    const text = fromSecret ?? (await extractKubeContext(this.files.kubeconfigFile, capiContextName(this.cluster.name)));
    if (!text) throw new NotYet(`no kubeconfig for ${this.cluster.name} yet (Secret ${this.bringUp.kubeconfigSecret.name} not written)`);
    ctx.redactor.addValues((parse(text) as { users?: unknown }).users);
    await ctx.tmp.replace(this.targetKubeconfig, text);
    this.targetText = text;
    return tmp(this.targetKubeconfig);
  }

  targetTextOrThrow(): string {
    if (this.targetText === undefined) throw new Error('target kubeconfig not loaded');
    return this.targetText;
  }

  /** Pivoted: the cluster holds its own Cluster object (management clusters only). */
  async pivoted(ctx: RunContext): Promise<boolean> {
    if (this.bringUp.role !== 'management') return false;
    if (this.pivotedCache !== undefined) return this.pivotedCache;
    const text = await extractKubeContext(this.files.kubeconfigFile, capiContextName(this.cluster.name));
    let result = false;
    if (text) {
      const name = `${this.cluster.name}/self.kubeconfig`;
      await ctx.tmp.replace(name, text);
      ctx.redactor.addValues((parse(text) as { users?: unknown }).users);
      const self = await getJson(ctx, tmp(name), [CLUSTERS, this.cluster.name, '-n', this.bringUp.namespace]).catch((err: unknown) => {
        if (err instanceof NotYet) return undefined;
        throw err;
      });
      result = self !== undefined;
    }
    this.pivotedCache = result;
    return result;
  }

  secretCommand(k: TempRef, secret: { name: string; key: string }): ToolCommand {
    return kubectl(k, ['get', 'secret', secret.name, '-n', this.bringUp.namespace, '-o', `jsonpath={.data.${secret.key}}`], { secretOutput: true });
  }

  async secretText(ctx: RunContext, k: TempRef, secret: { name: string; key: string }): Promise<string> {
    const r = await ctx.exec(this.secretCommand(k, secret), { allowFailure: true, quiet: true });
    if (r.code !== 0 || r.stdout.trim() === '') throw new NotYet(`Secret ${this.bringUp.namespace}/${secret.name} does not exist yet`, lastLine(r.stderr));
    const text = Buffer.from(r.stdout.trim(), 'base64').toString('utf8');
    ctx.redactor.add(text);
    return text;
  }

  private async kubeconfigFromSecret(ctx: RunContext): Promise<string> {
    const home = this.bringUp.role === 'workload' ? await this.manager(ctx) : await this.kind(ctx);
    if (!home) throw new NotYet('no bootstrap cluster');
    const text = await this.secretText(ctx, home, this.bringUp.kubeconfigSecret);
    ctx.redactor.addValues((parse(text) as { users?: unknown }).users);
    return text;
  }
}

