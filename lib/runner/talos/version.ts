/** The server's Talos version from `talosctl version` (its "Server:" block, `Tag:` line). */
export function serverTag(stdout: string): string | undefined {
  const server = stdout.split(/^Server:\s*$/m)[1] ?? '';
  return /Tag:\s*(v\S+)/.exec(server)?.[1];
}
