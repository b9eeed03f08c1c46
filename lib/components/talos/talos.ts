import { readFileSync } from 'node:fs';
import type { ClusterComponent } from '../../build/component.ts';
import type { FileArtifact } from '../../build/artifacts.ts';
import type { ClusterModel } from '../../model/model.ts';
import { toYaml, yamlHeader } from '../../output/yaml.ts';
import { renderContract, type TalosDocument } from './contracts.ts';
import { talosIntent } from './intent.ts';
import { bootMedia, resolveSchematic } from './schematic.ts';
import { talosconfigSkeleton } from './talosconfig.ts';
import { nodePatchFiles, patchScope } from '../../model/facts/talos-patches.ts';
import { patchComment, patchDocuments, patchOrigin } from './patch-files.ts';
import { patchOverrides } from './patch-overrides.ts';
import { lazyTemplate } from '../../util/lazy-template.ts';

const readme = lazyTemplate(() => readFileSync(new URL('./templates/README.md.hbs', import.meta.url), 'utf8'), { compile: { noEscape: true } });

/** A multi-document YAML file in the form `talosctl --config-patch @file` accepts. */
export function multiDocument(source: string, docs: readonly TalosDocument[], comment = ''): string {
  return yamlHeader(source) + comment + docs.map(toYaml).join('---\n');
}

/** Emits `<cluster>/talos/` for clusters whose machines receive their config with talosctl. */
export const talosComponent: ClusterComponent = {
  name: 'talos',
  build({ cluster }) {
    if (cluster.provisioning.method !== 'talosctl' || cluster.nodes.length === 0) return { bundles: [], files: [] };
    // The intent and the schematics once per cluster: the files and the notices both read them.
    const intent = talosIntent(cluster);
    const schematics = clusterSchematics(cluster, intent);
    return { bundles: [], files: talosFiles(cluster, { intent, schematics }), notices: bootMediaNotices(cluster, schematics) };
  },
  // The operator's patches against orrery's documents, for talosctl nodes and Cluster API pools alike.
  review: patchOverrides,
};

interface ClusterSchematic {
  readonly file: string;
  readonly id: string;
  readonly scope: string;
  readonly yaml: string;
  readonly media: ReturnType<typeof bootMedia>;
}

/** What the files of a cluster's talos/ derive from its model. */
interface TalosDerived {
  readonly intent: ReturnType<typeof talosIntent>;
  readonly schematics: readonly ClusterSchematic[];
}

/** The cluster's schematic, and each node's that differs, with their boot media. */
function clusterSchematics(cluster: ClusterModel, intent: ReturnType<typeof talosIntent>): ClusterSchematic[] {
  const withMedia = (file: string, id: string, scope: string, yaml: string, overlay: boolean) => ({ file, id, scope, yaml, media: bootMedia(id, cluster.talos.version, overlay) });
  const own = resolveSchematic(cluster.talos.schematic);
  const out = [withMedia('schematic.yaml', own.id, 'the cluster', own.yaml, cluster.talos.schematic?.overlay !== undefined)];
  for (const n of intent.nodes) {
    const node = cluster.nodes.find((m) => m.name === n.name);
    if (n.schematic.id !== own.id) out.push(withMedia(`nodes/${n.name}.schematic.yaml`, n.schematic.id, n.name, n.schematic.yaml, node?.schematic?.overlay !== undefined));
  }
  return out;
}

/**
 * One line per schematic and Talos version: the amd64 ISO and disk image (or the arm64 disk image
 * of a board overlay), what a bare-metal user downloads first. Identical lines of several clusters
 * are printed once; every link (arm64, PXE) is in the cluster's talos/README.md.
 */
function bootMediaNotices(cluster: ClusterModel, schematics: readonly ClusterSchematic[]): string[] {
  return schematics.map((s) => {
    const m = s.media[0]!;
    return `boot media (Talos ${cluster.talos.version}, schematic ${s.id.slice(0, 12)}…): ${m.arch === 'amd64' ? `ISO ${m.iso}  disk image ${m.diskImage}` : `${m.arch} disk image ${m.diskImage}`}`;
  });
}

export function talosFiles(cluster: ClusterModel, derived?: TalosDerived): FileArtifact[] {
  const intent = derived?.intent ?? talosIntent(cluster);
  const layers = renderContract(intent, cluster.talos.contract);
  const dir = `${cluster.name}/talos`;
  const source = cluster.source;
  const files: FileArtifact[] = [
    { path: `${dir}/cluster.yaml`, source, content: multiDocument(source, layers.cluster) },
    { path: `${dir}/controlplane.yaml`, source, content: multiDocument(source, layers.controlplane) },
  ];
  for (const [node, docs] of layers.nodes) {
    // A node file says which of the operator's patches follow it (orrery up applies them in this order).
    const applied = nodePatchFiles(cluster, node);
    const then = applied.length > 0 ? `# Then your Talos patches, merged in this order (the last one wins):\n${applied.map((a) => `#   ${a.file} from ${patchOrigin(a.patch)}\n`).join('')}` : '';
    files.push({ path: `${dir}/nodes/${node}.yaml`, source, content: multiDocument(source, docs, then) });
  }
  for (const patch of cluster.talos.patches) {
    files.push({ path: `${dir}/patches/${patch.name}.yaml`, source, content: yamlHeader(source) + patchComment(patch, patchScope(patch)) + patchDocuments(patch) });
  }
  for (const node of cluster.nodes) {
    for (const patch of node.patches) {
      files.push({ path: `${dir}/nodes/${node.name}/${patch.name}.yaml`, source, content: yamlHeader(source) + patchComment(patch, node.name) + patchDocuments(patch) });
    }
  }
  files.push({ path: `${dir}/talosconfig`, source, content: yamlHeader(source) + toYaml(talosconfigSkeleton(cluster)) });

  // Schematic files hold exactly the bytes the Image Factory hashes (no header), so that
  // `sha256sum` of the file is the schematic ID: the cluster's, and each node's that differs.
  const schematics = derived?.schematics ?? clusterSchematics(cluster, intent);
  for (const s of schematics) files.push({ path: `${dir}/${s.file}`, source, content: s.yaml });

  const controlPlanes = cluster.nodes.filter((n) => n.role === 'controlplane');
  files.push({
    path: `${dir}/README.md`,
    source,
    content:
      `<!-- Generated by orrery from ${source}. Do not edit: change the spec and run npx orrery synth. -->\n` +
      readme({
        name: cluster.name,
        version: cluster.talos.version,
        contract: cluster.talos.contract,
        kubernetes: cluster.kubernetes.version,
        nodes: intent.nodes.map((n) => {
          const model = cluster.nodes.find((m) => m.name === n.name)!;
          return { name: n.name, role: n.role, bootAddress: model.maintenanceAddress ?? model.primaryAddress ?? '<address>' };
        }),
        patches: [
          ...cluster.talos.patches.map((p) => ({ file: `patches/${p.name}.yaml`, name: p.name, origin: patchOrigin(p), scope: patchScope(p) })),
          ...cluster.nodes.flatMap((n) => n.patches.map((p) => ({ file: `nodes/${n.name}/${p.name}.yaml`, name: p.name, origin: patchOrigin(p), scope: n.name }))),
        ],
        firstControlPlane: controlPlanes[0]?.name ?? '<control plane>',
        schematics,
      }),
  });
  return files;
}
