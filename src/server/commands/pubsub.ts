/**
 * Pub/sub commands: SUBSCRIBE PSUBSCRIBE UNSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB.
 * (Being written: see issue #2.)
 */
import type { CommandSpec } from '../../commands/spec.js';
import type { Client } from '../client.js';
export const PUBSUB_COMMANDS: readonly CommandSpec<Client>[] = [];
