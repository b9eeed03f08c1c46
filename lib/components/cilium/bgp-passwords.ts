import type { ClusterModel } from '../../model/model.ts';
import type { OperatorSecret } from '../../secrets/operator-secrets.ts';

/**
 * The BGP session passwords a cluster's peers name (`password.secret`), as operator Secrets: both
 * announcers (MetalLB and Cilium's BGP control plane) read the key `password` from a Secret in a
 * namespace of their own, which the caller gives with the consumer's words.
 */
export function bgpPasswordSecrets(cluster: ClusterModel, options: { namespace: string; type?: string; consumer: (peer: string) => string }): OperatorSecret[] {
  const bgp = cluster.loadBalancing.bgp;
  if (bgp?.localASN === undefined) return [];
  return (bgp.peers ?? []).flatMap((p, i) =>
    p.password
      ? [
          {
            cluster: cluster.name,
            source: cluster.source,
            pointer: `/loadBalancing/bgp/peers/${i}/password/secret`,
            namespace: options.namespace,
            name: p.password.secret,
            keys: ['password'],
            consumer: options.consumer(p.name),
            hint: 'password: the TCP MD5 password the router is configured with',
            ...(options.type ? { type: options.type } : {}),
          },
        ]
      : [],
  );
}
