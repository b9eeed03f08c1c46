/**
 * Kubernetes versions each Talos minor supports.
 * Source: siderolabs/talos pkg/machinery/compatibility at commit ad8823176e75 (2026-08-21),
 * as recorded in shared/data/talos-kubernetes-compat.json. A test keeps the two in agreement.
 */
export const TALOS_KUBERNETES_SUPPORT: Readonly<Record<string, { minKubernetes: string; maxKubernetes: string }>> = {
  '1.10': { minKubernetes: '1.28.0', maxKubernetes: '1.33.99' },
  '1.11': { minKubernetes: '1.29.0', maxKubernetes: '1.34.99' },
  '1.12': { minKubernetes: '1.30.0', maxKubernetes: '1.35.99' },
  '1.13': { minKubernetes: '1.31.0', maxKubernetes: '1.36.99' },
  '1.14': { minKubernetes: '1.32.0', maxKubernetes: '1.37.99' },
  '1.15': { minKubernetes: '1.33.0', maxKubernetes: '1.38.99' },
};

/**
 * The newest Talos release orrery knows per minor (the releases whose config schemas it is
 * tested against); pinning an older patch release of the same minor is a warning.
 */
export const NEWEST_TALOS_PATCH: Readonly<Record<string, string>> = {
  '1.12': 'v1.12.11',
  '1.13': 'v1.13.9',
  '1.14': 'v1.14.0-rc.1',
};

/** Talos minors whose machine-config contract orrery emits (the schemas it is tested against). */
export const TALOS_CONTRACTS = ['1.12', '1.13', '1.14'] as const;

/**
 * The config contract a cluster's documents follow: the one set, else the Talos minor when orrery
 * has it, else the newest (a newer Talos) or the oldest (an older one) it has.
 */
export function effectiveContract(talosVersion: string, contract?: string): string {
  if (contract) return contract;
  const minor = talosMinor(talosVersion);
  const newest = TALOS_CONTRACTS[TALOS_CONTRACTS.length - 1]!;
  return (TALOS_CONTRACTS as readonly string[]).includes(minor) ? minor : compareVersions(minor, newest) > 0 ? newest : TALOS_CONTRACTS[0];
}

export function talosMinor(version: string): string {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  return m ? `${m[1]}.${m[2]}` : version;
}

function parts(v: string): number[] {
  return v.replace(/^v/, '').split(/[.-]/).slice(0, 3).map((p) => Number.parseInt(p, 10) || 0);
}

export function compareVersions(a: string, b: string): number {
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < 3; i++) if (pa[i]! !== pb[i]!) return pa[i]! - pb[i]!;
  return 0;
}

export type SupportVerdict =
  | { ok: true }
  | { ok: false; reason: 'unknown-talos'; known: string[] }
  | { ok: false; reason: 'out-of-range'; min: string; max: string };

export function kubernetesSupported(talosVersion: string, kubernetesVersion: string): SupportVerdict {
  const range = TALOS_KUBERNETES_SUPPORT[talosMinor(talosVersion)];
  if (!range) return { ok: false, reason: 'unknown-talos', known: Object.keys(TALOS_KUBERNETES_SUPPORT) };
  const ok = compareVersions(kubernetesVersion, range.minKubernetes) >= 0 && compareVersions(kubernetesVersion, range.maxKubernetes) <= 0;
  if (ok) return { ok: true };
  const [maj, min] = parts(range.maxKubernetes);
  return { ok: false, reason: 'out-of-range', min: range.minKubernetes.replace(/\.0$/, '.x').replace(/\.x$/, ''), max: `${maj}.${min}` };
}
