import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { main } from '../../lib/cli/main.ts';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { REPO } from '../helpers.ts';
import { startFakeServer, type FakeLogEntry } from './fake-server.ts';
import { startFakeTalosApi, type ApiMode, type FakeTalosApi } from './fake-talos-api.ts';

/** The fakes the harness can put on PATH. */
export const FAKE_TOOLS = ['talosctl', 'kubectl', 'helm', 'flux', 'clusterctl', 'kind'] as const;
export type FakeTool = (typeof FAKE_TOOLS)[number];

export const TEST_AGE_KEY = readFileSync(path.join(REPO, 'test-keys', 'age-test-key.txt'), 'utf8');

export interface LogEntry extends FakeLogEntry {
  readonly tool: FakeTool;
}

/** The fakes' shared state (see fake-tools.mjs); loosely typed on purpose: tests poke at it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FakeState = Record<string, any>;

export interface RunResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export interface Workspace {
  readonly dir: string;
  readonly home: string;
  readonly tmpBase: string;
  readonly bin: string;
  state(): FakeState;
  /** The fakes' state as JSON text: the simulated clusters (what the state file held). */
  stateText(): string;
  update(mutate: (s: FakeState) => void): void;
  log(): LogEntry[];
  /** The log as JSON lines: what a recorded file of the tools' calls would hold. */
  logText(): string;
  clearLog(): void;
  /** Runs `orrery …` in the workspace with the fakes first on PATH; --poll-interval 0s and --wait-timeout 5s unless given. */
  run(argv: readonly string[], env?: Record<string, string | undefined>): Promise<RunResult>;
  /** The fake machines' port 50000 as the runner's mTLS probe reached it (through HTTPS_PROXY). */
  readonly talosApi: FakeTalosApi;
  /** The environment a spawned orrery needs besides PATH, HOME, TMPDIR: the proxy to the fake machines (never a real address). */
  readonly networkEnv: Readonly<Record<string, string>>;
  /** The fakes' state, credentials and journal as they are now (see WorkspaceSnapshot). */
  snapshot(): WorkspaceSnapshot;
  /** What the private temp directories left behind (must be nothing after a run). */
  leftovers(): string[];
  dispose(): Promise<void>;
}

export interface WorkspaceOptions {
  /** Tools not put on PATH. */
  readonly missing?: readonly FakeTool[];
  readonly state?: (s: FakeState) => void;
  /** Port 50000 answers nowhere (the proxy says 502): the runner's mTLS probe cannot tell, talosctl decides. */
  readonly apiUnreachable?: boolean;
  /** Start from this snapshot (same example) instead of freshly booted machines. */
  readonly from?: WorkspaceSnapshot;
  /** Edits the copied spec (files under `dir`/clusters); dist/ is synthesised again from it. */
  readonly respec?: (dir: string) => void;
}

interface DiskInit {
  readonly path?: string;
  readonly selector?: { readonly type?: string; readonly model?: string; readonly serial?: string; readonly wwid?: string; readonly busPath?: string };
}

interface NodeInit {
  readonly name: string;
  readonly role: string;
  readonly interface?: string;
  readonly interfaceSelector?: { readonly hardwareAddr?: string; readonly driver?: string; readonly busPath?: string };
  readonly installDisk?: DiskInit;
  readonly primaryAddress?: string;
  readonly maintenanceAddress?: string;
  readonly dataDisks: readonly { readonly purpose: string; readonly wipe: boolean; readonly path?: string; readonly selector?: { readonly type?: string; readonly model?: string; readonly serial?: string; readonly wwid?: string; readonly busPath?: string } }[];
}

/** The fake machines of an example, in maintenance mode as after PXE boot (JSON: every workspace gets its own copy). */
const machines = new Map<string, Promise<string>>();

function machinesOf(example: string, src: string): Promise<string> {
  let found = machines.get(example);
  if (!found) {
    found = fakeMachines(example, src);
    machines.set(example, found);
  }
  return found;
}

async function fakeMachines(example: string, src: string): Promise<string> {
  const compiled = await compileSpecDir(path.join(src, 'clusters'), { cwd: src });
  if (!compiled.model || !compiled.files) throw new Error(`example ${example} does not compile`);
  const nodes: Record<string, unknown> = {};
  for (const c of compiled.model.clusters) {
    for (const [index, n] of (c.nodes as readonly NodeInit[]).entries()) {
      const patch = compiled.files.get(`${c.name}/talos/nodes/${n.name}.yaml`) ?? '';
      const image = /image: (\S+)/.exec(patch)?.[1] ?? '';
      // One fake disk per data disk marked wipe, with what its selector asks for; each holds an old partition.
      const wiped = n.dataDisks.filter((d) => d.wipe);
      const disks = wiped.map((d, i) => {
        const id = `sd${String.fromCharCode(98 + i)}`;
        const sel = d.selector ?? {};
        return {
          id,
          spec: {
            dev_path: d.path ?? `/dev/${id}`,
            size: 4e12,
            transport: sel.type === 'nvme' ? 'nvme' : 'sata',
            rotational: sel.type !== 'ssd' && sel.type !== 'nvme',
            model: sel.model ?? 'HDD',
            ...(sel.serial ? { serial: sel.serial } : {}),
            ...(sel.wwid ? { wwid: sel.wwid } : {}),
            ...(sel.busPath ? { bus_path: sel.busPath } : {}),
          },
        };
      });
      nodes[n.name] = {
        name: n.name,
        role: n.role,
        cluster: c.name,
        address: n.primaryAddress,
        maintenanceAddress: n.maintenanceAddress ?? n.primaryAddress,
        mode: 'maintenance',
        version: c.talos.version,
        schematic: /installer\/([0-9a-f]{64}):/.exec(image)?.[1],
        systemDisk: 'sda',
        disks: [systemDiskOf(n.installDisk ?? (c.talos as { installDisk?: DiskInit }).installDisk), ...disks],
        links: linksOf(n, index),
        // A re-used disk: an old partition with a filesystem on it.
        volumes: disks.flatMap((d) => [{ id: d.id, spec: { type: 'disk', name: 'gpt' } }, { id: `${d.id}1`, spec: { type: 'partition', name: 'xfs', parent: d.id } }]),
      };
    }
  }
  return JSON.stringify(nodes);
}

/** The disk a fake machine installs to: what the spec's install disk asks for (an SSD at /dev/sda by default). */
function systemDiskOf(disk: DiskInit | undefined): { id: string; spec: Record<string, unknown> } {
  const sel = disk?.selector ?? {};
  return {
    id: 'sda',
    spec: {
      dev_path: disk?.path ?? '/dev/sda',
      size: 256e9,
      transport: sel.type === 'nvme' ? 'nvme' : 'sata',
      rotational: sel.type === 'hdd',
      model: sel.model ?? 'SSD',
      ...(sel.serial ? { serial: sel.serial } : {}),
      ...(sel.wwid ? { wwid: sel.wwid } : {}),
      ...(sel.busPath ? { bus_path: sel.busPath } : {}),
    },
  };
}

/** A fake machine's links (Talos LinkStatus): loopback and the NIC the spec names or selects. */
function linksOf(n: NodeInit, index: number): { id: string; spec: Record<string, unknown> }[] {
  const sel = n.interfaceSelector ?? {};
  const mac = (sel.hardwareAddr ?? `02:00:5e:00:00:${(index + 16).toString(16)}`).toLowerCase().replace(/\*/g, '00');
  return [
    { id: 'lo', spec: { type: 'loopback', kind: '', hardwareAddr: '00:00:00:00:00:00' } },
    { id: n.interface ?? 'enp1s0', spec: { type: 'ether', kind: '', hardwareAddr: mac, permanentAddr: mac, driver: sel.driver ?? 'e1000e', busPath: (sel.busPath ?? 'pci-0000:00:03.0').replace(/\*/g, '0') } },
  ];
}

/**
 * What a workspace's clusters are after some runs: the fakes' state and what the runner wrote
 * outside dist/ (credentials under home/, the journal under .orrery/). A test that only needs "a
 * cluster that is up" starts from one instead of bringing it up again; its assertions run anew.
 */
export interface WorkspaceSnapshot {
  readonly example: string;
  readonly state: string;
  readonly files: ReadonlyMap<string, { readonly text: string; readonly mode: number }>;
}

/** A copy of an example (spec, secrets, dist) with fake machines in maintenance mode, as after PXE boot — or as in `options.from`. */
export async function workspace(example: string, options: WorkspaceOptions = {}): Promise<Workspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'orrery-runner-ws-'));
  const tmpBase = await mkdtemp(path.join(os.tmpdir(), 'orrery-runner-tmp-'));
  const src = example === 'clusters' ? REPO : path.join(REPO, 'examples', example);
  for (const part of ['clusters', 'secrets', 'dist']) if (existsSync(path.join(src, part))) await cp(path.join(src, part), path.join(dir, part), { recursive: true });
  if (options.respec) {
    options.respec(dir);
    await synthIn(dir);
  }
  const home = path.join(dir, 'home');
  const bin = path.join(dir, 'bin');
  mkdirSync(home);
  mkdirSync(bin);
  if (options.from && options.from.example !== example) throw new Error(`snapshot of ${options.from.example} restored into ${example}`);
  for (const [rel, f] of options.from?.files ?? []) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(dir, rel), f.text, { mode: f.mode });
  }
  const nodes = JSON.parse(await machinesOf(example, src)) as Record<string, unknown>;
  const initial: FakeState = options.from ? (JSON.parse(options.from.state) as FakeState) : { versions: {}, talos: { nodes }, kube: {} };
  options.state?.(initial);
  const fakes = startFakeServer({ bin, tools: FAKE_TOOLS.filter((t) => !options.missing?.includes(t)), initial: JSON.stringify(initial) });
  const talosApi = await startFakeTalosApi((address) => (options.apiUnreachable ? undefined : apiModeAt(JSON.parse(fakes.stateText()) as FakeState, address)));
  const networkEnv = { HTTPS_PROXY: talosApi.proxyUrl };

  const ws: Workspace = {
    dir,
    home,
    tmpBase,
    bin,
    talosApi,
    networkEnv,
    state: () => JSON.parse(fakes.stateText()) as FakeState,
    stateText: () => fakes.stateText(),
    update(mutate) {
      const s = ws.state();
      mutate(s);
      fakes.setStateText(JSON.stringify(s));
    },
    log: () => fakes.log.map((e) => structuredClone(e) as LogEntry),
    logText: () => fakes.log.map((e) => `${JSON.stringify(e)}\n`).join(''),
    clearLog: () => {
      fakes.log.length = 0;
    },
    async run(argv, env = {}) {
      const keys = ['PATH', 'HOME', 'TMPDIR', 'SOPS_AGE_KEY', 'SOPS_AGE_KEY_FILE', 'KUBECONFIG', 'TALOSCONFIG', 'XDG_CONFIG_HOME', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy', ...Object.keys(env)];
      const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
      const cwd = process.cwd();
      const set = (k: string, v: string | undefined): void => {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      };
      set('PATH', `${bin}${path.delimiter}${saved.PATH ?? ''}`);
      set('HOME', home);
      set('TMPDIR', tmpBase);
      // The key inline: children must never see it (the env allowlist).
      set('SOPS_AGE_KEY', TEST_AGE_KEY);
      for (const k of ['SOPS_AGE_KEY_FILE', 'KUBECONFIG', 'TALOSCONFIG', 'XDG_CONFIG_HOME', 'https_proxy', 'NO_PROXY', 'no_proxy']) set(k, undefined);
      // The mTLS probe reaches the fake machines' port 50000 through this proxy, never the network.
      set('HTTPS_PROXY', talosApi.proxyUrl);
      for (const [k, v] of Object.entries(env)) set(k, v);
      const args = [...argv];
      if (!args.includes('--poll-interval')) args.push('--poll-interval', '0s');
      if (!args.includes('--wait-timeout')) args.push('--wait-timeout', '5s');
      let out = '';
      let err = '';
      process.chdir(dir);
      try {
        const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
        return { code, out, err };
      } finally {
        process.chdir(cwd);
        for (const [k, v] of Object.entries(saved)) set(k, v);
      }
    },
    snapshot() {
      const files = new Map<string, { text: string; mode: number }>();
      for (const top of [home, path.join(dir, '.orrery')]) for (const [file, text] of filesUnder(top)) files.set(path.relative(dir, file), { text, mode: statSync(file).mode & 0o777 });
      return { example, state: fakes.stateText(), files };
    },
    // tsx keeps its own cache in TMPDIR (tsx-N) when the CLI runs as a process; only orrery's dirs count.
    leftovers: () => readdirSync(tmpBase).filter((n) => n.startsWith('orrery-')),
    async dispose() {
      fakes.close();
      await talosApi.close();
      await rm(dir, { recursive: true, force: true });
      await rm(tmpBase, { recursive: true, force: true });
    },
  };
  return ws;
}

/** `orrery synth` in `dir` (in-process, with the test age key), for a workspace whose spec a test edited. */
async function synthIn(dir: string): Promise<void> {
  const cwd = process.cwd();
  const saved = process.env.SOPS_AGE_KEY;
  let err = '';
  process.chdir(dir);
  process.env.SOPS_AGE_KEY = TEST_AGE_KEY;
  try {
    const code = await main(['synth'], { out: () => undefined, err: (t) => (err += t) });
    if (code !== 0) throw new Error(`orrery synth of the edited spec failed (exit ${code}):\n${err}`);
  } finally {
    process.chdir(cwd);
    if (saved === undefined) delete process.env.SOPS_AGE_KEY;
    else process.env.SOPS_AGE_KEY = saved;
  }
}

/**
 * What port 50000 of a fake machine at `address` is: the maintenance service while it waits
 * for a config, apid (mTLS) once it installs or runs one, nothing when it is off.
 */
function apiModeAt(state: FakeState, address: string): ApiMode | undefined {
  for (const n of Object.values((state.talos?.nodes ?? {}) as Record<string, { mode: string; address?: string; maintenanceAddress?: string }>)) {
    if (n.mode === 'maintenance' && n.maintenanceAddress === address) return 'maintenance';
    if ((n.mode === 'configured' || n.mode === 'installing') && (n.address === address || n.maintenanceAddress === address)) return 'configured';
  }
  return undefined;
}

/**
 * One bring-up of `example` (`up --yes` with a deploy key in home/), kept in `spaces` for
 * disposal: its snapshot is where tests that need "a cluster that is up" start.
 */
export async function upSnapshot(example: string, spaces: Workspace[], confirm: readonly string[] = []): Promise<WorkspaceSnapshot> {
  const w = await workspace(example);
  spaces.push(w);
  writeFileSync(path.join(w.home, 'deploy-key'), 'fake deploy key\n', { mode: 0o600 });
  const up = await w.run(['up', '--yes', '--git-private-key', 'home/deploy-key', ...confirm]);
  if (up.code !== 0) throw new Error(`bring-up of ${example} failed (exit ${up.code}):\n${up.err}`);
  return w.snapshot();
}

/** vtalos-lab and deepthought-homelab brought up once each (deepthought's data-disk wipes confirmed): where node-level tests start. */
export async function upTalosExamples(spaces: Workspace[]): Promise<{ vtalos: WorkspaceSnapshot; deepthought: WorkspaceSnapshot }> {
  const vtalos = await upSnapshot('vtalos-lab', spaces);
  const deepthought = await upSnapshot('deepthought-homelab', spaces, ['--confirm', 'talos-cp1-zaphod,talos-work1-trillian,talos-work2-marvin']);
  return { vtalos, deepthought };
}

/** `tool sub…` of every logged call, flags included, as one line each (the exact command sequence). */
export function commandLines(entries: readonly LogEntry[], filter: (e: LogEntry) => boolean = () => true): string[] {
  return entries.filter((e) => !e.hanging && filter(e)).map((e) => [e.tool, ...e.args].join(' '));
}

export function mutating(entries: readonly LogEntry[]): string[] {
  return commandLines(entries, (e) => e.mutating);
}

/**
 * Every secret the run could leak: the age key, the decrypted Talos bundle and — unless
 * `ownOnly` — the credentials the fake clusters issued (those live in the fakes' state file by
 * design: it is the simulated cluster, not a record of the runner).
 */
export function secretsOf(ws: Workspace, bundles: readonly string[], options: { ownOnly?: boolean } = {}): string[] {
  const out = [TEST_AGE_KEY.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!];
  for (const b of bundles) {
    const doc = parse(b) as { cluster: { secret: string }; secrets: { bootstraptoken: string; secretboxencryptionsecret: string }; trustdinfo: { token: string }; certs: Record<string, { key?: string }> };
    out.push(doc.cluster.secret, doc.secrets.bootstraptoken, doc.secrets.secretboxencryptionsecret, doc.trustdinfo.token, ...Object.values(doc.certs).flatMap((c) => (c.key ? [c.key] : [])));
  }
  if (!options.ownOnly) for (const k of (ws.state().issuedSecrets as string[] | undefined) ?? []) out.push(k, Buffer.from(k, 'base64').toString('utf8'));
  return out.filter((s) => s.length >= 8);
}

/** Every file under a directory (recursive), as text. */
export function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(p, readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}
