/**
 * Which machine-config changes a running Talos node takes without a reboot. What decides is the
 * Talos version the node runs (the machined API server handles ApplyConfiguration), not the
 * config contract of the patches. One classification for `orrery diff` (lib/diff/impact/talos.ts,
 * over the patches in two trees) and `orrery up` (lib/runner/talos/config-changes.ts, over a
 * node's running and rendered configs).
 *
 * Talos 1.12 and 1.13 (`talosctl apply-config`, default `--mode=auto`): the node compares its
 * current and new v1alpha1 documents after copying over the fields below; any other v1alpha1
 * difference makes auto mode reboot the node. Typed documents (HostnameConfig, LinkConfig, …)
 * are not compared at all, so they always apply live.
 *   siderolabs/talos@v1.12.11 and @v1.13.9:
 *   internal/app/machined/pkg/runtime/v1alpha1/v1alpha1_runtime.go (CanApplyImmediate: the list,
 *   and `cfg.RawV1Alpha1()` — only the v1alpha1 document), and
 *   internal/app/machined/internal/server/v1alpha1/v1alpha1_server.go (AUTO → REBOOT when
 *   CanApplyImmediate fails). YAML keys from pkg/machinery/config/types/v1alpha1/v1alpha1_types.go
 *   (MachineControlPlane is `controlPlane`, MachineCertSANs `certSANs`). Docs: docs.siderolabs.com
 *   talos/v1.13 …/editing-machine-configuration ("The list of config changes allowed to be
 *   applied immediately"). The machine.features entries are copied only when both configs have a
 *   features section, which every generated config has.
 *
 * Talos 1.14 removed `--mode=reboot`: every change is applied to the running node (AUTO means
 * NO_REBOOT), and the operator reboots where a setting is read only at start (siderolabs/talos
 * PR #13557, commit 995bc30d5, 2026-06-10, v1.14.0-rc.1 v1alpha1_server.go; docs
 * siderolabs/docs public/talos/v1.14/…/editing-machine-configuration.mdx, "Changes which might
 * need a reboot", commit daf3cbe 2026-07-30): `.cluster.etcd`, environment variables
 * (EnvironmentConfig, `.machine.env`), kernel modules removed or re-parameterised
 * (KernelModuleConfig, `.machine.kernel.modules`), volume encryption keys. Install settings
 * (UnattendedInstallConfig, `.machine.install`) are used only by an install or upgrade.
 */

export type TalosEffect = 'live' | 'reboot' | 'restart' | 'install-only';

export interface TalosRuling {
  readonly effect: TalosEffect;
  /** Why, in a few words, for the summary. */
  readonly why: string;
}

/** v1alpha1 paths CanApplyImmediate copies from the current config (Talos 1.12 and 1.13). */
export const LIVE_V1ALPHA1_PATHS: readonly (readonly string[])[] = [
  ['debug'],
  ['cluster'],
  ['machine', 'ca'],
  ['machine', 'acceptedCAs'],
  ['machine', 'time'],
  ['machine', 'certSANs'],
  ['machine', 'install'],
  ['machine', 'network'],
  ['machine', 'sysfs'],
  ['machine', 'sysctls'],
  ['machine', 'logging'],
  ['machine', 'controlPlane'],
  ['machine', 'kubelet'],
  ['machine', 'kernel'],
  ['machine', 'registries'],
  ['machine', 'pods'],
  ['machine', 'seccompProfiles'],
  ['machine', 'nodeAnnotations'],
  ['machine', 'nodeLabels'],
  ['machine', 'nodeTaints'],
  ['machine', 'features', 'kubernetesTalosAPIAccess'],
  ['machine', 'features', 'kubePrism'],
  ['machine', 'features', 'hostDNS'],
  ['machine', 'features', 'imageCache'],
  ['machine', 'features', 'nodeAddressSortAlgorithm'],
];

const startsWith = (path: readonly string[], prefix: readonly string[]): boolean => prefix.every((p, i) => path[i] === p);

/** `1.13` → [1, 13]; unknown versions are treated as the oldest rules orrery knows (1.12). */
function minorParts(minor: string | undefined): [number, number] {
  const m = /^v?(\d+)\.(\d+)/.exec(minor ?? '');
  return m ? [Number(m[1]), Number(m[2])] : [1, 12];
}

/** Talos 1.14 and later apply every change to the running node. */
export function appliesEverythingLive(minor: string | undefined): boolean {
  const [major, min] = minorParts(minor);
  return major > 1 || min >= 14;
}

export interface TalosChange {
  /** `v1alpha1`, or the typed document's kind. */
  readonly kind: string;
  /** Plain path inside the document (`machine.network.interfaces` → ['machine', 'network', 'interfaces']); [] for the whole document. */
  readonly path: readonly string[];
  readonly op: 'add' | 'remove' | 'change';
}

/** What one change does on a node running Talos `minor` (e.g. '1.13'). */
export function talosRuling(minor: string | undefined, change: TalosChange): TalosRuling {
  const { kind, path, op } = change;
  const v14 = appliesEverythingLive(minor);
  if (kind === 'UnattendedInstallConfig' || (kind === 'v1alpha1' && startsWith(path, ['machine', 'install']))) {
    return { effect: 'install-only', why: 'install settings are used only by an install or upgrade' };
  }
  // The etcd service builds its arguments from the spec when it starts (PreFunc in
  // internal/app/machined/pkg/system/services/etcd.go, v1.13.9 and v1.14) and Talos does not
  // restart it on a config change: on 1.12/1.13 auto mode applies it live, yet it waits for a reboot.
  if (kind === 'v1alpha1' && startsWith(path, ['cluster', 'etcd'])) {
    return { effect: 'restart', why: 'etcd reads its settings when it starts' };
  }
  if (!v14) {
    if (kind !== 'v1alpha1') return { effect: 'live', why: 'typed documents apply live' };
    // Paths are leaves (a section added whole is one change per field), so a prefix decides.
    if (LIVE_V1ALPHA1_PATHS.some((p) => startsWith(path, p))) return { effect: 'live', why: `${path.join('.')} applies live` };
    return { effect: 'reboot', why: `${path.join('.') || 'the v1alpha1 document'} is not among the fields Talos ${minor ?? '1.12/1.13'} applies live` };
  }
  if (kind === 'EnvironmentConfig' || (kind === 'v1alpha1' && startsWith(path, ['machine', 'env']))) {
    return { effect: 'restart', why: 'running services keep the environment they started with' };
  }
  const moduleDoc = kind === 'KernelModuleConfig';
  const moduleField = kind === 'v1alpha1' && startsWith(path, ['machine', 'kernel', 'modules']);
  if ((moduleDoc || moduleField) && op !== 'add') {
    return { effect: 'restart', why: 'Talos never unloads kernel modules and sets parameters at first load' };
  }
  if (path.includes('encryption') && /VolumeConfig$/.test(kind)) {
    return { effect: 'restart', why: 'volume encryption is applied when the volume is unlocked' };
  }
  return { effect: 'live', why: 'applied to the running node' };
}
