import { NODE_FS, type WriterFs } from '../../../lib/output/writer-fs.ts';

/** A Node-like fs error (code, syscall, path), as the real calls throw them. */
export function fsError(code: string, syscall: string, p: unknown): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected fault, ${syscall} '${String(p)}'`), { code, syscall, path: String(p) });
}

export interface FaultyFs {
  readonly fs: WriterFs;
  /** Every call made so far: `op path`. */
  readonly calls: string[];
}

/**
 * The writer's fs with faults: `fail(index, op, path)` decides, per call, whether it throws (the
 * error code returned) or runs. Used to fail every single call of a write, one run at a time.
 */
export function faultyFs(fail: (index: number, op: string, p: string) => string | undefined): FaultyFs {
  const calls: string[] = [];
  const wrapped: Record<string, unknown> = {};
  for (const [op, fn] of Object.entries(NODE_FS) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    wrapped[op] = async (...args: unknown[]): Promise<unknown> => {
      const index = calls.length;
      calls.push(`${op} ${String(args[0])}`);
      const code = fail(index, op, String(args[0]));
      if (code) throw fsError(code, op, args[0]);
      return fn(...args);
    };
  }
  return { fs: wrapped as unknown as WriterFs, calls };
}
