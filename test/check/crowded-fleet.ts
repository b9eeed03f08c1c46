/**
 * Schema-valid fleets whose addresses collide in every way the semantic checks look for: the
 * synthetic bench fleet (bench/synthetic.ts) with, by a seeded generator, node addresses,
 * VIPs, gateways, BGP peers, clustermesh-apiserver addresses, pools and anycast addresses copied
 * from other clusters and nodes. Used to pin that the checks report exactly what they reported
 * before they were made fast (test/check/fleet-diagnostics.test.ts).
 */
import { parse, stringify } from 'yaml';
import { syntheticConstellation } from '../../bench/synthetic.ts';
import { prng } from '../helpers.ts';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A seeded generator (mulberry32, shared with the other property tests), so a failure is reproducible. */
export const rng = prng;

export function crowdedFleet(seed: number, size: number): { name: string; text: string }[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const files = syntheticConstellation(size).files.map((f) => ({ name: f.name, doc: parse(f.text) as Doc }));
  const clusters = files.filter((f) => f.doc.kind === 'Cluster').map((f) => f.doc);
  const cons = files.find((f) => f.doc.kind === 'Constellation')!.doc;
  const nodeIp = (c: Doc): string => String(pick(c.nodes as Doc[]).addresses[0]).split('/')[0]!;
  const api = (c: Doc): Doc => c.cni.cilium.clusterMesh.apiserver as Doc;
  for (const [i, c] of clusters.entries()) {
    const other = clusters[(i + 1 + Math.floor(r() * 2)) % clusters.length]!; // often a mesh peer
    if (r() < 0.3) (c.nodes as Doc[])[1]!.addresses = [...other.nodes[0].addresses]; // an address of another cluster's node
    if (r() < 0.1) (c.nodes as Doc[])[2]!.name = pick(other.nodes as Doc[]).name; // a node name used twice
    if (r() < 0.1) c.endpoint.vip = nodeIp(c);
    if (r() < 0.1) c.network.gateway = nodeIp(c);
    if (r() < 0.15) api(c).loadBalancerIP = nodeIp(other);
    else if (r() < 0.15) api(c).loadBalancerIP = api(other).loadBalancerIP;
    else if (r() < 0.1) api(c).loadBalancerIP = String(other.loadBalancing.pools[0].addresses[0]).replace(/0\/26$/, '20');
    const peers = c.loadBalancing.bgp.peers as Doc[];
    if (r() < 0.15) peers[0]!.address = nodeIp(c);
    if (r() < 0.15) peers[1]!.address = peers[0]!.address;
    if (r() < 0.1) peers[0]!.address = c.endpoint.vip;
    if (r() < 0.1) peers[1]!.routeVia = nodeIp(other);
    if (r() < 0.05) peers[1]!.address = String(c.network.nodeCidr).replace(/0\/24$/, '255');
    if (r() < 0.2) (c.loadBalancing.pools as Doc[])[0]!.addresses = [...other.loadBalancing.pools[0].addresses];
    if (r() < 0.1) {
      const ip = nodeIp(other);
      (c.loadBalancing.pools as Doc[]).push({ name: 'extra', addresses: [`${ip}-${ip}`] });
    }
    if (r() < 0.05) c.network.serviceCidr = other.network.serviceCidr;
    if (r() < 0.05) c.network.podCidr = other.network.podCidr;
  }
  const byName = new Map(clusters.map((c) => [c.name as string, c]));
  for (const a of cons.anycast as Doc[]) {
    const roll = r();
    const c = roll < 0.5 ? pick(clusters) : byName.get(pick(a.clusters as string[]))!;
    if (roll < 0.15) a.address = nodeIp(c);
    else if (roll < 0.25) a.address = c.endpoint.vip;
    else if (roll < 0.35) a.address = api(c).loadBalancerIP;
    else if (roll < 0.45) a.address = String(c.loadBalancing.pools[0].addresses[0]).replace(/0\/26$/, '30');
    else if (roll < 0.6) a.address = (cons.anycast as Doc[])[0]!.address;
    else if (roll < 0.7) a.address = String(c.network.podCidr).replace(/0\/21$/, '7');
    else if (roll < 0.75) a.address = String(c.network.serviceCidr).replace(/0\/24$/, '9');
  }
  return files.map((f) => ({ name: f.name, text: stringify(f.doc) }));
}
