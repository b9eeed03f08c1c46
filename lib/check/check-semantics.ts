import { quote, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { pointer } from '../diagnostics/pointer.ts';
import { diagnosticAt, type SourceFile } from '../read/source-file.ts';
import {
  containsAddress,
  overlaps,
  parseCidr,
  parseIp,
  parseRange,
  type AddressInterval,
  type Cidr,
} from '../net/ip.ts';
import { compareVersions, kubernetesSupported, NEWEST_TALOS_PATCH, TALOS_CONTRACTS, talosMinor } from '../data/talos-kubernetes.ts';
import { DEFAULT_VERSIONS } from '../resolve/defaults.ts';
import type { Cluster } from '../spec/types.generated.ts';
import type { SpecSet } from './spec-set.ts';
import { meshComponents } from './mesh.ts';
import { SYSTEM_NAMESPACES } from '../k8s/namespaces.ts';

type Emit = (file: SourceFile, ptr: string, rule: string, message: string, severity?: Diagnostic['severity']) => void;


/** Where a name or address was first used: the node and its cluster. */
interface FirstUse {
  readonly node: string;
  readonly cluster: string;
  readonly file: SourceFile;
}

/** The node network: declared, or derived from the nodes' static addresses when all share one. */
export function nodeNetwork(cluster: Cluster): Cidr | undefined {
  if (cluster.network.nodeCidr) return parseCidr(cluster.network.nodeCidr);
  const nets = new Map<string, Cidr>();
  for (const node of cluster.nodes ?? []) {
    for (const a of node.addresses ?? []) {
      const c = parseCidr(a);
      if (c) nets.set(`${c.first}/${c.prefix}`, c);
    }
  }
  return nets.size === 1 ? [...nets.values()][0] : undefined;
}

function checkCluster(c: Cluster, file: SourceFile, emit: Emit, versions: { talos: string; kubernetes: string }): void {
  const method = c.provisioning.method;
  const nodes = c.nodes ?? [];
  const pools = c.provisioning.clusterApi?.machinePools ?? [];

  // Provisioning shape.
  if (method === 'talosctl' && c.provisioning.clusterApi) {
    emit(file, '/provisioning/clusterApi', 'provisioning/unused-cluster-api', 'clusterApi is set but method is "talosctl"; set method: cluster-api or remove clusterApi');
  }
  if (method === 'cluster-api' && nodes.length > 0) {
    emit(file, '/nodes', 'provisioning/nodes-with-cluster-api', 'nodes are machines provisioned with talosctl; a cluster-api cluster describes its machines in provisioning.clusterApi.machinePools');
  }
  const capi = c.provisioning.clusterApi;
  if (method === 'cluster-api' && capi) {
    if (!capi[capi.provider]) {
      emit(file, '/provisioning/clusterApi', 'provisioning/provider-settings', `provider ${quote(capi.provider)} needs its settings under clusterApi.${capi.provider}`);
    }
    for (const other of ['proxmox', 'packet', 'sidero'] as const) {
      if (other !== capi.provider && capi[other]) {
        emit(file, `/provisioning/clusterApi/${other}`, 'provisioning/provider-settings', `settings for ${quote(other)} but the provider is ${quote(capi.provider)}`);
      }
    }
    if (capi.provider === 'packet') {
      emit(file, '/provisioning/clusterApi/provider', 'provisioning/retired-provider', 'provider "packet" is retired: Equinix Metal shut down on 2026-06-30; orrery will not generate Cluster API objects for it (move the cluster to proxmox or talosctl)', 'warning');
    }
  }
  if (c.endpoint.mode === 'provider' && method !== 'cluster-api') {
    emit(file, '/endpoint/mode', 'endpoint/provider-without-cluster-api', 'endpoint mode "provider" needs an infrastructure provider: use mode vip or dns for talosctl clusters');
  }

  // Control-plane count.
  const controlPlanes =
    method === 'talosctl'
      ? nodes.filter((n) => n.role === 'controlplane').length
      : pools.filter((p) => p.role === 'controlplane').reduce((sum, p) => sum + p.replicas, 0);
  const cpWhere = method === 'talosctl' ? (nodes.length > 0 ? '/nodes' : '') : '/provisioning/clusterApi/machinePools';
  if (controlPlanes === 0) {
    emit(file, cpWhere, 'nodes/no-control-plane', 'the cluster has no control-plane node; add at least one node (or pool replica) with role: controlplane');
  } else if (controlPlanes % 2 === 0) {
    emit(file, cpWhere, 'nodes/even-control-planes', `${controlPlanes} control-plane nodes: etcd needs a majority, so an even count tolerates no more failures than one less; use ${controlPlanes - 1} or ${controlPlanes + 1}`, 'warning');
  }
  const poolNames = new Map<string, number>();
  const serverUuids = new Set<string>();
  pools.forEach((p, i) => {
    const servers = p.servers ?? [];
    if (servers.length > 0 && capi?.provider !== 'sidero') {
      emit(file, `/provisioning/clusterApi/machinePools/${i}/servers`, 'provisioning/servers-not-sidero', 'servers bind machines to registered bare-metal servers; only the sidero provider has them');
    }
    if (servers.length > p.replicas) {
      emit(file, `/provisioning/clusterApi/machinePools/${i}/servers`, 'provisioning/servers-exceed-replicas', `${servers.length} servers are bound but the pool has ${p.replicas} replica(s)`);
    }
    servers.forEach((srv, k) => {
      const uuid = srv.uuid.toLowerCase();
      if (serverUuids.has(uuid)) emit(file, `/provisioning/clusterApi/machinePools/${i}/servers/${k}/uuid`, 'provisioning/duplicate-server', `server ${quote(srv.uuid)} is bound twice`);
      serverUuids.add(uuid);
    });
    if (poolNames.has(p.name)) emit(file, `/provisioning/clusterApi/machinePools/${i}/name`, 'names/duplicate-pool', `machine pool ${quote(p.name)} is declared twice (first at index ${poolNames.get(p.name)})`);
    else poolNames.set(p.name, i);
  });

  // Networks of the cluster must be disjoint.
  const nets: { name: string; ptr: string; cidr: Cidr | undefined }[] = [
    { name: 'the node network', ptr: '/network/nodeCidr', cidr: c.network.nodeCidr ? parseCidr(c.network.nodeCidr) : undefined },
    { name: 'the pod CIDR', ptr: '/network/podCidr', cidr: parseCidr(c.network.podCidr) },
    { name: 'the service CIDR', ptr: '/network/serviceCidr', cidr: parseCidr(c.network.serviceCidr) },
  ];
  for (let i = 0; i < nets.length; i++) {
    for (let j = i + 1; j < nets.length; j++) {
      const a = nets[i]!;
      const b = nets[j]!;
      if (a.cidr && b.cidr && overlaps(a.cidr, b.cidr)) {
        emit(file, b.ptr, 'net/cluster-overlap', `${quote(b.cidr.text)} (${b.name}) overlaps ${quote(a.cidr.text)} (${a.name}); pick disjoint ranges`);
      }
    }
  }

  // Nodes: addresses in the node network, interface choice, disks.
  const nodeNet = nodeNetwork(c);
  const nodeAddrs = new Set<string>();
  nodes.forEach((n, i) => {
    const base = pointer('nodes', i);
    (n.addresses ?? []).forEach((a, k) => {
      const addr = parseCidr(a);
      if (!addr) return;
      const ip = { family: addr.family, value: addr.address };
      nodeAddrs.add(a.split('/')[0]!);
      // The node network is one family; a dual-stack node's other-family address is not outside it.
      if (nodeNet && c.network.nodeCidr && nodeNet.family === addr.family && !containsAddress(nodeNet, ip)) {
        emit(file, `${base}/addresses/${k}`, 'net/node-outside-network', `${quote(a)} is outside the node network ${quote(nodeNet.text)}`);
      }
    });
    if ((n.addresses ?? []).length > 0 && !n.interface && !n.interfaceSelector) {
      emit(file, `${base}/addresses`, 'nodes/address-without-interface', 'static addresses need a link: set interface (e.g. enp0s3) or interfaceSelector (hardwareAddr, driver or busPath)');
    }
    if (n.interface && n.interfaceSelector) {
      emit(file, `${base}/interfaceSelector`, 'nodes/interface-and-selector', 'set interface or interfaceSelector, not both');
    }
    if (n.reservedAddress) {
      const ip = parseIp(n.reservedAddress);
      if (!n.dhcp) emit(file, `${base}/reservedAddress`, 'nodes/reserved-without-dhcp', 'reservedAddress is the address a DHCP server reserves for the node; set dhcp: true or use addresses for a static address');
      if (ip && nodeNet && c.network.nodeCidr && !containsAddress(nodeNet, ip)) emit(file, `${base}/reservedAddress`, 'net/node-outside-network', `${quote(n.reservedAddress)} is outside the node network ${quote(nodeNet.text)}`);
      nodeAddrs.add(n.reservedAddress);
    }
    if ((n.addresses ?? []).length === 0 && !n.dhcp) {
      emit(file, base, 'nodes/no-address', `node ${quote(n.name)} has neither static addresses nor dhcp: true; orrery cannot tell how to reach it`);
    }
    const gw = n.gateway ?? c.network.gateway;
    if (gw && (n.addresses ?? []).length > 0) {
      const ip = parseIp(gw);
      const onLink = (n.addresses ?? []).some((a) => {
        const net = parseCidr(a);
        return net && ip && containsAddress(net, ip);
      });
      if (ip && (n.addresses ?? []).some((a) => parseIp(a.split('/')[0]!)?.value === ip.value) ) {
        emit(file, n.gateway ? `${base}/gateway` : '/network/gateway', 'net/gateway-is-node', `gateway ${quote(gw)} is node ${quote(n.name)}'s own address`);
      } else if (ip && c.endpoint.vip && parseIp(c.endpoint.vip)?.value === ip.value) {
        emit(file, n.gateway ? `${base}/gateway` : '/network/gateway', 'net/gateway-is-vip', `gateway ${quote(gw)} is the API VIP; the gateway is the router`);
      }
      if (ip && !onLink) {
        emit(file, n.gateway ? `${base}/gateway` : '/network/gateway', 'net/gateway-off-link', `gateway ${quote(gw)} is not in any subnet of node ${quote(n.name)} (${(n.addresses ?? []).join(', ')})`);
      }
    }
    const install = n.installDisk ?? c.talos?.installDisk;
    if (n.installDisk?.path && n.installDisk.selector) {
      emit(file, `${base}/installDisk`, 'disks/two-install-rules', 'installDisk has both path and selector: keep one');
    }
    (n.dataDisks ?? []).forEach((d, k) => {
      if (d.path && d.selector) emit(file, `${base}/dataDisks/${k}`, 'disks/two-rules', 'a data disk has both path and selector: keep one');
      if (!d.path && !d.selector) emit(file, `${base}/dataDisks/${k}`, 'disks/no-rule', 'a data disk needs a path or a selector');
      if (d.path && install?.path === d.path) {
        emit(file, `${base}/dataDisks/${k}/path`, 'disks/data-is-install', `${quote(d.path)} is the install disk; a data disk must be another device`);
      }
    });
  });
  if (c.talos?.installDisk?.path && c.talos.installDisk.selector) {
    emit(file, '/talos/installDisk', 'disks/two-install-rules', 'installDisk has both path and selector: keep one');
  }

  // The API endpoint VIP.
  if (c.endpoint.mode === 'vip' && c.endpoint.vip) {
    const vip = parseIp(c.endpoint.vip)!;
    if (nodeNet && !containsAddress(nodeNet, vip)) {
      emit(file, '/endpoint/vip', 'endpoint/vip-outside-subnet', `VIP ${quote(c.endpoint.vip)} is outside the node network ${quote(nodeNet.text)}; a shared L2 address must be on the control planes' subnet`);
    } else if (!nodeNet && method === 'talosctl') {
      emit(file, '/endpoint/vip', 'endpoint/vip-unknown-subnet', 'cannot tell the node network: set network.nodeCidr so the VIP can be checked', 'warning');
    }
    if (method === 'talosctl') {
      nodes.forEach((n, i) => {
        if (n.role === 'controlplane' && !n.interface && !n.interfaceSelector) {
          emit(file, pointer('nodes', i), 'endpoint/vip-without-link', `control plane ${quote(n.name)} has no interface or interfaceSelector to announce the VIP ${quote(c.endpoint.vip)} on`);
        }
      });
    }
    if (nodeNet && containsAddress(nodeNet, vip) && nodeNet.family === 4 && nodeNet.prefix < 31 && (vip.value === nodeNet.first || vip.value === nodeNet.last)) {
      emit(file, '/endpoint/vip', 'endpoint/vip-reserved-address', `VIP ${quote(c.endpoint.vip)} is the ${vip.value === nodeNet.first ? 'network' : 'broadcast'} address of ${quote(nodeNet.text)}; pick a host address`);
    }
    if (nodeAddrs.has(c.endpoint.vip)) {
      emit(file, '/endpoint/vip', 'endpoint/vip-is-node-address', `VIP ${quote(c.endpoint.vip)} is also a node address; pick a free address in the node network`);
    }
  }

  // Versions.
  const talos = c.talos?.version ?? versions.talos;
  const kube = c.kubernetes?.version ?? versions.kubernetes;
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

  // Load-balancer pools and references to them.
  const lb = c.loadBalancing;
  const poolIndex = new Map<string, number>();
  (lb?.pools ?? []).forEach((p, i) => {
    if (poolIndex.has(p.name)) emit(file, `/loadBalancing/pools/${i}/name`, 'names/duplicate-lb-pool', `load-balancer pool ${quote(p.name)} is declared twice`);
    poolIndex.set(p.name, i);
    if (!p.addresses && !p.anycast) emit(file, `/loadBalancing/pools/${i}`, 'lb/pool-empty', `pool ${quote(p.name)} needs addresses or anycast`);
    // A pool announced over L2 (ARP/NDP) must sit on the node subnet; it may not hold a node's
    // address, the VIP or the gateway. Every other pool stays clear of the node network.
    const l2 = lb?.l2?.enabled === true && (lb.l2.pools === undefined || lb.l2.pools.includes(p.name));
    (p.addresses ?? []).forEach((r, k) => {
      const range = parseRange(r);
      const ptr = `/loadBalancing/pools/${i}/addresses/${k}`;
      if (!range) return;
      for (const net of nets) {
        if (!net.cidr || !overlaps(range, net.cidr)) continue;
        if (l2 && net.name === 'the node network') continue;
        emit(file, ptr, 'lb/pool-overlap', `${quote(r)} overlaps ${net.name} ${quote(net.cidr.text)}${net.name === 'the node network' ? ' (only a pool announced over L2 may share the node subnet)' : ''}`);
      }
      if (l2) {
        const taken: [string, string][] = [
          ...[...nodeAddrs].map((a) => [a, `node address ${quote(a)}`] as [string, string]),
          ...(c.endpoint.vip ? [[c.endpoint.vip, `the VIP ${quote(c.endpoint.vip)}`] as [string, string]] : []),
          ...(c.network.gateway ? [[c.network.gateway, `the gateway ${quote(c.network.gateway)}`] as [string, string]] : []),
        ];
        for (const [a, what] of taken) {
          const ip = parseIp(a);
          if (ip && containsAddress(range, ip)) emit(file, ptr, 'lb/pool-holds-taken-address', `${quote(r)} contains ${what}; a load-balancer pool needs free addresses`);
        }
      }
    });
  });
  if (lb && lb.provider === 'none' && ((lb.pools ?? []).length > 0 || lb.bgp || lb.l2?.enabled)) {
    emit(file, '/loadBalancing/provider', 'lb/no-provider', 'pools, L2 or BGP are configured but provider is "none"; choose cilium or metallb');
  }
  if (lb?.provider === 'cilium' && c.cni?.name !== undefined && c.cni.name !== 'cilium') {
    emit(file, '/loadBalancing/provider', 'lb/cilium-without-cilium', `Cilium LB IPAM needs Cilium as the CNI (cni.name is ${quote(c.cni.name)})`);
  }
  const refPool = (name: string, ptr: string): void => {
    if (!poolIndex.has(name)) emit(file, ptr, 'refs/lb-pool', `unknown load-balancer pool ${quote(name)}${poolIndex.size ? ` (pools: ${[...poolIndex.keys()].join(', ')})` : ''}`);
  };
  (lb?.bgp?.pools ?? []).forEach((p, i) => refPool(p, `/loadBalancing/bgp/pools/${i}`));
  (lb?.l2?.pools ?? []).forEach((p, i) => refPool(p, `/loadBalancing/l2/pools/${i}`));
  if (c.components?.ingress?.loadBalancerPool) refPool(c.components.ingress.loadBalancerPool, '/components/ingress/loadBalancerPool');
  if (lb?.bgp) {
    if (lb.bgp.localASN === undefined) emit(file, '/loadBalancing/bgp', 'bgp/incomplete', 'BGP needs localASN');
    lb.bgp.peers?.forEach((p, i) => {
      if (p.asn === undefined) emit(file, `/loadBalancing/bgp/peers/${i}`, 'bgp/incomplete', `BGP peer ${quote(p.name)} needs asn`);
    });
  }

  // Cilium, load balancing and ClusterMesh exposure.
  const cilium = c.cni?.name === undefined || c.cni.name === 'cilium' ? (c.cni?.cilium ?? {}) : undefined;
  if (cilium?.version && !['1.18', '1.19'].includes(talosMinor(cilium.version))) {
    emit(file, '/cni/cilium/version', 'versions/cilium-unsupported', `Cilium ${cilium.version}: orrery builds values for the 1.19 (default) and 1.18 charts`);
  }
  if (lb?.provider === 'metallb' && (cilium?.l2Announcements || cilium?.bgpControlPlane)) {
    emit(file, cilium.l2Announcements ? '/cni/cilium/l2Announcements' : '/cni/cilium/bgpControlPlane', 'lb/two-announcers', 'MetalLB announces the load-balancer pools, and Cilium would announce them too; turn off l2Announcements/bgpControlPlane or use provider: cilium');
  }
  const ciliumL2 = cilium && (cilium.l2Announcements || (lb?.provider === 'cilium' && lb.l2?.enabled));
  if (ciliumL2 && cilium.kubeProxyReplacement === false) {
    emit(file, '/cni/cilium/kubeProxyReplacement', 'lb/l2-needs-kube-proxy-replacement', "Cilium's L2 announcements need its kube-proxy replacement (kubeProxyReplacement: true)");
  }
  if (lb?.provider === 'cilium') {
    lb.bgp?.peers?.forEach((p, i) => {
      if (p.bfd) emit(file, `/loadBalancing/bgp/peers/${i}/bfd`, 'bgp/bfd-needs-metallb', "Cilium's BGP control plane has no BFD; use provider: metallb for BFD");
    });
  }

  // Namespaces and policy references.
  const nsNames = new Map<string, number>();
  (c.namespaces ?? []).forEach((ns, i) => {
    if (nsNames.has(ns.name)) emit(file, `/namespaces/${i}/name`, 'names/duplicate-namespace', `namespace ${quote(ns.name)} is declared twice`);
    nsNames.set(ns.name, i);
  });
  (c.networkPolicies ?? []).forEach((p, i) => {
    if (!nsNames.has(p.namespace) && !SYSTEM_NAMESPACES.has(p.namespace)) {
      emit(file, `/networkPolicies/${i}/namespace`, 'refs/policy-namespace', `policy for unknown namespace ${quote(p.namespace)}; declare it under namespaces`);
    }
    const names = new Set<string>(['default-deny', 'allow-dns']);
    (p.allow ?? []).forEach((r, k) => {
      const at = `/networkPolicies/${i}/allow/${k}`;
      if (names.has(r.name)) emit(file, `${at}/name`, 'names/duplicate-policy', `policy ${quote(r.name)} is declared twice in namespace ${quote(p.namespace)} (default-deny and allow-dns are taken)`);
      names.add(r.name);
      (r.peers ?? []).forEach((peer, j) => {
        const pat = `${at}/peers/${j}`;
        if ((peer.fqdn || peer.cluster) && cilium === undefined) emit(file, pat, 'policy/needs-cilium', 'a DNS name or another cluster as a peer needs a CiliumNetworkPolicy: the CNI must be Cilium');
        if (peer.fqdn && r.direction === 'ingress') emit(file, `${pat}/fqdn`, 'policy/fqdn-ingress', 'a DNS name can only be an egress destination');
        if (peer.cidr && (peer.namespace || peer.pods || peer.cluster || peer.fqdn)) emit(file, `${pat}/cidr`, 'policy/cidr-with-selector', 'a cidr peer stands alone: put namespaces, pods or names in another peer');
      });
    });
  });

  if (c.kubernetes?.allowSchedulingOnControlPlanes === undefined && method === 'talosctl' && nodes.length > 0 && nodes.every((n) => n.role === 'controlplane')) {
    emit(file, '/nodes', 'nodes/no-workers', 'every node is a control plane but allowSchedulingOnControlPlanes is not set: workloads would have nowhere to run', 'warning');
  }
}

/** Semantic rules across the whole constellation. Pure: reads only the given documents. */
export function checkSemantics(set: SpecSet, options: { invalidClusters?: ReadonlySet<string> } = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const emit: Emit = (file, ptr, rule, message, severity = 'error') => out.push(diagnosticAt(file, ptr, severity, rule, message));
  const cons = set.constellation;
  const versions = {
    talos: cons.spec.versions?.talos ?? DEFAULT_VERSIONS.talos,
    kubernetes: cons.spec.versions?.kubernetes ?? DEFAULT_VERSIONS.kubernetes,
  };

  const byName = new Map<string, { file: SourceFile; spec: Cluster }>();
  for (const entry of set.clusters) {
    const prior = byName.get(entry.spec.name);
    if (prior) emit(entry.file, '/name', 'names/duplicate-cluster', `cluster ${quote(entry.spec.name)} is also defined in ${prior.file.displayPath}`);
    else byName.set(entry.spec.name, entry);
    checkCluster(entry.spec, entry.file, emit, versions);
  }

  // Node names and addresses are unique across the constellation.
  const nodeNames = new Map<string, FirstUse>();
  const addresses = new Map<string, FirstUse>();
  for (const { file, spec } of set.clusters) {
    (spec.nodes ?? []).forEach((n, i) => {
      const prior = nodeNames.get(n.name);
      if (prior) emit(file, pointer('nodes', i, 'name'), 'names/duplicate-node', `node name ${quote(n.name)} is already used in cluster ${quote(prior.cluster)} (${prior.file.displayPath})`);
      else nodeNames.set(n.name, { file, node: n.name, cluster: spec.name });
      const own: [string, string][] = (n.addresses ?? []).map((a, k) => [a.split('/')[0]!, pointer('nodes', i, 'addresses', k)]);
      if (n.reservedAddress) own.push([n.reservedAddress, pointer('nodes', i, 'reservedAddress')]);
      for (const [text, ptr] of own) {
        // Compare addresses, not spellings: fd00::1 and fd00:0::1 are one address.
        const parsed = parseIp(text);
        const ip = parsed ? `${parsed.family}:${parsed.value}` : text;
        const seen = addresses.get(ip);
        if (seen) emit(file, ptr, 'net/duplicate-address', `address ${quote(text)} is already used by node ${quote(seen.node)} of cluster ${quote(seen.cluster)}`);
        else addresses.set(ip, { file, node: n.name, cluster: spec.name });
      }
    });
  }

  const cfile = cons.file;
  const refCluster = (name: string, ptr: string): { file: SourceFile; spec: Cluster } | undefined => {
    const found = byName.get(name);
    if (!found && !options.invalidClusters?.has(name)) emit(cfile, ptr, 'refs/cluster', `unknown cluster ${quote(name)} (clusters: ${[...byName.keys()].sort().join(', ') || 'none'})`);
    return found;
  };

  // Mesh groups: members exist and run Cilium. Ids and disjoint pod/service CIDRs hold over each
  // connected component of groups: a member meshes with every cluster of every group it is in.
  const meshIds = new Map<string, number>();
  const firstSeen = new Map<string, string>();
  const exposureReported = new Set<string>();
  (cons.spec.meshGroups ?? []).forEach((g, gi) => {
    const seen = new Set<string>();
    g.members.forEach((m, mi) => {
      const ptr = pointer('meshGroups', gi, 'members', mi);
      if (seen.has(m.cluster)) emit(cfile, `${ptr}/cluster`, 'mesh/duplicate-member', `cluster ${quote(m.cluster)} is listed twice in mesh group ${quote(g.name)}`);
      seen.add(m.cluster);
      if (!firstSeen.has(m.cluster)) firstSeen.set(m.cluster, ptr);
      if (m.id !== undefined) {
        const prior = meshIds.get(m.cluster);
        if (prior !== undefined && prior !== m.id) emit(cfile, `${ptr}/id`, 'mesh/conflicting-id', `cluster ${quote(m.cluster)} has id ${prior} in another mesh group; a cluster has one Cilium cluster.id`);
        if (prior === undefined) meshIds.set(m.cluster, m.id);
      }
      const c = refCluster(m.cluster, `${ptr}/cluster`);
      if (c && (c.spec.cni?.name ?? 'cilium') !== 'cilium') emit(cfile, `${ptr}/cluster`, 'mesh/needs-cilium', `cluster ${quote(m.cluster)} does not run Cilium (cni.name: ${quote(c.spec.cni?.name)}); ClusterMesh needs it`);
      // Peers are declared statically in git: each member's clustermesh-apiserver needs an address known now.
      const api = c?.spec.cni?.cilium?.clusterMesh?.apiserver;
      if (c && (api?.serviceType ?? 'LoadBalancer') === 'LoadBalancer' && !api?.loadBalancerIP && !exposureReported.has(m.cluster)) {
        exposureReported.add(m.cluster);
        emit(c.file, c.spec.cni?.cilium ? '/cni/cilium' : '', 'mesh/no-apiserver-address', `cluster ${quote(m.cluster)} is in a ClusterMesh, so its clustermesh-apiserver needs an address its peers can be given: set cni.cilium.clusterMesh.apiserver.loadBalancerIP, or serviceType: NodePort`);
      }
      if (c && api?.serviceType === 'NodePort' && (c.spec.nodes ?? []).length === 0 && !exposureReported.has(m.cluster)) {
        exposureReported.add(m.cluster);
        emit(c.file, '/cni/cilium/clusterMesh/apiserver/serviceType', 'mesh/no-apiserver-address', `cluster ${quote(m.cluster)} exposes its clustermesh-apiserver on a NodePort, but its node addresses are not in the spec (Cluster API machines): use a LoadBalancer with a fixed loadBalancerIP`);
      }
    });
  });
  const components = new Set(meshComponents(cons.spec.meshGroups ?? []).values());
  for (const component of components) {
    const where = component.groups.length > 1 ? `mesh groups ${component.groups.map((n) => quote(n)).join(' and ')} (connected through shared members)` : `mesh group ${quote(component.groups[0])}`;
    const ids = new Map<number, string>();
    const cidrs: { cluster: string; what: string; cidr: Cidr }[] = [];
    for (const cluster of component.clusters) {
      const ptr = firstSeen.get(cluster)!;
      const id = meshIds.get(cluster);
      if (id !== undefined) {
        const other = ids.get(id);
        if (other) emit(cfile, `${ptr}/id`, 'mesh/duplicate-id', `cluster id ${id} is already used by ${quote(other)} in ${where}`);
        else ids.set(id, cluster);
      }
      const c = byName.get(cluster);
      if (!c) continue;
      for (const [what, text] of [['pod CIDR', c.spec.network.podCidr], ['service CIDR', c.spec.network.serviceCidr]] as const) {
        const cidr = parseCidr(text);
        if (!cidr) continue;
        for (const prior of cidrs) {
          if (prior.cluster === cluster || !overlaps(prior.cidr, cidr)) continue;
          const rule = prior.what === 'pod CIDR' && what === 'pod CIDR' ? 'mesh/pod-cidr-overlap' : 'mesh/cidr-overlap';
          emit(cfile, `${ptr}/cluster`, rule, `${what} ${quote(cidr.text)} of ${quote(cluster)} overlaps ${prior.what} ${quote(prior.cidr.text)} of ${quote(prior.cluster)} in ${where}; meshed clusters route each other's pods, so their ranges must be disjoint`);
        }
        cidrs.push({ cluster, what, cidr });
      }
    }
  }

  // A policy peer in another cluster must be one this cluster meshes with.
  const meshOf = meshComponents(cons.spec.meshGroups ?? []);
  for (const { file, spec } of set.clusters) {
    (spec.networkPolicies ?? []).forEach((p, i) =>
      (p.allow ?? []).forEach((r, k) =>
        (r.peers ?? []).forEach((peer, j) => {
          if (peer.cluster && peer.cluster !== spec.name && !meshOf.get(spec.name)?.clusters.includes(peer.cluster)) {
            emit(file, pointer('networkPolicies', i, 'allow', k, 'peers', j, 'cluster'), 'policy/cluster-not-meshed', `${quote(peer.cluster)} is not in a ClusterMesh with ${quote(spec.name)}: traffic from another cluster needs a mesh group`);
          }
        }),
      ),
    );
  }

  // Anycast addresses: clusters exist and announce over BGP.
  const anycastNames = new Set<string>();
  (cons.spec.anycast ?? []).forEach((a, ai) => {
    if (anycastNames.has(a.name)) emit(cfile, pointer('anycast', ai, 'name'), 'names/duplicate-anycast', `anycast ${quote(a.name)} is declared twice`);
    anycastNames.add(a.name);
    a.clusters.forEach((name, ci) => {
      const c = refCluster(name, pointer('anycast', ai, 'clusters', ci));
      if (c && !c.spec.loadBalancing?.bgp) {
        emit(cfile, pointer('anycast', ai, 'clusters', ci), 'anycast/needs-bgp', `cluster ${quote(name)} must announce ${quote(a.address)} over BGP, but its loadBalancing has no bgp section`);
      }
    });
  });
  for (const { file, spec } of set.clusters) {
    (spec.loadBalancing?.pools ?? []).forEach((p, i) => {
      if (!p.anycast) return;
      const decl = (cons.spec.anycast ?? []).find((a) => a.name === p.anycast);
      if (!decl) emit(file, pointer('loadBalancing', 'pools', i, 'anycast'), 'refs/anycast', `unknown anycast address ${quote(p.anycast)}; declare it under anycast in the constellation`);
      else if (!decl.clusters.includes(spec.name)) emit(file, pointer('loadBalancing', 'pools', i, 'anycast'), 'refs/anycast', `anycast ${quote(p.anycast)} does not list cluster ${quote(spec.name)}; add it to anycast.clusters`);
    });
  }

  // Management: managers are management clusters; managed clusters use Cluster API and have one manager.
  const managerOf = new Map<string, string>();
  (cons.spec.management ?? []).forEach((m, mi) => {
    const mgr = refCluster(m.cluster, pointer('management', mi, 'cluster'));
    if (mgr && mgr.spec.role !== 'management') emit(cfile, pointer('management', mi, 'cluster'), 'management/not-management', `cluster ${quote(m.cluster)} manages others but its role is ${quote(mgr.spec.role)}; set role: management`);
    m.manages.forEach((w, wi) => {
      const ptr = pointer('management', mi, 'manages', wi);
      const managed = refCluster(w, ptr);
      const prior = managerOf.get(w);
      if (prior) emit(cfile, ptr, 'management/two-managers', `cluster ${quote(w)} is already managed by ${quote(prior)}`);
      managerOf.set(w, m.cluster);
      if (managed && managed.spec.provisioning.method !== 'cluster-api') emit(cfile, ptr, 'management/not-cluster-api', `cluster ${quote(w)} is provisioned with ${quote(managed.spec.provisioning.method)}; only cluster-api clusters can be managed`);
    });
  });
  for (const { file, spec } of set.clusters) {
    if (spec.provisioning.method === 'cluster-api' && !managerOf.has(spec.name) && spec.role !== 'management') {
      emit(file, '/provisioning/method', 'management/unmanaged', `cluster-api cluster ${quote(spec.name)} has no management cluster; list it under management in the constellation`);
    }
  }
  return out;
}
