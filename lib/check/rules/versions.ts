import { compareVersions, kubernetesSupported, NEWEST_TALOS_PATCH, TALOS_CONTRACTS, talosMinor } from '../../data/talos-kubernetes.ts';
import type { ClusterFacts } from '../context.ts';

/**
 * Talos, its config contract, Kubernetes and Cilium: a combination orrery and Talos support,
 * caught at compile time — whichever level set the version (the cluster's field, its versions
 * block, or the constellation's versions, reported where it was set).
 */
export function checkVersions({ c, file, emit, versionSources }: ClusterFacts): void {
  const { talos: t, kubernetes: k, cilium: ci } = versionSources;
  const talos = t.value;
  const kube = k.value;
  const verdict = kubernetesSupported(talos, kube);
  if (!verdict.ok && verdict.reason === 'out-of-range') {
    // Reported where the Kubernetes version was set, or where Talos was when Kubernetes is the default.
    const at = k.ptr !== '' ? k : t;
    emit(at.file, at.ptr, 'versions/kubernetes-unsupported', `Kubernetes ${kube} is not supported by Talos ${talos} (it supports ${verdict.min} to ${verdict.max})${at.note}`);
  } else if (!verdict.ok) {
    emit(t.file, t.ptr, 'versions/talos-unknown', `Talos ${talos} is not a release orrery knows (known minors: ${verdict.known.join(', ')})${t.note}`);
  }
  const newest = NEWEST_TALOS_PATCH[talosMinor(talos)];
  if (newest && !/-(alpha|beta|rc)\./.test(newest) && compareVersions(talos, newest) < 0) {
    emit(t.file, t.ptr, 'versions/old-patch-release', `Talos ${talos} is older than ${newest}, the newest ${talosMinor(talos)} release orrery knows; patch releases carry fixes — consider ${newest}${t.note}`, 'warning');
  }
  const contract = c.talos?.contract;
  if (contract && compareVersions(contract, talosMinor(talos)) > 0) {
    emit(file, '/talos/contract', 'versions/contract-newer-than-talos', `contract ${contract} is newer than Talos ${talos}: nodes would reject documents they do not know; use ${talosMinor(talos)} or older`);
  }
  if (compareVersions(talos, `v${TALOS_CONTRACTS[0]}.0`) < 0 && (!contract || compareVersions(contract, talosMinor(talos)) <= 0)) {
    emit(t.file, t.ptr, 'versions/talos-too-old', `Talos ${talos} predates the oldest machine-config contract orrery emits (${TALOS_CONTRACTS[0]}); upgrade the cluster to Talos v${TALOS_CONTRACTS[0]} or newer first${t.note}`);
  }
  if (!contract && !(TALOS_CONTRACTS as readonly string[]).includes(talosMinor(talos)) && compareVersions(talos, 'v1.12.0') >= 0) {
    emit(t.file, t.ptr, 'versions/contract-fallback', `Talos ${talos} is newer than the newest contract orrery emits (${TALOS_CONTRACTS.at(-1)}); set talos.contract${t.note}`, 'warning');
  }
  // cni.cilium.version itself is checked with the other Cilium settings (load-balancing rules);
  // a version from a versions block used to escape that check.
  if ((c.cni?.name ?? 'cilium') === 'cilium' && ci.ptr !== '/cni/cilium/version' && ci.ptr !== '' && !['1.18', '1.19'].includes(talosMinor(ci.value))) {
    emit(ci.file, ci.ptr, 'versions/cilium-unsupported', `Cilium ${ci.value}: orrery builds values for the 1.19 (default) and 1.18 charts${ci.note}`);
  }
}
