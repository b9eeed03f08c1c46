/**
 * Writes a set of secret files in a separate process, for the crash test of an all-or-nothing
 * rotation: node --import tsx secrets-child.ts <secrets-dir> <files.json> <pause-point>
 * At the pause point (afterStaging, or afterRename:<i>) it prints PAUSED and waits to be killed.
 */
import { readFileSync } from 'node:fs';
import { writeSecretFiles } from '../../../lib/secrets/store.ts';

const [dir, filesJson, pause = ''] = process.argv.slice(2) as [string, string, string];
const files = new Map(Object.entries(JSON.parse(readFileSync(filesJson, 'utf8')) as Record<string, string>));
const hang = (): Promise<void> => {
  process.stdout.write('PAUSED\n');
  return new Promise(() => setInterval(() => undefined, 1000));
};
await writeSecretFiles(dir, files, {
  afterStaging: pause === 'afterStaging' ? hang : undefined,
  afterRename: (i) => (pause === `afterRename:${i}` ? hang() : undefined),
});
process.stdout.write('DONE\n');
