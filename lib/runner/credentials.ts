import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * Credentials go only where the operator asks: a context merged into their talosconfig and
 * kubeconfig (TALOSCONFIG / ~/.talos/config and the first KUBECONFIG entry / ~/.kube/config by
 * default, or --talosconfig / --kubeconfig), written atomically with mode 0600, never into the
 * repository. Merging is by name (the same context is replaced, others kept), so a rerun is a
 * no-op: a context that already holds the cluster's CA and endpoints is left as it is.
 */

export type ContextStatus = 'same' | 'missing' | 'different';

async function readYaml(file: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const data = parse(text) as unknown;
  return data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
}

async function writeSecretFile(file: string, data: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmpFile = `${file}.orrery-${process.pid}`;
  await writeFile(tmpFile, stringify(data), { mode: 0o600, flag: 'w' });
  await rename(tmpFile, file);
}

export interface TalosContext {
  readonly endpoints: readonly string[];
  readonly nodes: readonly string[];
  readonly ca: string;
  readonly crt: string;
  readonly key: string;
}

/** The context of a talosconfig document (what `talosctl gen config` writes). */
export function talosContextOf(doc: unknown, name: string): TalosContext | undefined {
  const ctx = (doc as { contexts?: Record<string, Partial<TalosContext>> } | undefined)?.contexts?.[name];
  if (!ctx?.ca || !ctx.crt || !ctx.key) return undefined;
  return { endpoints: ctx.endpoints ?? [], nodes: ctx.nodes ?? [], ca: ctx.ca, crt: ctx.crt, key: ctx.key };
}

const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export async function talosContextStatus(file: string, name: string, want: TalosContext): Promise<ContextStatus> {
  const have = talosContextOf(await readYaml(file), name);
  if (!have) return 'missing';
  // A client certificate is minted per gen config run; the same CA and endpoints mean the same cluster.
  return have.ca === want.ca && same(have.endpoints, want.endpoints) && same(have.nodes, want.nodes) ? 'same' : 'different';
}

export async function mergeTalosContext(file: string, name: string, ctx: TalosContext): Promise<void> {
  const doc = (await readYaml(file)) ?? {};
  const contexts = { ...((doc.contexts as Record<string, unknown> | undefined) ?? {}), [name]: { endpoints: [...ctx.endpoints], nodes: [...ctx.nodes], ca: ctx.ca, crt: ctx.crt, key: ctx.key } };
  await writeSecretFile(file, { ...doc, context: doc.context ?? name, contexts });
}

interface Named {
  readonly name: string;
  readonly [key: string]: unknown;
}

interface Kubeconfig {
  clusters?: Named[];
  users?: Named[];
  contexts?: Named[];
  'current-context'?: string;
  [key: string]: unknown;
}

function kubeContext(doc: Kubeconfig, name?: string): { context: Named; cluster?: Named; user?: Named } | undefined {
  const context = (doc.contexts ?? []).find((c) => c.name === (name ?? doc['current-context']));
  if (!context) return undefined;
  const ref = context.context as { cluster?: string; user?: string } | undefined;
  return { context, cluster: (doc.clusters ?? []).find((c) => c.name === ref?.cluster), user: (doc.users ?? []).find((u) => u.name === ref?.user) };
}

/** The name of the context a kubeconfig text selects (its current-context). */
export function kubeconfigContextName(text: string): string {
  const doc = parse(text) as Kubeconfig;
  const name = doc['current-context'] ?? doc.contexts?.[0]?.name;
  if (!name) throw new Error('kubeconfig without a context');
  return name;
}

/** The server URL of the kubeconfig's current context. */
export function kubeconfigServer(text: string): string | undefined {
  const doc = parse(text) as Kubeconfig;
  return (kubeContext(doc)?.cluster?.cluster as { server?: string } | undefined)?.server;
}

export async function kubeContextStatus(file: string, fetched: string): Promise<ContextStatus> {
  const want = parse(fetched) as Kubeconfig;
  const wanted = kubeContext(want);
  if (!wanted?.cluster) throw new Error('fetched kubeconfig has no cluster for its context');
  const doc = (await readYaml(file)) as Kubeconfig | undefined;
  const have = doc ? kubeContext(doc, wanted.context.name) : undefined;
  if (!have?.cluster || !have.user) return 'missing';
  const server = (c: Named | undefined): unknown => (c?.cluster as Record<string, unknown> | undefined)?.server;
  const ca = (c: Named | undefined): unknown => (c?.cluster as Record<string, unknown> | undefined)?.['certificate-authority-data'];
  const hasKey = Boolean((have.user.user as Record<string, unknown> | undefined)?.['client-key-data'] ?? (have.user.user as Record<string, unknown> | undefined)?.token);
  return server(have.cluster) === server(wanted.cluster) && ca(have.cluster) === ca(wanted.cluster) && hasKey ? 'same' : 'different';
}

/** Merges the fetched kubeconfig's context (and its cluster and user entries) by name. */
export async function mergeKubeconfig(file: string, fetched: string): Promise<string> {
  const want = parse(fetched) as Kubeconfig;
  const wanted = kubeContext(want);
  if (!wanted?.cluster || !wanted.user) throw new Error('fetched kubeconfig is incomplete (context, cluster or user missing)');
  const doc = ((await readYaml(file)) as Kubeconfig | undefined) ?? { apiVersion: 'v1', kind: 'Config' };
  const replace = (list: Named[] | undefined, entry: Named): Named[] => [...(list ?? []).filter((e) => e.name !== entry.name), entry];
  const merged: Kubeconfig = {
    ...doc,
    apiVersion: doc.apiVersion ?? 'v1',
    kind: doc.kind ?? 'Config',
    clusters: replace(doc.clusters, wanted.cluster),
    users: replace(doc.users, wanted.user),
    contexts: replace(doc.contexts, wanted.context),
    'current-context': doc['current-context'] ?? wanted.context.name,
  };
  await writeSecretFile(file, merged);
  return wanted.context.name;
}

/** Where credentials go by default, as talosctl and kubectl look for them. */
export function defaultCredentialFiles(env: NodeJS.ProcessEnv, home: string): { talosconfig: string; kubeconfig: string } {
  const kubeconfig = env.KUBECONFIG?.split(path.delimiter).find((p) => p !== '') ?? path.join(home, '.kube', 'config');
  const talosconfig = env.TALOSCONFIG || path.join(home, '.talos', 'config');
  return { talosconfig, kubeconfig };
}

/** One context of a kubeconfig file as a standalone kubeconfig text (for the runner's own use), if present. */
export async function extractKubeContext(file: string, contextName: string): Promise<string | undefined> {
  const doc = (await readYaml(file)) as Kubeconfig | undefined;
  if (!doc) return undefined;
  const found = kubeContext(doc, contextName);
  if (!found?.cluster || !found.user) return undefined;
  return stringify({ apiVersion: 'v1', kind: 'Config', clusters: [found.cluster], users: [found.user], contexts: [found.context], 'current-context': contextName });
}

/** Merges the current context of a talosconfig text (what CABPT stores in <cluster>-talosconfig). */
export async function mergeTalosconfigText(file: string, text: string): Promise<string> {
  const doc = parse(text) as { context?: string; contexts?: Record<string, unknown> };
  const name = doc.context ?? Object.keys(doc.contexts ?? {})[0];
  const ctx = name ? talosContextOf(doc, name) : undefined;
  if (!name || !ctx) throw new Error('talosconfig without a context with credentials');
  await mergeTalosContext(file, name, ctx);
  return name;
}

export async function talosconfigTextStatus(file: string, text: string): Promise<{ name: string; status: ContextStatus }> {
  const doc = parse(text) as { context?: string; contexts?: Record<string, unknown> };
  const name = doc.context ?? Object.keys(doc.contexts ?? {})[0] ?? '';
  const ctx = talosContextOf(doc, name);
  if (!ctx) throw new Error('talosconfig without a context with credentials');
  return { name, status: await talosContextStatus(file, name, ctx) };
}
