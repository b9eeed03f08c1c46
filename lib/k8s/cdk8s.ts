import { createRequire } from 'node:module';
import type * as Cdk8s from 'cdk8s';

const require = createRequire(import.meta.url);

/**
 * cdk8s, loaded on first use by the build stage, so that reading and checking a spec
 * (`orrery validate`) never loads it (test/cli/start-up.test.ts). It is a CommonJS package
 * (jsii): a synchronous require returns the module an import would, from the same cache.
 */
export function cdk8s(): typeof Cdk8s {
  return require('cdk8s') as typeof Cdk8s;
}
