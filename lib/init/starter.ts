/**
 * The starter fleet `orrery init` writes: a commented Constellation and one Cluster that compile
 * as they are (a talosctl cluster of one control plane and one worker behind an L2 VIP, Cilium),
 * the `.gitignore` that keeps plaintext out of git. Pure text; the command writes it.
 */
export interface StarterOptions {
  /** The `$schema` path from the spec directory to orrery's schema file. */
  readonly schema: string;
  readonly fleet: string;
  readonly cluster: string;
  /** The age public key the secrets are encrypted to. */
  readonly recipient: string;
}

export function starterConstellation(o: StarterOptions): string {
  return `# yaml-language-server: $schema=${o.schema}
# The fleet: its GitOps repository, default versions, who can decrypt its secrets.
# Every key: docs/spec-reference.md of orrery (your editor completes keys through the line above).
apiVersion: orrery.dev/v1alpha1
kind: Constellation
name: ${o.fleet}
gitops:
  engine: flux            # or argocd
  repository:
    # The repository Flux (or Argo CD) clones: this one, where you commit the spec and dist/.
    url: ssh://git@github.com/example/${o.fleet}.git
    branch: main
    path: dist            # where \`npx orrery synth\` writes, relative to the repository root
sops:
  # Public keys only (age1…): the secrets under secrets/ are encrypted to these. Add a
  # colleague's or a CI key here and run \`npx orrery secrets\` to re-encrypt.
  ageRecipients:
    - ${o.recipient}
# Pin versions here (a \`# renovate: datasource=… depName=…\` comment above a pin lets Renovate bump it):
# versions:
#   talos: v1.13.9
#   kubernetes: 1.36.2
`;
}

export function starterCluster(o: StarterOptions): string {
  return `# yaml-language-server: $schema=${o.schema}
# One cluster. Change the addresses to your network, then:
#   npx orrery validate && npx orrery secrets && npx orrery synth
apiVersion: orrery.dev/v1alpha1
kind: Cluster
name: ${o.cluster}
role: standalone          # management runs Cluster API for workload clusters
provisioning:
  method: talosctl        # machines you install with talosctl (dist/${o.cluster}/talos/README.md)
endpoint:
  mode: vip               # a shared address on the control planes' subnet
  vip: 192.168.1.10
network:
  nodeCidr: 192.168.1.0/24      # node addresses below use this prefix (/24)
  podCidr: 10.244.0.0/16
  serviceCidr: 10.96.0.0/12
  gateway: 192.168.1.1
  nameservers: [192.168.1.1]
nodes:
  - name: cp-1
    role: controlplane
    interface: eth0              # or interfaceSelector: {hardwareAddr: "52:54:00:12:34:56"}
    addresses: [192.168.1.11/24]
    installDisk: {path: /dev/sda}
  - name: worker-1
    role: worker
    interface: eth0
    addresses: [192.168.1.21/24]
    installDisk: {path: /dev/sda}
# Cilium is the CNI by default (no kube-proxy, KubePrism). Uncomment to add load balancing:
# loadBalancing:
#   provider: cilium
#   pools: [{name: lan, addresses: [192.168.1.240/29]}]   # on the node subnet: announced over L2
#   l2: {enabled: true}
# Your own manifests (a kustomize directory of this repository), reconciled after the platform:
# apps:
#   - {name: home, path: apps/${o.cluster}}
`;
}

/** What never goes into git: decrypted bundles and configs, keys, orrery's own leftovers. */
export const STARTER_GITIGNORE = `# Written by orrery init. Plaintext secrets never go into git:
# talosctl gen config output (machine configs hold the cluster's keys) and decrypted bundles
_out/
secrets.yaml
*.decrypted.yaml
kubeconfig
# age keys (the private key stays in ~/.config/sops/age/keys.txt, or your password manager)
*.agekey
keys.txt
# orrery's temporary directories and locks beside dist/ and secrets/
*.orrery-staging/
*.orrery-ready/
*.orrery-old/
*.orrery-lock
node_modules/
`;
