/**
 * Transactions: MULTI EXEC DISCARD WATCH UNWATCH.
 * (Being written: see issue #2.)
 */
import type { CommandSpec } from '../../commands/spec.js';
import type { Client } from '../client.js';
export const MULTI_COMMANDS: readonly CommandSpec<Client>[] = [];
