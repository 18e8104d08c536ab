/**
 * Generic key commands and database commands (Redis's "generic" group plus DBSIZE, FLUSHDB,
 * FLUSHALL, SWAPDB), gathered from their files:
 * - key-generic.ts: DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX KEYS SCAN RANDOMKEY
 * - key-expire.ts: EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME PEXPIRETIME PERSIST
 * - key-db.ts: DBSIZE FLUSHDB FLUSHALL SWAPDB MOVE COPY
 * - key-object.ts: OBJECT ENCODING FREQ IDLETIME REFCOUNT HELP
 */
import { DB_COMMANDS } from './key-db.js';
import { EXPIRE_COMMANDS } from './key-expire.js';
import { GENERIC_KEY_COMMANDS } from './key-generic.js';
import { OBJECT_COMMAND } from './key-object.js';
import type { CommandSpec } from './spec.js';

export const KEY_COMMANDS: readonly CommandSpec[] = [
  ...GENERIC_KEY_COMMANDS,
  ...EXPIRE_COMMANDS,
  ...DB_COMMANDS,
  OBJECT_COMMAND,
];
