/** The mutating command sequence of a fresh vtalos bring-up (seed 003: 3 control planes, 1 worker, Cilium, Flux). */
export const VTALOS_UP = (key: string): string[] => [
  // talos-cp-1 is PXE-booted at its DHCP address; its config gives it 192.168.42.201.
  'talosctl apply-config --insecure --nodes 192.168.42.142 --file <tmp>/vtalos/config/talos-cp-1.yaml',
  'talosctl apply-config --insecure --nodes 192.168.42.202 --file <tmp>/vtalos/config/talos-cp-2.yaml',
  'talosctl apply-config --insecure --nodes 192.168.42.203 --file <tmp>/vtalos/config/talos-cp-3.yaml',
  'talosctl apply-config --insecure --nodes 192.168.42.204 --file <tmp>/vtalos/config/talos-wo-1.yaml',
  'talosctl --talosconfig <tmp>/vtalos/talosconfig --nodes 192.168.42.201 --endpoints 192.168.42.201 bootstrap',
  // The bootstrap plan's timeout, no --wait (Cilium's post-install certgen hook): the nodes Ready step waits.
  'helm --kubeconfig <tmp>/vtalos/kubeconfig upgrade --install cilium cilium --repo https://helm.cilium.io --version 1.19.5 --namespace kube-system --timeout 15m --values dist/vtalos/bootstrap/cilium-values.yaml',
  `flux --kubeconfig <tmp>/vtalos/kubeconfig bootstrap git --url=ssh://git@github.com/example/vtalos-lab.git --branch=main --path=dist/vtalos/flux --private-key-file=${key} --silent --timeout=5s`,
];
