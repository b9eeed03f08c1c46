import { parseAllDocuments } from 'yaml';

/**
 * The installer image a node patch sets: `machine.install.image` (contracts 1.12, 1.13) or the
 * `UnattendedInstallConfig` document's `installer.image` (1.14). The runner reads it from the
 * compiled patch, so an upgrade installs exactly the image the config carries.
 */
export function installImageOf(patch: string): string | undefined {
  for (const doc of parseAllDocuments(patch)) {
    const data = doc.toJSON() as Record<string, unknown> | null;
    if (!data) continue;
    const v1 = (data.machine as { install?: { image?: string } } | undefined)?.install?.image;
    if (v1) return v1;
    if (data.kind === 'UnattendedInstallConfig') {
      const image = (data.installer as { image?: string } | undefined)?.image;
      if (image) return image;
    }
  }
  return undefined;
}

/** `factory.talos.dev/installer/<schematic>:<version>` → its schematic ID and version. */
export function factoryImage(image: string): { schematic?: string; version: string } | undefined {
  const m = /^[^/]+\/(?:metal-)?installer\/([0-9a-f]{64}):(v[0-9][^@]*)$/.exec(image);
  if (m) return { schematic: m[1]!, version: m[2]! };
  const plain = /:(v[0-9][^@:/]*)$/.exec(image);
  return plain ? { version: plain[1]! } : undefined;
}
