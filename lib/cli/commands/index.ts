import type { Command } from '../command.ts';
import { checkCommand, synthCommand, validateCommand } from './compile.ts';
import { secretsCommand } from './secrets.ts';
import { diffCommand } from './diff.ts';

/** Every `orrery` command, in the order `orrery --help` lists them. */
export const COMMANDS: readonly Command[] = [synthCommand, validateCommand, checkCommand, secretsCommand, diffCommand];
