import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * What the runner did, per cluster, in `<state dir>/<cluster>.json` — no secrets, only step ids
 * and facts live state cannot tell again (which disks were wiped: after Ceph owns a disk it is
 * never blank again). Every step still re-checks live state; the journal explains and guards.
 */
export interface JournalData {
  readonly version: 1;
  readonly cluster: string;
  steps: Record<string, { at: string }>;
  wiped: Record<string, { disks: string[]; at: string }>;
  /** Nodes whose applied config takes full effect only after a reboot, with the settings why. */
  reboots: Record<string, { reasons: string[]; at: string }>;
}

export class Journal {
  private readonly cache = new Map<string, JournalData>();

  constructor(
    readonly dir: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  file(cluster: string): string {
    return path.join(this.dir, `${cluster}.json`);
  }

  async load(cluster: string): Promise<JournalData> {
    const cached = this.cache.get(cluster);
    if (cached) return cached;
    let data: JournalData = { version: 1, cluster, steps: {}, wiped: {}, reboots: {} };
    try {
      const parsed = JSON.parse(await readFile(this.file(cluster), 'utf8')) as Partial<JournalData>;
      if (parsed.version === 1) data = { version: 1, cluster, steps: parsed.steps ?? {}, wiped: parsed.wiped ?? {}, reboots: parsed.reboots ?? {} };
    } catch {
      // No journal yet (or an unreadable one): live state decides.
    }
    this.cache.set(cluster, data);
    return data;
  }

  async recordStep(cluster: string, step: string): Promise<void> {
    const data = await this.load(cluster);
    data.steps[step] = { at: this.now().toISOString() };
    await this.save(data);
  }

  async recordWipe(cluster: string, node: string, disks: readonly string[]): Promise<void> {
    const data = await this.load(cluster);
    data.wiped[node] = { disks: [...disks], at: this.now().toISOString() };
    await this.save(data);
  }

  async recordReboot(cluster: string, node: string, reasons: readonly string[]): Promise<void> {
    const data = await this.load(cluster);
    const earlier = data.reboots[node]?.reasons ?? [];
    data.reboots[node] = { reasons: [...new Set([...earlier, ...reasons])], at: this.now().toISOString() };
    await this.save(data);
  }

  async clearReboot(cluster: string, node: string): Promise<void> {
    const data = await this.load(cluster);
    delete data.reboots[node];
    await this.save(data);
  }

  async forgetNode(cluster: string, node: string): Promise<void> {
    const data = await this.load(cluster);
    delete data.wiped[node];
    delete data.reboots[node];
    for (const id of Object.keys(data.steps)) if (id.endsWith(`/${node}`)) delete data.steps[id];
    await this.save(data);
  }

  private async save(data: JournalData): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.file(data.cluster);
    const tmpFile = `${file}.tmp-${process.pid}`;
    await writeFile(tmpFile, `${JSON.stringify(data, null, 2)}\n`);
    await rename(tmpFile, file);
  }
}
