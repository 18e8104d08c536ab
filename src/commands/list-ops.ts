/**
 * Non-blocking list commands: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET LINSERT
 * LREM LTRIM LPOS LMOVE RPOPLPUSH LMPOP — Redis 7.0's t_list.c, reply for reply.
 *
 * Argument checks happen in Redis's order (some commands parse their integers before looking the
 * key up, others after), because that order decides which error a bad call gets. Missing keys
 * answer each command's own "empty" reply (0, null, empty array, OK, null array).
 * LMPOP propagates as LPOP/RPOP key count (the count actually popped), as Redis rewrites it.
 */
import { ERR_INDEX_OUT_OF_RANGE, ERR_NO_SUCH_KEY, ERR_SYNTAX, errWrongArity } from '../protocol/errors.js';
import { EMPTY_ARRAY, NULL_ARRAY, OK, error, type ErrorReply, type Reply } from '../protocol/reply.js';
import type { ListValue } from '../keyspace/types/list.js';
import type { CommandContext } from './context.js';
import {
  HEAD, TAIL, createList, elementsRemoved, isErrorReply, keyAndElements, lookupList, parseLong,
  parseNonNegativeLong, parsePositiveLong, parseWhere, popRange, type Where,
} from './list-common.js';

// ---------------------------------------------------------------------------------------------
// Push

function pushGeneric(c: CommandContext, argv: string[], where: Where, onlyExisting: boolean): Reply {
  const key = argv[1]!;
  let list = lookupList(c, key, true);
  if (isErrorReply(list)) return list;
  if (list === undefined) {
    if (onlyExisting) return 0;
    list = createList(c, key);
  }
  for (let j = 2; j < argv.length; j++) {
    if (where === HEAD) list.pushHead(argv[j]!);
    else list.pushTail(argv[j]!);
  }
  c.ks.dirty += argv.length - 2;
  c.ks.signalModifiedKey(c.db, key);
  c.ks.notify('l', where === HEAD ? 'lpush' : 'rpush', c.db, key);
  return list.length;
}

export const lpushCommand = (c: CommandContext, argv: string[]): Reply => pushGeneric(c, argv, HEAD, false);
export const rpushCommand = (c: CommandContext, argv: string[]): Reply => pushGeneric(c, argv, TAIL, false);
export const lpushxCommand = (c: CommandContext, argv: string[]): Reply => pushGeneric(c, argv, HEAD, true);
export const rpushxCommand = (c: CommandContext, argv: string[]): Reply => pushGeneric(c, argv, TAIL, true);

// ---------------------------------------------------------------------------------------------
// Pop

function popGeneric(c: CommandContext, argv: string[], where: Where): Reply {
  // Arity is -2: a fourth argument is refused here, with the arity error (as Redis does).
  if (argv.length > 3) return errWrongArity(argv[0]!.toLowerCase());
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    const n = parseNonNegativeLong(argv[2]!);
    if (isErrorReply(n)) return n;
    count = n;
  }
  const key = argv[1]!;
  const list = lookupList(c, key, true);
  if (isErrorReply(list)) return list;
  if (list === undefined) return hasCount ? NULL_ARRAY : null;
  if (hasCount && count === 0) return EMPTY_ARRAY;
  if (!hasCount) {
    const v = where === HEAD ? list.popHead()! : list.popTail()!;
    elementsRemoved(c, key, where, list, 1);
    return v;
  }
  return popRange(c, key, list, where, count);
}

export const lpopCommand = (c: CommandContext, argv: string[]): Reply => popGeneric(c, argv, HEAD);
export const rpopCommand = (c: CommandContext, argv: string[]): Reply => popGeneric(c, argv, TAIL);

/** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] (and BLMPOP's arguments after its timeout). */
export interface MpopArgs { keys: string[]; where: Where; count: number }

/** lmpopGenericCommand's parsing: numkeys, the keys, the side, an optional COUNT (once). */
export function parseMpopArgs(argv: string[], numkeysIdx: number): MpopArgs | ErrorReply {
  const numkeys = parsePositiveLong(argv[numkeysIdx]!, 'numkeys should be greater than 0');
  if (isErrorReply(numkeys)) return numkeys;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) return ERR_SYNTAX;
  const where = parseWhere(argv[whereIdx]!);
  if (where === null) return ERR_SYNTAX;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && argv[j]!.toLowerCase() === 'count' && more > 0) {
      const n = parsePositiveLong(argv[++j]!, 'count should be greater than 0');
      if (isErrorReply(n)) return n;
      count = n;
    } else {
      return ERR_SYNTAX;
    }
  }
  return { keys: argv.slice(numkeysIdx + 1, whereIdx), where, count: count === -1 ? 1 : count };
}

/**
 * Pops from the first non-empty list among `keys` and rewrites the command to LPOP/RPOP key n.
 * Returns null when every key is missing; a key of another type is WRONGTYPE unless `skipWrongType`
 * (a blocked client being served, which Redis serves only from lists).
 */
export function mpopFirst(c: CommandContext, keys: readonly string[], where: Where, count: number, skipWrongType: boolean): Reply | null {
  for (const key of keys) {
    const list = lookupList(c, key, true);
    if (list === undefined) continue;
    if (isErrorReply(list)) {
      if (skipWrongType) continue;
      return list;
    }
    const n = Math.min(count, list.length);
    const items = popRange(c, key, list, where, count);
    c.rewriteArgv([where === HEAD ? 'LPOP' : 'RPOP', key, String(n)]);
    return keyAndElements(key, items);
  }
  return null;
}

export function lmpopCommand(c: CommandContext, argv: string[]): Reply {
  const a = parseMpopArgs(argv, 1);
  if (isErrorReply(a)) return a;
  const { keys, where, count } = a;
  return mpopFirst(c, keys, where, count, false) ?? NULL_ARRAY;
}

// ---------------------------------------------------------------------------------------------
// Reads

export function llenCommand(c: CommandContext, argv: string[]): Reply {
  const list = lookupList(c, argv[1]!, false);
  if (list === undefined) return 0;
  if (isErrorReply(list)) return list;
  return list.length;
}

/** addListRangeReply's index normalisation: [start, end] clamped, or null for an empty range. */
function normalizeRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

export function lrangeCommand(c: CommandContext, argv: string[]): Reply {
  const start = parseLong(argv[2]!);
  if (isErrorReply(start)) return start;
  const end = parseLong(argv[3]!);
  if (isErrorReply(end)) return end;
  const list = lookupList(c, argv[1]!, false);
  if (list === undefined) return EMPTY_ARRAY;
  if (isErrorReply(list)) return list;
  const r = normalizeRange(start, end, list.length);
  return r === null ? EMPTY_ARRAY : list.range(r[0], r[1]);
}

export function lindexCommand(c: CommandContext, argv: string[]): Reply {
  const list = lookupList(c, argv[1]!, false);
  if (list === undefined) return null;
  if (isErrorReply(list)) return list;
  const index = parseLong(argv[2]!);
  if (isErrorReply(index)) return index;
  return list.get(index) ?? null;
}

/**
 * LPOS key element [RANK r] [COUNT n] [MAXLEN m]. RANK LONG_MIN cannot be negated in Redis's C
 * code: it stays negative, so every match qualifies and a COUNT never completes (emulated).
 */
export function lposCommand(c: CommandContext, argv: string[]): Reply {
  const ele = argv[2]!;
  let rank = 1;
  let rankIsMin = false;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'rank' && more > 0) {
      const s = argv[++j]!;
      const r = parseLong(s);
      if (isErrorReply(r)) return r;
      if (r === 0) return error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
      rank = r;
      rankIsMin = s === '-9223372036854775808';
    } else if (opt === 'count' && more > 0) {
      const n = parseNonNegativeLong(argv[++j]!, "COUNT can't be negative");
      if (isErrorReply(n)) return n;
      count = n;
    } else if (opt === 'maxlen' && more > 0) {
      const n = parseNonNegativeLong(argv[++j]!, "MAXLEN can't be negative");
      if (isErrorReply(n)) return n;
      maxlen = n;
    } else {
      return ERR_SYNTAX;
    }
  }
  let fromTail = false;
  if (rank < 0) {
    fromTail = true;
    rank = -rank;
  }
  if (rankIsMin) rank = -Infinity;
  const list = lookupList(c, argv[1]!, false);
  if (list === undefined) return count !== -1 ? EMPTY_ARRAY : null;
  if (isErrorReply(list)) return list;
  const len = list.length;
  const out: number[] = [];
  let matches = 0;
  for (let index = 0; index < len && (maxlen === 0 || index < maxlen); index++) {
    const pos = fromTail ? len - index - 1 : index;
    if (list.at(pos) !== ele) continue;
    matches++;
    if (matches < rank) continue;
    if (count === -1) return pos;
    out.push(pos);
    if (count !== 0 && !rankIsMin && matches - rank + 1 >= count) break;
  }
  return count === -1 ? null : out;
}

// ---------------------------------------------------------------------------------------------
// In-place changes

export function lsetCommand(c: CommandContext, argv: string[]): Reply {
  const key = argv[1]!;
  const list = lookupList(c, key, true);
  if (list === undefined) return ERR_NO_SUCH_KEY;
  if (isErrorReply(list)) return list;
  const index = parseLong(argv[2]!);
  if (isErrorReply(index)) return index;
  if (!list.set(index, argv[3]!)) return ERR_INDEX_OUT_OF_RANGE;
  c.ks.signalModifiedKey(c.db, key);
  c.ks.notify('l', 'lset', c.db, key);
  c.ks.dirty++;
  return OK;
}

export function linsertCommand(c: CommandContext, argv: string[]): Reply {
  const dir = argv[2]!.toLowerCase();
  let after: boolean;
  if (dir === 'after') after = true;
  else if (dir === 'before') after = false;
  else return ERR_SYNTAX;
  const key = argv[1]!;
  const list = lookupList(c, key, true);
  if (list === undefined) return 0;
  if (isErrorReply(list)) return list;
  const pos = list.indexOf(argv[3]!);
  if (pos < 0) return -1;
  list.insertAt(after ? pos + 1 : pos, argv[4]!);
  c.ks.signalModifiedKey(c.db, key);
  c.ks.notify('l', 'linsert', c.db, key);
  c.ks.dirty++;
  return list.length;
}

export function lremCommand(c: CommandContext, argv: string[]): Reply {
  const n = parseLong(argv[2]!);
  if (isErrorReply(n)) return n;
  const key = argv[1]!;
  const list = lookupList(c, key, true);
  if (list === undefined) return 0;
  if (isErrorReply(list)) return list;
  // -LONG_MIN stays LONG_MIN in C: no limit is ever reached, which is what a limit of 0 means here.
  const limit = Math.abs(n) > Number.MAX_SAFE_INTEGER ? 0 : Math.abs(n);
  const removed = list.removeMatching(argv[3]!, limit, n < 0);
  c.ks.dirty += removed;
  if (removed !== 0) {
    c.ks.signalModifiedKey(c.db, key);
    c.ks.notify('l', 'lrem', c.db, key);
  }
  if (list.length === 0) {
    c.ks.deleteKey(c.db, key);
    c.ks.notify('g', 'del', c.db, key);
  }
  return removed;
}

export function ltrimCommand(c: CommandContext, argv: string[]): Reply {
  let start = parseLong(argv[2]!);
  if (isErrorReply(start)) return start;
  let end = parseLong(argv[3]!);
  if (isErrorReply(end)) return end;
  const key = argv[1]!;
  const list = lookupList(c, key, true);
  if (list === undefined) return OK;
  if (isErrorReply(list)) return list;
  const len = list.length;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  let ltrim: number;
  let rtrim: number;
  if (start > end || start >= len) {
    ltrim = len;
    rtrim = 0;
  } else {
    if (end >= len) end = len - 1;
    ltrim = start;
    rtrim = len - end - 1;
  }
  list.removeRange(0, ltrim);
  list.removeRange(list.length - rtrim, rtrim);
  c.ks.notify('l', 'ltrim', c.db, key);
  if (list.length === 0) {
    c.ks.deleteKey(c.db, key);
    c.ks.notify('g', 'del', c.db, key);
  } else {
    c.ks.signalModifiedKey(c.db, key);
  }
  c.ks.dirty += ltrim + rtrim;
  return OK;
}

// ---------------------------------------------------------------------------------------------
// LMOVE / RPOPLPUSH

/**
 * lmoveGenericCommand once the source is known to be a non-empty list: checks the destination
 * type, pops, pushes (creating the destination), and notifies push-then-pop as Redis does.
 * Returns the moved element or WRONGTYPE for a destination of another type.
 */
export function moveElement(c: CommandContext, src: string, sobj: ListValue, dst: string, from: Where, to: Where): Reply {
  let dobj = lookupList(c, dst, true);
  if (isErrorReply(dobj)) return dobj;
  const value = from === HEAD ? sobj.popHead()! : sobj.popTail()!;
  if (dobj === undefined) dobj = createList(c, dst);
  c.ks.signalModifiedKey(c.db, dst);
  if (to === HEAD) dobj.pushHead(value);
  else dobj.pushTail(value);
  c.ks.notify('l', to === HEAD ? 'lpush' : 'rpush', c.db, dst);
  c.ks.notify('l', from === HEAD ? 'lpop' : 'rpop', c.db, src);
  if (sobj.length === 0) {
    c.ks.deleteKey(c.db, src);
    c.ks.notify('g', 'del', c.db, src);
  }
  c.ks.signalModifiedKey(c.db, src);
  c.ks.dirty++;
  return value;
}

function lmoveGeneric(c: CommandContext, src: string, dst: string, from: Where, to: Where): Reply {
  const sobj = lookupList(c, src, true);
  if (sobj === undefined) return null;
  if (isErrorReply(sobj)) return sobj;
  return moveElement(c, src, sobj, dst, from, to);
}

export function lmoveCommand(c: CommandContext, argv: string[]): Reply {
  const from = parseWhere(argv[3]!);
  if (from === null) return ERR_SYNTAX;
  const to = parseWhere(argv[4]!);
  if (to === null) return ERR_SYNTAX;
  return lmoveGeneric(c, argv[1]!, argv[2]!, from, to);
}

export function rpoplpushCommand(c: CommandContext, argv: string[]): Reply {
  return lmoveGeneric(c, argv[1]!, argv[2]!, TAIL, HEAD);
}
