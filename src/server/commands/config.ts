/**
 * CONFIG GET/SET/RESETSTAT/REWRITE/HELP.
 * (Being written: see issue #2.)
 */
import type { CommandSpec } from '../../commands/spec.js';
import type { Client } from '../client.js';
export const CONFIG_COMMANDS: readonly CommandSpec<Client>[] = [];
