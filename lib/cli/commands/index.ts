import type { Command } from '../command.ts';
import { checkCommand, synthCommand, validateCommand } from './compile.ts';
import { secretsCommand } from './secrets.ts';
import { diffCommand } from './diff.ts';
import { planCommand } from './plan.ts';
import { upCommand } from './up.ts';
import { upgradeCommand } from './upgrade.ts';
import { resetCommand } from './reset.ts';
import { initCommand } from './init.ts';

/** Every `orrery` command, in the order `orrery --help` lists them. */
export const COMMANDS: readonly Command[] = [initCommand, synthCommand, validateCommand, checkCommand, secretsCommand, diffCommand, planCommand, upCommand, upgradeCommand, resetCommand];
