/** Every server-level command family (connection, server, config, pub/sub, transactions...). */
import type { CommandSpec } from '../../commands/spec.js';
import type { Client } from '../client.js';
import { CONNECTION_COMMANDS } from './connection.js';

export const SERVER_COMMANDS: readonly CommandSpec<Client>[] = [
  ...CONNECTION_COMMANDS,
];
