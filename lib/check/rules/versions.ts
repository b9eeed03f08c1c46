import { compareVersions, kubernetesSupported, NEWEST_TALOS_PATCH, TALOS_CONTRACTS, talosMinor } from '../../data/talos-kubernetes.ts';
import type { ClusterFacts } from '../context.ts';

/** Talos, its config contract and Kubernetes: a combination Talos supports, caught at compile time. */
export function checkVersions({ c, file, emit, versions }: ClusterFacts): void {
  const talos = versions.talos;
  const kube = versions.kubernetes;
  const verdict = kubernetesSupported(talos, kube);
  const kubePtr = c.kubernetes?.version ? '/kubernetes/version' : c.talos?.version ? '/talos/version' : '';
  if (!verdict.ok && verdict.reason === 'out-of-range') {
    emit(file, kubePtr, 'versions/kubernetes-unsupported', `Kubernetes ${kube} is not supported by Talos ${talos} (it supports ${verdict.min} to ${verdict.max})`);
  } else if (!verdict.ok) {
    emit(file, c.talos?.version ? '/talos/version' : '', 'versions/talos-unknown', `Talos ${talos} is not a release orrery knows (known minors: ${verdict.known.join(', ')})`);
  }
  const newest = NEWEST_TALOS_PATCH[talosMinor(talos)];
  if (newest && !/-(alpha|beta|rc)\./.test(newest) && compareVersions(talos, newest) < 0) {
    emit(file, c.talos?.version ? '/talos/version' : '', 'versions/old-patch-release', `Talos ${talos} is older than ${newest}, the newest ${talosMinor(talos)} release orrery knows; patch releases carry fixes — consider ${newest}`, 'warning');
  }
  const contract = c.talos?.contract;
  if (contract && compareVersions(contract, talosMinor(talos)) > 0) {
    emit(file, '/talos/contract', 'versions/contract-newer-than-talos', `contract ${contract} is newer than Talos ${talos}: nodes would reject documents they do not know; use ${talosMinor(talos)} or older`);
  }
  if (compareVersions(talos, `v${TALOS_CONTRACTS[0]}.0`) < 0 && (!contract || compareVersions(contract, talosMinor(talos)) <= 0)) {
    emit(file, c.talos?.version ? '/talos/version' : '', 'versions/talos-too-old', `Talos ${talos} predates the oldest machine-config contract orrery emits (${TALOS_CONTRACTS[0]}); upgrade the cluster to Talos v${TALOS_CONTRACTS[0]} or newer first`);
  }
  if (!contract && !(TALOS_CONTRACTS as readonly string[]).includes(talosMinor(talos)) && compareVersions(talos, 'v1.12.0') >= 0) {
    emit(file, c.talos?.version ? '/talos/version' : '', 'versions/contract-fallback', `Talos ${talos} is newer than the newest contract orrery emits (${TALOS_CONTRACTS.at(-1)}); set talos.contract`, 'warning');
  }
}
