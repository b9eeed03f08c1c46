// Types of the simulator entry point (fake-tools.mjs) as the test harness calls it.
export interface FakeCall {
  readonly stdin: Buffer;
  readonly cwd: string;
  readonly env: readonly string[];
  readonly pid: number;
}
export interface FakeStore {
  text: string;
  log: object[];
}
export type FakeAnswer = { readonly hang: true } | { readonly hang?: undefined; readonly code: number; readonly stdout: string; readonly stderr: string };
export function handle(tool: string, argv: readonly string[], call: FakeCall, store: FakeStore): FakeAnswer;
export function isMutating(tool: string, argv: readonly string[]): boolean;
