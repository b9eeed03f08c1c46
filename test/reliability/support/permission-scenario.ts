/**
 * Runs as an unprivileged user (see unprivileged.ts): node --import tsx permission-scenario.ts <scenario> <dir>
 * Prints one JSON line with what happened.
 */
import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { OutputError, writeOutput } from '../../../lib/output/writer.ts';
import { snapshot } from './tree.ts';

const [scenario, dir] = process.argv.slice(2) as [string, string];
const v1 = new Map([['README.md', 'v1\n'], ['lab/a.yaml', 'a\n']]);
const v2 = new Map([['README.md', 'v2\n'], ['lab/a.yaml', 'A\n'], ['lab/b.yaml', 'b\n']]);

async function attempt(out: string, files: Map<string, string>): Promise<{ ok: boolean; error?: string; type?: string; warnings?: readonly string[] }> {
  try {
    const r = await writeOutput(out, files, { lock: { waitMs: 0 } });
    return { ok: true, warnings: r.warnings };
  } catch (err) {
    return { ok: false, error: (err as Error).message, type: err instanceof OutputError ? 'OutputError' : (err as Error).constructor.name };
  }
}

const result: Record<string, unknown> = {};
const mode = (p: string): string => (statSync(p).mode & 0o7777).toString(8);
if (scenario === 'unwritable-parent') {
  const parent = path.join(dir, 'ro');
  mkdirSync(parent);
  mkdirSync(path.join(parent, 'existing'));
  chmodSync(parent, 0o555);
  // No output yet: it cannot be created.
  result.fresh = await attempt(path.join(parent, 'dist'), v1);
  result.freshLeft = readdirSync(parent);
  // An existing, writable output in a read-only parent: updated in place (lock inside it).
  result.existing = await attempt(path.join(parent, 'existing'), v1);
  result.existingAgain = await attempt(path.join(parent, 'existing'), v2);
  result.tree = await snapshot(path.join(parent, 'existing'));
  result.parentLeft = readdirSync(parent);
  chmodSync(parent, 0o755);
} else if (scenario === 'read-only-inside') {
  const out = path.join(dir, 'dist');
  result.first = await attempt(out, v1);
  chmodSync(path.join(out, 'lab'), 0o555);
  mkdirSync(path.join(out, 'sealed'));
  chmodSync(path.join(out, 'sealed'), 0o500);
  result.second = await attempt(out, v2);
  result.third = await attempt(out, new Map([...v2, ['README.md', 'v3\n']]));
  result.modes = { lab: mode(path.join(out, 'lab')), sealed: mode(path.join(out, 'sealed')) };
  result.beside = readdirSync(dir);
  chmodSync(path.join(out, 'lab'), 0o755);
  result.tree = await snapshot(out);
}
if (scenario === 'unreadable-inputs') {
  // Unreadable spec and secret files: exit-1 errors naming the file, not an internal error.
  const { materializeFixture } = await import('../../helpers.ts');
  const { main } = await import('../../../lib/cli/main.ts');
  const fixture = await materializeFixture('accept/mesh-unpinned-id');
  const run = async (): Promise<{ code: number; text: string }> => {
    let text = '';
    const code = await main(['synth', '--spec', path.join(fixture, 'clusters'), '--out', path.join(fixture, 'dist')], { out: (t) => (text += t), err: (t) => (text += t) });
    return { code, text: text.replaceAll(fixture, 'FIXTURE') };
  };
  chmodSync(path.join(fixture, 'secrets', 'lab', 'cilium-ca.yaml'), 0o000);
  result.secret = await run();
  chmodSync(path.join(fixture, 'secrets', 'lab', 'cilium-ca.yaml'), 0o600);
  chmodSync(path.join(fixture, 'clusters', 'edge.yaml'), 0o000);
  result.spec = await run();
  chmodSync(path.join(fixture, 'clusters', 'edge.yaml'), 0o644);
  chmodSync(path.join(fixture, 'clusters'), 0o300);
  result.specDir = await run();
  chmodSync(path.join(fixture, 'clusters'), 0o755);
  result.written = readdirSync(fixture).includes('dist');
}
process.stdout.write(`${JSON.stringify(result)}\n`);
