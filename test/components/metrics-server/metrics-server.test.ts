import { afterAll, describe, expect, it } from 'vitest';
import { talosIntent } from '../../../lib/components/talos/intent.ts';
import { compileSpecDir } from '../../../lib/pipeline.ts';
import { exampleSpecs, REPO } from '../../helpers.ts';
import { compileVariant, removeVariants, type Compiled } from '../variant.ts';

afterAll(removeVariants);

/** The three halves that only work together: kubelet serving-cert rotation, the CSR approver, metrics-server. */
function halves(out: Pick<Compiled, 'result'>, cluster: string): { rotation: boolean; approver: boolean; metricsServer: boolean } {
  const files = [...out.result.files!.keys()].filter((f) => f.startsWith(`${cluster}/`));
  const text = (f: string): string => out.result.files!.get(f)!;
  const model = out.result.model!.clusters.find((c) => c.name === cluster)!;
  return {
    // The Talos intent both destinations render (talosctl patches here; Cluster API patches later).
    rotation: talosIntent(model).cluster.kubeletServingCertRotation,
    approver: files.some((f) => /\/(flux\/orrery|argocd\/apps)\//.test(f) && text(f).includes('https://github.com/alex1989hu/kubelet-serving-cert-approver')),
    metricsServer: files.some((f) => /(helmrelease|application)-[a-z-]*metrics-server\.yaml$/.test(f)),
  };
}

describe('metrics-server never comes without the CSR approver and kubelet serving-cert rotation (issue 11 item 14)', () => {
  it.each(exampleSpecs())('$name: every cluster has all three or none', async ({ spec }) => {
    const result = await compileSpecDir(spec, { cwd: REPO });
    for (const c of result.model!.clusters) {
      const h = halves({ result }, c.name);
      expect(new Set([h.rotation, h.approver, h.metricsServer]).size, `${c.name}: ${JSON.stringify(h)}`).toBe(1);
      // Rendered Talos patches carry the kubelet flag exactly then.
      const talos = result.files!.get(`${c.name}/talos/cluster.yaml`);
      if (talos) expect(talos.includes('rotate-server-certificates: "true"')).toBe(h.rotation);
    }
  });

  it('the examples exercise both states (negative control)', async () => {
    const on = halves({ result: await compileSpecDir(`${REPO}/examples/aggrik8s-mesh/clusters`, { cwd: REPO }) }, 'talos-east');
    expect(on).toEqual({ rotation: true, approver: true, metricsServer: true });
    const off = await compileVariant('aggrik8s-mesh', (d) => {
      d['talos-east.yaml']!.components.metricsServer.enabled = false;
    });
    expect(halves(off, 'talos-east')).toEqual({ rotation: false, approver: false, metricsServer: false });
  });

  it('the approver is the upstream standalone kustomization at the pinned tag, its bases kept in the Flux artifact', async () => {
    const out = await compileVariant('aggrik8s-mesh', (d) => {
      d['constellation.yaml']!.gitops.engine = 'flux';
    });
    const [repo] = out.file('talos-east/flux/orrery/gitrepository-flux-system-talos-east-kubelet-serving-cert-approver.yaml');
    expect(repo!.spec).toMatchObject({ ref: { tag: 'v0.11.0' }, ignore: '/*\n!/deploy/\n' });
    const [ks] = out.file('talos-east/flux/orrery/kustomization-flux-system-talos-east-kubelet-serving-cert-approver.yaml');
    expect(ks!.spec).toMatchObject({ path: './deploy/standalone', prune: true, wait: true });
    const [release] = out.file('talos-east/infrastructure/controllers/helmrelease-kube-system-metrics-server.yaml');
    // Chart defaults: metrics-server verifies the kubelets' certificates (no --kubelet-insecure-tls), and makes its own
    // API certificate at start (tls.type metrics-server), so no render-time randomness.
    expect(release!.spec.values).toEqual({});
    expect(release!.spec.chart.spec).toMatchObject({ chart: 'metrics-server', version: '3.13.1' });
  });
});
