import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import { AddressMap } from '../../net/address-map.ts';
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
  // Compare addresses, not spellings: fd00::1 and fd00:0::1 are one address. (Text that is no
  // address cannot pass the schema; it is compared as written.)
  const addresses = new AddressMap<FirstUse>();
  const unparsed = new Map<string, FirstUse>();
  for (const { file, spec } of set.clusters) {
    (spec.nodes ?? []).forEach((n, i) => {
      const use: FirstUse = { file, node: n.name, cluster: spec.name };
      const prior = nodeNames.get(n.name);
      if (prior) emit(file, pointer('nodes', i, 'name'), 'names/duplicate-node', `node name ${quote(n.name)} is already used in cluster ${quote(prior.cluster)} (${prior.file.displayPath})`);
      else nodeNames.set(n.name, use);
      const claim = (text: string, ptr: () => string): void => {
        const ip = parseIp(text);
        const seen = ip ? addresses.get(ip) : unparsed.get(text);
        if (seen) emit(file, ptr(), 'net/duplicate-address', `address ${quote(text)} is already used by node ${quote(seen.node)} of cluster ${quote(seen.cluster)}`);
        else if (ip) addresses.set(ip, use);
        else unparsed.set(text, use);
      };
      (n.addresses ?? []).forEach((a, k) => claim(a.split('/')[0]!, () => pointer('nodes', i, 'addresses', k)));
      if (n.reservedAddress) claim(n.reservedAddress, () => pointer('nodes', i, 'reservedAddress'));
    });
  }
}
