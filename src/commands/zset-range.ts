/**
 * ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES), ZRANGESTORE and the older forms ZREVRANGE,
 * Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX, all through one routine as Redis 7.0's
 * zrangeGenericCommand: options first (syntax errors), then the conflicting-option errors, then
 * the range, then the key. LIMIT follows Redis's loops: a negative offset yields nothing, a
 * negative count means no limit, skipped elements are not range-checked.
 */
import { ERR_SYNTAX } from '../protocol/errors.js';
import { EMPTY_ARRAY, error, type Reply } from '../protocol/reply.js';
import { lexPreds, scorePreds, type RangePreds, type ZSet } from '../keyspace/types/zset.js';
import type { CommandContext } from './context.js';
import {
  ERR_MINMAX_FLOAT, ERR_MINMAX_LEX, isErr, parseLexRange, parseLong, parseScoreRange, readZset, scoredReply, storeResult,
} from './zset-common.js';

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'fwd' | 'rev';

const ERR_LIMIT_RANK = error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
const ERR_WITHSCORES_LEX = error('ERR syntax error, WITHSCORES not supported in combination with BYLEX');

interface Collected { members: string[]; scores: number[] }

/** Elements of ranks start..end (already parsed, not yet normalised), ascending or reversed. */
export function rankRange(z: ZSet, start: number, end: number, rev: boolean, out: Collected): void {
  const llen = z.length;
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return;
  if (end >= llen) end = llen - 1;
  let left = end - start + 1;
  z.walk(rev ? llen - 1 - start : start, rev, (m, s) => {
    out.members.push(m);
    out.scores.push(s);
    return --left > 0;
  });
}

/** Elements in a score or lex range with Redis's LIMIT loop. */
export function predRange(z: ZSet, p: RangePreds, rev: boolean, offset: number, limit: number, out: Collected): void {
  const llen = z.length;
  if (offset > 0 && offset >= llen) return;
  const first = rev ? z.lastInRange(p) : z.firstInRange(p);
  if (first < 0 || offset < 0) return;
  const pos = rev ? first - offset : first + offset;
  if (pos < 0 || pos >= llen || limit === 0) return;
  let left = limit;
  z.walk(pos, rev, (m, s) => {
    if (rev ? !p.gteMin(m, s) : !p.lteMax(m, s)) return false;
    out.members.push(m);
    out.scores.push(s);
    return left < 0 || --left > 0;
  });
}

function zrangeGeneric(c: CommandContext, argv: string[], argStart: number, store: string | null, rangeType: RangeType, dir: Direction): Reply {
  const key = argv[argStart]!;
  let minIdx = argStart + 1;
  let maxIdx = argStart + 2;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argStart + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const o = argv[j]!.toLowerCase();
    if (store === null && o === 'withscores') {
      withScores = true;
    } else if (o === 'limit' && left >= 2) {
      const a = parseLong(argv[j + 1]!);
      if (isErr(a)) return a;
      const b = parseLong(argv[j + 2]!);
      if (isErr(b)) return b;
      offset = a;
      limit = b;
      j += 2;
    } else if (dir === 'auto' && o === 'rev') {
      dir = 'rev';
    } else if (rangeType === 'auto' && o === 'bylex') {
      rangeType = 'lex';
    } else if (rangeType === 'auto' && o === 'byscore') {
      rangeType = 'score';
    } else {
      return ERR_SYNTAX;
    }
  }
  if (dir === 'auto') dir = 'fwd';
  if (rangeType === 'auto') rangeType = 'rank';
  if (limit !== -1 && rangeType === 'rank') return ERR_LIMIT_RANK;
  if (withScores && rangeType === 'lex') return ERR_WITHSCORES_LEX;
  const rev = dir === 'rev';
  if (rev && rangeType !== 'rank') { const t = maxIdx; maxIdx = minIdx; minIdx = t; }
  let start = 0, end = 0;
  let preds: RangePreds | null = null;
  if (rangeType === 'rank') {
    const a = parseLong(argv[minIdx]!);
    if (isErr(a)) return a;
    const b = parseLong(argv[maxIdx]!);
    if (isErr(b)) return b;
    start = a;
    end = b;
  } else if (rangeType === 'score') {
    const r = parseScoreRange(argv[minIdx]!, argv[maxIdx]!);
    if (r === null) return ERR_MINMAX_FLOAT;
    preds = scorePreds(r);
  } else {
    const r = parseLexRange(argv[minIdx]!, argv[maxIdx]!);
    if (r === null) return ERR_MINMAX_LEX;
    preds = lexPreds(r);
  }
  const z = readZset(c, key);
  if (isErr(z)) return z;
  const out: Collected = { members: [], scores: [] };
  if (z !== undefined) {
    if (preds === null) rankRange(z, start, end, rev, out);
    else predRange(z, preds, rev, offset, limit, out);
  }
  if (store !== null) return storeResult(c, store, out.members, out.scores, 'zrangestore');
  if (out.members.length === 0) return EMPTY_ARRAY;
  return scoredReply(c, out.members, withScores ? out.scores : null);
}

export const ZSET_RANGE_HANDLERS = {
  zrange: (c: CommandContext, a: string[]): Reply => zrangeGeneric(c, a, 1, null, 'auto', 'auto'),
  zrangestore: (c: CommandContext, a: string[]): Reply => zrangeGeneric(c, a, 2, a[1]!, 'auto', 'auto'),
  zrevrange: (c: CommandContext, a: string[]): Reply => zrangeGeneric(c, a, 1, null, 'rank', 'rev'),
  zrangebyscore: (c: CommandContext, a: string[]): Reply => zrangeGeneric(c, a, 1, null, 'score', 'fwd'),
  zrevrangebyscore: (c: CommandContext, a: string[]): Reply => zrangeGeneric(c, a, 1, null, 'score', 'rev'),
  zrangebylex: (c: CommandContext, a: string[]): Reply => zrangeGeneric(c, a, 1, null, 'lex', 'fwd'),
  zrevrangebylex: (c: CommandContext, a: string[]): Reply => zrangeGeneric(c, a, 1, null, 'lex', 'rev'),
};
