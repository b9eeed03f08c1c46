// The module.register hooks of loaded-modules.mjs: every URL the ESM loader loads, one a line.
import { appendFileSync } from 'node:fs';

let log;
export function initialize(data) {
  log = data.log;
}
export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  appendFileSync(log, `${url}\n`);
  return result;
}
