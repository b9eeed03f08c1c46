import { createHash } from 'node:crypto';

/** The hash the output index keeps of a file's bytes (and the build cache of what it rendered). */
export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}
