/**
 * Helpers shared by the sorted-set command files (zset-*.ts): Redis 7.0's number parsing for
 * scores and ranges (getDoubleFromObject, zslParseRange, zslParseLexRange, getLongFromObject),
 * key lookup with the type check, the WITHSCORES reply shapes of RESP2/RESP3, and storing a
 * result under a destination key.
 */
import { parseInt64 } from '../lib/int64.js';
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

const DEC_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^[+-]?(?:inf|infinity)$/i;
const NAN_RE = /^[+-]?nan(?:\([0-9a-zA-Z_]*\))?$/i;

interface Strtod { v: number; erange: boolean }

/** strtod over the whole of `s` (no leading space handled here); null when not all consumed or NaN. */
function strtodWhole(s: string): Strtod | null {
  if (DEC_RE.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) return { v, erange: true };
    if (v === 0 && /[1-9]/.test(s.replace(/[eE].*$/, ''))) return { v, erange: true };
    return { v, erange: false };
  }
  if (INF_RE.test(s)) return { v: s.startsWith('-') ? -Infinity : Infinity, erange: false };
  const h = HEX_RE.exec(s);
  if (h !== null && (h[2]!.length > 0 || (h[3] ?? '').length > 0)) {
    const int = h[2]!;
    const frac = h[3] ?? '';
    let v = 0;
    for (const ch of int + frac) v = v * 16 + parseInt(ch, 16);
    const exp = (h[4] === undefined ? 0 : Number(h[4])) - 4 * frac.length;
    v = v * 2 ** exp;
    if (h[1] === '-') v = -v;
    return { v, erange: !Number.isFinite(v) };
  }
  return null;
}

/** getDoubleFromObject: the whole argument, no leading space, no overflow/underflow, no NaN. */
export function parseScore(s: string): number | null {
  const n = s.length;
  if (n === 0) return null;
  const c0 = s.charCodeAt(0);
  // Plain decimal integers of up to 15 digits (exact in a double): what most clients send.
  if (n <= 15) {
    let i = c0 === 45 ? 1 : 0;
    let v = 0;
    for (; i < n; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === n && n > (c0 === 45 ? 1 : 0)) return c0 === 45 ? -v : v;
  }
  // Plain decimals (sign, digits, at most one point): Number() rounds them exactly as strtod does,
  // and 40 characters can neither overflow nor underflow. Timestamps with fractions land here.
  if (n <= 40) {
    let i = c0 === 45 || c0 === 43 ? 1 : 0;
    let digits = 0, dot = false;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 48 && c <= 57) digits++;
      else if (c === 46 && !dot) dot = true;
      else break;
    }
    if (i === n && digits > 0) return Number(s);
  }
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  if (NAN_RE.test(s)) return null;
  const r = strtodWhole(s);
  if (r === null || r.erange) return null;
  return r.v;
}

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
