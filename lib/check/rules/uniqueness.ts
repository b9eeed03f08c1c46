import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import { parseIp } from '../../net/ip.ts';
import type { SourceFile } from '../../read/source-file.ts';
import type { ConstellationFacts } from '../context.ts';

/** Where a name or address was first used: the node and its cluster. */
interface FirstUse {
  readonly node: string;
  readonly cluster: string;
  readonly file: SourceFile;
}

/** Node names and addresses are unique across the constellation. */
export function checkFleetUniqueness({ set, emit }: ConstellationFacts): void {
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
}
