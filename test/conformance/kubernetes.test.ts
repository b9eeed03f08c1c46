import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compileSpecDir } from '../../lib/pipeline.ts';
import { exampleSpecs, HAS_SHARED, maximalSpecs, REPO } from '../helpers.ts';
import { kubeSchemas } from './kube-schema.ts';

const HAS_KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!HAS_SHARED)('conformance: emitted Kubernetes objects', () => {
  const schemas = HAS_SHARED ? kubeSchemas() : undefined;
  const validate = (o: { apiVersion: string; kind: string }): string[] => schemas?.validate(o) ?? [];
  it('the validator rejects an invalid object (negative control)', () => {
    expect(validate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 5, labels: 'x' } } as never).length).toBeGreaterThan(0);
    expect(validate({ apiVersion: 'example.com/v1', kind: 'Nothing' })).toEqual(['no upstream schema for example.com/v1 Nothing']);
  });
  it('a CRD schema with anyOf/oneOf branches: the branches constrain, only the structural schema closes the object', () => {
    // CiliumNetworkPolicy spec: oneOf endpointSelector|nodeSelector, anyOf ingress|ingressDeny|egress|egressDeny.
    const policy = (spec: Record<string, unknown>): { apiVersion: string; kind: string } => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'p', namespace: 'apps' }, spec } as never);
    expect(validate(policy({ endpointSelector: {}, egress: [{ toFQDNs: [{ matchName: 'api.example.com' }] }] }))).toEqual([]);
    // Negative controls: a misspelt field (the API server would prune it) and a missing branch.
    expect(validate(policy({ endpointSelector: {}, egress: [{}], egres: [] })).length).toBeGreaterThan(0);
    expect(validate(policy({ endpointSelector: {} })).length).toBeGreaterThan(0);
  });
  // The examples, and the maximal specs of the schema walk (every key set at once).
  it.each([...exampleSpecs().map((e) => ({ ...e, cwd: REPO })), ...maximalSpecs()])('$name: every object validates against the upstream Kubernetes 1.36 / CRD schemas', async ({ spec, cwd }) => {
    const result = await compileSpecDir(spec, { cwd });
    let objects = 0;
    // What a GitOps engine reads: the resources of each kustomization.yaml, and the files a KSOPS
    // generator decrypts into Secrets (the generator config itself is no Kubernetes object).
    const engineFiles = new Set<string>();
    for (const [file, content] of result.files!) {
      if (!file.endsWith('/kustomization.yaml')) continue;
      const dir = file.slice(0, file.lastIndexOf('/'));
      const k = parseAllDocuments(content)[0]!.toJS() as { resources?: string[]; generators?: string[] };
      for (const r of k.resources ?? []) if (r.endsWith('.yaml')) engineFiles.add(`${dir}/${r}`);
      for (const g of k.generators ?? []) {
        const gen = parseAllDocuments(result.files!.get(`${dir}/${g}`)!)[0]!.toJS() as { kind: string; files: string[] };
        expect(gen.kind, `${dir}/${g}`).toBe('ksops');
        for (const f of gen.files) engineFiles.add(path.posix.join(dir, f));
      }
    }
    for (const [file, content] of result.files!) {
      if (!engineFiles.has(file)) continue;
      for (const doc of parseAllDocuments(content) as ReturnType<typeof parseAllDocuments> & unknown[]) {
        const o = doc.toJS() as { apiVersion: string; kind: string };
        // ../shared/schemas has no notification-controller CRDs: the Flux alert objects are checked
        // structurally against its documented fields (test/gitops/consumers-engines.test.ts).
        if (o.apiVersion.startsWith('notification.toolkit.fluxcd.io/')) continue;
        objects++;
        expect(validate(o), file).toEqual([]);
        // The CRDs' CEL rules too (ajv does not evaluate x-kubernetes-validations).
        expect(schemas?.cel(o) ?? [], file).toEqual([]);
      }
    }
    expect(objects).toBeGreaterThan(0);
  });
});
if (!HAS_SHARED) console.warn('conformance tests SKIPPED: ../shared is absent');

describe.skipIf(!HAS_KUBECTL)('conformance: kubectl kustomize', () => {
  it.each(exampleSpecs())('$name: every directory with a kustomization.yaml builds', ({ dist }) => {
    const dirs = execFileSync('find', [dist, '-name', 'kustomization.yaml'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    expect(dirs.length).toBeGreaterThan(0);
    for (const k of dirs) {
      const r = spawnSync('kubectl', ['kustomize', path.dirname(k)], { encoding: 'utf8' });
      if (/^generators:/m.test(readFileSync(k, 'utf8'))) {
        // A KSOPS directory (Argo CD): kustomize reads the generator entry as the external plugin
        // `ksops`, which only a kustomize run with --enable-alpha-plugins --enable-exec executes
        // (Argo CD's kustomize.buildOptions, lib/gitops/argocd-config.ts). kubectl's embedded
        // kustomize has no --enable-exec, so this is as far as it can go here.
        expect(r.stderr, k).toContain("unable to load external plugin 'ksops'");
        continue;
      }
      expect(r.stderr, k).toBe('');
      expect(r.status, k).toBe(0);
      expect(r.stdout).toMatch(/^apiVersion: /m);
    }
  });
});
if (!HAS_KUBECTL) console.warn('kubectl kustomize tests SKIPPED: kubectl is not installed');
