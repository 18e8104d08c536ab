/**
 * ZUNION ZINTER ZDIFF, their STORE forms, and ZINTERCARD, as Redis 7.0's
 * zunionInterDiffGenericCommand: numkeys, then the inputs' types (WRONGTYPE before any option
 * error), then WEIGHTS / AGGREGATE / WITHSCORES (LIMIT for ZINTERCARD). Plain sets are accepted as
 * inputs with score 1. Union and intersection visit the inputs from the smallest to the largest
 * (stable), so floating-point sums add up in Redis's order; a NaN from inf * 0 or inf + -inf
 * becomes 0 as in Redis.
 */
import { ERR_SYNTAX, ERR_WRONGTYPE } from '../protocol/errors.js';
import { EMPTY_ARRAY, error, type Reply } from '../protocol/reply.js';
import { ZSet } from '../keyspace/types/zset.js';
import type { Value } from '../keyspace/value.js';
import type { CommandContext } from './context.js';
import { isErr, parseLong, parsePositiveLong, parseScore, scoredReply, storeResult } from './zset-common.js';

type SetOp = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** An input of a set operation: a sorted set, a plain set (scores 1), or a missing key. */
interface Source {
  readonly size: number;
  readonly zset: ZSet | null;
  readonly members: ReadonlySet<string> | null;
  weight: number;
}

/** Members of a plain set value. The set family's class is duck-typed: members(), or iteration. */
function plainSetMembers(v: Value): Set<string> {
  const o = v as unknown as { members?: () => Iterable<string>; [Symbol.iterator]?: () => Iterator<string> };
  const out = new Set<string>();
  if (typeof o.members === 'function') {
    for (const m of o.members()) out.add(m);
  } else if (typeof o[Symbol.iterator] === 'function') {
    for (const m of o as Iterable<string>) out.add(m);
  } else {
    throw new Error('set value exposes neither members() nor an iterator');
  }
  return out;
}

function sourceOf(v: Value | undefined): Source | null {
  if (v === undefined) return { size: 0, zset: null, members: null, weight: 1 };
  if (typeof v === 'string') return null;
  if (v.type === 'zset' && v instanceof ZSet) return { size: v.length, zset: v, members: null, weight: 1 };
  if (v.type === 'set') {
    const m = plainSetMembers(v);
    return { size: m.size, zset: null, members: m, weight: 1 };
  }
  return null;
}

function forEachIn(src: Source, fn: (member: string, score: number) => void): void {
  if (src.zset !== null) src.zset.forEach(fn);
  else if (src.members !== null) for (const m of src.members) fn(m, 1);
}

function scoreIn(src: Source, member: string): number | undefined {
  if (src.zset !== null) return src.zset.score(member);
  if (src.members !== null) return src.members.has(member) ? 1 : undefined;
  return undefined;
}

function aggregateInto(target: number, val: number, agg: Aggregate): number {
  if (agg === 'sum') {
    const r = target + val;
    return Number.isNaN(r) ? 0 : r;
  }
  if (agg === 'min') return val < target ? val : target;
  return val > target ? val : target;
}

interface Computed { members: string[]; scores: number[]; card: number }

function compute(srcs: Source[], op: SetOp, agg: Aggregate, cardinalityOnly: boolean, limit: number): Computed {
  const members: string[] = [];
  const scores: number[] = [];
  let card = 0;
  if (op !== 'diff') srcs = srcs.slice().sort((a, b) => a.size - b.size);
  if (op === 'inter') {
    const first = srcs[0]!;
    if (first.size > 0) {
      let stop = false;
      forEachIn(first, (m, s0) => {
        if (stop) return;
        let score = first.weight * s0;
        if (Number.isNaN(score)) score = 0;
        let j = 1;
        for (; j < srcs.length; j++) {
          const v = scoreIn(srcs[j]!, m);
          if (v === undefined) break;
          score = aggregateInto(score, v * srcs[j]!.weight, agg);
        }
        if (j !== srcs.length) return;
        if (cardinalityOnly) {
          card++;
          if (limit !== 0 && card >= limit) stop = true;
        } else {
          members.push(m);
          scores.push(score);
        }
      });
    }
  } else if (op === 'union') {
    const acc = new Map<string, number>();
    for (const src of srcs) {
      if (src.size === 0) continue;
      forEachIn(src, (m, s0) => {
        let score = src.weight * s0;
        if (Number.isNaN(score)) score = 0;
        const cur = acc.get(m);
        acc.set(m, cur === undefined ? score : aggregateInto(cur, score, agg));
      });
    }
    for (const [m, s] of acc) { members.push(m); scores.push(s); }
  } else {
    const first = srcs[0]!;
    forEachIn(first, (m, s0) => {
      for (let j = 1; j < srcs.length; j++) if (scoreIn(srcs[j]!, m) !== undefined) return;
      members.push(m);
      scores.push(s0);
    });
  }
  return { members, scores, card };
}

const ERR_WEIGHT = error('ERR weight value is not a float');

function setOpGeneric(c: CommandContext, argv: string[], numkeysIdx: number, dst: string | null, op: SetOp, cardinalityOnly: boolean): Reply {
  let setnum: number;
  {
    const n = parseLong(argv[numkeysIdx]!);
    if (isErr(n)) return n;
    if (n < 1) return error(`ERR at least 1 input key is needed for '${argv[0]!.toLowerCase()}' command`);
    if (n > argv.length - numkeysIdx - 1) return ERR_SYNTAX;
    setnum = n;
  }
  const srcs: Source[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const key = argv[j]!;
    const v = c.ks.lookupRead(c.db, key); // sources are reads, also for *STORE (lookupKeyRead)
    const s = sourceOf(v);
    if (s === null) return ERR_WRONGTYPE;
    srcs.push(s);
  }
  let agg: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const o = argv[j]!.toLowerCase();
    if (op !== 'diff' && remaining >= setnum + 1 && o === 'weights') {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = parseScore(argv[j]!);
        if (w === null) return ERR_WEIGHT;
        srcs[i]!.weight = w;
      }
    } else if (op !== 'diff' && remaining >= 2 && o === 'aggregate') {
      const a = argv[j + 1]!.toLowerCase();
      if (a !== 'sum' && a !== 'min' && a !== 'max') return ERR_SYNTAX;
      agg = a;
      j += 2;
    } else if (remaining >= 1 && dst === null && !cardinalityOnly && o === 'withscores') {
      withScores = true;
      j++;
    } else if (cardinalityOnly && remaining >= 2 && o === 'limit') {
      const l = parsePositiveLong(argv[j + 1]!, "LIMIT can't be negative");
      if (isErr(l)) return l;
      limit = l;
      j += 2;
    } else {
      return ERR_SYNTAX;
    }
  }
  const r = compute(srcs, op, agg, cardinalityOnly, limit);
  if (cardinalityOnly) return r.card;
  if (dst !== null) {
    const event = op === 'union' ? 'zunionstore' : op === 'inter' ? 'zinterstore' : 'zdiffstore';
    return storeResult(c, dst, r.members, r.scores, event);
  }
  if (r.members.length === 0) return EMPTY_ARRAY;
  const z = ZSet.fromEntries(r.members, r.scores, { zsetMaxListpackEntries: 0, zsetMaxListpackValue: 0 });
  const ms: string[] = [];
  const ss: number[] = [];
  z.forEach((m, s) => { ms.push(m); ss.push(s); });
  return scoredReply(c, ms, withScores ? ss : null);
}

export const ZSET_SETOP_HANDLERS = {
  zunion: (c: CommandContext, a: string[]): Reply => setOpGeneric(c, a, 1, null, 'union', false),
  zinter: (c: CommandContext, a: string[]): Reply => setOpGeneric(c, a, 1, null, 'inter', false),
  zdiff: (c: CommandContext, a: string[]): Reply => setOpGeneric(c, a, 1, null, 'diff', false),
  zunionstore: (c: CommandContext, a: string[]): Reply => setOpGeneric(c, a, 2, a[1]!, 'union', false),
  zinterstore: (c: CommandContext, a: string[]): Reply => setOpGeneric(c, a, 2, a[1]!, 'inter', false),
  zdiffstore: (c: CommandContext, a: string[]): Reply => setOpGeneric(c, a, 2, a[1]!, 'diff', false),
  zintercard: (c: CommandContext, a: string[]): Reply => setOpGeneric(c, a, 1, null, 'inter', true),
};
