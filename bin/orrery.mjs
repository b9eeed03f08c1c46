#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step) through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../lib/cli/main.ts');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`orrery: internal error — this is a bug in orrery, please report it:\n${err?.stack ?? err}\n`);
  process.exitCode = 2;
}
