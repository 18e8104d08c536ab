/**
 * Connection commands: PING, ECHO, QUIT, SELECT. (HELLO, AUTH, RESET and CLIENT live in their
 * own files.) PING inside a RESP2 subscription answers the two-element array Redis sends there.
 */
import type { CommandSpec } from '../../commands/spec.js';
import { ERR_DB_INDEX, ERR_NOT_INTEGER } from '../../protocol/errors.js';
import { error, OK, PONG } from '../../protocol/reply.js';
import { parseInt64 } from '../../lib/int64.js';
import type { Client } from '../client.js';

export const CONNECTION_COMMANDS: readonly CommandSpec<Client>[] = [
  {
    name: 'ping', arity: -1, flags: ['fast', 'sentinel'], acl: ['fast', 'connection'],
    group: 'connection', since: '1.0.0', summary: 'Ping the server', complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    handler: (c, argv) => {
      if (argv.length > 2) return { t: 'error', s: "ERR wrong number of arguments for 'ping' command" };
      if (c.resp === 2 && c.subscriptionCount() > 0) return ['pong', argv[1] ?? ''];
      return argv.length === 2 ? argv[1]! : PONG;
    },
  },
  {
    name: 'echo', arity: 2, flags: ['loading', 'stale', 'fast'], acl: ['fast', 'connection'],
    group: 'connection', since: '1.0.0', summary: 'Echo the given string', complexity: 'O(1)',
    handler: (_c, argv) => argv[1]!,
  },
  {
    name: 'quit', arity: -1, flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'], acl: ['fast', 'connection'],
    group: 'connection', since: '1.0.0', summary: 'Close the connection', complexity: 'O(1)',
    handler: (c) => {
      c.closeAfterReply = true;
      return OK;
    },
  },
  {
    name: 'select', arity: 2, flags: ['loading', 'stale', 'fast'], acl: ['fast', 'connection'],
    group: 'connection', since: '1.0.0', summary: 'Change the selected database for the current connection', complexity: 'O(1)',
    handler: (c, argv) => {
      const n = parseInt64(argv[1]!);
      if (n === null) return ERR_NOT_INTEGER;
      // getIntFromObjectOrReply: a valid long outside int's range gets its own text.
      if (typeof n === 'bigint' || n < -2147483648 || n > 2147483647) {
        return error('ERR value is out of range, value must between -2147483648 and 2147483647');
      }
      const db = c.ks.dbs[n];
      if (n < 0 || db === undefined) return ERR_DB_INDEX;
      c.db = db;
      return OK;
    },
  },
];
