/**
 * Helpers shared by the sorted-set command files (zset-*.ts): Redis 7.0's number parsing for
 * scores and ranges (getDoubleFromObject, zslParseRange, zslParseLexRange, getLongFromObject),
 * key lookup with the type check, the WITHSCORES reply shapes of RESP2/RESP3, and storing a
 * result under a destination key.
 */
import { parseInt64 } from '../lib/int64.js';
import { NAN_RE, string2d, strtodWhole } from '../lib/strtod.js';
import { ERR_NOT_INTEGER, ERR_WRONGTYPE } from '../protocol/errors.js';
import { double, error, type ErrorReply, type Reply } from '../protocol/reply.js';
import type { LexBound, LexRange, ScoreRange } from '../keyspace/types/zset.js';
import { ZSet } from '../keyspace/types/zset.js';
import type { Value } from '../keyspace/value.js';
import type { CommandContext } from './context.js';

export const ERR_NOT_FLOAT_SCORE = error('ERR value is not a valid float');
export const ERR_MINMAX_FLOAT = error('ERR min or max is not a float');
export const ERR_MINMAX_LEX = error('ERR min or max not valid string range item');
export const ERR_NAN_SCORE = error('ERR resulting score is not a number (NaN)');

/** getDoubleFromObject: Redis's string2d (the whole argument, no leading space, no overflow/underflow, no NaN). */
export const parseScore = string2d;

/**
 * One bound of zslParseRange: strtod up to the first NUL byte, leading space skipped, overflow
 * accepted (as infinity), NaN refused; an empty bound is 0.
 */
function parseRangeBound(s: string): number | null {
  const z = s.indexOf('\0');
  if (z >= 0) s = s.slice(0, z);
  if (s.length === 0) return 0;
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  if (t.length === 0 || NAN_RE.test(t)) return null;
  const r = strtodWhole(t);
  return r === null ? null : r.v;
}

/** zslParseRange: "(1.5", "[" is not special here, "-inf", "+inf". */
export function parseScoreRange(minArg: string, maxArg: string): ScoreRange | null {
  const r: ScoreRange = { min: 0, max: 0, minex: false, maxex: false };
  const one = (s: string, isMin: boolean): boolean => {
    let ex = false;
    if (s.charCodeAt(0) === 40) { ex = true; s = s.slice(1); }
    const v = parseRangeBound(s);
    if (v === null) return false;
    if (isMin) { r.min = v; r.minex = ex; } else { r.max = v; r.maxex = ex; }
    return true;
  };
  return one(minArg, true) && one(maxArg, false) ? r : null;
}

function parseLexItem(s: string): { v: LexBound; ex: boolean } | null {
  const c = s.charCodeAt(0);
  const single = s.length === 1 || s.charCodeAt(1) === 0;
  if (c === 43) return single ? { v: 1, ex: true } : null; // '+'
  if (c === 45) return single ? { v: -1, ex: true } : null; // '-'
  if (c === 40) return { v: s.slice(1), ex: true }; // '('
  if (c === 91) return { v: s.slice(1), ex: false }; // '['
  return null;
}

/** zslParseLexRange. */
export function parseLexRange(minArg: string, maxArg: string): LexRange | null {
  const a = parseLexItem(minArg);
  const b = parseLexItem(maxArg);
  if (a === null || b === null) return null;
  return { min: a.v, minex: a.ex, max: b.v, maxex: b.ex };
}

/** getLongFromObjectOrReply: a long as a JS number (values beyond 2^53 are rounded, which only matters for clamping). */
export function parseLong(s: string): number | ErrorReply {
  const v = parseInt64(s);
  if (v === null) return ERR_NOT_INTEGER;
  return Number(v);
}

/** getRangeLongFromObjectOrReply with a custom message (used for numkeys and counts); bounds exact as bigint. */
export function parseRangeLong(s: string, min: bigint, max: bigint, msg: string | null): number | ErrorReply {
  const v = parseInt64(s);
  if (v === null) return msg === null ? ERR_NOT_INTEGER : error(`ERR ${msg}`);
  const b = BigInt(v);
  if (b < min || b > max) {
    return msg === null ? error(`ERR value is out of range, value must between ${min} and ${max}`) : error(`ERR ${msg}`);
  }
  return Number(v);
}

export const LONG_MAX = 9223372036854775807n;

/** getPositiveLongFromObjectOrReply. */
export function parsePositiveLong(s: string, msg: string | null): number | ErrorReply {
  const v = parseInt64(s);
  if (v === null) return error(msg === null ? 'ERR value is out of range, must be positive' : `ERR ${msg}`);
  if (typeof v === 'bigint' ? v < 0n : v < 0) return error(msg === null ? 'ERR value is out of range, must be positive' : `ERR ${msg}`);
  return Number(v);
}

export function isErr(v: unknown): v is ErrorReply {
  return typeof v === 'object' && v !== null && (v as { t?: string }).t === 'error';
}

/** The sorted set at `key`, undefined when missing, or the WRONGTYPE error. */
export function zsetOf(v: Value | undefined): ZSet | undefined | ErrorReply {
  if (v === undefined) return undefined;
  if (typeof v === 'string' || v.type !== 'zset') return ERR_WRONGTYPE;
  if (!(v instanceof ZSet)) throw new Error('zset value of an unknown class');
  return v;
}

export function readZset(c: CommandContext, key: string): ZSet | undefined | ErrorReply {
  return zsetOf(c.ks.lookupRead(c.db, key));
}

export function writeZset(c: CommandContext, key: string): ZSet | undefined | ErrorReply {
  return zsetOf(c.ks.lookupWrite(c.db, key));
}

/** Pairs as ZRANGE WITHSCORES replies them: flat in RESP2, [member, score] arrays in RESP3. */
export function scoredReply(c: CommandContext, members: readonly string[], scores: readonly number[] | null): Reply[] {
  if (scores === null) return members.slice();
  const out: Reply[] = [];
  if (c.resp === 2) {
    for (let i = 0; i < members.length; i++) out.push(members[i]!, double(scores[i]!));
  } else {
    for (let i = 0; i < members.length; i++) out.push([members[i]!, double(scores[i]!)]);
  }
  return out;
}

/** Removes `key` when its set became empty (after the command's own event): event `del`. */
export function deleteIfEmpty(c: CommandContext, key: string, z: ZSet): boolean {
  if (z.length !== 0) return false;
  c.ks.deleteKey(c.db, key);
  c.ks.notify('g', 'del', c.db, key);
  return true;
}

/**
 * Stores a computed result at `dst` (ZUNIONSTORE, ZRANGESTORE...): an empty result deletes the
 * key (event `del`), otherwise the key is replaced (TTL dropped) and `event` is sent. Returns the
 * integer reply.
 */
export function storeResult(c: CommandContext, dst: string, members: string[], scores: number[], event: string): Reply {
  if (members.length === 0) {
    if (c.ks.deleteKey(c.db, dst)) {
      c.ks.notify('g', 'del', c.db, dst);
      c.ks.dirty++;
    }
    return 0;
  }
  const z = ZSet.fromEntries(members, scores, c.cfg);
  c.ks.setKey(c.db, dst, z);
  c.ks.notify('z', event, c.db, dst);
  c.ks.dirty++;
  return z.length;
}

export function eqi(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b;
}
