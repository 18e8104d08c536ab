/**
 * DEBUG (Redis 7.0 debug.c), the subcommands test tooling relies on: DIGEST, DIGEST-VALUE,
 * OBJECT, POPULATE, PROTOCOL, SLEEP, SET-ACTIVE-EXPIRE, PAUSE-CRON, LOG, ERROR, HELP, and the
 * subcommands of layers above (server.debugSubcommands: replication's CHANGE-REPL-ID).
 *
 * Gate: `enable-debug-command` (no / yes / local), checked by the server for every command flagged
 * `protected`, before authentication and before MULTI queues it (protected.ts).
 *
 * DEBUG SLEEP: Redis blocks its whole event loop. Garrison never blocks the loop (DESIGN.md), so it
 * reproduces what other clients observe instead: every client is paused (CLIENT PAUSE ALL) for the
 * duration, and the sleeping client gets its +OK when the time is up, through the Scheduler port;
 * commands it pipelined after DEBUG SLEEP wait behind it. Replication links and the tick keep
 * running (Redis's would stall).
 *
 * RELOAD is in debug-reload.ts, LOADAOF in aof.ts.
 */
import { atoi } from '../../lib/atoi.js';
import type { CommandSpec } from '../../commands/spec.js';
import { datasetDigest, keyValueDigest } from '../../keyspace/digest.js';
import { parseDouble, printfFixed2 } from '../../lib/float.js';
import { ListValue } from '../../keyspace/types/list.js';
import { integersShared, type Value } from '../../keyspace/value.js';
import { encodeValue } from '../../persistence/rdb/index.js';
import { parseInt64 } from '../../lib/int64.js';
import { ERR_NO_SUCH_KEY, errSubcommandSyntax } from '../../protocol/errors.js';
import { bool, double, error, map, OK, set, status, verbatim, type RawReply, type Reply } from '../../protocol/reply.js';
import type { Client } from '../client.js';
import { debugReload } from './debug-reload.js';
import { debugLoadAof } from './aof.js';
import { helpReply } from './introspection.js';

/** Returned by a handler that will reply later (the server emits nothing now). */
const REPLY_LATER = undefined as unknown as Reply;

/** C's strtod on a prefix: the longest leading number, 0 when there is none. */
function strtodPrefix(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?(?:inf(?:inity)?|nan|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?))/i.exec(s);
  if (m === null) return 0;
  const v = parseDouble(m[1]!);
  return v ?? 0;
}

/** Redis's getPositiveLongFromObjectOrReply. */
function positiveLong(s: string): number | Reply {
  const n = parseInt64(s);
  if (n === null || n < 0) return error('ERR value is out of range, must be positive');
  return Number(n);
}

/**
 * rdbSavedObjectLen: the bytes the value takes in an RDB file (with LZF when rdbcompression is
 * on): the RDB encoder's output without its type byte.
 */
function serializedLength(c: Client, v: Value): number {
  return encodeValue(v, c.server.config.bool('rdbcompression')).length - 1;
}

/** DEBUG OBJECT's quicklist fields (ql_nodes ... ql_uncompressed_size), from the list's node layout. */
function quicklistFields(c: Client, l: ListValue): string {
  const nodes = l.nodeLayout();
  let bytes = 0;
  for (const n of nodes) bytes += n.bytes;
  const compressed = c.server.config.int('list-compress-depth') !== 0 ? 1 : 0;
  return ` ql_nodes:${nodes.length} ql_avg_node:${printfFixed2(l.length / nodes.length)} ql_listpack_max:${l.fill}` +
    ` ql_compressed:${compressed} ql_uncompressed_size:${bytes}`;
}

function debugObject(c: Client, key: string): Reply {
  const v = c.db.dict.get(key);
  if (v === undefined) return ERR_NO_SUCH_KEY;
  const lruClock = Math.floor(c.ks.now / 1000) & 0xffffff;
  if (typeof v === 'string') {
    const enc = c.ks.stringEncodingOf(c.db, key, v);
    const cfg = c.server.config;
    const refcount = c.ks.stringRefcount(c.db, key, v, integersShared(cfg.int('maxmemory') !== 0, cfg.str('maxmemory-policy')));
    return status(`Value at:0x0 refcount:${refcount} encoding:${enc} serializedlength:${serializedLength(c, v)} ` +
      `lru:${lruClock} lru_seconds_idle:0`);
  }
  const enc = v.encoding();
  const extra = enc === 'quicklist' && v instanceof ListValue ? quicklistFields(c, v) : '';
  return status(`Value at:0x0 refcount:1 encoding:${enc} serializedlength:${serializedLength(c, v)} lru:${lruClock} lru_seconds_idle:0${extra}`);
}

function debugPopulate(c: Client, argv: string[]): Reply {
  const count = positiveLong(argv[2]!);
  if (typeof count !== 'number') return count;
  let size = 0;
  if (argv.length === 5) {
    const s = positiveLong(argv[4]!);
    if (typeof s !== 'number') return s;
    size = s;
  }
  // snprintf("%s:%lu") into a 128-byte buffer: the prefix stops at NUL and the key at 127 bytes.
  const rawPrefix = argv.length >= 4 ? argv[3]! : 'key';
  const nul = rawPrefix.indexOf('\0');
  const prefix = nul < 0 ? rawPrefix : rawPrefix.slice(0, nul);
  const db = c.db;
  for (let j = 0; j < count; j++) {
    const key = `${prefix}:${j}`.slice(0, 127);
    if (c.ks.lookupWrite(db, key) !== undefined) continue;
    let value = `value:${j}`;
    if (size !== 0) value = size <= value.length ? value.slice(0, size) : value + '\0'.repeat(size - value.length);
    // Not counted in dirty: Redis does not propagate DEBUG POPULATE.
    c.ks.setKey(db, key, value);
  }
  return OK;
}

function raw(s: string): RawReply {
  return { t: 'raw', bytes: Buffer.from(s, 'latin1') };
}

function debugProtocol(c: Client, name: string): Reply {
  switch (name.toLowerCase()) {
    case 'string': return 'Hello World';
    case 'integer': return 12345;
    case 'double': return double(3.141);
    case 'bignum': return { t: 'bignum', s: '1234567999999999999999999999999999999' };
    case 'null': return null;
    case 'array': return [0, 1, 2];
    case 'set': return set([0, 1, 2]);
    case 'map': return map([0, bool(false), 1, bool(true), 2, bool(false)]);
    case 'attrib': {
      const real = 'Some real reply following the attribute';
      if (c.resp < 3) return real;
      return raw(`|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$${real.length}\r\n${real}\r\n`);
    }
    case 'push': {
      if (c.resp < 3) return error('ERR RESP2 is not supported by this command');
      const real = 'Some real reply following the push reply';
      return raw(`>2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$${real.length}\r\n${real}\r\n`);
    }
    case 'verbatim': return verbatim('This is a verbatim\nstring');
    case 'true': return bool(true);
    case 'false': return bool(false);
    default:
      return error('ERR Wrong protocol type name. Please use one of the following: ' +
        'string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false');
  }
}

/**
 * DEBUG SLEEP: pause every client for the duration and answer the caller when it is over. While
 * the pause lasts its deadline is "until we end it", so the tick cannot release the caller's
 * pipelined commands before its +OK is sent; an earlier CLIENT PAUSE deadline is restored after.
 */
function debugSleep(c: Client, argv: string[]): Reply {
  const arg = argv[2]!;
  const ms = Math.floor((strtodPrefix(arg) * 1e6) / 1000);
  if (!(ms > 0)) return OK;
  const server = c.server;
  const prevUntil = server.pauseUntilMs;
  const prevWritesOnly = server.pauseWritesOnly;
  if (c.multi !== null) {
    // Inside EXEC the reply is collected synchronously: pause the others, answer now.
    server.pauseUntilMs = Math.max(prevUntil, server.env.clock.nowMs() + ms);
    server.pauseWritesOnly = false;
    return OK;
  }
  server.pauseUntilMs = Number.MAX_SAFE_INTEGER;
  server.pauseWritesOnly = false;
  const startUs = server.env.clock.monotonicUs();
  const deadline = server.env.clock.nowMs() + ms;
  // SLOWLOG and LATENCY see the whole sleep, as in Redis, once it is over.
  server.slowlog?.deferred.add(c);
  server.latency?.deferred.add(c);
  const cancel = server.env.scheduler.every(ms, () => {
    if (server.env.clock.nowMs() < deadline) return;
    cancel();
    const us = server.env.clock.monotonicUs() - startUs;
    const cmd = server.commands.lookup('debug');
    if (cmd !== undefined && !c.closed) {
      server.slowlog?.record(c, cmd, argv, us, () => server.env.clock.nowMs());
      server.latency?.recordCall(cmd, us);
    }
    server.emit(c, OK);
    if (prevUntil > server.env.clock.nowMs()) {
      server.pauseUntilMs = prevUntil;
      server.pauseWritesOnly = prevWritesOnly;
    } else {
      server.unpauseClients();
    }
  });
  return REPLY_LATER;
}

const DEBUG_HELP = [
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'DIGEST',
  '    Return a hex signature of the whole dataset (same algorithm as Redis).',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Return a hex signature of the value of each key.',
  'ERROR <string>',
  '    Reply with <string> as an error.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'OBJECT <key>',
  '    Show the encoding and serialized length of the value at <key>.',
  'PAUSE-CRON <0|1>',
  '    Stop (1) or restart (0) the periodic work of the server.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named <prefix>:<n> (prefix "key") holding "value:<n>",',
  '    padded or cut to <size> bytes when given. Not propagated to replicas.',
  'PROTOCOL <type>',
  '    Reply with a sample of a protocol type: string, integer, double, bignum, null,',
  '    array, set, map, attrib, push, verbatim, true, false.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Disable (0) or enable (1) the active expiry of keys in the background.',
  'SLEEP <seconds>',
  '    Pause every client for <seconds> (decimals allowed), then reply.',
];

function debugCommand(c: Client, argv: string[]): Reply {
  const sub = argv[1]!.toLowerCase();
  const argc = argv.length;
  switch (sub) {
    case 'help':
      if (argc === 2) return helpReply(argv[0]!, DEBUG_HELP);
      break;
    case 'digest':
      if (argc === 2) return status(datasetDigest(c.ks));
      break;
    case 'digest-value':
      return argv.slice(2).map((k) => status(keyValueDigest(c.db, k)));
    case 'object':
      if (argc === 3) return debugObject(c, argv[2]!);
      break;
    case 'populate':
      if (argc >= 3 && argc <= 5) return debugPopulate(c, argv);
      break;
    case 'protocol':
      if (argc === 3) return debugProtocol(c, argv[2]!);
      break;
    case 'sleep':
      if (argc === 3) return debugSleep(c, argv);
      break;
    case 'set-active-expire':
      if (argc === 3) {
        c.ks.activeExpireEnabled = atoi(argv[2]!) !== 0;
        return OK;
      }
      break;
    case 'pause-cron':
      if (argc === 3) {
        c.server.cronPaused = atoi(argv[2]!) !== 0;
        return OK;
      }
      break;
    case 'log':
      if (argc === 3) {
        const msg = argv[2]!;
        const nul = msg.indexOf('\0');
        c.server.logger.warning(`DEBUG LOG: ${nul < 0 ? msg : msg.slice(0, nul)}`);
        return OK;
      }
      break;
    case 'error':
      if (argc === 3) return error(argv[2]!.replace(/[\r\n]/g, ' '));
      break;
    case 'reload':
      return debugReload(c, argv);
    case 'loadaof':
      return debugLoadAof(c);
    default: {
      const extension = c.server.debugSubcommands.get(sub);
      if (extension !== undefined && extension.argc === argc) return extension.run(c, argv);
      break;
    }
  }
  return errSubcommandSyntax(argv);
}

export const DEBUG_COMMANDS: readonly CommandSpec<Client>[] = [
  {
    name: 'debug', arity: -2, flags: ['admin', 'noscript', 'loading', 'stale', 'protected'], acl: [],
    group: 'server', since: '1.0.0', summary: 'Debugging and testing helpers', complexity: 'Depends on subcommand.',
    handler: debugCommand,
  },
];
