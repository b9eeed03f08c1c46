/** A refusal of `orrery secrets` (exit 1): the message names the file and says what to do, never a secret value. */
export class SecretsError extends Error {}
