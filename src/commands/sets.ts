/**
 * Set commands (Redis 7.0's t_set.c): SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SMOVE SSCAN
 * here; SPOP SRANDMEMBER in set-random.ts; SINTER SINTERSTORE SINTERCARD SUNION SUNIONSTORE SDIFF
 * SDIFFSTORE in set-ops.ts. The value and its encodings live in keyspace/types/set.ts.
 *
 * Invariants: a set key never holds an empty set (the command that empties it deletes the key,
 * notifying `del` after its own event); every change counts in `dirty` as Redis counts it (one
 * per member added or removed); members are byte strings compared bytewise, except that an
 * intset compares canonical integers (which is the same thing for members it can hold).
 */
import { parseScanOptions } from './scan-args.js';
import { globMatch } from '../lib/glob.js';
import { parseInt64 } from '../lib/int64.js';
import { ERR_INVALID_CURSOR, ERR_NOT_INTEGER, ERR_SYNTAX } from '../protocol/errors.js';
import { set, type Reply } from '../protocol/reply.js';
import { parseScanCursor } from '../keyspace/scan.js';
import { SetValue } from '../keyspace/types/set.js';
import type { CommandContext } from './context.js';
import { deleteIfEmpty, lookupSet, setRangeSpec } from './set-common.js';
import { sdiff, sdiffstore, sinter, sintercard, sintercardGetKeys, sinterstore, sunion, sunionstore } from './set-ops.js';
import { spop, srandmember } from './set-random.js';
import type { CommandSpec, KeySpec } from './spec.js';

function sadd(c: CommandContext, argv: string[]): Reply {
  const key = argv[1]!;
  const found = lookupSet(c, key, true);
  if (found !== null && !(found instanceof SetValue)) return found;
  const s = found ?? SetValue.forMember(argv[2]!);
  const max = c.cfg.setMaxIntsetEntries;
  let added = 0;
  for (let j = 2; j < argv.length; j++) if (s.add(argv[j]!, max)) added++;
  if (found === null) c.ks.setKey(c.db, key, s);
  else if (added > 0) c.ks.signalModifiedKey(c.db, key);
  if (added > 0) c.ks.notify('s', 'sadd', c.db, key);
  c.ks.dirty += added;
  return added;
}

function srem(c: CommandContext, argv: string[]): Reply {
  const key = argv[1]!;
  const s = lookupSet(c, key, true);
  if (s === null) return 0;
  if (!(s instanceof SetValue)) return s;
  let deleted = 0;
  for (let j = 2; j < argv.length; j++) {
    if (s.remove(argv[j]!)) {
      deleted++;
      if (s.size === 0) break;
    }
  }
  if (deleted > 0) {
    c.ks.signalModifiedKey(c.db, key);
    c.ks.notify('s', 'srem', c.db, key);
    deleteIfEmpty(c, key, s);
    c.ks.dirty += deleted;
  }
  return deleted;
}

function smove(c: CommandContext, argv: string[]): Reply {
  const srcKey = argv[1]!;
  const dstKey = argv[2]!;
  const member = argv[3]!;
  const src = lookupSet(c, srcKey, true);
  const dst = lookupSet(c, dstKey, true);
  if (src === null) return 0;
  if (!(src instanceof SetValue)) return src;
  if (dst !== null && !(dst instanceof SetValue)) return dst;
  if (src === dst) return src.has(member) ? 1 : 0;
  if (!src.remove(member)) return 0;
  const ks = c.ks;
  ks.notify('s', 'srem', c.db, srcKey);
  deleteIfEmpty(c, srcKey, src);
  let target = dst;
  if (target === null) {
    target = SetValue.forMember(member);
    ks.setKey(c.db, dstKey, target);
  }
  ks.signalModifiedKey(c.db, srcKey);
  ks.signalModifiedKey(c.db, dstKey);
  ks.dirty++;
  if (target.add(member, c.cfg.setMaxIntsetEntries)) {
    ks.dirty++;
    ks.notify('s', 'sadd', c.db, dstKey);
  }
  return 1;
}

function sismember(c: CommandContext, argv: string[]): Reply {
  const s = lookupSet(c, argv[1]!, false);
  if (s === null) return 0;
  if (!(s instanceof SetValue)) return s;
  return s.has(argv[2]!) ? 1 : 0;
}

function smismember(c: CommandContext, argv: string[]): Reply {
  const s = lookupSet(c, argv[1]!, false);
  if (s !== null && !(s instanceof SetValue)) return s;
  const out: number[] = [];
  for (let j = 2; j < argv.length; j++) out.push(s !== null && s.has(argv[j]!) ? 1 : 0);
  return out;
}

function scard(c: CommandContext, argv: string[]): Reply {
  const s = lookupSet(c, argv[1]!, false);
  if (s === null) return 0;
  if (!(s instanceof SetValue)) return s;
  return s.size;
}

function smembers(c: CommandContext, argv: string[]): Reply {
  const s = lookupSet(c, argv[1]!, false);
  if (s === null) return set([]);
  if (!(s instanceof SetValue)) return s;
  return set(s.toArray());
}

/** SSCAN's default COUNT, as Redis's scanGenericCommand. */

function sscan(c: CommandContext, argv: string[]): Reply {
  const cursor = parseScanCursor(argv[2]!);
  if (cursor === null) return ERR_INVALID_CURSOR;
  const s = lookupSet(c, argv[1]!, false);
  if (s === null) return ['0', []];
  if (!(s instanceof SetValue)) return s;
  const opts = parseScanOptions(argv, 3, false);
  if ('t' in opts) return opts;
  const { count, pattern } = opts;
  const out: string[] = [];
  if (s.isIntset()) {
    // Redis returns a small encoding whole, whatever the cursor and COUNT.
    for (const m of s.members()) if (pattern === null || globMatch(pattern, m)) out.push(m);
    return ['0', out];
  }
  const next = s.scanStep(cursor, count, c.ks.now, (m) => {
    if (pattern === null || globMatch(pattern, m)) out.push(m);
  });
  return [String(next), out];
}

const KEY_1 = { first: 1, last: 1, step: 1 } as const;
const KEYS_ALL = { first: 1, last: -1, step: 1 } as const;
const STORE_KEYS = { first: 1, last: -1, step: 1 } as const;
/** SINTERSTORE's destination is RW in Redis 7.0's key specs, SUNIONSTORE's and SDIFFSTORE's OW. */
const SINTERSTORE_SPECS: readonly KeySpec[] = [setRangeSpec(['RW', 'update'], 1), setRangeSpec(['RO', 'access'], 2, -1)];
const STORE_SPECS: readonly KeySpec[] = [setRangeSpec(['OW', 'update'], 1), setRangeSpec(['RO', 'access'], 2, -1)];
const SINTERCARD_SPEC: KeySpec = {
  flags: ['RO', 'access'], beginSearch: { index: 1 }, findKeys: { keynum: { keyNumIdx: 0, firstKey: 1, step: 1 } },
};

export const SET_COMMANDS: readonly CommandSpec[] = [
  { name: 'sadd', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: ['write', 'set', 'fast'], keys: KEY_1,
    keySpecs: [setRangeSpec(['RW', 'insert'], 1)], group: 'set', since: '1.0.0',
    summary: 'Adds members to a set, creating it when missing; replies how many were new',
    complexity: 'O(1) per member (O(N) while the set is an intset)', history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    handler: sadd },
  { name: 'srem', arity: -3, flags: ['write', 'fast'], acl: ['write', 'set', 'fast'], keys: KEY_1,
    keySpecs: [setRangeSpec(['RW', 'delete'], 1)], group: 'set', since: '1.0.0',
    summary: 'Removes members from a set; replies how many were there', complexity: 'O(N) in the members given',
    history: [['2.4.0', 'Accepts multiple `member` arguments.']], handler: srem },
  { name: 'scard', arity: 2, flags: ['readonly', 'fast'], acl: ['read', 'set', 'fast'], keys: KEY_1,
    keySpecs: [setRangeSpec(['RO'], 1)], group: 'set', since: '1.0.0',
    summary: 'Number of members of a set', complexity: 'O(1)', handler: scard },
  { name: 'sismember', arity: 3, flags: ['readonly', 'fast'], acl: ['read', 'set', 'fast'], keys: KEY_1,
    keySpecs: [setRangeSpec(['RO'], 1)], group: 'set', since: '1.0.0',
    summary: 'Whether a value belongs to a set (1 or 0)', complexity: 'O(1)', handler: sismember },
  { name: 'smismember', arity: -3, flags: ['readonly', 'fast'], acl: ['read', 'set', 'fast'], keys: KEY_1,
    keySpecs: [setRangeSpec(['RO', 'access'], 1)], group: 'set', since: '6.2.0',
    summary: 'Membership of several values in a set, one 1 or 0 per value', complexity: 'O(N) in the values given', handler: smismember },
  { name: 'smembers', arity: 2, flags: ['readonly'], acl: ['read', 'set', 'slow'], keys: KEY_1,
    keySpecs: [setRangeSpec(['RO', 'access'], 1)], tips: ['nondeterministic_output_order'], group: 'set', since: '1.0.0',
    summary: 'Every member of a set', complexity: 'O(N) in the set size', handler: smembers },
  { name: 'srandmember', arity: -2, flags: ['readonly'], acl: ['read', 'set', 'slow'], keys: KEY_1,
    keySpecs: [setRangeSpec(['RO', 'access'], 1)], tips: ['nondeterministic_output'], group: 'set', since: '1.0.0',
    summary: 'One or more random members of a set, left in place',
    complexity: 'O(1) without count, otherwise O(N) in the count', history: [['2.6.0', 'Added the optional `count` argument.']],
    handler: srandmember },
  { name: 'spop', arity: -2, flags: ['write', 'fast'], acl: ['write', 'set', 'fast'], keys: KEY_1,
    keySpecs: [setRangeSpec(['RW', 'access', 'delete'], 1)], tips: ['nondeterministic_output'], group: 'set', since: '1.0.0',
    summary: 'Removes and returns one or more random members of a set',
    complexity: 'O(1) without count, otherwise O(N) in the count', history: [['3.2.0', 'Added the `count` argument.']],
    handler: spop },
  { name: 'smove', arity: 4, flags: ['write', 'fast'], acl: ['write', 'set', 'fast'], keys: { first: 1, last: 2, step: 1 },
    keySpecs: [setRangeSpec(['RW', 'access', 'delete'], 1), setRangeSpec(['RW', 'insert'], 2)], group: 'set', since: '1.0.0',
    summary: 'Moves a member from one set to another', complexity: 'O(1)', handler: smove },
  { name: 'sinter', arity: -2, flags: ['readonly'], acl: ['read', 'set', 'slow'], keys: KEYS_ALL,
    keySpecs: [setRangeSpec(['RO', 'access'], 1, -1)], tips: ['nondeterministic_output_order'], group: 'set', since: '1.0.0',
    summary: 'Members present in every given set', complexity: 'O(N*M): smallest set size times number of sets', handler: sinter },
  { name: 'sinterstore', arity: -3, flags: ['write', 'denyoom'], acl: ['write', 'set', 'slow'], keys: STORE_KEYS,
    keySpecs: SINTERSTORE_SPECS, group: 'set', since: '1.0.0',
    summary: 'Stores the intersection of sets in a key; replies its size', complexity: 'O(N*M): smallest set size times number of sets',
    handler: sinterstore },
  { name: 'sintercard', arity: -3, flags: ['readonly'], acl: ['read', 'set', 'slow'], keySpecs: [SINTERCARD_SPEC],
    getKeys: sintercardGetKeys, group: 'set', since: '7.0.0',
    summary: 'Size of the intersection of sets, optionally stopping at a limit',
    complexity: 'O(N*M): smallest set size times number of sets', handler: sintercard },
  { name: 'sunion', arity: -2, flags: ['readonly'], acl: ['read', 'set', 'slow'], keys: KEYS_ALL,
    keySpecs: [setRangeSpec(['RO', 'access'], 1, -1)], tips: ['nondeterministic_output_order'], group: 'set', since: '1.0.0',
    summary: 'Members present in any of the given sets', complexity: 'O(N) in the total number of members', handler: sunion },
  { name: 'sunionstore', arity: -3, flags: ['write', 'denyoom'], acl: ['write', 'set', 'slow'], keys: STORE_KEYS,
    keySpecs: STORE_SPECS, group: 'set', since: '1.0.0',
    summary: 'Stores the union of sets in a key; replies its size', complexity: 'O(N) in the total number of members',
    handler: sunionstore },
  { name: 'sdiff', arity: -2, flags: ['readonly'], acl: ['read', 'set', 'slow'], keys: KEYS_ALL,
    keySpecs: [setRangeSpec(['RO', 'access'], 1, -1)], tips: ['nondeterministic_output_order'], group: 'set', since: '1.0.0',
    summary: 'Members of the first set present in none of the others', complexity: 'O(N) in the total number of members',
    handler: sdiff },
  { name: 'sdiffstore', arity: -3, flags: ['write', 'denyoom'], acl: ['write', 'set', 'slow'], keys: STORE_KEYS,
    keySpecs: STORE_SPECS, group: 'set', since: '1.0.0',
    summary: 'Stores the difference of sets in a key; replies its size', complexity: 'O(N) in the total number of members',
    handler: sdiffstore },
  { name: 'sscan', arity: -3, flags: ['readonly'], acl: ['read', 'set', 'slow'], keys: KEY_1,
    keySpecs: [setRangeSpec(['RO', 'access'], 1)], tips: ['nondeterministic_output'], group: 'set', since: '2.8.0',
    summary: 'Walks the members of a set a few per call, driven by a cursor',
    complexity: 'O(1) per call; O(N) for a whole iteration', handler: sscan },
];
