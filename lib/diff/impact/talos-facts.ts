import { parseAllDocuments } from 'yaml';

/** What one side of the output says about a talosctl cluster's machines. */
export interface TalosFacts {
  /** Talos release the patches are for (`v1.13.9`), from talos/README.md. */
  readonly version?: string;
  readonly contract?: string;
  readonly kubernetes?: string;
  /** Node → role (`controlplane`, `worker`; `unknown` when the README does not say). */
  readonly roles: ReadonlyMap<string, string>;
  /** Node → installer image (`factory.talos.dev/installer/<schematic>:v1.13.9`): the last its patches set. */
  readonly images: ReadonlyMap<string, string>;
  /** Node → the operator's patch files it gets after its node file (relative to talos/), in order. */
  readonly patchFiles: ReadonlyMap<string, readonly string[]>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The talos/README.md orrery writes (lib/components/talos/templates/README.md.hbs) names the
 * Talos release, the contract, Kubernetes, and each node file with the node's role: the only
 * place in the output that says which nodes `controlplane.yaml` applies to.
 */
const HEADER = /Config patches for Talos \*\*(v[^*\s]+)\*\* \(config contract ([0-9.]+)\), Kubernetes \*\*([^*\s]+)\*\*/;
const NODE_ROW = /^\| `nodes\/([^`/]+)\.yaml` \| [^|]*\((controlplane|worker)\) \|$/gm;
/** A node file lists the operator's patches that follow it (lib/components/talos/talos.ts): `#   patches/x.yaml from …`. */
const PATCH_LINE = /^# {3}(\S+\.yaml) from /gm;

function installImage(text: string): string | undefined {
  try {
    for (const d of parseAllDocuments(text)) {
      if (!('toJS' in d)) continue;
      const v = d.toJS({ maxAliasCount: 100 }) as unknown;
      if (!isObject(v)) continue;
      // 1.12/1.13: machine.install.image (v1alpha1); 1.14: UnattendedInstallConfig.installer.image.
      const machine = isObject(v.machine) ? v.machine : undefined;
      if (machine && isObject(machine.install) && typeof machine.install.image === 'string') return machine.install.image;
      if (v.kind === 'UnattendedInstallConfig' && isObject(v.installer) && typeof v.installer.image === 'string') return v.installer.image;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** The facts for `<cluster>/talos/` in one tree, or undefined when it has none. */
export function talosFacts(files: ReadonlyMap<string, string>, cluster: string): TalosFacts | undefined {
  const dir = `${cluster}/talos/`;
  const readme = files.get(`${dir}README.md`);
  const roles = new Map<string, string>();
  const images = new Map<string, string>();
  const header = readme ? HEADER.exec(readme) : null;
  if (readme) for (const m of readme.matchAll(NODE_ROW)) roles.set(m[1]!, m[2]!);
  const patchFiles = new Map<string, string[]>();
  for (const [p, text] of files) {
    const m = p.startsWith(`${dir}nodes/`) ? /^nodes\/([^/]+)\.yaml$/.exec(p.slice(dir.length)) : null;
    if (!m || m[1]!.endsWith('.schematic')) continue;
    if (!roles.has(m[1]!)) roles.set(m[1]!, 'unknown');
    const extra = [...text.matchAll(PATCH_LINE)].map((x) => x[1]!);
    if (extra.length > 0) patchFiles.set(m[1]!, extra);
    const image = [text, ...extra.map((f) => files.get(`${dir}${f}`) ?? '')].reduce<string | undefined>((last, t) => installImage(t) ?? last, undefined);
    if (image) images.set(m[1]!, image);
  }
  if (!readme && roles.size === 0) return undefined;
  return { ...(header ? { version: header[1]!, contract: header[2]!, kubernetes: header[3]! } : {}), roles, images, patchFiles };
}

/** `…installer/<id>:v1.13.9` → `v1.13.9`. */
export function imageTag(image: string | undefined): string | undefined {
  const m = image ? /:(v?\d+\.\d+\.\d+[^/:@]*)$/.exec(image) : null;
  return m ? m[1] : undefined;
}
