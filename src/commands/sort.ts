/**
 * SORT and SORT_RO (Redis 7.0's sortCommandGeneric): sorts a list, set or sorted set numerically or
 * with ALPHA, by the element itself or by external keys (`BY pattern`, `*` substituted, `->field`
 * for hashes; a pattern without `*` means "do not sort"), with LIMIT, GET patterns (`#` = the
 * element) and STORE into a list (SORT only). Ordering follows Redis: numeric ties are broken by
 * the element's bytes, ALPHA compares bytes (strcoll in the C locale), and an unsorted set is
 * forced to ALPHA order when the result is stored, so replicas get the same list. As in Redis, a
 * sorted set in the listpack encoding is converted to the skiplist encoding for good.
 * Cluster mode's refusal of BY/GET patterns is not implemented (Garrison has no cluster-mode
 * check for them yet). Table rows are sort-table.ts.
 */
import { ERR_SYNTAX, ERR_WRONGTYPE } from '../protocol/errors.js';
import { error, type Reply } from '../protocol/reply.js';
import { ListValue } from '../keyspace/types/list.js';
import type { ZSet } from '../keyspace/types/zset.js';
import type { Value } from '../keyspace/value.js';
import type { CommandContext } from './context.js';
import type { CommandSpec } from './spec.js';
import { SORT_META } from './sort-table.js';
import { pqsort } from '../lib/pqsort.js';
import { isErr, parseLong, parseScore } from './zset-common.js';

const ERR_CONVERT = error("ERR One or more scores can't be converted into double");

/** strtod as SORT uses it: stops at NUL, leading space allowed, "" is 0, the rest must be consumed. */
export function sortScore(s: string): number | null {
  const z = s.indexOf('\0');
  if (z >= 0) s = s.slice(0, z);
  if (s.length === 0) return 0;
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  if (t.length === 0) return null;
  return parseScore(t);
}

/**
 * lookupKeyByPattern: the string (or hash field) a pattern names for `elem`, or null. Every
 * lookup is a read (a hit or a miss, a keymiss event), also for SORT ... STORE, as in 7.0.
 */
function byPattern(c: CommandContext, pattern: string, elem: string): string | null {
  if (pattern === '#') return elem;
  const star = pattern.indexOf('*');
  if (star < 0) return null;
  const arrow = pattern.indexOf('->', star + 1);
  const hasField = arrow >= 0 && arrow + 2 < pattern.length;
  const field = hasField ? pattern.slice(arrow + 2) : null;
  const post = hasField ? pattern.slice(star + 1, arrow) : pattern.slice(star + 1);
  const key = pattern.slice(0, star) + elem + post;
  const v: Value | undefined = c.ks.lookupRead(c.db, key);
  if (v === undefined) return null;
  if (field !== null) {
    if (typeof v === 'string' || v.type !== 'hash') return null;
    return (v as unknown as { get(f: string): string | undefined }).get(field) ?? null;
  }
  return typeof v === 'string' ? v : null;
}

function bytesCmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll in the C locale: like strcmp, the strings end at their first NUL byte. */
function collCmp(a: string, b: string): number {
  const za = a.indexOf('\0');
  const zb = b.indexOf('\0');
  return bytesCmp(za >= 0 ? a.slice(0, za) : a, zb >= 0 ? b.slice(0, zb) : b);
}

interface Item { elem: string; score: number; cmp: string | null }

/** The elements of the value in the order Redis loads them (lists and zsets natively, sets as iterated). */
function elementsOf(v: Value): string[] {
  const o = v as unknown as { type: string };
  switch (o.type) {
    case 'list': return (v as unknown as ListValue).toArray();
    case 'set': return (v as unknown as { toArray(): string[] }).toArray();
    default: {
      const out: string[] = [];
      (v as unknown as { forEach(fn: (m: string, s: number) => void): void }).forEach((m) => out.push(m));
      return out;
    }
  }
}

const ERR_SORT_BY_ACL = error('ERR BY option of SORT denied due to insufficient ACL permissions.');
const ERR_SORT_GET_ACL = error('ERR GET option of SORT denied due to insufficient ACL permissions.');

function sortGeneric(c: CommandContext, argv: string[], readonly: boolean): Reply {
  let desc = false, alpha = false, dontsort = false;
  let limitStart = 0, limitCount = -1;
  let sortBy: string | null = null;
  let storeKey: string | null = null;
  const gets: string[] = [];
  const allKeys = c.readKeysUnrestricted?.(argv) ?? true;
  for (let j = 2; j < argv.length; j++) {
    const a = argv[j]!.toLowerCase();
    const left = argv.length - j - 1;
    if (a === 'asc') desc = false;
    else if (a === 'desc') desc = true;
    else if (a === 'alpha') alpha = true;
    else if (a === 'limit' && left >= 2) {
      const s = parseLong(argv[j + 1]!);
      if (isErr(s)) return s;
      const n = parseLong(argv[j + 2]!);
      if (isErr(n)) return n;
      limitStart = s;
      limitCount = n;
      j += 2;
    } else if (a === 'store' && left >= 1 && !readonly) {
      storeKey = argv[++j]!;
    } else if (a === 'by' && left >= 1) {
      sortBy = argv[++j]!;
      // Cluster mode would refuse a pattern with '*' here; not implemented yet.
      dontsort = !sortBy.includes('*');
      if (!dontsort && !allKeys) return ERR_SORT_BY_ACL;
    } else if (a === 'get' && left >= 1) {
      if (!allKeys) return ERR_SORT_GET_ACL;
      gets.push(argv[++j]!);
    } else {
      return ERR_SYNTAX;
    }
  }
  const v = c.ks.lookupRead(c.db, argv[1]!);
  let type = 'list';
  if (v !== undefined) {
    if (typeof v === 'string') return ERR_WRONGTYPE;
    type = (v as { type: string }).type;
    if (type !== 'list' && type !== 'set' && type !== 'zset') return ERR_WRONGTYPE;
  }
  if (type === 'zset') {
    // Redis converts a listpack sorted set to a skiplist for good before sorting it (zsetConvert
    // in sortCommandGeneric), for SORT_RO too, and even when the sort then fails: OBJECT ENCODING
    // and DUMP show it. lookupWrite lets a running snapshot keep the value as it was.
    (c.ks.lookupWrite(c.db, argv[1]!) as ZSet).convertToSkiplist();
  }
  if (dontsort && type === 'set' && storeKey !== null) {
    // An unordered set would store a replica-dependent list: force ALPHA order.
    dontsort = false;
    alpha = true;
    sortBy = null;
  }
  let items: string[] = v === undefined ? [] : elementsOf(v);
  let len = items.length;
  let start = limitStart < 0 ? 0 : limitStart;
  let end = limitCount < 0 ? len - 1 : start + limitCount - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;
  if (dontsort && type !== 'set') {
    // Native order; DESC reverses it; LIMIT picks the range directly.
    if (desc) items.reverse();
    items = end >= start ? items.slice(start, end + 1) : [];
    end -= start;
    start = 0;
    len = items.length;
  }
  const write = storeKey !== null;
  const vec: Item[] = items.map((elem) => ({ elem, score: 0, cmp: null }));
  let convErr = false;
  if (!dontsort) {
    for (const it of vec) {
      let by: string | null;
      if (sortBy !== null) {
        by = byPattern(c, sortBy, it.elem);
        if (by === null) continue;
      } else {
        by = it.elem;
      }
      if (alpha) {
        if (sortBy !== null) it.cmp = by;
      } else {
        const s = sortScore(by);
        if (s === null) convErr = true;
        else it.score = s;
      }
    }
    const sign = desc ? -1 : 1;
    let cmpFn: (a: Item, b: Item) => number;
    if (!alpha) {
      cmpFn = (a, b) => sign * (a.score > b.score ? 1 : a.score < b.score ? -1 : bytesCmp(a.elem, b.elem));
    } else if (sortBy !== null) {
      cmpFn = (a, b) => {
        if (a.cmp === null || b.cmp === null) return sign * (a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1);
        return sign * (write ? bytesCmp(a.cmp, b.cmp) : collCmp(a.cmp, b.cmp));
      };
    } else {
      cmpFn = (a, b) => sign * (write ? bytesCmp(a.elem, b.elem) : collCmp(a.elem, b.elem));
    }
    // As Redis: its partial quicksort when BY is given and LIMIT leaves part of the vector out
    // (ties between equal BY values then come out in its order), otherwise qsort (glibc's is a
    // stable merge sort, as JS's sort is).
    if (sortBy !== null && (start !== 0 || end !== len - 1)) pqsort(vec, cmpFn, start, end);
    else vec.sort(cmpFn);
  }
  const count = end - start + 1;
  const outputLen = gets.length > 0 ? gets.length * count : count;
  if (convErr) return ERR_CONVERT;
  if (storeKey === null) {
    const out: Reply[] = [];
    for (let j = start; j <= end; j++) {
      const e = vec[j]!.elem;
      if (gets.length === 0) out.push(e);
      for (const g of gets) out.push(byPattern(c, g, e));
    }
    return out;
  }
  const list = new ListValue(c.cfg.listMaxListpackSize);
  for (let j = start; j <= end; j++) {
    const e = vec[j]!.elem;
    if (gets.length === 0) list.pushTail(e);
    for (const g of gets) list.pushTail(byPattern(c, g, e) ?? '');
  }
  if (outputLen > 0) {
    c.ks.setKey(c.db, storeKey, list);
    c.ks.notify('l', 'sortstore', c.db, storeKey);
    c.ks.dirty += outputLen;
  } else if (c.ks.deleteKey(c.db, storeKey)) {
    c.ks.notify('g', 'del', c.db, storeKey);
    c.ks.dirty++;
  }
  return outputLen;
}

/**
 * sortGetKeys: the sorted key (read), plus the STORE target (written; the last STORE wins),
 * skipping option operands.
 */
function sortKeyFlags(argv: readonly string[]): Array<{ pos: number; flags: readonly string[] }> {
  const out: Array<{ pos: number; flags: readonly string[] }> = [{ pos: 1, flags: ['RO', 'access'] }];
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!.toLowerCase();
    if (a === 'limit') i += 2;
    else if (a === 'get' || a === 'by') i += 1;
    else if (a === 'store' && i + 1 < argv.length) store = i + 1; // Redis does not skip the operand
  }
  if (store > 0) out.push({ pos: store, flags: ['OW', 'update'] });
  return out;
}

export function sortKeys(argv: readonly string[]): number[] {
  return sortKeyFlags(argv).map((k) => k.pos);
}

export const SORT_COMMANDS: readonly CommandSpec[] = [
  { ...SORT_META['sort']!, handler: (c, argv) => sortGeneric(c, argv, false), getKeys: sortKeys, getKeysAndFlags: sortKeyFlags },
  // sortROGetKeys: the sorted key, read (its BY/GET patterns are not keys the command names).
  { ...SORT_META['sort_ro']!, handler: (c, argv) => sortGeneric(c, argv, true), getKeys: () => [1], getKeysAndFlags: () => [{ pos: 1, flags: ['RO', 'access'] }] },
];
