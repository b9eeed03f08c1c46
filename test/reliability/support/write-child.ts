/**
 * A separate process that writes an output, for crash and concurrency tests:
 *   node --import tsx write-child.ts <out> <files.json> [pause-point] [in-place] [wait-ms]
 * At the pause point it prints PAUSED and waits forever (the test SIGKILLs it). It prints one
 * JSON line with the outcome otherwise.
 */
import { readFileSync } from 'node:fs';
import { writeOutput, type WriteFaults } from '../../../lib/output/writer.ts';
import { faultyFs } from './faulty-fs.ts';

const [out, filesJson, pause = '', mode = '', waitMs = ''] = process.argv.slice(2);
const files = new Map(Object.entries(JSON.parse(readFileSync(filesJson!, 'utf8')) as Record<string, string>).sort());
const hang = (): Promise<void> => {
  process.stdout.write('PAUSED\n');
  return new Promise(() => setInterval(() => undefined, 1000));
};
const faults: Record<string, () => Promise<void>> = pause ? { [pause]: hang } : {};
// In place: the output "is a mount point" (renaming it fails with EBUSY, as for a container volume).
const fs = mode === 'in-place' ? faultyFs((_i, op, p) => (op === 'rename' && p === out ? 'EBUSY' : undefined)).fs : undefined;
try {
  const report = await writeOutput(out!, files, {
    faults: faults as WriteFaults,
    ...(fs ? { fs } : {}),
    lock: { ...(waitMs ? { waitMs: Number(waitMs) } : {}), onWait: (holder) => process.stdout.write(`WAITING ${holder}\n`) },
  });
  process.stdout.write(`${JSON.stringify({ ok: true, written: report.written.length })}\n`);
} catch (err) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: (err as Error).message, type: (err as Error).constructor.name })}\n`);
  process.exitCode = 1;
}
