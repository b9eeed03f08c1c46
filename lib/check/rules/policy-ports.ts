import { quote } from '../../diagnostics/diagnostic.ts';
import { pointer } from '../../diagnostics/pointer.ts';
import type { ClusterFacts } from '../context.ts';

/**
 * Why a named port is not one Kubernetes accepts: IsValidPortName (k8s.io/apimachinery
 * pkg/util/validation): at most 15 characters, a-z, 0-9 and '-', at least one letter, no '--',
 * no '-' at either end (the IANA service-name rules).
 */
export function portNameProblem(name: string): string | undefined {
  if (/^[0-9]+$/.test(name)) return 'is a number in quotes: write it without quotes';
  if (name.length > 15) return 'is longer than 15 characters';
  if (!/^[-a-z0-9]+$/.test(name)) return 'may hold only a-z, 0-9 and -';
  if (!/[a-z]/.test(name)) return 'needs at least one letter';
  if (name.includes('--')) return 'may not hold two hyphens in a row';
  if (name.startsWith('-') || name.endsWith('-')) return 'may not begin or end with a hyphen';
  return undefined;
}

/**
 * Ports of network policy rules, checked as the API server would (NetworkPolicyPort: a port
 * number 1–65535 or a named port; endPort only with a numeric port, and not below it): caught
 * here rather than when Flux or Argo CD applies the object.
 */
export function checkPolicyPorts({ file, emit, c }: ClusterFacts): void {
  (c.networkPolicies ?? []).forEach((p, i) =>
    (p.allow ?? []).forEach((r, k) =>
      (r.ports ?? []).forEach((port, j) => {
        const at = pointer('networkPolicies', i, 'allow', k, 'ports', j);
        const v = port.port;
        if (typeof v === 'number') {
          if (!Number.isInteger(v) || v < 1 || v > 65535) emit(file, `${at}/port`, 'policy/port-range', `port ${quote(v)} is outside 1–65535`);
          else if (port.endPort !== undefined && port.endPort < v) emit(file, `${at}/endPort`, 'policy/end-port-before-port', `endPort ${port.endPort} is below port ${v}; the range runs from port to endPort`);
        } else {
          const why = portNameProblem(v);
          if (why) emit(file, `${at}/port`, 'policy/port-name', `named port ${quote(v)} ${why}`);
          if (port.endPort !== undefined) emit(file, `${at}/endPort`, 'policy/end-port-with-name', `endPort needs a numeric port, not the named port ${quote(v)}`);
        }
      }),
    ),
  );
}
