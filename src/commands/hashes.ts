/**
 * Hash commands, Redis 7.0's t_hash.c reply for reply: HSET HSETNX HMSET HGET HMGET HDEL HLEN
 * HSTRLEN HEXISTS HKEYS HVALS HGETALL HINCRBY HINCRBYFLOAT HSCAN, plus HRANDFIELD from
 * hash-random.ts. The value type and its encodings live in keyspace/types/hash.ts.
 *
 * Rules kept here: arguments are validated before the key is looked up where Redis does so (the
 * increments of HINCRBY*, HSCAN's cursor); a write creates the key only when it changes it; the
 * key is deleted with its last field (event `hdel` then `del`); every write signals the key,
 * notifies its `h` event and counts `dirty` as Redis does (HSET counts every pair given, updates
 * included). HINCRBYFLOAT propagates as `HSET key field <result>`, as 7.0 rewrites it.
 */
import { parseScanOptions } from './scan-args.js';
import { globMatch } from '../lib/glob.js';
import { addInt64, formatInt64, parseInt64, type Int64 } from '../lib/int64.js';
import { addLongDouble, formatLongDoubleHuman, LD_ZERO, parseLongDouble } from '../lib/long-double.js';
import {
  ERR_INVALID_CURSOR, ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_OVERFLOW, ERR_SYNTAX, errWrongArity,
} from '../protocol/errors.js';
import { OK, error, map, type Reply } from '../protocol/reply.js';
import { parseScanCursor } from '../keyspace/scan.js';
import { HashValue } from '../keyspace/types/hash.js';
import type { CommandContext } from './context.js';
import { HASH_KEY, commitHash, readHash, writeHash } from './hash-common.js';
import { HRANDFIELD_COMMAND } from './hash-random.js';
import { keySpec } from './string-common.js';
import type { CommandSpec } from './spec.js';

const ERR_HASH_NOT_INTEGER = error('ERR hash value is not an integer');
const ERR_HASH_NOT_FLOAT = error('ERR hash value is not a float');
const ERR_INCR_NAN_INF = error('ERR value is NaN or Infinity');
const ERR_RESULT_NAN_INF = error('ERR increment would produce NaN or Infinity');
/** HSCAN's default COUNT, as Redis. */

/** HSET (created count) and HMSET (OK). */
function hsetGeneric(c: CommandContext, argv: string[], isHmset: boolean): Reply {
  if (argv.length % 2 === 1) return errWrongArity(isHmset ? 'hmset' : 'hset');
  const key = argv[1]!;
  const cur = writeHash(c, key);
  if (cur !== undefined && !(cur instanceof HashValue)) return cur;
  const h = cur ?? HashValue.empty();
  const created = h.setPairs(argv, 2, c.cfg);
  commitHash(c, key, h, cur === undefined);
  c.ks.notify('h', 'hset', c.db, key);
  c.ks.dirty += (argv.length - 2) / 2;
  return isHmset ? OK : created;
}

function hsetnxCommand(c: CommandContext, argv: string[]): Reply {
  const key = argv[1]!;
  const cur = writeHash(c, key);
  if (cur !== undefined && !(cur instanceof HashValue)) return cur;
  if (cur !== undefined && cur.has(argv[2]!)) return 0;
  const h = cur ?? HashValue.empty();
  // As hashTypeTryConversion on (field, value) followed by hashTypeSet.
  h.setPairs(argv, 2, c.cfg);
  commitHash(c, key, h, cur === undefined);
  c.ks.notify('h', 'hset', c.db, key);
  c.ks.dirty++;
  return 1;
}

function hgetCommand(c: CommandContext, argv: string[]): Reply {
  const h = readHash(c, argv[1]!);
  if (h === undefined) return null;
  if (!(h instanceof HashValue)) return h;
  return h.get(argv[2]!) ?? null;
}

function hmgetCommand(c: CommandContext, argv: string[]): Reply {
  const h = readHash(c, argv[1]!);
  if (h !== undefined && !(h instanceof HashValue)) return h;
  const out: Reply[] = new Array<Reply>(argv.length - 2);
  for (let i = 2; i < argv.length; i++) out[i - 2] = h === undefined ? null : h.get(argv[i]!) ?? null;
  return out;
}

function hdelCommand(c: CommandContext, argv: string[]): Reply {
  const key = argv[1]!;
  const h = writeHash(c, key);
  if (h === undefined) return 0;
  if (!(h instanceof HashValue)) return h;
  const deleted = h.deleteFields(argv, 2);
  if (deleted > 0) {
    const removed = commitHash(c, key, h, false);
    c.ks.notify('h', 'hdel', c.db, key);
    if (removed) c.ks.notify('g', 'del', c.db, key);
    c.ks.dirty += deleted;
  }
  return deleted;
}

function hlenCommand(c: CommandContext, argv: string[]): Reply {
  const h = readHash(c, argv[1]!);
  if (h === undefined) return 0;
  return h instanceof HashValue ? h.size : h;
}

function hstrlenCommand(c: CommandContext, argv: string[]): Reply {
  const h = readHash(c, argv[1]!);
  if (h === undefined) return 0;
  if (!(h instanceof HashValue)) return h;
  return h.get(argv[2]!)?.length ?? 0;
}

function hexistsCommand(c: CommandContext, argv: string[]): Reply {
  const h = readHash(c, argv[1]!);
  if (h === undefined) return 0;
  if (!(h instanceof HashValue)) return h;
  return h.has(argv[2]!) ? 1 : 0;
}

/** HKEYS, HVALS, HGETALL (a map reply: RESP3 `%`, a flat array in RESP2). */
function hgetallGeneric(c: CommandContext, argv: string[], what: 'keys' | 'values' | 'both'): Reply {
  const h = readHash(c, argv[1]!);
  if (h === undefined) return what === 'both' ? map([]) : [];
  if (!(h instanceof HashValue)) return h;
  if (what === 'keys') return h.fields();
  if (what === 'values') return h.values();
  return map(h.pairs());
}

function hincrbyCommand(c: CommandContext, argv: string[]): Reply {
  const incr = parseInt64(argv[3]!);
  if (incr === null) return ERR_NOT_INTEGER;
  const key = argv[1]!;
  const field = argv[2]!;
  const cur = writeHash(c, key);
  if (cur !== undefined && !(cur instanceof HashValue)) return cur;
  let value: Int64 = 0;
  const old = cur?.get(field);
  if (old !== undefined) {
    const p = parseInt64(old);
    if (p === null) return ERR_HASH_NOT_INTEGER;
    value = p;
  }
  const sum = addInt64(value, incr);
  if (sum === null) return ERR_OVERFLOW;
  const h = cur ?? HashValue.empty();
  h.set(field, formatInt64(sum), c.cfg);
  commitHash(c, key, h, cur === undefined);
  c.ks.notify('h', 'hincrby', c.db, key);
  c.ks.dirty++;
  return sum;
}

function hincrbyfloatCommand(c: CommandContext, argv: string[]): Reply {
  const incr = parseLongDouble(argv[3]!);
  if (incr === null) return ERR_NOT_FLOAT;
  if (incr.kind !== 'finite') return ERR_INCR_NAN_INF;
  const key = argv[1]!;
  const field = argv[2]!;
  const cur = writeHash(c, key);
  if (cur !== undefined && !(cur instanceof HashValue)) return cur;
  let value = LD_ZERO;
  const old = cur?.get(field);
  if (old !== undefined) {
    const p = parseLongDouble(old);
    if (p === null) return ERR_HASH_NOT_FLOAT;
    value = p;
  }
  const sum = addLongDouble(value, incr);
  if (sum.kind !== 'finite') return ERR_RESULT_NAN_INF;
  const text = formatLongDoubleHuman(sum);
  const h = cur ?? HashValue.empty();
  h.set(field, text, c.cfg);
  commitHash(c, key, h, cur === undefined);
  c.ks.notify('h', 'hincrbyfloat', c.db, key);
  c.ks.dirty++;
  // Replicas and the AOF get the result, so float formatting can never make them diverge.
  c.rewriteArgv(['HSET', key, field, text]);
  return text;
}

/**
 * HSCAN: a listpack hash is returned whole with cursor 0 (whatever the cursor), as Redis does; a
 * hash table is walked with the SCAN guarantee of keyspace/scan.ts.
 */
function hscanCommand(c: CommandContext, argv: string[]): Reply {
  const cursor = parseScanCursor(argv[2]!);
  if (cursor === null) return ERR_INVALID_CURSOR;
  const h = readHash(c, argv[1]!);
  if (h === undefined) return ['0', []];
  if (!(h instanceof HashValue)) return h;
  const opts = parseScanOptions(argv, 3, false);
  if ('t' in opts) return opts;
  const { count, pattern } = opts;
  const out: string[] = [];
  const visit = (f: string, v: string): void => {
    if (pattern !== null && !globMatch(pattern, f)) return;
    out.push(f, v);
  };
  if (h.isListpack()) {
    h.forEach(visit);
    return ['0', out];
  }
  const next = h.scanStep(cursor, count, c.ks.now, visit);
  return [String(next), out];
}

const RW_UPDATE = [keySpec(['RW', 'update'])];
const RW_ACCESS_UPDATE = [keySpec(['RW', 'access', 'update'])];
const RO_ACCESS = [keySpec(['RO', 'access'])];
const RO = [keySpec(['RO'])];
const WRITE_FAST = { flags: ['write', 'denyoom', 'fast'], acl: ['write', 'hash', 'fast'] } as const;
const READ_FAST = { flags: ['readonly', 'fast'], acl: ['read', 'hash', 'fast'] } as const;
const READ_SLOW = { flags: ['readonly'], acl: ['read', 'hash', 'slow'] } as const;

export const HASH_COMMANDS: readonly CommandSpec[] = [
  { name: 'hset', arity: -4, ...WRITE_FAST, keys: HASH_KEY, keySpecs: RW_UPDATE,
    group: 'hash', since: '2.0.0', summary: 'Sets one or more fields of a hash, creating the hash if needed',
    complexity: 'O(1) per field/value pair', history: [['4.0.0', 'Accepts multiple `field` and `value` arguments.']],
    handler: (c, a) => hsetGeneric(c, a, false) },
  { name: 'hsetnx', arity: 4, ...WRITE_FAST, keys: HASH_KEY, keySpecs: [keySpec(['RW', 'insert'])],
    group: 'hash', since: '2.0.0', summary: 'Sets a field of a hash only when the field does not exist yet',
    complexity: 'O(1)', handler: hsetnxCommand },
  { name: 'hmset', arity: -4, ...WRITE_FAST, keys: HASH_KEY, keySpecs: RW_UPDATE,
    group: 'hash', since: '2.0.0', summary: 'Sets several fields of a hash (older form of HSET, answers OK)',
    complexity: 'O(N) in the number of fields given',
    docFlags: ['deprecated'], deprecatedSince: '4.0.0', replacedBy: '`HSET` with multiple field-value pairs',
    handler: (c, a) => hsetGeneric(c, a, true) },
  { name: 'hget', arity: 3, ...READ_FAST, keys: HASH_KEY, keySpecs: RO_ACCESS,
    group: 'hash', since: '2.0.0', summary: 'Returns the value of one field of a hash', complexity: 'O(1)', handler: hgetCommand },
  { name: 'hmget', arity: -3, ...READ_FAST, keys: HASH_KEY, keySpecs: RO_ACCESS,
    group: 'hash', since: '2.0.0', summary: 'Returns the values of several fields of a hash',
    complexity: 'O(N) in the number of fields asked for', handler: hmgetCommand },
  { name: 'hdel', arity: -3, flags: ['write', 'fast'], acl: ['write', 'hash', 'fast'], keys: HASH_KEY,
    keySpecs: [keySpec(['RW', 'delete'])],
    group: 'hash', since: '2.0.0', summary: 'Removes fields from a hash, deleting the hash with its last field',
    complexity: 'O(N) in the number of fields removed', history: [['2.4.0', 'Accepts multiple `field` arguments.']],
    handler: hdelCommand },
  { name: 'hlen', arity: 2, ...READ_FAST, keys: HASH_KEY, keySpecs: RO,
    group: 'hash', since: '2.0.0', summary: 'Counts the fields of a hash', complexity: 'O(1)', handler: hlenCommand },
  { name: 'hstrlen', arity: 3, ...READ_FAST, keys: HASH_KEY, keySpecs: RO,
    group: 'hash', since: '3.2.0', summary: 'Returns the byte length of the value of a hash field', complexity: 'O(1)',
    handler: hstrlenCommand },
  { name: 'hexists', arity: 3, ...READ_FAST, keys: HASH_KEY, keySpecs: RO,
    group: 'hash', since: '2.0.0', summary: 'Tells whether a hash has a field', complexity: 'O(1)', handler: hexistsCommand },
  { name: 'hkeys', arity: 2, ...READ_SLOW, keys: HASH_KEY, keySpecs: RO_ACCESS, tips: ['nondeterministic_output_order'],
    group: 'hash', since: '2.0.0', summary: 'Lists the fields of a hash', complexity: 'O(N) in the size of the hash',
    handler: (c, a) => hgetallGeneric(c, a, 'keys') },
  { name: 'hvals', arity: 2, ...READ_SLOW, keys: HASH_KEY, keySpecs: RO_ACCESS, tips: ['nondeterministic_output_order'],
    group: 'hash', since: '2.0.0', summary: 'Lists the values of a hash', complexity: 'O(N) in the size of the hash',
    handler: (c, a) => hgetallGeneric(c, a, 'values') },
  { name: 'hgetall', arity: 2, ...READ_SLOW, keys: HASH_KEY, keySpecs: RO_ACCESS, tips: ['nondeterministic_output_order'],
    group: 'hash', since: '2.0.0', summary: 'Returns every field and value of a hash', complexity: 'O(N) in the size of the hash',
    handler: (c, a) => hgetallGeneric(c, a, 'both') },
  { name: 'hincrby', arity: 4, ...WRITE_FAST, keys: HASH_KEY, keySpecs: RW_ACCESS_UPDATE,
    group: 'hash', since: '2.0.0', summary: 'Adds an integer to the integer held by a hash field', complexity: 'O(1)',
    handler: hincrbyCommand },
  { name: 'hincrbyfloat', arity: 4, ...WRITE_FAST, keys: HASH_KEY, keySpecs: RW_ACCESS_UPDATE,
    group: 'hash', since: '2.6.0', summary: 'Adds a floating point amount to the number held by a hash field',
    complexity: 'O(1)', handler: hincrbyfloatCommand },
  HRANDFIELD_COMMAND,
  { name: 'hscan', arity: -3, ...READ_SLOW, keys: HASH_KEY, keySpecs: RO_ACCESS, tips: ['nondeterministic_output'],
    group: 'hash', since: '2.8.0', summary: 'Walks the fields and values of a hash a few at a time, driven by a cursor',
    complexity: 'O(1) per call; O(N) for a whole iteration', handler: hscanCommand },
];
