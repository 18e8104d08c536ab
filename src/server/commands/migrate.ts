/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password | AUTH2 username
 * password] [KEYS key ...] (Redis 7.0's migrateCommand, cluster.c): moves keys to another
 * instance as RESTORE commands carrying DUMP payloads, then deletes each key the target
 * acknowledged (unless COPY) and propagates those deletions as one DEL.
 *
 * Redis runs the whole exchange synchronously and blocks every client meanwhile, which is what
 * makes MIGRATE atomic. Garrison keeps that guarantee without blocking its event loop:
 *  1. the command checks its arguments and looks its keys up in Redis's order (options, timeout,
 *     database, keys: NOKEY when none exists), then blocks its client and holds the server
 *     (Server.holdOthers: every other client's input waits in its parser, active expiry pauses);
 *  2. the exchange runs on the server's transport (migrate/links.ts: the cached connection,
 *     AUTH and SELECT as needed, one RESTORE per key, the reply lines read back, Redis's single
 *     retry on a connection error that is not a timeout);
 *  3. the command runs again on its blocked client (as a served blocking command does) with the
 *     outcome: it deletes the acknowledged keys, raises their `del` events, rewrites itself as
 *     DEL for replicas and the AOF, and answers; the server then releases the other clients.
 * Inside EXEC the same happens to the whole transaction: EXEC stops at MIGRATE and goes on with
 * its queue once the target answered (multi.ts, StoppedExec).
 * Replies, replication and timers keep running while the server waits, where Redis's stop.
 * commandstats, SLOWLOG and LATENCY time MIGRATE from its first run to its answer, the wait
 * included, as Redis times its synchronous command.
 */
import type { CommandSpec } from '../../commands/spec.js';
import type { Database } from '../../keyspace/database.js';
import type { Value } from '../../keyspace/value.js';
import { parseInt64 } from '../../lib/int64.js';
import { createDumpPayload } from '../../persistence/rdb/index.js';
import { encodeCommand } from '../../protocol/command-encode.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../protocol/errors.js';
import { error, OK, status, type Reply } from '../../protocol/reply.js';
import type { Command } from '../../commands/registry.js';
import { completeWaiting } from './multi.js';
import type { Client } from '../client.js';
import type { Server } from '../server.js';
import type { TargetLink } from '../migrate/links.js';

const ERR_KEYS_NEED_EMPTY_KEY = error('ERR When using MIGRATE KEYS option, the key argument must be set to the empty string');
const NOKEY = status('NOKEY');
const IOERR_CONNECT = error('IOERR error or timeout connecting to the client');
const IOERR_WRITE = error('IOERR error or timeout writing to target instance');
const IOERR_READ = error('IOERR error or timeout reading to target instance');
/** The flags Redis's migrateGetKeys gives every key. */
const KEY_FLAGS = ['RW', 'access', 'delete'] as const;

interface Migration {
  readonly host: string;
  readonly port: string;
  readonly db: Database;
  readonly dbid: bigint;
  readonly timeoutMs: number;
  readonly replace: boolean;
  readonly username: string | null;
  readonly password: string | null;
  readonly keys: readonly string[];
  readonly values: readonly Value[];
}

/** What the exchange ended with: the keys the target stored, and the reply. */
interface Outcome {
  readonly stored: readonly string[];
  readonly reply: Reply;
  readonly copy: boolean;
}

/** Outcomes waiting for their command's second run. */
const outcomes = new WeakMap<Client, Outcome>();

function migrate(c: Client, argv: string[]): Reply {
  if (c.reexecuting) {
    const done = outcomes.get(c);
    if (done !== undefined) {
      outcomes.delete(c);
      return finish(c, done);
    }
  }
  let copy = false;
  let replace = false;
  let username: string | null = null;
  let password: string | null = null;
  let firstKey = 3;
  let numKeys = 1;
  for (let j = 6; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'copy') {
      copy = true;
    } else if (opt === 'replace') {
      replace = true;
    } else if (opt === 'auth') {
      if (more < 1) return ERR_SYNTAX;
      password = argv[++j]!;
    } else if (opt === 'auth2') {
      if (more < 2) return ERR_SYNTAX;
      username = argv[++j]!;
      password = argv[++j]!;
    } else if (opt === 'keys') {
      if (argv[3]!.length !== 0) return ERR_KEYS_NEED_EMPTY_KEY;
      firstKey = j + 1;
      numKeys = argv.length - j - 1;
      break;
    } else {
      return ERR_SYNTAX;
    }
  }
  const timeout = parseInt64(argv[5]!);
  if (timeout === null) return ERR_NOT_INTEGER;
  const dbid = parseInt64(argv[4]!);
  if (dbid === null) return ERR_NOT_INTEGER;
  const keys: string[] = [];
  const values: Value[] = [];
  for (let j = 0; j < numKeys; j++) {
    const key = argv[firstKey + j]!;
    const v = c.ks.lookupRead(c.db, key);
    if (v === undefined) continue;
    keys.push(key);
    values.push(v);
  }
  if (keys.length === 0) return NOKEY;
  const m: Migration = {
    host: argv[1]!, port: argv[2]!, db: c.db, dbid: BigInt(dbid), timeoutMs: timeout <= 0 ? 1000 : Number(timeout),
    replace, username, password, keys, values,
  };
  const server = c.server;
  const self = { cmd: c.runningCmd!, argv, startUs: server.env.clock.monotonicUs() };
  // SLOWLOG and LATENCY see the whole command, the wait for the target included, as Redis's
  // synchronous MIGRATE is timed (the same deferral as DEBUG SLEEP's).
  server.slowlog?.deferred.add(c);
  server.latency?.deferred.add(c);
  server.holdOthers(c);
  // Nothing of this first run is propagated as MIGRATE: what a key's lazy expiry propagated
  // waits for the second run's DEL (one unit, as Redis's single run gives).
  c.preventPropagation();
  server.deferPropagation();
  void transfer(server, m).catch((e: unknown) => {
    server.logger.warning(`MIGRATE to ${m.host}:${m.port} failed unexpectedly: ${String(e)}`);
    return { stored: [], reply: IOERR_WRITE };
  }).then((outcome) => complete(c, self, { ...outcome, copy }));
  return c.waitExternally();
}

/**
 * Runs the command again with its outcome (completeWaiting: in the EXEC it was queued in, if it
 * was), then releases the other clients unless that EXEC stopped at another MIGRATE.
 */
function complete(c: Client, self: { cmd: Command<Client>; argv: string[]; startUs: number }, outcome: Outcome): void {
  const server = c.server;
  if (server.isClosing) {
    server.releaseHold();
    return;
  }
  outcomes.set(c, outcome);
  const usecBefore = self.cmd.usec;
  const finish = (): Reply | undefined => {
    const prev = c.reexecuting;
    c.reexecuting = true;
    try {
      return server.call(c, self.cmd, self.argv);
    } finally {
      c.reexecuting = prev;
    }
  };
  let again = false;
  try {
    again = completeWaiting(c, finish);
  } finally {
    outcomes.delete(c);
    if (!again) server.releaseHold();
  }
  // commandstats, SLOWLOG and LATENCY count MIGRATE from its start, as Redis times it.
  const us = Math.floor(server.env.clock.monotonicUs() - self.startUs);
  self.cmd.usec = usecBefore + us;
  if (!c.closed) {
    server.slowlog?.record(c, self.cmd, self.argv, us, () => server.env.clock.nowMs());
    server.latency?.recordCall(self.cmd, us);
  }
}

/** The second run: deletes what the target stored (unless COPY) and answers. */
function finish(c: Client, done: Outcome): Reply {
  if (!done.copy && done.stored.length > 0) {
    const ks = c.ks;
    for (const key of done.stored) {
      ks.deleteKey(c.db, key);
      ks.notify('g', 'del', c.db, key);
      ks.dirty++;
    }
    c.rewriteArgv(['DEL', ...done.stored]);
  }
  return done.reply;
}

/** The exchange with the target, with Redis's one retry; never rejects. */
async function transfer(server: Server, m: Migration): Promise<Omit<Outcome, 'copy'>> {
  let mayRetry = true;
  for (;;) {
    const nowS = Math.floor(server.env.clock.nowMs() / 1000);
    const dial = await server.migrateLinks.get(m.host, m.port, m.timeoutMs, nowS);
    if ('failed' in dial) {
      if (dial.failed === 'connect') return { stored: [], reply: IOERR_CONNECT };
      if (mayRetry) {
        mayRetry = false;
        continue;
      }
      return { stored: [], reply: IOERR_WRITE };
    }
    const link: TargetLink = dial;
    const select = link.lastDbid !== m.dbid;
    const { request, keys } = buildRequest(server, m, select);
    const want = (m.password !== null ? 1 : 0) + (select ? 1 : 0) + keys.length;
    const { lines, failure } = await link.exchange(request, want, m.timeoutMs);
    if (failure !== null && failure.phase === 'write') {
      link.close();
      if (!failure.timedOut && mayRetry) {
        mayRetry = false;
        continue;
      }
      return { stored: [], reply: IOERR_WRITE };
    }
    let at = 0;
    const authLine = m.password !== null ? lines[at++] : '';
    const selectLine = select ? lines[at++] : '';
    if (authLine === undefined || selectLine === undefined) {
      // The AUTH or SELECT reply never came (Redis's jump to socket_err before any RESTORE reply).
      link.close();
      if (!failure!.timedOut && mayRetry) {
        mayRetry = false;
        continue;
      }
      return { stored: [], reply: IOERR_READ };
    }
    const stored: string[] = [];
    let targetError: string | null = null;
    let read = 0;
    for (; read < keys.length; read++) {
      const line = lines[at++];
      if (line === undefined) break;
      const failed = authLine.startsWith('-') ? authLine : selectLine.startsWith('-') ? selectLine : line.startsWith('-') ? line : null;
      if (failed !== null) {
        if (targetError === null) {
          link.lastDbid = -1n;
          targetError = failed.slice(1);
        }
      } else {
        stored.push(keys[read]!);
      }
    }
    const socketError = read < keys.length;
    if (targetError === null && socketError && read === 0 && mayRetry && !failure!.timedOut) {
      link.close();
      mayRetry = false;
      continue;
    }
    if (socketError) link.close();
    if (targetError !== null) {
      // addReplyErrorFormat turns the text's line breaks into spaces.
      return { stored, reply: error(`ERR Target instance replied with error: ${targetError.replace(/[\r\n]/g, ' ')}`) };
    }
    if (socketError) return { stored, reply: IOERR_READ };
    link.lastDbid = m.dbid;
    return { stored, reply: OK };
  }
}

/** AUTH and SELECT when needed, then RESTORE key ttl payload [REPLACE] for each key still alive. */
function buildRequest(server: Server, m: Migration, select: boolean): { request: Buffer; keys: string[] } {
  const parts: Buffer[] = [];
  if (m.password !== null) parts.push(encodeCommand(m.username !== null ? ['AUTH', m.username, m.password] : ['AUTH', m.password]));
  if (select) parts.push(encodeCommand(['SELECT', m.dbid.toString()]));
  const restore = server.config.bool('cluster-enabled') ? 'RESTORE-ASKING' : 'RESTORE';
  const compression = server.config.bool('rdbcompression');
  const now = BigInt(server.env.clock.nowMs());
  const keys: string[] = [];
  for (let i = 0; i < m.keys.length; i++) {
    const key = m.keys[i]!;
    const expireAt = m.db.getExpire(key);
    let ttl = 0n;
    if (expireAt !== -1) {
      ttl = BigInt(expireAt) - now;
      if (ttl < 0n) continue;
      if (ttl < 1n) ttl = 1n;
    }
    keys.push(key);
    const args = [restore, key, ttl.toString(), createDumpPayload(m.values[i]!, compression).toString('latin1')];
    if (m.replace) args.push('REPLACE');
    parts.push(encodeCommand(args));
  }
  return { request: Buffer.concat(parts), keys };
}

/** Redis's migrateGetKeys: the key argument, or what follows KEYS (none when the key is not ""). */
function migrateKeys(argv: readonly string[]): Array<{ pos: number; flags: readonly string[] }> {
  let first = 3;
  let num = 1;
  if (argv.length > 6) {
    for (let i = 6; i < argv.length; i++) {
      const a = argv[i]!.toLowerCase();
      if (a === 'keys') {
        if (argv[3]!.length > 0) return [];
        first = i + 1;
        num = argv.length - first;
        break;
      }
      if (a === 'auth') i += 1;
      else if (a === 'auth2') i += 2;
    }
  }
  const out: Array<{ pos: number; flags: readonly string[] }> = [];
  for (let i = 0; i < num; i++) out.push({ pos: first + i, flags: KEY_FLAGS });
  return out;
}

export const MIGRATE_COMMANDS: readonly CommandSpec<Client>[] = [
  {
    name: 'migrate', arity: -6, flags: ['write'], acl: ['keyspace', 'write', 'slow', 'dangerous'],
    keys: { first: 3, last: 3, step: 1 },
    keySpecs: [
      { flags: KEY_FLAGS, beginSearch: { index: 3 }, findKeys: { range: { lastKey: 0, step: 1, limit: 0 } } },
      { flags: [...KEY_FLAGS, 'incomplete'], beginSearch: { keyword: 'KEYS', startFrom: -2 }, findKeys: { range: { lastKey: -1, step: 1, limit: 0 } } },
    ],
    getKeysAndFlags: migrateKeys, getKeys: (argv) => migrateKeys(argv).map((k) => k.pos),
    tips: ['nondeterministic_output'],
    group: 'generic', since: '2.6.0', summary: 'Atomically transfer a key from a Redis instance to another one.',
    complexity: 'This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.',
    history: [
      ['3.0.0', 'Added the `COPY` and `REPLACE` options.'], ['3.0.6', 'Added the `KEYS` option.'],
      ['4.0.7', 'Added the `AUTH` option.'], ['6.0.0', 'Added the `AUTH2` option.'],
    ],
    args: [
      { name: 'host', type: 'string' },
      { name: 'port', type: 'integer' },
      {
        name: 'key_or_empty_string', type: 'oneof', args: [
          { name: 'key', type: 'key', keySpecIndex: 0 },
          { name: 'empty_string', type: 'pure-token', token: '' },
        ],
      },
      { name: 'destination-db', type: 'integer' },
      { name: 'timeout', type: 'integer' },
      { name: 'copy', type: 'pure-token', token: 'COPY', since: '3.0.0', flags: ['optional'] },
      { name: 'replace', type: 'pure-token', token: 'REPLACE', since: '3.0.0', flags: ['optional'] },
      {
        name: 'authentication', type: 'oneof', flags: ['optional'], args: [
          { name: 'password', type: 'string', token: 'AUTH', since: '4.0.7', flags: ['optional'] },
          {
            name: 'username_password', type: 'block', token: 'AUTH2', since: '6.0.0', flags: ['optional'], args: [
              { name: 'username', type: 'string' },
              { name: 'password', type: 'string' },
            ],
          },
        ],
      },
      { name: 'key', type: 'key', keySpecIndex: 1, token: 'KEYS', since: '3.0.6', flags: ['optional', 'multiple'] },
    ],
    handler: migrate,
  },
];
