/**
 * AUTH, HELLO and RESET as Redis 7.0 answers them. Users and passwords are the ACL's
 * (server/acl): requirepass is the default user's password, nopass when empty.
 *
 * A failed AUTH leaves an authenticated client authenticated (as Redis does). Authenticating
 * lifts the parser's unauthenticated request-size limits. HELLO answers the Redis 7.0 map
 * (server "redis", version "7.0.15": clients parse these fields to pick features, so Garrison
 * presents itself as the Redis it is compatible with). RESET is Redis's
 * clearClientConnectionState: leave MULTI and WATCH, leave MONITOR, drop every subscription,
 * RESP2, db 0, no name, replies on, no-evict off, default user (unauthenticated when a password
 * is set); modules with their own per-client state hook in through server.clientResetHandlers.
 */
import type { CommandSpec } from '../../commands/spec.js';
import { parseInt64 } from '../../lib/int64.js';
import { ERR_SYNTAX, ERR_WRONGPASS, sanitizeErrorText } from '../../protocol/errors.js';
import { error, map, OK, status, type Reply } from '../../protocol/reply.js';
import type { Client } from '../client.js';
import type { Server } from '../server.js';
import { discardTransaction } from './multi.js';

/** The version HELLO and INFO report: the Redis release whose behaviour Garrison follows. */
export const REDIS_COMPAT_VERSION = '7.0.15';

const ERR_AUTH_NOPASS = error(
  'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
);
const ERR_HELLO_NOAUTH = error(
  'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option ' +
  'can be used to authenticate the client and select the RESP protocol version at the same time',
);
const ERR_HELLO_PROTO = error('ERR Protocol version is not an integer or out of range');
const ERR_NOPROTO = error('NOPROTO unsupported protocol version');
const ERR_CLIENT_NAME = error('ERR Client names cannot contain spaces, newlines or special characters.');
const RESET_REPLY = status('RESET');

function auth(c: Client, argv: string[]): Reply {
  if (argv.length > 3) return ERR_SYNTAX;
  if (argv.length === 2) {
    // The one-argument form is for the default user, and an error when it needs no password.
    if (c.server.acl.defaultUser.nopass) return ERR_AUTH_NOPASS;
    return c.server.acl.authenticate(c, 'default', argv[1]!, argv[0]!) ? OK : ERR_WRONGPASS;
  }
  return c.server.acl.authenticate(c, argv[1]!, argv[2]!, argv[0]!) ? OK : ERR_WRONGPASS;
}

/** Redis's client-name rule: printable ASCII without spaces ('!'..'~'); empty clears the name. */
export function isValidClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 0x21 || ch > 0x7e) return false;
  }
  return true;
}

function hello(c: Client, argv: string[]): Reply {
  let version = 0;
  let next = 1;
  if (argv.length >= 2) {
    const v = parseInt64(argv[next++]!);
    if (v === null) return ERR_HELLO_PROTO;
    if (typeof v === 'bigint' || v < 2 || v > 3) return ERR_NOPROTO;
    version = v;
  }
  let user: string | null = null;
  let password: string | null = null;
  let name: string | null = null;
  for (let j = next; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!;
    const lower = opt.toLowerCase();
    if (lower === 'auth' && more >= 2) {
      user = argv[j + 1]!;
      password = argv[j + 2]!;
      j += 2;
    } else if (lower === 'setname' && more >= 1) {
      name = argv[j + 1]!;
      j += 1;
    } else {
      return error(sanitizeErrorText(`ERR Syntax error in HELLO option '${opt}'`));
    }
  }
  if (user !== null && password !== null && !c.server.acl.authenticate(c, user, password, argv[0]!)) return ERR_WRONGPASS;
  if (!c.authenticated) return ERR_HELLO_NOAUTH;
  if (name !== null) {
    if (!isValidClientName(name)) return ERR_CLIENT_NAME;
    c.name = name;
  }
  if (version !== 0) c.resp = version;
  return helloMap(c);
}

function helloMap(c: Client): Reply {
  const server = c.server;
  const cluster = server.config.def('cluster-enabled') !== undefined && server.config.bool('cluster-enabled');
  const fields: Reply[] = [
    'server', 'redis',
    'version', REDIS_COMPAT_VERSION,
    'proto', c.resp,
    'id', c.id,
    'mode', server.mode === 'sentinel' ? 'sentinel' : cluster ? 'cluster' : 'standalone',
  ];
  // A sentinel has no role to report (Redis leaves the field out in sentinel mode).
  if (server.mode !== 'sentinel') fields.push('role', server.role.isReplica() ? 'replica' : 'master');
  fields.push('modules', []);
  return map(fields);
}

function reset(c: Client): Reply {
  const server = c.server;
  if (c.isMonitor) {
    server.monitors.delete(c);
    c.isMonitor = false;
  }
  c.db = c.ks.dbs[0]!;
  c.resp = 2;
  c.user = server.acl.defaultUser;
  c.authenticated = !server.authRequired();
  c.parser.authRequired = !c.authenticated;
  discardTransaction(c);
  server.pubsub.removeClient(c);
  c.name = '';
  c.noEvict = false;
  c.replyMode = 'on';
  if (c.tracking !== null) server.tracking.disable(c);
  for (const h of server.clientResetHandlers) h(c);
  return RESET_REPLY;
}

const CONN_FLAGS = ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'] as const;

export const AUTH_COMMANDS: readonly CommandSpec<Client>[] = [
  {
    name: 'auth', arity: -2, flags: CONN_FLAGS, acl: ['fast', 'connection'],
    group: 'connection', since: '1.0.0', summary: 'Authenticate to the server',
    complexity: 'O(N) where N is the number of passwords defined for the user', handler: auth,
  },
  {
    name: 'hello', arity: -1, flags: CONN_FLAGS, acl: ['fast', 'connection'],
    group: 'connection', since: '6.0.0', summary: 'Handshake with Redis', complexity: 'O(1)', handler: hello,
  },
  {
    name: 'reset', arity: 1, flags: CONN_FLAGS, acl: ['fast', 'connection'],
    group: 'connection', since: '6.2.0', summary: 'Reset the connection', complexity: 'O(1)', handler: reset,
  },
];
