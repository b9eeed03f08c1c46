// The one place that names the cdk8s-plus line. cdk8s-plus-28 is past support; cdk8s-plus-34
// is the newest maintained 3x release on npm. Moving to another line changes only this file.
import { createRequire } from 'node:module';
import type * as Plus from 'cdk8s-plus-34';

const require = createRequire(import.meta.url);

/**
 * cdk8s-plus, loaded on first use: it takes most of a second to load, and only the build stage
 * needs it (`orrery validate` never does; test/cli/start-up.test.ts). It is a CommonJS package
 * (jsii), so a synchronous require gives the build stage the same module an import would.
 */
export function kplus(): typeof Plus {
  return require('cdk8s-plus-34') as typeof Plus;
}
