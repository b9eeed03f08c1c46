import { createHash } from 'node:crypto';
import type { Schematic } from '../../spec/types.generated.ts';
import { compareVersions } from '../../data/talos-kubernetes.ts';

export interface ResolvedSchematic {
  /** The Image Factory schematic ID: sha256 of the schematic as the factory marshals it. */
  readonly id: string;
  /** The exact bytes the factory hashes (gopkg.in/yaml.v3, indent 4). */
  readonly yaml: string;
}

/** Strings yaml.v3 would not write plain because they read back as another type. */
const NON_STRING = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o?[0-7]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const PLAIN_SAFE = /^[A-Za-z0-9_./=,+@%-][A-Za-z0-9_./=,+:@%-]*$/;

/**
 * A scalar as yaml.v3 writes it. Only the forms schematic values take are supported; anything
 * else throws rather than risk an ID that silently differs from the factory's.
 */
function scalar(value: string): string {
  if (NON_STRING.test(value)) return `"${value}"`;
  if (PLAIN_SAFE.test(value) && !value.endsWith(':')) return value;
  throw new Error(`schematic value ${JSON.stringify(value)} needs YAML quoting orrery does not reproduce`);
}

/**
 * Marshals a schematic exactly as image-factory's pkg/schematic does: struct order overlay
 * (omitempty) then customization (always present), extraKernelArgs, meta, systemExtensions;
 * lists in the given order (order changes the ID), sequences indented under their key.
 */
export function marshalSchematic(s: Schematic | undefined): string {
  const lines: string[] = [];
  if (s?.overlay) lines.push('overlay:', `    image: ${scalar(s.overlay.image)}`, `    name: ${scalar(s.overlay.name)}`);
  const args = s?.extraKernelArgs ?? [];
  const exts = s?.extensions ?? [];
  if (args.length === 0 && exts.length === 0) {
    lines.push('customization: {}');
  } else {
    lines.push('customization:');
    if (args.length > 0) lines.push('    extraKernelArgs:', ...args.map((a) => `        - ${scalar(a)}`));
    if (exts.length > 0) lines.push('    systemExtensions:', '        officialExtensions:', ...exts.map((e) => `            - ${scalar(e)}`));
  }
  return `${lines.join('\n')}\n`;
}

/** Schematic IDs by their bytes: a fleet has few distinct schematics and hashes each once, not per node. Bounded. */
const ids = new Map<string, string>();

export function resolveSchematic(s: Schematic | undefined): ResolvedSchematic {
  const yaml = marshalSchematic(s);
  let id = ids.get(yaml);
  if (id === undefined) {
    id = createHash('sha256').update(yaml).digest('hex');
    if (ids.size >= 10_000) ids.clear();
    ids.set(yaml, id);
  }
  return { id, yaml };
}

export const IMAGE_FACTORY = 'factory.talos.dev';
/** The factory's PXE frontend (image-factory README, "PXE Frontend API"). */
export const IMAGE_FACTORY_PXE = 'pxe.talos.dev';

/**
 * The installer image for a schematic. Talos 1.14 defaults to the platform-specific
 * `metal-installer` path; the docs of 1.12/1.13 use the `installer` path (both are served).
 */
export function installerImage(schematicId: string, talosVersion: string): string {
  const path = compareVersions(talosVersion, 'v1.14.0') >= 0 ? 'metal-installer' : 'installer';
  return `${IMAGE_FACTORY}/${path}/${schematicId}:${talosVersion}`;
}

/** What a machine boots from first: the Image Factory's ISO, raw disk image and PXE script for a schematic. */
export interface BootMedia {
  readonly arch: 'amd64' | 'arm64';
  readonly iso: string;
  readonly diskImage: string;
  readonly pxe: string;
}

/**
 * The Image Factory's boot media of a schematic for a Talos version (siderolabs/image-factory
 * README, "GET /image/:schematic/:version/:path": `metal-<arch>.iso`, the metal disk image, and
 * "GET /pxe/:schematic/:version/:path"). Disk images are zstd-compressed (`.raw.zst`, as the
 * factory serves them for the Talos releases orrery supports). A schematic with an overlay is for
 * a single-board computer (arm64, booted from the disk image); others get amd64 and arm64.
 */
export function bootMedia(schematicId: string, talosVersion: string, overlay: boolean): BootMedia[] {
  const arches: BootMedia['arch'][] = overlay ? ['arm64'] : ['amd64', 'arm64'];
  const base = `https://${IMAGE_FACTORY}/image/${schematicId}/${talosVersion}`;
  return arches.map((arch) => ({
    arch,
    iso: `${base}/metal-${arch}.iso`,
    diskImage: `${base}/metal-${arch}.raw.zst`,
    pxe: `https://${IMAGE_FACTORY_PXE}/pxe/${schematicId}/${talosVersion}/metal-${arch}`,
  }));
}
