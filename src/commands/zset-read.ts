/**
 * Sorted-set reads: ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT ZRANDMEMBER ZSCAN.
 * ZRANDMEMBER draws from the node's Random port (c.random); ZSCAN returns a listpack set whole
 * with cursor 0 (as Redis) and walks a skip-list set's member map with the SCAN guarantee of
 * keyspace/scan.ts (cursor values differ from Redis's, which depend on its hash-table layout).
 */
import { parseScanOptions } from './scan-args.js';
import { globMatch } from '../lib/glob.js';
import { ERR_INVALID_CURSOR, ERR_SYNTAX } from '../protocol/errors.js';
import { double, EMPTY_ARRAY, error, type Reply } from '../protocol/reply.js';
import { parseScanCursor } from '../keyspace/scan.js';
import { lexPreds, scorePreds, type ZSet } from '../keyspace/types/zset.js';
import { formatDouble17g } from '../lib/float.js';
import type { CommandContext } from './context.js';
import {
  ERR_MINMAX_FLOAT, ERR_MINMAX_LEX, isErr, LONG_MAX, parseLexRange, parseLong, parseRangeLong, parseScoreRange, readZset,
  scoredReply,
} from './zset-common.js';

function zcard(c: CommandContext, argv: string[]): Reply {
  const z = readZset(c, argv[1]!);
  if (z === undefined) return 0;
  return isErr(z) ? z : z.length;
}

function zscore(c: CommandContext, argv: string[]): Reply {
  const z = readZset(c, argv[1]!);
  if (z === undefined) return null;
  if (isErr(z)) return z;
  const s = z.score(argv[2]!);
  return s === undefined ? null : double(s);
}

function zmscore(c: CommandContext, argv: string[]): Reply {
  const z = readZset(c, argv[1]!);
  if (isErr(z)) return z;
  const out: Reply[] = [];
  for (let j = 2; j < argv.length; j++) {
    const s = z?.score(argv[j]!);
    out.push(s === undefined ? null : double(s));
  }
  return out;
}

function zrank(rev: boolean) {
  return (c: CommandContext, argv: string[]): Reply => {
    const z = readZset(c, argv[1]!);
    if (z === undefined) return null;
    if (isErr(z)) return z;
    const r = z.rank(argv[2]!);
    if (r < 0) return null;
    return rev ? z.length - 1 - r : r;
  };
}

function zcount(lex: boolean) {
  return (c: CommandContext, argv: string[]): Reply => {
    let preds;
    if (lex) {
      const r = parseLexRange(argv[2]!, argv[3]!);
      if (r === null) return ERR_MINMAX_LEX;
      preds = lexPreds(r);
    } else {
      const r = parseScoreRange(argv[2]!, argv[3]!);
      if (r === null) return ERR_MINMAX_FLOAT;
      preds = scorePreds(r);
    }
    const z = readZset(c, argv[1]!);
    if (z === undefined) return 0;
    if (isErr(z)) return z;
    return z.countInRange(preds);
  };
}

function randIndex(c: CommandContext, n: number): number {
  const r = c.random?.() ?? 0;
  return Math.min(n - 1, Math.floor(r * n));
}

function zrandmember(c: CommandContext, argv: string[]): Reply {
  if (argv.length >= 3) {
    const l = parseRangeLong(argv[2]!, -LONG_MAX, LONG_MAX, null);
    if (isErr(l)) return l;
    let withScores = false;
    if (argv.length > 4 || (argv.length === 4 && argv[3]!.toLowerCase() !== 'withscores')) return ERR_SYNTAX;
    if (argv.length === 4) {
      withScores = true;
      const b = BigInt(argv[2]!);
      if (b < -HALF_LONG || b > HALF_LONG) return error('ERR value is out of range');
    }
    return randWithCount(c, argv[1]!, l, withScores);
  }
  const z = readZset(c, argv[1]!);
  if (z === undefined) return null;
  if (isErr(z)) return z;
  return z.memberAt(randIndex(c, z.length));
}

function randWithCount(c: CommandContext, key: string, l: number, withScores: boolean): Reply {
  const z = readZset(c, key);
  if (z === undefined) return EMPTY_ARRAY;
  if (isErr(z)) return z;
  const size = z.length;
  if (l === 0 || size === 0) return EMPTY_ARRAY;
  const members: string[] = [];
  const scores: number[] = [];
  const uniq = l > 0;
  const count = Math.abs(l);
  if (!uniq && count > MAX_REPEATED) return error('ERR value is out of range');
  if (!uniq || count === 1) {
    for (let i = 0; i < count; i++) {
      const r = randIndex(c, size);
      members.push(z.memberAt(r));
      scores.push(z.scoreAt(r));
    }
  } else if (count >= size) {
    // The whole set, highest first (Redis 7.0 walks it from the tail).
    z.walk(size - 1, true, (m, s) => { members.push(m); scores.push(s); return true; });
  } else if (count * 3 > size) {
    // Most of the set: drop random elements until `count` remain (order: the set's own).
    const keep = new Array<boolean>(size).fill(true);
    let left = size;
    while (left > count) {
      const r = randIndex(c, size);
      if (keep[r]) { keep[r] = false; left--; }
    }
    let i = 0;
    z.forEach((m, s) => { if (keep[i++]) { members.push(m); scores.push(s); } });
  } else {
    const seen = new Set<number>();
    while (seen.size < count) {
      const r = randIndex(c, size);
      if (seen.has(r)) continue;
      seen.add(r);
      members.push(z.memberAt(r));
      scores.push(z.scoreAt(r));
    }
  }
  return scoredReply(c, members, withScores ? scores : null);
}

/** LONG_MAX / 2, Redis's bound on a WITHSCORES count. */
const HALF_LONG = LONG_MAX / 2n;
/**
 * Garrison's bound on the replies of a negative count (repetitions allowed): Redis would stream
 * them until the client's output limit cuts it off; a JS array this long cannot be built.
 */
const MAX_REPEATED = 1 << 24;

const EMPTY_SCAN: Reply = ['0', EMPTY_ARRAY];

function zscan(c: CommandContext, argv: string[]): Reply {
  const cursor = parseScanCursor(argv[2]!);
  if (cursor === null) return ERR_INVALID_CURSOR;
  const z = readZset(c, argv[1]!);
  if (z === undefined) return EMPTY_SCAN;
  if (isErr(z)) return z;
  const opts = parseScanOptions(argv, 3, false);
  if ('t' in opts) return opts;
  const { count, pattern } = opts;

  const out: string[] = [];
  const emit = (m: string, s: number): void => {
    if (pattern !== null && !globMatch(pattern, m)) return;
    out.push(m, formatDouble17g(s));
  };
  const st = z.scanState();
  if (st === null) {
    z.forEach(emit);
    return ['0', out];
  }
  const next = st.scans.step(st.dict, cursor, count, c.ks.now, (m) => {
    const score = st.dict.get(m);
    if (score !== undefined) emit(m, score);
  });
  return [next.toString(), out];
}

export const ZSET_READ_HANDLERS = {
  zcard,
  zscore,
  zmscore,
  zrank: zrank(false),
  zrevrank: zrank(true),
  zcount: zcount(false),
  zlexcount: zcount(true),
  zrandmember,
  zscan,
};

/** Exposed for the unit tests. */
export function zsetEntries(z: ZSet): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  z.forEach((m, s) => out.push([m, s]));
  return out;
}
