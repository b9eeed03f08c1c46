import { parse } from 'yaml';
import type { ClusterModel } from '../../model/model.ts';
import { capiContextName } from '../capi/bring-up.ts';
import { extractKubeContext } from '../credentials.ts';
import { NotYet, type RunContext } from '../step.ts';
import { tildePath } from '../talos/steps.ts';
import { tmp, type TempRef } from '../tools/command.ts';
import type { KubeTarget } from './kubectl.ts';

/** The context a cluster's bring-up merges into the operator's kubeconfig: Talos's `admin@<c>` for a talosctl one, CAPI's otherwise. */
export function mergedContextName(cluster: { readonly name: string; readonly provisioning: { readonly method: string } }): string {
  return cluster.provisioning.method === 'talosctl' ? `admin@${cluster.name}` : capiContextName(cluster.name);
}

/** Where the operator's credentials are merged (the runner's --kubeconfig, and home for display). */
export interface MergedCredentials {
  readonly kubeconfigFile: string;
  readonly home: string;
}

/**
 * Another cluster's kubeconfig, from the context its own bring-up merged into the operator's
 * kubeconfig (`admin@<c>` for talosctl, CAPI's for Cluster API): copied into the private temp
 * dir as `<cluster>/kubeconfig`, its credentials registered with the redactor. NotYet until
 * that cluster has been brought up.
 */
export async function mergedContextKubeconfig(ctx: RunContext, files: MergedCredentials, cluster: string, context: string): Promise<TempRef> {
  const name = `${cluster}/kubeconfig`;
  const text = await extractKubeContext(files.kubeconfigFile, context);
  if (!text) throw new NotYet(`no kubeconfig context ${context} in ${tildePath(files.kubeconfigFile, files.home)}: bring up ${cluster} first`);
  await ctx.tmp.replace(name, text);
  ctx.redactor.addValues((parse(text) as { users?: unknown }).users);
  return tmp(name);
}

/** A KubeTarget for a cluster this run reaches only through its merged context (a hub seen from another cluster's steps). */
export function mergedContextTarget(cluster: ClusterModel, context: string, files: MergedCredentials): KubeTarget {
  return { cluster, placeholder: tmp(`${cluster.name}/kubeconfig`), kubeconfig: (ctx) => mergedContextKubeconfig(ctx, files, cluster.name, context) };
}
