/**
 * Generic key commands that read or remove keys by name: DEL UNLINK EXISTS TYPE TOUCH RENAME
 * RENAMENX KEYS SCAN RANDOMKEY (Redis 7.0's db.c semantics).
 *
 * Invariants: every deletion goes through Keyspace.deleteKey (WATCH invalidation), notifies the
 * generic "del" / "rename_from" / "rename_to" events, and counts one `dirty` per changed key;
 * KEYS never modifies the dataset (expired keys are hidden, not deleted); SCAN deletes expired
 * keys it meets, as Redis's SCAN does through expireIfNeeded.
 */
import { parseScanOptions } from './scan-args.js';
import { globMatch } from '../lib/glob.js';
import { parseInt64 } from '../lib/int64.js';
import { ERR_INVALID_CURSOR, ERR_NO_SUCH_KEY, ERR_SYNTAX, ERR_NOT_INTEGER } from '../protocol/errors.js';
import { OK, status, type Reply } from '../protocol/reply.js';
import { parseScanCursor } from '../keyspace/scan.js';
import { typeOf } from '../keyspace/value.js';
import type { CommandContext } from './context.js';
import { rangeSpec } from './key-common.js';
import type { CommandSpec } from './spec.js';

/** SCAN's default COUNT, as Redis. */

function delGeneric(c: CommandContext, argv: string[]): Reply {
  const ks = c.ks;
  const db = c.db;
  let deleted = 0;
  for (let j = 1; j < argv.length; j++) {
    const key = argv[j]!;
    // Expire first so an expired key is reported (and propagated) as expired, not deleted.
    if (db.expires.size !== 0) ks.expireIfNeeded(db, key);
    if (ks.deleteKey(db, key)) {
      ks.notify('g', 'del', db, key);
      ks.dirty++;
      deleted++;
    }
  }
  return deleted;
}

function exists(c: CommandContext, argv: string[]): Reply {
  let n = 0;
  for (let j = 1; j < argv.length; j++) if (c.ks.lookupRead(c.db, argv[j]!) !== undefined) n++;
  return n;
}

function type(c: CommandContext, argv: string[]): Reply {
  const v = c.ks.lookupRead(c.db, argv[1]!);
  return status(v === undefined ? 'none' : typeOf(v));
}

function touch(c: CommandContext, argv: string[]): Reply {
  // Garrison keeps no per-key access clock (see OBJECT IDLETIME), so touching is a lookup.
  return exists(c, argv);
}

function renameGeneric(c: CommandContext, argv: string[], nx: boolean): Reply {
  const ks = c.ks;
  const db = c.db;
  const src = argv[1]!;
  const dst = argv[2]!;
  const v = ks.lookupWrite(db, src);
  if (v === undefined) return ERR_NO_SUCH_KEY;
  if (src === dst) return nx ? 0 : OK;
  const when = ks.getExpireExact(db, src);
  if (nx && ks.lookupWrite(db, dst) !== undefined) return 0;
  // Redis signals the source, then the destination (the order of client-side caching
  // invalidations); the writes below signal the destination first, then the source again.
  ks.hooks.onKeyModified(db, src);
  if (ks.lookupWrite(db, dst) !== undefined) ks.deleteKey(db, dst);
  ks.setKey(db, dst, v);
  ks.carryStringEncoding(db, src, db, dst);
  if (when !== -1) ks.setExpire(db, dst, when);
  ks.deleteKey(db, src);
  ks.notify('g', 'rename_from', db, src);
  ks.notify('g', 'rename_to', db, dst);
  ks.dirty++;
  return nx ? 1 : OK;
}

function keys(c: CommandContext, argv: string[]): Reply {
  const pattern = argv[1]!;
  const all = pattern === '*';
  const db = c.db;
  const checkExpiry = db.expires.size !== 0;
  const out: string[] = [];
  for (const key of db.dict.keys()) {
    if (!all && !globMatch(pattern, key)) continue;
    if (checkExpiry && c.ks.isExpired(db, key)) continue;
    out.push(key);
  }
  return out;
}

/**
 * SCAN as Redis's scanGenericCommand: dictScan steps over the database's table until COUNT keys
 * were collected (at most COUNT*10 steps), then the filters (pattern, TYPE, expiry) run on what
 * was collected. The cursor is the table's reverse-binary home-slot cursor (Dict.scanStep).
 */
function scan(c: CommandContext, argv: string[]): Reply {
  const cursor = parseScanCursor(argv[1]!);
  if (cursor === null) return ERR_INVALID_CURSOR;
  const opts = parseScanOptions(argv, 2, true);
  if ('t' in opts) return opts;
  const { count, pattern, typeName } = opts;
  const ks = c.ks;
  const db = c.db;
  const dict = db.dict;
  const found: string[] = [];
  const collect = (key: string): void => { found.push(key); };
  let next = Number(cursor & 0xffffffffn);
  let steps = count * 10;
  do {
    next = dict.scanStep(next, collect);
  } while (next !== 0 && steps-- > 0 && found.length < count);
  const out: string[] = [];
  for (const key of found) {
    if (pattern !== null && !globMatch(pattern, key)) continue;
    if (typeName !== null) {
      // A read lookup, as Redis's: a hit or a miss, and a key whose time has passed expires here
      // (and passes a TYPE none filter, since the check after this one then finds nothing).
      const v = ks.lookupRead(db, key);
      if ((v === undefined ? 'none' : typeOf(v)) !== typeName) continue;
    }
    if (db.expires.size !== 0 && ks.expireIfNeeded(db, key)) continue;
    out.push(key);
  }
  return [String(next), out];
}

function randomkey(c: CommandContext): Reply {
  return c.ks.randomKey(c.db, () => (c.random !== undefined ? c.random() : 0));
}

const KEYS_1 = { first: 1, last: 1, step: 1 } as const;
const KEYS_ALL = { first: 1, last: -1, step: 1 } as const;

export const GENERIC_KEY_COMMANDS: readonly CommandSpec[] = [
  { name: 'del', arity: -2, flags: ['write'], acl: ['keyspace', 'write', 'slow'], keys: KEYS_ALL,
    keySpecs: [rangeSpec(['RM', 'delete'], 1, -1)], tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    group: 'generic', since: '1.0.0', summary: 'Removes one or more keys and reports how many existed',
    complexity: 'O(N) in the number of keys, plus O(M) elements for each collection removed', handler: (c, a) => delGeneric(c, a) },
  { name: 'unlink', arity: -2, flags: ['write', 'fast'], acl: ['keyspace', 'write', 'fast'], keys: KEYS_ALL,
    keySpecs: [rangeSpec(['RM', 'delete'], 1, -1)], tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    group: 'generic', since: '4.0.0', summary: 'Removes keys like DEL, leaving memory reclamation to later',
    complexity: 'O(1) per key removed', handler: (c, a) => delGeneric(c, a) },
  { name: 'exists', arity: -2, flags: ['readonly', 'fast'], acl: ['keyspace', 'read', 'fast'], keys: KEYS_ALL,
    keySpecs: [rangeSpec(['RO'], 1, -1)], tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    group: 'generic', since: '1.0.0', summary: 'Counts how many of the given keys exist (repeats count again)',
    complexity: 'O(N) in the number of keys given', handler: exists },
  { name: 'type', arity: 2, flags: ['readonly', 'fast'], acl: ['keyspace', 'read', 'fast'], keys: KEYS_1,
    keySpecs: [rangeSpec(['RO'], 1)],
    group: 'generic', since: '1.0.0', summary: 'Names the data type held by a key, or none', complexity: 'O(1)', handler: type },
  { name: 'touch', arity: -2, flags: ['readonly', 'fast'], acl: ['keyspace', 'read', 'fast'], keys: KEYS_ALL,
    keySpecs: [rangeSpec(['RO'], 1, -1)], tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    group: 'generic', since: '3.2.1', summary: 'Marks keys as accessed and counts the ones that exist',
    complexity: 'O(N) in the number of keys given', handler: touch },
  { name: 'rename', arity: 3, flags: ['write'], acl: ['keyspace', 'write', 'slow'], keys: { first: 1, last: 2, step: 1 },
    keySpecs: [rangeSpec(['RW', 'access', 'delete'], 1), rangeSpec(['OW', 'update'], 2)],
    group: 'generic', since: '1.0.0', summary: 'Gives a key a new name, overwriting any key already there', complexity: 'O(1)',
    handler: (c, a) => renameGeneric(c, a, false) },
  { name: 'renamenx', arity: 3, flags: ['write', 'fast'], acl: ['keyspace', 'write', 'fast'], keys: { first: 1, last: 2, step: 1 },
    keySpecs: [rangeSpec(['RW', 'access', 'delete'], 1), rangeSpec(['OW', 'insert'], 2)],
    group: 'generic', since: '1.0.0', summary: 'Gives a key a new name unless that name is taken', complexity: 'O(1)',
    handler: (c, a) => renameGeneric(c, a, true) },
  { name: 'keys', arity: 2, flags: ['readonly'], acl: ['keyspace', 'read', 'slow', 'dangerous'],
    tips: ['request_policy:all_shards', 'nondeterministic_output_order'],
    group: 'generic', since: '1.0.0', summary: 'Lists every key matching a glob pattern in one reply',
    complexity: 'O(N) in the number of keys in the database', handler: keys },
  { name: 'scan', arity: -2, flags: ['readonly'], acl: ['keyspace', 'read', 'slow'],
    tips: ['nondeterministic_output', 'request_policy:special'],
    group: 'generic', since: '2.8.0', summary: 'Walks the keyspace a few keys per call, driven by a cursor',
    complexity: 'O(1) per call; O(N) for a whole iteration', handler: scan },
  { name: 'randomkey', arity: 1, flags: ['readonly'], acl: ['keyspace', 'read', 'slow'],
    tips: ['request_policy:all_shards', 'nondeterministic_output'],
    group: 'generic', since: '1.0.0', summary: 'Returns some key of the database, chosen at random',
    complexity: 'O(1) in Redis; here O(min(N, 4096)) steps of a walk', handler: randomkey },
];
