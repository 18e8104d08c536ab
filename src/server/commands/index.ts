/** Every server-level command family (connection, server, config, pub/sub, transactions, and the
 * cluster-disabled and module-less replies of CLUSTER and MODULE, LOLWUT). */
import type { CommandSpec } from '../../commands/spec.js';
import type { Client } from '../client.js';
import { ACL_COMMANDS } from './acl.js';
import { ADMIN_COMMANDS } from './admin.js';
import { AOF_COMMANDS } from './aof.js';
import { AUTH_COMMANDS } from './auth.js';
import { CLIENT_COMMANDS } from './client.js';
import { CLUSTER_COMMANDS } from './cluster.js';
import { CONFIG_COMMANDS } from './config.js';
import { CONNECTION_COMMANDS } from './connection.js';
import { DEBUG_COMMANDS } from './debug.js';
import { DUMP_COMMANDS } from './dump.js';
import { INFO_COMMANDS } from './info.js';
import { INTROSPECTION_COMMANDS } from './introspection.js';
import { LOLWUT_COMMANDS } from './lolwut.js';
import { MIGRATE_COMMANDS } from './migrate.js';
import { MODULE_COMMANDS } from './module.js';
import { MULTI_COMMANDS } from './multi.js';
import { PERSISTENCE_COMMANDS } from './persistence.js';
import { PUBSUB_COMMANDS } from './pubsub.js';

export const SERVER_COMMANDS: readonly CommandSpec<Client>[] = [
  ...CONNECTION_COMMANDS,
  ...AUTH_COMMANDS,
  ...ACL_COMMANDS,
  ...MULTI_COMMANDS,
  ...PUBSUB_COMMANDS,
  ...CLIENT_COMMANDS,
  ...CONFIG_COMMANDS,
  ...INFO_COMMANDS,
  ...ADMIN_COMMANDS,
  ...INTROSPECTION_COMMANDS,
  ...LOLWUT_COMMANDS,
  ...DEBUG_COMMANDS,
  ...PERSISTENCE_COMMANDS,
  ...DUMP_COMMANDS,
  ...MIGRATE_COMMANDS,
  ...AOF_COMMANDS,
  ...MODULE_COMMANDS,
  ...CLUSTER_COMMANDS,
];
