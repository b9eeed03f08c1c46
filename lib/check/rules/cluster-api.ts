import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import { compareVersions, talosMinor } from '../../data/talos-kubernetes.ts';
import { DEFAULTS, DEFAULT_VERSIONS } from '../../model/defaults.ts';
import { containsAddress, formatAddress, overlaps, parseCidr, parseIp, parseRange, type AddressInterval, type Cidr } from '../../net/ip.ts';
import type { Cluster } from '../../spec/types.generated.ts';
import type { ClusterFacts, ConstellationFacts } from '../context.ts';

const CAPI = '/provisioning/clusterApi';
const POOLS = `${CAPI}/machinePools`;

/** Provider versions live with the management cluster: they are installed there (and on its bootstrap cluster). */
export const PROVIDER_VERSION_KEYS = ['clusterApi', 'cabpt', 'cacppt', 'capmox', 'ipamInCluster', 'sidero'] as const;

/**
 * The oldest CABPT and CACPPT releases that generate and manage each Talos config contract:
 * the Talos machinery they are built with (CABPT v0.6.11/v0.6.12 go.mod machinery v1.12.0/v1.13.0,
 * CACPPT v0.5.12 v1.12.0), and the releases that brought 1.13 (CACPPT v0.5.13, PR #254) and 1.14
 * (CABPT v0.6.13 and CACPPT v0.5.14, CACPPT PR #272 "update Talos compat to 1.14").
 */
const PROVIDERS_FOR_CONTRACT: Record<string, { cabpt: string; cacppt: string }> = {
  '1.12': { cabpt: 'v0.6.11', cacppt: 'v0.5.12' },
  '1.13': { cabpt: 'v0.6.12', cacppt: 'v0.5.13' },
  '1.14': { cabpt: 'v0.6.13', cacppt: 'v0.5.14' },
};

/** Which pool machine settings each provider reads. */
const MACHINE_SETTINGS: Record<'proxmox' | 'sidero' | 'packet', readonly string[]> = {
  proxmox: ['cores', 'sockets', 'memoryMiB', 'diskGiB', 'extraDisks'],
  sidero: ['serverClass'],
  packet: ['plan'],
};

/** The network of the Proxmox IP pool: its gateway with the pool's prefix. */
export function ipPoolNetwork(px: NonNullable<NonNullable<Cluster['provisioning']['clusterApi']>['proxmox']>): Cidr | undefined {
  return parseCidr(`${px.ipv4Pool.gateway}/${px.ipv4Pool.prefix}`);
}

/** Merges intervals of one family (sorted, overlapping or adjacent joined). */
function merge(intervals: AddressInterval[]): AddressInterval[] {
  const sorted = [...intervals].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: AddressInterval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.first <= last.last + 1n) out[out.length - 1] = { ...last, last: i.last > last.last ? i.last : last.last };
    else out.push(i);
  }
  return out;
}

/**
 * Addresses the in-cluster IPAM provider can hand out from CAPMOX's pool: the ranges, less the
 * subnet's network address (and, IPv4, its broadcast address) unless allocateReservedIPAddresses
 * (CAPMOX leaves it false), and less the gateway (cluster-api-ipam-provider-in-cluster@v1.1.0-rc.2
 * internal/poolutil/pool.go PoolSpecToIPSet).
 */
export function usableAddresses(ranges: readonly AddressInterval[], net: Cidr, gateway: bigint): bigint {
  const reserved = new Set<bigint>([net.first, gateway, ...(net.family === 4 ? [net.last] : [])]);
  let count = 0n;
  for (const r of merge(ranges.filter((x) => x.family === net.family))) {
    count += r.last - r.first + 1n;
    for (const a of reserved) if (a >= r.first && a <= r.last) count -= 1n;
  }
  return count;
}

/** Cluster API clusters: provider settings orrery can compile, machine pools, the Proxmox IP pool. */
export function checkClusterApi({ c, file, emit, method }: ClusterFacts): void {
  const capi = c.provisioning.clusterApi;
  if (method !== 'cluster-api' || !capi) return;
  const provider = capi.provider;

  // Provider versions set here would disagree with those installed on the management cluster.
  if (c.role !== 'management') {
    for (const key of PROVIDER_VERSION_KEYS) {
      if (c.versions?.[key]) emit(file, `/versions/${key}`, 'cluster-api/provider-version-not-on-manager', `${key} is installed on the management cluster, not on ${quote(c.name)}: set it in the management cluster's file or in the constellation`);
    }
  }

  const pools = capi.machinePools;
  const cpPools = pools.filter((p) => p.role === 'controlplane');
  if (cpPools.length > 1) {
    emit(file, POOLS, 'cluster-api/control-plane-pools', `${cpPools.length} control-plane pools (${cpPools.map((p) => quote(p.name)).join(', ')}): a Cluster API cluster has one TalosControlPlane; merge them into one pool`);
  }
  pools.forEach((p, i) => {
    const base = pointer('provisioning', 'clusterApi', 'machinePools', i);
    if (`${c.name}-${p.name}`.length > 63) {
      emit(file, `${base}/name`, 'cluster-api/name-too-long', `${quote(`${c.name}-${p.name}`)} is longer than 63 characters; Cluster API puts it in the label ${quote('cluster.x-k8s.io/deployment-name')}: shorten the pool name`);
    }
    for (const key of Object.keys(p.machine ?? {})) {
      if (!MACHINE_SETTINGS[provider].includes(key)) {
        const owner = (Object.keys(MACHINE_SETTINGS) as (keyof typeof MACHINE_SETTINGS)[]).find((k) => MACHINE_SETTINGS[k].includes(key));
        emit(file, `${base}/machine/${key}`, 'cluster-api/machine-setting-for-other-provider', `${key} is a ${owner ?? 'provider'} setting; the ${provider} provider has ${MACHINE_SETTINGS[provider].join(', ')}`);
      }
    }
    const m = p.machine ?? {};
    if (provider === 'proxmox' && m.memoryMiB !== undefined && m.memoryMiB % 8 !== 0) {
      emit(file, `${base}/machine/memoryMiB`, 'cluster-api/memory-multiple-of-8', `memoryMiB ${m.memoryMiB} is not a multiple of 8, which CAPMOX requires; use ${m.memoryMiB - (m.memoryMiB % 8)} or ${m.memoryMiB - (m.memoryMiB % 8) + 8}`);
    }
    if (provider === 'proxmox' && m.diskGiB !== undefined && m.diskGiB < 5) {
      emit(file, `${base}/machine/diskGiB`, 'cluster-api/boot-disk-too-small', `diskGiB ${m.diskGiB}: CAPMOX resizes the boot disk to at least 5 GB`);
    }
    const bootDisk = capi.proxmox?.template.bootDisk ?? DEFAULTS.proxmoxBootDisk;
    const slots = new Set<string>();
    (m.extraDisks ?? []).forEach((d, k) => {
      if (d.slot === bootDisk) emit(file, `${base}/machine/extraDisks/${k}/slot`, 'cluster-api/extra-disk-is-boot-disk', `${quote(d.slot)} is the template's boot disk; an extra disk is another slot`);
      if (slots.has(d.slot)) emit(file, `${base}/machine/extraDisks/${k}/slot`, 'cluster-api/duplicate-extra-disk', `disk slot ${quote(d.slot)} is listed twice`);
      slots.add(d.slot);
    });
  });

  if (provider !== 'packet' && c.endpoint.mode === 'provider') {
    emit(file, '/endpoint/mode', 'cluster-api/endpoint-mode', `the ${provider} provider assigns no API endpoint: use mode vip (Talos announces it on the control planes), address or dns`);
  }
  if (provider === 'sidero') {
    emit(file, `${CAPI}/provider`, 'cluster-api/maintenance-provider', 'Sidero Metal is in maintenance mode ("no longer actively developing", sidero README): orrery compiles v0.6 objects, but plan a move (Omni\'s bare-metal provider is not a Cluster API provider)', 'warning');
    checkSidero(c, file, emit);
  }
  if (provider === 'proxmox' && capi.proxmox) checkProxmox(c, file, emit);
}

function checkSidero(c: Cluster, file: ClusterFacts['file'], emit: ClusterFacts['emit']): void {
  const capi = c.provisioning.clusterApi!;
  // Bare-metal links vary per server and orrery does not know them.
  if (c.endpoint.mode === 'vip') {
    emit(file, '/endpoint/mode', 'cluster-api/vip-without-link', "a VIP needs the control planes' link, which orrery does not know for Sidero servers: use mode address (e.g. announced over BGP, as seed 001 did) or dns");
  }
  // Servers fetch <url>/configdata over HTTP(S), and clusterctl init gets its host and port as Sidero's
  // API endpoint (bring-up.ts): a URI that is no web address (a port "8081x", a scheme "ftp:") is refused here.
  const url = capi.sidero?.metadataServerUrl;
  if (url !== undefined) {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') {
      emit(file, `${CAPI}/sidero/metadataServerUrl`, 'cluster-api/sidero-metadata-url', `${quote(url)} is not an http:// or https:// address with a host and an optional numeric port; servers fetch their Talos config from <url>/configdata: e.g. "http://192.168.1.5:8081"`);
    }
  }
  (c.loadBalancing?.bgp?.peers ?? []).forEach((p, i) => {
    if (p.routeVia) emit(file, `/loadBalancing/bgp/peers/${i}/routeVia`, 'cluster-api/route-without-link', `a static route to ${quote(p.address)} needs the machines' link, which orrery does not know for Sidero servers: make the peer reachable on-link or route it in the network`);
  });
  capi.machinePools.forEach((p, i) => {
    const bound = p.servers?.length ?? 0;
    if (bound > 0 && bound < p.replicas) {
      emit(file, `${POOLS}/${i}/servers`, 'cluster-api/sidero-partial-binding', `${bound} of ${p.replicas} machines bound: Cluster API creates a pool's machines from one template, so Sidero can confine a pool to a set of servers (a ServerClass selecting them), not pin single machines; bind ${p.replicas} servers or none`);
    }
  });
}

function checkProxmox(c: Cluster, file: ClusterFacts['file'], emit: ClusterFacts['emit']): void {
  const capi = c.provisioning.clusterApi!;
  const px = capi.proxmox!;
  const base = `${CAPI}/proxmox`;
  if (!px.allowedNodes.includes(px.template.sourceNode)) {
    emit(file, `${base}/template/sourceNode`, 'cluster-api/template-node-not-allowed', `template node ${quote(px.template.sourceNode)} is not one of allowedNodes (${px.allowedNodes.join(', ')}): CAPMOX clones the template onto those nodes, across nodes only when its disks sit on storage they share; add it to allowedNodes`);
  }
  if ((px.dnsServers ?? c.network.nameservers ?? []).length === 0) {
    emit(file, base, 'cluster-api/proxmox-dns-servers', 'CAPMOX needs name servers for the machines (ProxmoxCluster dnsServers is required): set proxmox.dnsServers or network.nameservers');
  }
  const net = ipPoolNetwork(px);
  const gateway = parseIp(px.ipv4Pool.gateway);
  if (!net || !gateway) return;
  const nodeNet = c.network.nodeCidr ? parseCidr(c.network.nodeCidr) : undefined;
  const ranges = px.ipv4Pool.addresses.map((a) => parseRange(a));
  // The machines' subnet, as CAPMOX configures it (gateway/prefix); the node network must be that one.
  if (nodeNet && (nodeNet.first !== net.first || nodeNet.prefix !== net.prefix)) {
    emit(file, `${base}/ipv4Pool`, 'cluster-api/ip-pool-outside-node-network', `machines get ${quote(`${px.ipv4Pool.gateway}/${px.ipv4Pool.prefix}`)} (gateway and prefix) but network.nodeCidr is ${quote(nodeNet.text)}: make them the same network`);
  }
  ranges.forEach((r, k) => {
    if (r && !(r.first >= net.first && r.last <= net.last)) {
      emit(file, `${base}/ipv4Pool/addresses/${k}`, 'cluster-api/ip-pool-outside-node-network', `${quote(px.ipv4Pool.addresses[k]!)} is outside the machines' network ${quote(`${formatAddress(net.family, net.first)}/${net.prefix}`)}`);
    }
  });
  const valid = ranges.filter((r): r is AddressInterval => r !== undefined);
  const holds = (ip: { family: 4 | 6; value: bigint }): boolean => valid.some((r) => containsAddress(r, ip));
  if (holds(gateway)) emit(file, `${base}/ipv4Pool/gateway`, 'cluster-api/gateway-in-ip-pool', `the gateway ${quote(px.ipv4Pool.gateway)} is inside the pool's addresses; keep it out (IPAM never hands it out, so the pool is smaller than it looks)`, 'warning');

  // Replicas plus one machine per pool while it rolls (TalosControlPlane maxSurge 1, MachineDeployment maxSurge 1).
  const replicas = capi.machinePools.reduce((n, p) => n + p.replicas, 0);
  const surge = capi.machinePools.filter((p) => p.replicas > 0).length;
  const usable = usableAddresses(valid, net, gateway.value);
  if (usable < BigInt(replicas + surge)) {
    emit(file, `${base}/ipv4Pool/addresses`, 'cluster-api/ip-pool-too-small', `the pool has ${usable} usable address(es) but the machines need ${replicas + surge}: ${replicas} replicas and ${surge} more while each pool rolls (one surge machine per pool)`);
  }

  // What must stay out of the pool (IPAM would give it to a machine) and inside the machines' network.
  const l2Net = nodeNet ?? net;
  if (c.endpoint.mode === 'vip' && c.endpoint.vip) {
    const vip = parseIp(c.endpoint.vip);
    if (vip && holds(vip)) emit(file, '/endpoint/vip', 'cluster-api/vip-in-ip-pool', `VIP ${quote(c.endpoint.vip)} is inside the Proxmox IP pool; IPAM could give it to a machine: pick an address of the network outside ${px.ipv4Pool.addresses.join(', ')}`);
    if (vip && !nodeNet && !containsAddress(net, vip)) emit(file, '/endpoint/vip', 'endpoint/vip-outside-subnet', `VIP ${quote(c.endpoint.vip)} is outside the machines' network ${quote(`${formatAddress(net.family, net.first)}/${net.prefix}`)}; a shared L2 address must be on the control planes' subnet`);
  }
  const lb = c.loadBalancing;
  (lb?.pools ?? []).forEach((p, i) => {
    const l2 = lb?.l2?.enabled === true && (lb.l2.pools === undefined || lb.l2.pools.includes(p.name));
    const bgp = lb?.bgp !== undefined && (lb.bgp.pools === undefined || lb.bgp.pools.includes(p.name));
    (p.addresses ?? []).forEach((a, k) => {
      const r = parseRange(a);
      if (!r) return;
      const ptr = `/loadBalancing/pools/${i}/addresses/${k}`;
      if (valid.some((v) => overlaps(v, r))) emit(file, ptr, 'cluster-api/lb-pool-in-ip-pool', `${quote(a)} overlaps the Proxmox IP pool (${px.ipv4Pool.addresses.join(', ')}): a machine could get an address the load balancer announces`);
      // With network.nodeCidr, lb/l2-pool-off-subnet (load-balancing.ts) says it once; without one the
      // machines' network is the IP pool's, which only this rule knows. A pool BGP also announces is reachable.
      if (l2 && !bgp && !nodeNet && !(r.family === l2Net.family && r.first >= l2Net.first && r.last <= l2Net.last)) {
        emit(file, ptr, 'cluster-api/l2-pool-outside-node-network', `${quote(a)} is announced over L2 but lies outside the machines' network ${quote(`${formatAddress(l2Net.family, l2Net.first)}/${l2Net.prefix}`)}: ARP only reaches the local subnet`);
      }
    });
  });
}

/** The network a cluster's machines are on: the node CIDR, the Proxmox pool's, or the nodes' own. */
function machineNetwork(c: Cluster): Cidr | undefined {
  if (c.network.nodeCidr) return parseCidr(c.network.nodeCidr);
  const px = c.provisioning.clusterApi?.proxmox;
  if (px) return ipPoolNetwork(px);
  const nets = new Set((c.nodes ?? []).flatMap((n) => (n.addresses ?? []).map((a) => parseCidr(a))).filter((x): x is Cidr => x !== undefined).map((x) => `${formatAddress(x.family, x.first)}/${x.prefix}`));
  return nets.size === 1 ? parseCidr([...nets][0]!) : undefined;
}

function gatewayOf(c: Cluster): string | undefined {
  return c.provisioning.clusterApi?.proxmox?.ipv4Pool.gateway ?? c.network.gateway ?? c.nodes?.find((n) => n.gateway)?.gateway;
}

/**
 * Across clusters: what a management cluster needs of the clusters it manages, anycast
 * addresses outside Proxmox IP pools, versions of the providers, one owner per Sidero Environment.
 */
export function checkClusterApiFleet({ set, emit, byName }: ConstellationFacts): void {
  const cons = set.constellation;
  const consVersions = cons.spec.versions ?? {};
  for (const { file, spec: c } of set.clusters) {
    const capi = c.provisioning.clusterApi;
    if (c.provisioning.method !== 'cluster-api' || !capi || capi.provider === 'packet') continue;
    const managerName = (cons.spec.management ?? []).find((m) => m.manages.includes(c.name))?.cluster ?? (c.role === 'management' ? c.name : undefined);
    const manager = managerName ? byName.get(managerName)?.spec : undefined;

    // The config contract must be one the manager's CABPT and CACPPT generate and manage.
    const versionOf = (key: 'cabpt' | 'cacppt'): string => manager?.versions?.[key] ?? consVersions[key] ?? DEFAULT_VERSIONS[key];
    const contract = c.talos?.contract ?? talosMinor(c.talos?.version ?? c.versions?.talos ?? consVersions.talos ?? DEFAULT_VERSIONS.talos);
    const needed = PROVIDERS_FOR_CONTRACT[contract];
    if (needed) {
      for (const key of ['cabpt', 'cacppt'] as const) {
        const have = versionOf(key);
        if (compareVersions(have, needed[key]) < 0) {
          emit(file, c.talos?.contract ? '/talos/contract' : '/provisioning/clusterApi', 'cluster-api/providers-older-than-talos', `Talos config contract ${contract} needs ${key} ${needed[key]} or newer; the management cluster ${quote(managerName ?? c.name)} runs ${key} ${have}`);
        }
      }
    }
    if (capi.provider === 'proxmox') {
      const core = manager?.versions?.clusterApi ?? consVersions.clusterApi ?? DEFAULT_VERSIONS.clusterApi;
      if (compareVersions(core, 'v1.13.0') >= 0) {
        emit(file, '/provisioning/clusterApi/provider', 'cluster-api/untested-provider-combination', `Cluster API ${core}: CAPMOX v0.9 is tested with Cluster API 1.11 and 1.12 only (its README); ${DEFAULT_VERSIONS.clusterApi} is the newest tested`, 'warning');
      }
      const px = capi.proxmox;
      if (px) {
        const ranges = px.ipv4Pool.addresses.map((a) => parseRange(a)).filter((r): r is AddressInterval => r !== undefined);
        (cons.spec.anycast ?? []).forEach((a, ai) => {
          const ip = parseIp(a.address);
          if (ip && a.clusters.includes(c.name) && ranges.some((r) => containsAddress(r, ip))) {
            emit(cons.file, pointer('anycast', ai, 'address'), 'cluster-api/anycast-in-ip-pool', `anycast ${quote(a.address)} is inside ${c.name}'s Proxmox IP pool (${px.ipv4Pool.addresses.join(', ')}): a machine could get it`);
          }
        });
      }
    }

    // The manager's Cluster API controllers talk to every machine: CACPPT to the Talos API (port
    // 50000) and the Kubernetes API for etcd membership and health (controllers/etcd.go, health.go),
    // CAPI to the API endpoint. orrery checks what it can know: the same network, or both networks
    // routed (a gateway on each side), and neither the machines nor the endpoint inside the
    // manager's pod or service CIDR, which its own nodes route into the cluster instead.
    if (!manager || managerName === c.name) continue;
    const mine = machineNetwork(c);
    const theirs = machineNetwork(manager);
    const where = pointer('management', (cons.spec.management ?? []).findIndex((m) => m.cluster === managerName));
    for (const [what, cidr] of [['pod CIDR', manager.network.podCidr], ['service CIDR', manager.network.serviceCidr]] as const) {
      const inner = parseCidr(cidr);
      const endpoint = c.endpoint.vip ?? c.endpoint.address;
      const ep = endpoint ? parseIp(endpoint) : undefined;
      if (inner && mine && overlaps(inner, mine)) {
        emit(file, '/network', 'cluster-api/manager-cannot-reach', `${c.name}'s machines (${mine.text}) overlap ${quote(managerName!)}'s ${what} ${quote(cidr)}: its Cluster API controllers would route to them into their own cluster network`);
      } else if (inner && ep && containsAddress(inner, ep)) {
        emit(file, '/endpoint', 'cluster-api/manager-cannot-reach', `${c.name}'s API endpoint ${quote(endpoint!)} is inside ${quote(managerName!)}'s ${what} ${quote(cidr)}`);
      }
    }
    // Unknown networks (DHCP on bare metal) cannot be judged here; two known, different ones need routes.
    if (mine && theirs && !(mine.first === theirs.first && mine.prefix === theirs.prefix)) {
      const missing = [!gatewayOf(c) ? c.name : undefined, !gatewayOf(manager) ? managerName : undefined].filter((x): x is string => x !== undefined);
      if (missing.length > 0) {
        emit(cons.file, where, 'cluster-api/manager-cannot-reach', `${quote(managerName!)} manages ${quote(c.name)} but they are not on one network and ${missing.join(' and ')} ${missing.length > 1 ? 'have' : 'has'} no gateway: its controllers must reach port 50000 and the API of every machine; set network.gateway (or put them on one network)`);
      }
    }
  }

  // Sidero Environments are cluster-scoped: one name, one owner.
  const envs = new Map<string, string>();
  for (const { file, spec: c } of set.clusters) {
    const s = c.provisioning.clusterApi;
    if (c.provisioning.method !== 'cluster-api' || s?.provider !== 'sidero') continue;
    const env = s.sidero?.environment ?? c.name;
    const prior = envs.get(env);
    if (prior) emit(file, `${CAPI}/sidero/environment`, 'cluster-api/sidero-environment-shared', `Environment ${quote(env)} is already written for ${quote(prior)}; Environments are cluster-wide on Sidero: give each cluster its own`);
    else envs.set(env, c.name);
  }
}
