import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Artifacts, KubeBundle, KubeObject } from '../build/artifacts.ts';
import { toYaml, yamlHeader } from './yaml.ts';
import { compareCodePoints } from '../util/order.ts';

/** Rendered output: relative path → bytes (as text). Sorted by path. */
export type OutputFiles = ReadonlyMap<string, string>;

/** Cluster-scoped kinds first so that a kustomize build lists what others depend on first. */
const KIND_ORDER = ['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'ServiceAccount', 'Secret', 'ConfigMap'];

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

/** `<kind>-<namespace>-<name>.yaml` (no namespace part for cluster-scoped objects). */
export function objectFileName(o: KubeObject): string {
  const parts = [o.kind, o.metadata.namespace, o.metadata.name].filter((p): p is string => typeof p === 'string' && p !== '');
  return `${parts.join('-').toLowerCase().replace(/[^a-z0-9.-]/g, '-')}.yaml`;
}

/** Orders top-level keys the way people write manifests; nested order is the builder's. */
function orderTopLevel(o: KubeObject): Record<string, unknown> {
  const { apiVersion, kind, metadata, ...rest } = o;
  return { apiVersion, kind, metadata, ...rest };
}

export interface RenderResult {
  readonly files: OutputFiles;
  readonly diagnostics: Diagnostic[];
}

function internal(path: string, rule: string, message: string): Diagnostic {
  return { severity: 'error', file: path, line: 1, col: 1, pointer: '', rule, message };
}

/** Turns artifacts into file contents. Pure. Identity or path clashes are reported, not overwritten. */
export function renderArtifacts(artifacts: Artifacts): RenderResult {
  const renderer = createRenderer();
  renderer.add(artifacts);
  return renderer.finish();
}

/**
 * Renders artifacts as they are built, a part at a time (synth renders each cluster's right
 * after building it, so that no cluster's objects outlive its turn: peak memory), into one set
 * of files; `finish` sorts them. Clashes across parts are reported as `renderArtifacts` does.
 */
export interface Renderer {
  add(artifacts: Pick<Artifacts, 'bundles' | 'files'>): void;
  finish(): RenderResult;
}

export function createRenderer(): Renderer {
  const files = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const put = (path: string, content: string): void => {
    if (files.has(path)) diagnostics.push(internal(path, 'output/path-clash', 'two generators write this file'));
    else files.set(path, content);
  };
  const addBundle = (bundle: KubeBundle): void => {
    const identities = new Set<string>();
    // Each object's file name and rank once, not at every comparison of the sort.
    const objects = bundle.objects
      .map((o) => ({ o, name: objectFileName(o), rank: kindRank(o.kind) }))
      .sort((a, b) => a.rank - b.rank || compareCodePoints(a.name, b.name));
    const names: string[] = [...(bundle.include ?? [])];
    const header = yamlHeader(bundle.source);
    for (const { o, name } of objects) {
      const slash = o.apiVersion.indexOf('/');
      const id = `${slash >= 0 ? o.apiVersion.slice(0, slash) : ''}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      if (identities.has(id)) diagnostics.push(internal(`${bundle.dir}/${name}`, 'output/duplicate-object', `two objects are ${id}`));
      identities.add(id);
      names.push(name);
      put(`${bundle.dir}/${name}`, header + toYaml(orderTopLevel(o)));
    }
    const byName = (a: { name: string }, b: { name: string }): number => compareCodePoints(a.name, b.name);
    for (const f of [...(bundle.files ?? [])].sort(byName)) {
      names.push(f.name);
      put(`${bundle.dir}/${f.name}`, f.content);
    }
    const generators = [...(bundle.generators ?? [])].sort(byName);
    for (const f of [...generators, ...(bundle.generatorInputs ?? [])]) put(`${bundle.dir}/${f.name}`, f.content);
    const kustomization = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      ...(names.length > 0 || generators.length === 0 ? { resources: names } : {}),
      ...(generators.length > 0 ? { generators: generators.map((g) => g.name) } : {}),
    };
    put(`${bundle.dir}/kustomization.yaml`, header + toYaml(kustomization));
  };
  return {
    add(artifacts): void {
      for (const bundle of artifacts.bundles) addBundle(bundle);
      for (const f of artifacts.files) put(f.path, f.content.endsWith('\n') ? f.content : `${f.content}\n`);
    },
    finish(): RenderResult {
      const sorted = new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      return { files: sorted, diagnostics };
    },
  };
}
