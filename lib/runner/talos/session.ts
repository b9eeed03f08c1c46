import { chmod, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { ClusterModel, NodeModel } from '../../model/model.ts';
import { loadAgeIdentities } from '../../sops/keys.ts';
import { decryptSops, SopsError } from '../../sops/sops.ts';
import { talosContextOf, type TalosContext } from '../credentials.ts';
import { resourceSpecs } from '../json-stream.ts';
import { distPath, type Compiled } from '../sources/compiled.ts';
import { NotYet, StepError, type RunContext } from '../step.ts';
import { tmp, type Arg, type DryRunLine, type TempRef, type ToolCommand } from '../tools/command.ts';
import type { ApplyEffects } from './apply-effects.ts';
import { installImageOf } from './patches.ts';
import { nodePatchFiles } from '../../model/facts/talos-patches.ts';

export interface TalosNode {
  readonly name: string;
  readonly role: 'controlplane' | 'worker';
  /** Where the configured node answers (its first static address, or DHCP reservation). */
  readonly address: string;
  /** Where it answers in maintenance mode, before its config (DHCP address while PXE-booted). */
  readonly maintenanceAddress: string;
  /** dist/ path of the node's patch. */
  readonly patch: string;
  /** dist/ paths of the operator's patches the node gets after it, in merge order. */
  readonly extraPatches: readonly string[];
  /** Rendered machine config in the private temp dir. */
  readonly config: string;
  readonly installImage?: string;
  readonly model: NodeModel;
}

export type NodeProbe =
  | { readonly mode: 'configured'; readonly stage: string; readonly ready: boolean }
  | { readonly mode: 'maintenance' }
  | { readonly mode: 'foreign'; readonly detail: string }
  | { readonly mode: 'unreachable'; readonly detail: string };

const PROBE_TIMEOUT_MS = 20_000;

/** Talos errors that mean the node speaks TLS with a CA that is not this cluster's. */
const FOREIGN_CA = /certificate signed by unknown authority|x509:|tls: bad certificate|authentication handshake failed/i;

/**
 * Everything the runner knows about one talosctl cluster in one run: its nodes and addresses, the
 * rendered configs and the talosconfig in the private temp dir, and live probes (cached until a
 * step changes something).
 */
export class TalosSession {
  readonly nodes: readonly TalosNode[];
  readonly controlPlanes: readonly TalosNode[];
  readonly secretsFile: string;
  readonly configDir: string;
  readonly talosconfig: string;
  readonly kubeconfigFile: string;
  private context: TalosContext | undefined;
  private probes = new Map<string, NodeProbe>();
  /** What applying the rendered config does to each configured node whose config differs (set by its apply check). */
  readonly applyEffects = new Map<string, ApplyEffects>();
  private kubeconfigText: string | undefined;

  constructor(
    readonly cluster: ClusterModel,
    readonly compiled: Compiled,
  ) {
    const c = cluster.name;
    this.secretsFile = `${c}/secrets.yaml`;
    this.configDir = `${c}/config`;
    this.talosconfig = `${c}/talosconfig`;
    this.kubeconfigFile = `${c}/kubeconfig`;
    this.nodes = cluster.nodes.map((n) => {
      const address = n.primaryAddress;
      if (!address) throw new StepError(`${c}: node ${n.name} has no address the runner can reach (DHCP without reservedAddress): add reservedAddress or a static address`);
      const rel = `${c}/talos/nodes/${n.name}.yaml`;
      const extra = nodePatchFiles(cluster, n.name).map((a) => `${c}/talos/${a.file}`);
      // The image the node installs is the last one its patches set (an operator patch may replace orrery's).
      const installImage = [rel, ...extra].map((f) => compiled.files.get(f)).reduce<string | undefined>((image, text) => (text !== undefined ? (installImageOf(text) ?? image) : image), undefined);
      return {
        name: n.name,
        role: n.role,
        address,
        maintenanceAddress: n.maintenanceAddress ?? address,
        patch: distPath(compiled, rel),
        extraPatches: extra.map((f) => distPath(compiled, f)),
        config: `${this.configDir}/${n.name}.yaml`,
        ...(installImage ? { installImage } : {}),
        model: n,
      };
    });
    this.controlPlanes = this.nodes.filter((n) => n.role === 'controlplane');
  }

  get bundleFile(): string {
    return `${this.compiled.secretsDisplay}/${this.cluster.name}/talos-secrets.yaml`;
  }

  /** The Kubernetes API endpoint gen config takes (the orrery patch sets the same one). */
  get endpoint(): string {
    return this.cluster.endpoint.url ?? `https://${this.controlPlanes[0]?.address}:${this.cluster.endpoint.port}`;
  }

  genConfigCommand(): ToolCommand {
    const c = this.cluster;
    const image = this.nodes.find((n) => n.installImage)?.installImage;
    return {
      tool: 'talosctl',
      args: [
        'gen', 'config', c.name, this.endpoint,
        '--with-secrets', tmp(this.secretsFile),
        '--talos-version', `v${c.talos.contract}`,
        '--kubernetes-version', c.kubernetes.version,
        ...(image ? ['--install-image', image] : []),
        '--config-patch', `@${distPath(this.compiled, `${c.name}/talos/cluster.yaml`)}`,
        '--config-patch-control-plane', `@${distPath(this.compiled, `${c.name}/talos/controlplane.yaml`)}`,
        '--with-docs=false', '--with-examples=false',
        '--output-types', 'controlplane,worker,talosconfig',
        '--output', tmp(this.configDir),
      ],
      timeoutMs: 60_000,
    };
  }

  patchCommand(node: TalosNode): ToolCommand {
    return {
      tool: 'talosctl',
      // Patches apply in order (talos@v1.13.9 configpatcher.Apply): orrery's node patch, then the operator's.
      args: [
        'machineconfig', 'patch', tmp(`${this.configDir}/${node.role === 'controlplane' ? 'controlplane' : 'worker'}.yaml`),
        ...[node.patch, ...node.extraPatches].flatMap((p) => ['--patch', `@${p}`]),
        '--output', tmp(node.config),
      ],
      timeoutMs: 60_000,
    };
  }

  /** The lines of the local preparation, for --dry-run and the plan. */
  prepareLines(): DryRunLine[] {
    return [
      { note: `orrery decrypts ${this.bundleFile} in memory (age key from SOPS_AGE_KEY / SOPS_AGE_KEY_FILE / ~/.config/sops/age/keys.txt) into <tmp:${this.secretsFile}>: a private 0700 temp dir outside the repository, removed when the run ends` },
      this.genConfigCommand(),
      ...this.nodes.map((n) => this.patchCommand(n)),
      { note: `orrery sets the endpoints of <tmp:${this.talosconfig}> to the control planes' own addresses (${this.controlPlanes.map((n) => n.address).join(', ')}) and its nodes to every node` },
    ];
  }

  /** Decrypts the bundle, renders every node's config and the talosconfig with credentials. */
  async prepare(ctx: RunContext): Promise<void> {
    if (this.context) return;
    const text = this.compiled.secrets.get(`${this.cluster.name}/talos-secrets.yaml`);
    if (text === undefined) throw new StepError(`${this.bundleFile} is missing: run orrery secrets (it generates the Talos secrets bundle once)`);
    const keys = await loadAgeIdentities(ctx.options.env, ctx.options.home);
    if (keys.identities.length === 0) throw new StepError(`no age key to decrypt ${this.bundleFile}: set SOPS_AGE_KEY_FILE, SOPS_AGE_KEY or create ~/.config/sops/age/keys.txt`);
    let bundle: Record<string, unknown>;
    try {
      bundle = (await decryptSops(text, keys.identities, keys.sources)).data;
    } catch (err) {
      if (err instanceof SopsError) throw new StepError(`${this.bundleFile}: ${err.message}`);
      throw err;
    }
    ctx.redactor.addValues(bundle);
    await ctx.tmp.write(this.secretsFile, stringify(bundle));
    await ctx.tmp.mkdir(this.configDir);
    await ctx.exec(this.genConfigCommand(), { quiet: true });
    for (const node of this.nodes) await ctx.exec(this.patchCommand(node), { quiet: true });
    // gen config writes 0644 files; inside the 0700 directory, but no reader is better than one.
    const dir = ctx.tmp.path(this.configDir);
    for (const f of await readdir(dir)) await chmod(path.join(dir, f), 0o600);
    const generated = `${this.configDir}/talosconfig`;
    const doc = parse(await ctx.tmp.read(generated)) as { context?: string; contexts?: Record<string, Record<string, unknown>> };
    const name = doc.context ?? this.cluster.name;
    const generatedContext = talosContextOf(doc, name);
    if (!generatedContext) throw new StepError(`talosctl gen config wrote a talosconfig without credentials for context ${name}`);
    ctx.redactor.add(generatedContext.key);
    ctx.redactor.add(generatedContext.crt);
    // Endpoints are the control planes' own addresses, never the VIP: the VIP is down exactly when etcd is.
    this.context = { ...generatedContext, endpoints: this.controlPlanes.map((n) => n.address), nodes: this.nodes.map((n) => n.address) };
    await ctx.tmp.write(this.talosconfig, stringify({ context: this.cluster.name, contexts: { [this.cluster.name]: { ...this.context } } }));
  }

  talosContext(): TalosContext {
    if (!this.context) throw new NotYet('the machine configs are not rendered');
    return this.context;
  }

  /** talosctl with this run's talosconfig, aimed at exactly one node through itself. */
  secure(node: TalosNode, args: readonly Arg[], extra: Partial<ToolCommand> = {}): ToolCommand {
    return { tool: 'talosctl', args: ['--talosconfig', tmp(this.talosconfig), '--nodes', node.address, '--endpoints', node.address, ...args], ...extra };
  }

  /** talosctl against the maintenance API (no credentials: it has none yet). */
  insecure(node: TalosNode, args: readonly Arg[], extra: Partial<ToolCommand> = {}): ToolCommand {
    return { tool: 'talosctl', args: [...args.slice(0, 1), '--insecure', '--nodes', node.maintenanceAddress, ...args.slice(1)], ...extra };
  }

  /** Forget cached probes: the next probe asks the node again. */
  invalidate(): void {
    this.probes.clear();
    this.kubeconfigText = undefined;
  }

  /**
   * Configured (secure API answers with this cluster's CA), maintenance, foreign (TLS with
   * another CA) or unreachable. Secure first: a node that just took its config still answers on
   * the maintenance API until it reboots. Then maintenance mode is told by the server on port
   * 50000 of the maintenance address not asking for a client certificate (./api-probe.ts, the
   * mTLS probe); only when that cannot be told does talosctl ask the insecure API.
   */
  async probe(ctx: RunContext, node: TalosNode): Promise<NodeProbe> {
    const cached = this.probes.get(node.name);
    if (cached) return cached;
    const secure = await ctx.exec(this.secure(node, ['get', 'machinestatus', '-o', 'json'], { timeoutMs: PROBE_TIMEOUT_MS }), { allowFailure: true, quiet: true });
    let result: NodeProbe;
    if (secure.code === 0) {
      const status = resourceSpecs<{ stage?: string; status?: { ready?: boolean } }>(secure.stdout)[0]?.spec;
      result = { mode: 'configured', stage: status?.stage ?? 'unknown', ready: status?.status?.ready === true };
    } else {
      const mtls = await ctx.clientCertificateProbe(node.maintenanceAddress);
      // Why the maintenance address is not in maintenance mode; undefined when it is.
      let notMaintenance: string | undefined;
      if ('requested' in mtls) notMaintenance = mtls.requested ? 'asks for a client certificate (a configured node, not maintenance mode)' : undefined;
      else {
        const insecure = await ctx.exec({ tool: 'talosctl', args: ['get', 'machinestatus', '--insecure', '--nodes', node.maintenanceAddress, '-o', 'json'], timeoutMs: PROBE_TIMEOUT_MS }, { allowFailure: true, quiet: true });
        const stage = insecure.code === 0 ? resourceSpecs<{ stage?: string }>(insecure.stdout)[0]?.spec.stage : undefined;
        notMaintenance = stage === 'maintenance' ? undefined : lastLine(insecure.stderr);
      }
      if (notMaintenance === undefined) result = { mode: 'maintenance' };
      else if (FOREIGN_CA.test(secure.stderr)) result = { mode: 'foreign', detail: lastLine(secure.stderr) };
      else result = { mode: 'unreachable', detail: `${node.address}: ${lastLine(secure.stderr)}; ${node.maintenanceAddress} (maintenance): ${notMaintenance}` };
    }
    this.probes.set(node.name, result);
    return result;
  }

  /** The admin kubeconfig from the first control plane that serves it, in memory and in the temp dir. */
  async kubeconfig(ctx: RunContext): Promise<TempRef> {
    if (this.kubeconfigText !== undefined) return tmp(this.kubeconfigFile);
    await this.prepare(ctx);
    const problems: string[] = [];
    for (const cp of this.controlPlanes) {
      const r = await ctx.exec(this.kubeconfigCommand(cp), { allowFailure: true, quiet: true });
      if (r.code !== 0) {
        problems.push(`${cp.name}: ${lastLine(r.stderr)}`);
        continue;
      }
      const doc = parse(r.stdout) as { users?: { user?: Record<string, unknown> }[] };
      for (const u of doc.users ?? []) ctx.redactor.addValues(u.user);
      await ctx.tmp.replace(this.kubeconfigFile, r.stdout);
      this.kubeconfigText = r.stdout;
      return tmp(this.kubeconfigFile);
    }
    throw new NotYet('no control plane serves a kubeconfig yet', problems.join('; '));
  }

  kubeconfigCommand(cp: TalosNode): ToolCommand {
    // `kubeconfig -` with --merge=false writes to stdout (cmd/talosctl/cmd/talos/kubeconfig.go).
    return this.secure(cp, ['kubeconfig', '-', '--merge=false'], { secretOutput: true, timeoutMs: PROBE_TIMEOUT_MS });
  }

  kubeconfigTextOrThrow(): string {
    if (this.kubeconfigText === undefined) throw new Error('kubeconfig not fetched');
    return this.kubeconfigText;
  }
}

export function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '');
  return lines[lines.length - 1]?.trim() ?? 'no output';
}
