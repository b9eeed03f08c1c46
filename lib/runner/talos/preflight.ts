import { parseAllDocuments } from 'yaml';
import type { DiskSelector } from '../../spec/types.generated.ts';
import { resourceSpecs } from '../json-stream.ts';
import { distPath } from '../sources/compiled.ts';
import type { RunContext } from '../step.ts';
import { diskMatches, type DiskSpec } from './disks.ts';
import type { TalosNode, TalosSession } from './session.ts';

/**
 * Before a changed config goes to a configured node: every link and disk it names must exist on
 * that node, or the apply breaks the node's network or storage where no rollback helps (talm
 * does the same: cozystack/talm pkg/applycheck, "Phase 1" — it resolves the rendered config's
 * link and disk references against the node's `links` / `disks` resources and blocks unless
 * --skip-resource-validation). Links: the names the config's documents use (LinkConfig,
 * DHCPv4/6Config, EthernetConfig, Layer2VIPConfig.link, BondConfig/BridgeConfig links,
 * VLANConfig.parent — the field names of talos pkg/machinery/config/types/network), resolved as
 * Talos resolves a link name (its kernel name, alias or altName — LinkStatusSpec), and each
 * LinkAliasConfig's selector, which must pick exactly one physical link (an ambiguous selector
 * gets no alias: talos@v1.13.9 link_alias_config.go). Disks: the spec's install disk and data
 * disks, matched with the same meaning as the CEL orrery writes (./disks.ts diskMatches).
 */

/** LinkStatusSpec fields (talos pkg/machinery/resources/network/link_status.go, YAML names). */
export interface LinkSpec {
  readonly alias?: string;
  readonly altNames?: readonly string[];
  readonly type?: string;
  readonly kind?: string;
  readonly hardwareAddr?: string;
  readonly permanentAddr?: string;
  readonly busPath?: string;
  readonly driver?: string;
  readonly pciID?: string;
}

interface Resource<T> {
  readonly id: string;
  readonly spec: T;
}

export interface HostSnapshot {
  readonly links: readonly Resource<LinkSpec>[];
  readonly disks: readonly Resource<DiskSpec>[];
  readonly systemDisk?: string;
}

/** A link name a document uses, and where. */
interface LinkRef {
  readonly name: string;
  readonly where: string;
}

interface ConfigLinks {
  readonly refs: readonly LinkRef[];
  /** Links the config itself creates (bonds, bridges, VLANs, dummies, WireGuard): no host link needed. */
  readonly created: ReadonlySet<string>;
  readonly aliases: readonly { readonly name: string; readonly match: string; readonly where: string }[];
}

const NAME_REFS = new Set(['LinkConfig', 'DHCPv4Config', 'DHCPv6Config', 'EthernetConfig']);
const CREATES = new Set(['BondConfig', 'BridgeConfig', 'VLANConfig', 'DummyLinkConfig', 'WireguardConfig']);

type Doc = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

/** The link references of the documents a node's config is made of (patches in dist/). */
export function configLinks(files: readonly { readonly file: string; readonly text: string }[]): ConfigLinks {
  const refs: LinkRef[] = [];
  const created = new Set<string>();
  const aliases: { name: string; match: string; where: string }[] = [];
  for (const { file, text } of files) {
    for (const d of parseAllDocuments(text)) {
      const doc = d.toJSON() as Doc | null;
      if (!doc || typeof doc !== 'object') continue;
      const kind = str(doc.kind);
      const at = (what: string): string => `${what} in ${file}`;
      if (kind === undefined) {
        // v1alpha1: machine.network.interfaces[].interface, and a bond's member interfaces.
        const ifaces = (((doc.machine as Doc | undefined)?.network as Doc | undefined)?.interfaces ?? []) as Doc[];
        for (const i of Array.isArray(ifaces) ? ifaces : []) {
          const bond = i.bond as Doc | undefined;
          const name = str(i.interface);
          if (name && bond) created.add(name);
          else if (name) refs.push({ name, where: at('machine.network.interfaces[].interface') });
          for (const m of strings(bond?.interfaces)) refs.push({ name: m, where: at(`the bond ${name ?? ''} (machine.network.interfaces[].bond.interfaces)`) });
        }
        continue;
      }
      const name = str(doc.name);
      if (NAME_REFS.has(kind) && name) refs.push({ name, where: at(kind) });
      if (kind === 'Layer2VIPConfig' || kind === 'HCloudVIPConfig') {
        const link = str(doc.link);
        if (link) refs.push({ name: link, where: at(`${kind} ${name ?? ''}`.trim()) });
      }
      if (CREATES.has(kind) && name) created.add(name);
      if (kind === 'BondConfig' || kind === 'BridgeConfig') for (const l of strings(doc.links)) refs.push({ name: l, where: at(`${kind} ${name ?? ''}`.trim()) });
      if (kind === 'VLANConfig') {
        const parent = str(doc.parent);
        if (parent) refs.push({ name: parent, where: at(`VLANConfig ${name ?? ''} (parent)`.replace(' ()', '')) });
      }
      if (kind === 'LinkAliasConfig' && name) {
        const match = str((doc.selector as Doc | undefined)?.match);
        if (match) aliases.push({ name, match, where: at('LinkAliasConfig') });
      }
    }
  }
  return { refs, created, aliases };
}

/** `path.Match` for the patterns orrery writes (a MAC or a bus path): `*`, `?` and classes. */
function glob(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${re}$`).test(value);
}

/** CEL names of LinkStatus fields → the JSON talosctl prints. */
const LINK_FIELDS: Record<string, keyof LinkSpec> = { permanent_addr: 'permanentAddr', hardware_addr: 'hardwareAddr', driver: 'driver', bus_path: 'busPath', pci_id: 'pciID', kind: 'kind', type: 'type' };

const FIELD = '(mac\\()?link\\.([a-z_]+)\\)?';
/** `link.f == "v"` / `mac(link.f) == "v"`. */
const EQUALS = new RegExp(`^${FIELD}\\s*==\\s*"([^"]*)"$`);
/** `glob("p", link.f)` / `glob("p", mac(link.f))`. */
const GLOB = new RegExp(`^glob\\(\\s*"([^"]*)"\\s*,\\s*${FIELD}\\s*\\)$`);

/**
 * A link selector of the shape orrery writes (lib/components/talos intent.ts linkMatch): terms
 * joined by `&&`, each `link.<field> == "v"`, `mac(link.<field>) == "v"` or `glob("p", …)`.
 * undefined when the expression is of another shape (it is then not checked).
 */
export function linkSelectorMatches(match: string, link: LinkSpec): boolean | undefined {
  let all = true;
  for (const raw of match.split('&&')) {
    const term = raw.trim();
    const eq = EQUALS.exec(term);
    const gl = GLOB.exec(term);
    const key = LINK_FIELDS[(eq?.[2] ?? gl?.[3]) ?? ''];
    if (!key || (!eq && !gl)) return undefined;
    const mac = Boolean(eq?.[1] ?? gl?.[2]);
    const fieldValue = link[key];
    const value = typeof fieldValue === 'string' ? (mac ? fieldValue.toLowerCase() : fieldValue) : '';
    const ok = eq ? value === (mac ? eq[3]!.toLowerCase() : eq[3]) : glob(mac ? gl![1]!.toLowerCase() : gl![1]!, value);
    all &&= ok;
  }
  return all;
}

const physical = (l: Resource<LinkSpec>): boolean => (l.spec.kind ?? '') === '' && l.spec.type === 'ether';
const hasName = (l: Resource<LinkSpec>, name: string): boolean => l.id === name || l.spec.alias === name || (l.spec.altNames ?? []).includes(name);
const describeLinks = (links: readonly Resource<LinkSpec>[]): string => links.map((l) => `${l.id}${l.spec.permanentAddr ? ` ${l.spec.permanentAddr}` : ''}${l.spec.driver ? ` ${l.spec.driver}` : ''}`).join(', ') || 'none';

function describeDisk(d: { path?: string; selector?: DiskSelector }): string {
  return d.path ?? Object.entries(d.selector ?? {}).map(([k, v]) => `${k} ${String(v)}`).join(', ');
}

/**
 * Preflight of a configured node before its changed config is applied: what it lacks, one precise
 * line each (empty: everything the config names is there).
 */
export async function preflight(ctx: RunContext, s: TalosSession, node: TalosNode): Promise<string[]> {
  const installDisk = node.model.installDisk ?? s.cluster.talos.installDisk;
  return preflightProblems(node, installDisk, configLinks(nodeConfigFiles(s, node)), await hostSnapshot(ctx, s, node));
}

/** What the node lacks, one precise line each (empty: everything the config names is there). */
export function preflightProblems(node: TalosNode, installDisk: { path?: string; selector?: DiskSelector } | undefined, config: ConfigLinks, host: HostSnapshot): string[] {
  const problems: string[] = [];
  const physicalLinks = host.links.filter(physical);
  const aliasOk = new Map<string, boolean>();
  for (const a of config.aliases) {
    const results = physicalLinks.map((l) => ({ l, m: linkSelectorMatches(a.match, l.spec) }));
    if (results.some((r) => r.m === undefined)) continue;
    const hits = results.filter((r) => r.m).map((r) => r.l);
    aliasOk.set(a.name, hits.length === 1);
    if (hits.length === 0) problems.push(`no link on ${node.name} matches ${a.match} (${a.where}; its physical links: ${describeLinks(physicalLinks)})`);
    else if (hits.length > 1) problems.push(`${a.match} (${a.where}) matches ${hits.length} links on ${node.name} (${describeLinks(hits)}): Talos gives an ambiguous selector no alias — make the selector unique`);
  }
  const seen = new Set<string>();
  for (const r of config.refs) {
    if (seen.has(r.name) || config.created.has(r.name)) continue;
    seen.add(r.name);
    if (aliasOk.has(r.name)) continue;
    if (config.aliases.some((a) => a.name === r.name)) continue;
    if (!host.links.some((l) => hasName(l, r.name))) problems.push(`${node.name} has no link ${r.name} (${r.where}; its links: ${describeLinks(host.links.filter((l) => l.id !== 'lo'))})`);
  }
  const disks = (d: { path?: string; selector?: DiskSelector }, excludeSystem: boolean): Resource<DiskSpec>[] => host.disks.filter((x) => !(excludeSystem && x.id === host.systemDisk) && diskMatches(x.spec, d));
  const diskList = host.disks.map((d) => `${d.id}${d.spec.dev_path ? ` ${d.spec.dev_path}` : ''}${d.spec.model ? ` ${d.spec.model}` : ''}${d.spec.size ? ` ${Math.round(d.spec.size / 1e9)}GB` : ''}`).join(', ') || 'none';
  if (installDisk && disks(installDisk, false).length === 0) problems.push(`no disk on ${node.name} matches its install disk ${describeDisk(installDisk)} (its disks: ${diskList})`);
  for (const d of node.model.dataDisks) {
    if (disks(d, true).length === 0) problems.push(`no disk on ${node.name} matches its ${d.purpose} data disk ${describeDisk(d)} (the system disk excluded; its disks: ${diskList})`);
  }
  return problems;
}

/** The node's links, disks and system disk over the secure API. */
export async function hostSnapshot(ctx: RunContext, s: TalosSession, node: TalosNode): Promise<HostSnapshot> {
  const get = async (what: string): Promise<string> => (await ctx.exec(s.secure(node, ['get', what, '-o', 'json']), { quiet: true })).stdout;
  const links = resourceSpecs<LinkSpec>(await get('links'));
  const disks = resourceSpecs<DiskSpec>(await get('disks'));
  const systemDisk = resourceSpecs<{ diskID?: string }>(await get('systemdisk'))[0]?.spec.diskID;
  return { links, disks, ...(systemDisk ? { systemDisk } : {}) };
}

/** The documents of a node's config that name links: the cluster and role patches, then the node's. */
export function nodeConfigFiles(s: TalosSession, node: TalosNode): { file: string; text: string }[] {
  const c = s.cluster.name;
  const rels = [`${c}/talos/cluster.yaml`, ...(node.role === 'controlplane' ? [`${c}/talos/controlplane.yaml`] : []), `${c}/talos/nodes/${node.name}.yaml`];
  return rels.flatMap((rel) => {
    const text = s.compiled.files.get(rel);
    return text === undefined ? [] : [{ file: distPath(s.compiled, rel), text }];
  });
}
