// orrery diff's report limits and exit codes: its help (diff.ts) states them, its run (diff-run.ts) applies them.
/** Under GitHub's comment limit (65,536 characters) with room for the workflow's own text. */
export const DEFAULT_MAX_BYTES = 60_000;
export const MIN_MAX_BYTES = 2_048;

export const EXIT_CHANGES = 3;
export const EXIT_DANGEROUS = 4;
