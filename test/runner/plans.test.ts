import { afterAll, describe, expect, it } from 'vitest';
import { mutating, workspace, type Workspace } from './harness.ts';

const spaces: Workspace[] = [];
afterAll(async () => Promise.all(spaces.map((w) => w.dispose())));

/**
 * Every example's plan against freshly booted (fake) machines, and its full --dry-run, which is
 * the raw command list the generated READMEs point at. The dry runs are file snapshots: review
 * their diff like dist/'s.
 */
const EXPECTED: Record<string, { code: number; lines: string[] }> = {
  'vtalos-lab': { code: 2, lines: ['vtalos (talosctl, Talos v1.13.9, Flux): 0 done, 18 pending, 0 blocked'] },
  'deepthought-homelab': { code: 2, lines: ['deepthought (talosctl, Talos v1.13.9, Argo CD): 0 done, 23 pending, 0 blocked', 'pending  wipe the data disks of talos-work2-marvin', 'pending  install KSOPS into argocd-repo-server'] },
  'aggrik8s-mesh': { code: 2, lines: ['talos-east (talosctl, Talos v1.13.9, Argo CD): 0 done, 27 pending, 0 blocked', 'talos-west (talosctl, Talos v1.13.9, Argo CD): 0 done, 27 pending, 0 blocked', 'pending  apply the Secret kube-system/cilium-ca'] },
  'arges-metal': { code: 2, lines: ['arges-mgmt (talosctl, Talos v1.13.9, Flux): 0 done, 13 pending, 0 blocked', 'pending  install the Cluster API providers on arges-mgmt', 'example-0 (Cluster API sidero, managed by arges-mgmt, Flux): 0 done, 7 pending, 0 blocked'] },
  'equinix-constellation': { code: 1, lines: ['blocked  bring up jupiter — jupiter: provider packet has no maintained Cluster API provider to install'] },
  clusters: {
    code: 2,
    lines: [
      'pending  create the temporary bootstrap cluster jupiter-bootstrap (kind) — no kind cluster jupiter-bootstrap',
      'pending  apply the Cluster API objects of jupiter to jupiter-bootstrap — after the steps before it',
      'pending  wait for the control plane of ganymede — after the steps before it (no kubeconfig context jupiter-admin@jupiter',
    ],
  },
};

describe('every example: plan and dry run', () => {
  for (const [example, want] of Object.entries(EXPECTED)) {
    it(`${example}`, async () => {
      const w = await workspace(example);
      spaces.push(w);
      const plan = await w.run(['plan']);
      expect(plan.code, plan.out + plan.err).toBe(want.code);
      for (const line of want.lines) expect(plan.out).toContain(line);
      expect(mutating(w.log())).toEqual([]);
      expect(w.leftovers()).toEqual([]);
      const dry = await w.run(['up', '--dry-run']);
      expect(dry.code).toBe(0);
      await expect(dry.out).toMatchFileSnapshot(`__snapshots__/${example}.dry-run.txt`);
    }, 120_000);
  }
});
