/**
 * Whole-database and cross-database commands: DBSIZE FLUSHDB FLUSHALL SWAPDB MOVE COPY
 * (Redis 7.0's db.c semantics).
 *
 * Invariants: FLUSHDB/FLUSHALL/SWAPDB first signal the databases they empty or exchange (the
 * context's signalDbReplaced hook: WATCHed keys, blocked XREADGROUPs on streams that go away),
 * and SWAPDB then lets clients blocked on keys it brought in be served (scanDatabaseForReadyKeys);
 * FLUSHDB and FLUSHALL are always propagated, even over empty databases; MOVE and COPY keep the source's
 * exact expiry time. Flushing swaps in fresh Maps, which is O(1) here, so SYNC and ASYNC differ
 * only in name.
 */
import { ERR_DB_INDEX, ERR_SAME_OBJECT, ERR_SYNTAX } from '../protocol/errors.js';
import { error, OK, type Reply } from '../protocol/reply.js';
import type { Database } from '../keyspace/database.js';
import type { Value } from '../keyspace/value.js';
import type { CommandContext } from './context.js';
import { isClusterEnabled, parseCInt, parseCIntOrError, rangeSpec } from './key-common.js';
import type { CommandSpec } from './spec.js';

function dbsize(c: CommandContext): Reply {
  return c.db.size;
}

/** Parses the optional SYNC|ASYNC of FLUSHDB/FLUSHALL; null on a syntax error. */
function flushArgsOk(argv: string[]): boolean {
  if (argv.length === 1) return true;
  if (argv.length > 2) return false;
  const a = argv[1]!.toLowerCase();
  return a === 'sync' || a === 'async';
}

function flushOne(c: CommandContext, db: Database): number {
  c.signalDbReplaced?.(db, null);
  return db.clear();
}

function flushdb(c: CommandContext, argv: string[]): Reply {
  if (!flushArgsOk(argv)) return ERR_SYNTAX;
  const removed = flushOne(c, c.db);
  c.signalFlushed?.();
  c.ks.dirty += removed;
  // Propagated even when nothing was removed, so that replicas and the AOF flush too.
  c.forcePropagation();
  return OK;
}

function flushall(c: CommandContext, argv: string[]): Reply {
  if (!flushArgsOk(argv)) return ERR_SYNTAX;
  let removed = 0;
  for (const db of c.ks.dbs) removed += flushOne(c, db);
  c.signalFlushed?.();
  c.ks.dirty += removed;
  // With save points, FLUSHALL saves the empty dataset (so the changes since the last save are 0).
  c.ks.onFlushAll?.();
  c.forcePropagation();
  return OK;
}

function dbById(c: CommandContext, id: number): Database | undefined {
  return id >= 0 ? c.ks.dbs[id] : undefined;
}

function swapdb(c: CommandContext, argv: string[]): Reply {
  if (isClusterEnabled(c)) return error('ERR SWAPDB is not allowed in cluster mode');
  const id1 = parseCInt(argv[1]!);
  if (id1 === null) return error('ERR invalid first DB index');
  const id2 = parseCInt(argv[2]!);
  if (id2 === null) return error('ERR invalid second DB index');
  const a = dbById(c, id1);
  const b = dbById(c, id2);
  if (a === undefined || b === undefined) return ERR_DB_INDEX;
  if (a !== b) {
    // A WATCHed key is touched if it exists in its database before or after the swap.
    c.signalDbReplaced?.(a, b);
    c.signalDbReplaced?.(b, a);
    a.swapWith(b);
    // Clients blocked on keys the swap brought in are served after the command.
    c.scanDatabaseForReadyKeys?.(a);
    c.scanDatabaseForReadyKeys?.(b);
  }
  c.ks.dirty++;
  return OK;
}

function move(c: CommandContext, argv: string[]): Reply {
  if (isClusterEnabled(c)) return error('ERR MOVE is not allowed in cluster mode');
  const ks = c.ks;
  const src = c.db;
  const id = parseCIntOrError(argv[2]!);
  if (typeof id !== 'number') return id;
  const dst = dbById(c, id);
  if (dst === undefined) return ERR_DB_INDEX;
  if (dst === src) return ERR_SAME_OBJECT;
  const key = argv[1]!;
  const v = ks.lookupWrite(src, key);
  if (v === undefined) return 0;
  const when = ks.getExpireExact(src, key);
  if (ks.lookupWrite(dst, key) !== undefined) return 0;
  ks.setKey(dst, key, v);
  ks.carryStringEncoding(src, key, dst, key);
  if (when !== -1) ks.setExpire(dst, key, when);
  ks.deleteKey(src, key);
  ks.notify('g', 'move_from', src, key);
  ks.notify('g', 'move_to', dst, key);
  ks.dirty++;
  return 1;
}

/** An independent copy of a value: strings are immutable JS strings, collections clone. */
function duplicate(v: Value): Value {
  return typeof v === 'string' ? v : v.clone();
}

function copy(c: CommandContext, argv: string[]): Reply {
  const ks = c.ks;
  const src = c.db;
  let dst = c.db;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    if (opt === 'replace') {
      replace = true;
    } else if (opt === 'db' && j + 1 < argv.length) {
      const id = parseCIntOrError(argv[j + 1]!);
      if (typeof id !== 'number') return id;
      const d = dbById(c, id);
      if (d === undefined) return ERR_DB_INDEX;
      dst = d;
      j++;
    } else {
      return ERR_SYNTAX;
    }
  }
  if (isClusterEnabled(c) && (src.id !== 0 || dst.id !== 0)) {
    return error('ERR Copying to another database is not allowed in cluster mode');
  }
  const key = argv[1]!;
  const newKey = argv[2]!;
  if (src === dst && key === newKey) return ERR_SAME_OBJECT;
  const v = ks.lookupRead(src, key);
  if (v === undefined) return 0;
  const when = ks.getExpireExact(src, key);
  const exists = ks.lookupWrite(dst, newKey) !== undefined;
  if (exists && !replace) return 0;
  // Redis deletes the destination, then adds the copy: clients blocked on it see a stream go
  // (a blocked XREADGROUP is answered) and a key created.
  if (exists) ks.deleteKey(dst, newKey);
  ks.setKey(dst, newKey, duplicate(v));
  ks.carryStringEncoding(src, key, dst, newKey, true);
  if (when !== -1) ks.setExpire(dst, newKey, when);
  ks.notify('g', 'copy_to', dst, newKey);
  ks.dirty++;
  return 1;
}

const FLUSH_TIPS = ['request_policy:all_shards', 'response_policy:all_succeeded'] as const;

export const DB_COMMANDS: readonly CommandSpec[] = [
  { name: 'dbsize', arity: 1, flags: ['readonly', 'fast'], acl: ['keyspace', 'read', 'fast'],
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
    group: 'server', since: '1.0.0', summary: 'Number of keys in the selected database', complexity: 'O(1)', handler: dbsize },
  { name: 'flushdb', arity: -1, flags: ['write'], acl: ['keyspace', 'write', 'slow', 'dangerous'], tips: FLUSH_TIPS,
    group: 'server', since: '1.0.0', summary: 'Empties the selected database', complexity: 'O(1) here (Redis: O(N) keys)', handler: flushdb },
  { name: 'flushall', arity: -1, flags: ['write'], acl: ['keyspace', 'write', 'slow', 'dangerous'], tips: FLUSH_TIPS,
    group: 'server', since: '1.0.0', summary: 'Empties every database', complexity: 'O(number of databases) here (Redis: O(N) keys)', handler: flushall },
  { name: 'swapdb', arity: 3, flags: ['write', 'fast'], acl: ['keyspace', 'write', 'fast', 'dangerous'],
    group: 'server', since: '4.0.0', summary: 'Exchanges the contents of two databases',
    complexity: 'O(N) in the clients watching keys of either database', handler: swapdb },
  { name: 'move', arity: 3, flags: ['write', 'fast'], acl: ['keyspace', 'write', 'fast'], keys: { first: 1, last: 1, step: 1 },
    keySpecs: [rangeSpec(['RW', 'access', 'update'], 1)],
    group: 'generic', since: '1.0.0', summary: 'Moves a key to another database unless it exists there', complexity: 'O(1)', handler: move },
  { name: 'copy', arity: -3, flags: ['write', 'denyoom'], acl: ['keyspace', 'write', 'slow'], keys: { first: 1, last: 2, step: 1 },
    keySpecs: [rangeSpec(['RO', 'access'], 1), rangeSpec(['OW', 'update'], 2)],
    group: 'generic', since: '6.2.0', summary: 'Duplicates a key, optionally into another database or over an existing key',
    complexity: 'O(1) for strings, O(N) in the elements of a collection', handler: copy },
];
