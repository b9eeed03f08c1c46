import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import { DEFAULT_VERSIONS } from '../../model/defaults.ts';
import { ciliumGatewayEnabled, gatewayApiConsumers, gatewayApiEnabled } from '../../model/facts/gateway-api.ts';
import { ingressBindingProblems, ingressEntry } from '../../model/facts/ingress.ts';
import { cephDisks, declaresPoolDisks, effectiveMonCount, effectiveReplicas, monCapableNodes, osdHostCount, osdPools, poolDisks, rookDevice, schedulable, volumeMayClaim } from '../../model/facts/rook-ceph.ts';
import type { ClusterFacts, ConstellationFacts } from '../context.ts';

/** Ingress controllers, the Gateway API CRDs they need, external-dns and Rook Ceph. */
export function checkComponents(facts: ClusterFacts): void {
  checkIngress(facts);
  checkGatewayApi(facts);
  checkExternalDns(facts);
  checkCertManager(facts);
  checkRook(facts);
}

function checkIngress({ c, file, emit }: ClusterFacts): void {
  if (c.components?.ingress?.controller === 'ingress-nginx') {
    emit(file, '/components/ingress/controller', 'ingress/retired-controller', 'ingress-nginx was retired in March 2026 and gets no more fixes; use a Gateway API controller: envoy-gateway, contour or cilium (with components.gatewayApi)');
  }
  // Cilium's ingress is part of the CNI's release: a version, release name or values here would do nothing.
  if (c.components?.ingress?.controller === 'cilium') {
    for (const key of ['version', 'releaseName', 'values'] as const) {
      if (c.components.ingress[key] !== undefined) emit(file, `/components/ingress/${key}`, 'ingress/unused-setting', `ingress.${key} applies to envoy-gateway and contour; Cilium's ingress comes with the CNI (cni.cilium)`);
    }
  }
  // One meaning, one switch: with controller cilium the ingress choice turns Cilium's Gateway API
  // (or, without the Gateway API, its Ingress controller) on; an explicit false would be overridden.
  if (c.components?.ingress?.controller === 'cilium') {
    if (gatewayApiEnabled(c) && c.cni?.cilium?.gatewayApi === false) {
      emit(file, '/cni/cilium/gatewayApi', 'ingress/cilium-switch-overridden', "components.ingress.controller cilium with the Gateway API runs Cilium's Gateway API controller, which gatewayApi: false here says not to; remove this key, or pick another controller");
    }
    if (!gatewayApiEnabled(c) && c.cni?.cilium?.ingressController?.enabled === false) {
      emit(file, '/cni/cilium/ingressController/enabled', 'ingress/cilium-switch-overridden', "components.ingress.controller cilium without the Gateway API runs Cilium's Ingress controller, which enabled: false here says not to; remove this key, or enable components.gatewayApi for Cilium's Gateway API");
    }
  }
  for (const p of ingressBindingProblems(c)) emit(file, p.pointer, 'ingress/pool-binding', p.message);
  // docs.cilium.io "Gateway API Support", Prerequisites: "Cilium must be configured with the kube-proxy replacement".
  if (ciliumGatewayEnabled(c) && c.cni?.cilium?.kubeProxyReplacement === false) {
    emit(file, '/cni/cilium/kubeProxyReplacement', 'ingress/cilium-gateway-needs-kpr', "Cilium's Gateway API controller needs its kube-proxy replacement: set kubeProxyReplacement: true, or use envoy-gateway or contour");
  }
}

function checkGatewayApi({ c, file, emit }: ClusterFacts): void {
  if (gatewayApiEnabled(c)) return;
  for (const need of gatewayApiConsumers(c)) {
    emit(file, need.pointer, 'components/needs-gateway-api', `${need.what} needs the Gateway API CRDs installed first: enable components.gatewayApi (standard channel, ${DEFAULT_VERSIONS.gatewayApi} by default)`);
  }
}

function checkCertManager({ c, file, emit }: ClusterFacts): void {
  const dns = c.components?.certManager?.acme?.dns01;
  if (!dns) return;
  // The ClusterIssuer CRD requires cloudDNS.project (cert-manager v1.21.1 deploy/crds/
  // cert-manager.io_clusterissuers.yaml): without it the API server refuses the issuer.
  if (dns.provider === 'google' && !dns.project) emit(file, '/components/certManager/acme/dns01/provider', 'cert-manager/google-project', "cert-manager's Cloud DNS solver needs project: the Google Cloud project that holds the zone (the ClusterIssuer is refused without it)");
  if (dns.project !== undefined && dns.provider !== 'google') emit(file, '/components/certManager/acme/dns01/project', 'cert-manager/unused-setting', `project applies to provider google only (provider is ${quote(dns.provider)})`);
}

function checkExternalDns({ c, file, emit }: ClusterFacts): void {
  const e = c.components?.externalDns;
  if (!e?.enabled) return;
  if (!e.provider) emit(file, '/components/externalDns', 'external-dns/no-provider', 'external-dns needs a provider: google, cloudflare or route53');
  // Outside Google Cloud there is no metadata server to tell external-dns its project (external-dns docs, tutorials/gke.md).
  if (e.provider === 'google' && !e.project) emit(file, '/components/externalDns/provider', 'external-dns/google-project', 'external-dns with provider google needs project: the Cloud DNS project (--google-project), which it cannot discover outside Google Cloud');
  if (e.project !== undefined && e.provider !== 'google') emit(file, '/components/externalDns/project', 'external-dns/unused-setting', `project applies to provider google only (provider is ${quote(e.provider ?? 'unset')})`);
  if (e.region !== undefined && e.provider !== 'route53') emit(file, '/components/externalDns/region', 'external-dns/unused-setting', `region applies to provider route53 only (provider is ${quote(e.provider ?? 'unset')})`);
}

function checkRook(facts: ClusterFacts): void {
  const { c, file, emit, nodes } = facts;
  const rook = c.components?.rookCeph;
  if (!rook?.enabled) return;
  const capable = monCapableNodes(c);
  const mons = effectiveMonCount(c);
  if (mons > capable) {
    emit(
      file,
      rook.cluster?.monCount !== undefined ? '/components/rookCeph/cluster/monCount' : '/components/rookCeph',
      'rook/mon-count',
      `${mons} Ceph monitors need ${mons} nodes that can run them (one per node), but ${capable} can${c.kubernetes?.allowSchedulingOnControlPlanes ? '' : ' (control planes are not schedulable: kubernetes.allowSchedulingOnControlPlanes)'}; set rookCeph.cluster.monCount to ${capable >= 3 ? 3 : 1}`,
    );
  } else if (mons % 2 === 0) {
    emit(file, '/components/rookCeph/cluster/monCount', 'rook/even-mon-count', `${mons} Ceph monitors keep quorum no better than ${mons - 1}; use an odd count`, 'warning');
  }
  const hosts = osdHostCount(c);
  const replicas = effectiveReplicas(c);
  if ((c.provisioning.method === 'talosctl' || declaresPoolDisks(c)) && hosts > 0 && replicas > hosts) {
    emit(
      file,
      rook.cluster?.replicas !== undefined ? '/components/rookCeph/cluster/replicas' : '/components/rookCeph',
      'rook/replicas',
      `the block pool keeps ${replicas} replicas on distinct hosts (failure domain host), but only ${hosts} node(s) have disks for Ceph; its placement groups would never be clean: set rookCeph.cluster.replicas to at most ${hosts} or add disks with purpose ceph`,
    );
  }
  if (declaresPoolDisks(c)) return checkRookPools(facts);
  if (c.provisioning.method !== 'talosctl') return;
  if (hosts === 0) {
    emit(file, '/components/rookCeph', 'rook/no-osd-disks', 'Rook Ceph is enabled but no schedulable node declares a data disk with purpose ceph; add dataDisks to the nodes that hold the OSDs');
  }
  const firstDisks = JSON.stringify(cephDisks(nodes.find((n) => cephDisks(n).length > 0) ?? { name: '', role: 'worker' }).map((d) => d.path ?? d.selector));
  nodes.forEach((n, i) => {
    const disks = n.dataDisks ?? [];
    const ceph = cephDisks(n);
    if (ceph.length > 0 && !schedulable(c, n)) {
      const why = n.role === 'controlplane' && !c.kubernetes?.allowSchedulingOnControlPlanes ? 'on a control plane unless kubernetes.allowSchedulingOnControlPlanes is true' : 'on a node with a NoSchedule or NoExecute taint (Rook sets no tolerations)';
      emit(file, pointer('nodes', i, 'dataDisks'), 'rook/unschedulable-osd-node', `node ${quote(n.name)} has disks for Ceph, but Rook's OSDs cannot run ${why}`);
    }
    if (rook.cluster?.useAllNodes && ceph.length > 0 && JSON.stringify(ceph.map((d) => d.path ?? d.selector)) !== firstDisks) {
      emit(file, pointer('nodes', i, 'dataDisks'), 'rook/use-all-nodes-disks', `with rookCeph.cluster.useAllNodes every node gets the same Ceph disks, but ${quote(n.name)} declares others; list the disks per node with useAllNodes: false`);
    }
    disks.forEach((d, k) => {
      if ((d.purpose ?? 'ceph') !== 'ceph' || (!d.path && !d.selector)) return;
      const r = rookDevice(d);
      const at = pointer('nodes', i, 'dataDisks', k, d.path ? 'path' : 'selector');
      if (r.kind === 'unsupported') emit(file, at, 'rook/disk-selector', r.reason);
      else if (r.kind === 'devicePathFilter' && r.ignored.length > 0) {
        emit(file, at, 'rook/disk-selector-partial', `Rook matches this Ceph disk by its /dev/disk/by-id name only; ${r.ignored.join(', ')} cannot be told to Rook and is not checked`, 'warning');
      }
      for (const [j, v] of disks.entries()) {
        if (v.purpose === 'volume' && volumeMayClaim(v, d)) {
          emit(
            file,
            pointer('nodes', i, 'dataDisks', j),
            'rook/volume-may-claim-ceph-disk',
            `Talos gives this volume the first disk its selector matches, which could be the Ceph disk ${quote(d.path ?? d.selector)} (Talos would partition it and Rook would skip it); choose the volume disk by path, or by a serial, model or type the Ceph disk does not have`,
          );
        }
      }
    });
  });
}

/**
 * Rook on a Cluster API cluster whose machine templates declare their extra disks: every node
 * takes the pools' Ceph devices (lib/components/rook-ceph/storage.ts), so those must be somewhere
 * OSDs can run, and never a Talos volume on another pool's machines.
 */
function checkRookPools({ c, file, emit }: ClusterFacts): void {
  const pools = c.provisioning.clusterApi?.machinePools ?? [];
  const at = (i: number): string => pointer('provisioning', 'clusterApi', 'machinePools', i, 'machine', 'extraDisks');
  if (osdPools(c).length === 0) {
    emit(file, '/components/rookCeph', 'rook/no-osd-disks', 'Rook Ceph is enabled but no schedulable machine pool has an extra disk with purpose ceph; add one to machine.extraDisks of the pools that hold the OSDs');
  }
  const volumes = new Map<string, string>();
  for (const p of pools.filter((q) => schedulable(c, q))) for (const d of poolDisks(c, p)) if (d.purpose === 'volume') volumes.set(d.path, p.name);
  pools.forEach((p, i) => {
    const ceph = poolDisks(c, p).filter((d) => d.purpose === 'ceph');
    if (ceph.length > 0 && !schedulable(c, p)) {
      const why = p.role === 'controlplane' && !c.kubernetes?.allowSchedulingOnControlPlanes ? 'on control planes unless kubernetes.allowSchedulingOnControlPlanes is true' : 'on machines with a NoSchedule or NoExecute taint (Rook sets no tolerations)';
      emit(file, at(i), 'rook/unschedulable-osd-node', `pool ${quote(p.name)} has disks for Ceph, but Rook's OSDs cannot run ${why}`);
    }
    for (const d of ceph) {
      const other = volumes.get(d.path);
      if (other !== undefined && schedulable(c, p)) {
        emit(file, at(i), 'rook/ceph-disk-is-volume-elsewhere', `${quote(d.slot)} (${d.path} in the guest) is a Ceph disk here and a Talos volume in pool ${quote(other)}; Rook takes the same devices on every node, so use another slot for one of them`);
      }
    }
  });
}

/** Rules that need the constellation: the GitOps engine, anycast addresses. */
export function checkComponentsAcrossFleet({ set, emit }: ConstellationFacts): void {
  const engine = set.constellation.spec.gitops.engine ?? 'flux';
  // Each anycast name's first declaration and its index, looked up per cluster below.
  const anycasts = new Map<string, { readonly decl: NonNullable<typeof set.constellation.spec.anycast>[number]; readonly index: number }>();
  (set.constellation.spec.anycast ?? []).forEach((decl, index) => {
    if (!anycasts.has(decl.name)) anycasts.set(decl.name, { decl, index });
  });
  for (const { file, spec: c } of set.clusters) {
    // Argo CD renders charts on every refresh; Linkerd's chart makes new webhook certificates each time.
    if (engine === 'argocd' && c.components?.linkerd?.enabled && !c.components.certManager?.enabled) {
      emit(
        file,
        '/components/linkerd/enabled',
        'linkerd/argocd-needs-cert-manager',
        "under Argo CD, Linkerd's chart would mint new webhook certificates at every render (perpetual OutOfSync, and refused pods while the caBundle and the served certificate differ); enable components.certManager so cert-manager issues them (Linkerd's externally issued webhook certificates)",
      );
    }
    const entry = ingressEntry(c);
    if (!entry?.pool) continue;
    const poolIndex = (c.loadBalancing?.pools ?? []).findIndex((p) => p.name === entry.pool);
    const anycastName = c.loadBalancing?.pools?.[poolIndex]?.anycast;
    const found = anycastName === undefined ? undefined : anycasts.get(anycastName);
    const anycast = found?.decl;
    if (!anycast?.service) continue;
    const svc = entry.service;
    if (!svc || svc.namespace !== anycast.service.namespace || svc.name !== anycast.service.name) {
      const ai = found!.index;
      emit(
        set.constellation.file,
        pointer('anycast', ai, 'service'),
        'ingress/anycast-service',
        svc
          ? `anycast ${quote(anycast.name)} is reserved for the Service ${anycast.service.namespace}/${anycast.service.name}, but ${c.name}'s ingress Service is ${svc.namespace}/${svc.name}: name that Service, or leave service out (the ingress takes the address)`
          : `anycast ${quote(anycast.name)} is reserved for the Service ${anycast.service.namespace}/${anycast.service.name}, but ${c.name}'s ingress (${entry.controller}) names its Service itself; leave service out so the ingress takes the address`,
      );
    }
  }
}
