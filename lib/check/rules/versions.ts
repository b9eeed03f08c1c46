import { compareVersions, kubernetesSupported, NEWEST_TALOS_PATCH, TALOS_CONTRACTS, talosMinor } from '../../data/talos-kubernetes.ts';
import { memoizeString } from '../../net/memo.ts';
import type { ClusterFacts } from '../context.ts';

/**
 * What the version tables say about one Talos version, contract and Cilium version. A fleet
 * mostly runs one combination (the constellation's versions), so each is worked out once, not
 * once per cluster; the key is the three texts, NUL-separated (no version holds a NUL).
 */
const verdictOf = memoizeString(
  (key: string) => {
    const [talos, kube, contract] = key.split('\0') as [string, string, string];
    const minor = talosMinor(talos);
    const newest = NEWEST_TALOS_PATCH[minor];
    return Object.freeze({
      support: kubernetesSupported(talos, kube),
      minor,
      newest,
      oldPatch: newest !== undefined && !/-(alpha|beta|rc)\./.test(newest) && compareVersions(talos, newest) < 0,
      contractNewer: contract !== '' && compareVersions(contract, minor) > 0,
      tooOld: compareVersions(talos, `v${TALOS_CONTRACTS[0]}.0`) < 0 && (contract === '' || compareVersions(contract, minor) <= 0),
      fallback: contract === '' && !(TALOS_CONTRACTS as readonly string[]).includes(minor) && compareVersions(talos, 'v1.12.0') >= 0,
    });
  },
  { limit: 1024 },
);


/**
 * Talos, its config contract, Kubernetes and Cilium: a combination orrery and Talos support,
 * caught at compile time — whichever level set the version (the cluster's field, its versions
 * block, or the constellation's versions, reported where it was set).
 */
export function checkVersions({ c, file, emit, versionSources }: ClusterFacts): void {
  const { talos: t, kubernetes: k, cilium: ci } = versionSources;
  const talos = t.value;
  const kube = k.value;
  const contract = c.talos?.contract;
  const v = verdictOf(`${talos}\0${kube}\0${contract ?? ''}`);
  const verdict = v.support;
  if (!verdict.ok && verdict.reason === 'out-of-range') {
    // Reported where the Kubernetes version was set, or where Talos was when Kubernetes is the default.
    const at = k.ptr !== '' ? k : t;
    emit(at.file, at.ptr, 'versions/kubernetes-unsupported', `Kubernetes ${kube} is not supported by Talos ${talos} (it supports ${verdict.min} to ${verdict.max})${at.note}`);
  } else if (!verdict.ok) {
    emit(t.file, t.ptr, 'versions/talos-unknown', `Talos ${talos} is not a release orrery knows (known minors: ${verdict.known.join(', ')})${t.note}`);
  }
  const newest = v.newest;
  if (v.oldPatch) {
    emit(t.file, t.ptr, 'versions/old-patch-release', `Talos ${talos} is older than ${newest}, the newest ${talosMinor(talos)} release orrery knows; patch releases carry fixes — consider ${newest}${t.note}`, 'warning');
  }
  if (v.contractNewer) {
    emit(file, '/talos/contract', 'versions/contract-newer-than-talos', `contract ${contract} is newer than Talos ${talos}: nodes would reject documents they do not know; use ${talosMinor(talos)} or older`);
  }
  if (v.tooOld) {
    emit(t.file, t.ptr, 'versions/talos-too-old', `Talos ${talos} predates the oldest machine-config contract orrery emits (${TALOS_CONTRACTS[0]}); upgrade the cluster to Talos v${TALOS_CONTRACTS[0]} or newer first${t.note}`);
  }
  if (v.fallback) {
    emit(t.file, t.ptr, 'versions/contract-fallback', `Talos ${talos} is newer than the newest contract orrery emits (${TALOS_CONTRACTS.at(-1)}); set talos.contract${t.note}`, 'warning');
  }
  // cni.cilium.version itself is checked with the other Cilium settings (load-balancing rules);
  // a version from a versions block used to escape that check.
  if ((c.cni?.name ?? 'cilium') === 'cilium' && ci.ptr !== '/cni/cilium/version' && ci.ptr !== '' && !['1.18', '1.19'].includes(talosMinor(ci.value))) {
    emit(ci.file, ci.ptr, 'versions/cilium-unsupported', `Cilium ${ci.value}: orrery builds values for the 1.19 (default) and 1.18 charts${ci.note}`);
  }
}
