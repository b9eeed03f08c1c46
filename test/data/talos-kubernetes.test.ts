import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubernetesSupported, TALOS_KUBERNETES_SUPPORT } from '../../lib/data/talos-kubernetes.ts';
import { HAS_SHARED, SHARED } from '../helpers.ts';

describe('Talos ↔ Kubernetes support table', () => {
  it('answers in-range, out-of-range and unknown Talos', () => {
    expect(kubernetesSupported('v1.13.9', '1.36.2')).toEqual({ ok: true });
    expect(kubernetesSupported('v1.13.9', '1.31.0')).toEqual({ ok: true });
    expect(kubernetesSupported('v1.13.9', '1.30.9')).toMatchObject({ ok: false, reason: 'out-of-range' });
    expect(kubernetesSupported('v1.12.11', '1.36.0')).toMatchObject({ ok: false, reason: 'out-of-range', max: '1.35' });
    expect(kubernetesSupported('v1.99.0', '1.36.0')).toMatchObject({ ok: false, reason: 'unknown-talos' });
  });

  if (!HAS_SHARED) {
    it.skip('agrees with ../shared/data/talos-kubernetes-compat.json — SKIPPED: ../shared is absent', () => {});
    console.warn('conformance skipped: ../shared is absent');
    return;
  }
  it('agrees with ../shared/data/talos-kubernetes-compat.json for every minor it lists', () => {
    const facts = JSON.parse(readFileSync(path.join(SHARED, 'data', 'talos-kubernetes-compat.json'), 'utf8')) as {
      talos: Record<string, { minKubernetes: string; maxKubernetes: string }>;
    };
    for (const [minor, range] of Object.entries(TALOS_KUBERNETES_SUPPORT)) {
      expect(facts.talos[minor], minor).toMatchObject(range);
    }
  });
});
