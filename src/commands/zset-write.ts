/**
 * Sorted-set writes: ZADD (NX XX GT LT CH INCR), ZINCRBY, ZREM, ZREMRANGEBYRANK/SCORE/LEX.
 * Redis 7.0 semantics: all scores are parsed before the set is touched (all or nothing), NaN
 * results are refused, a set that becomes empty is deleted (event `del` after the command's own
 * event), dirty counts added + updated (or removed) members, and the commands propagate verbatim.
 */
import { ERR_SYNTAX } from '../protocol/errors.js';
import { double, error, type Reply } from '../protocol/reply.js';
import { lexPreds, scorePreds, ZSet } from '../keyspace/types/zset.js';
import type { CommandContext } from './context.js';
import {
  deleteIfEmpty, ERR_MINMAX_FLOAT, ERR_MINMAX_LEX, ERR_NAN_SCORE, ERR_NOT_FLOAT_SCORE, isErr, parseLexRange, parseLong,
  parseScore, parseScoreRange, writeZset,
} from './zset-common.js';

const ERR_NX_XX = error('ERR XX and NX options at the same time are not compatible');
const ERR_GT_LT_NX = error('ERR GT, LT, and/or NX options at the same time are not compatible');
const ERR_INCR_PAIRS = error('ERR INCR option supports a single increment-element pair');

function zaddGeneric(c: CommandContext, argv: string[], incrCmd: boolean): Reply {
  const key = argv[1]!;
  let nx = false, xx = false, gt = false, lt = false, ch = false, incr = incrCmd;
  let idx = 2;
  for (; idx < argv.length; idx++) {
    const o = argv[idx]!.toLowerCase();
    if (o === 'nx') nx = true;
    else if (o === 'xx') xx = true;
    else if (o === 'ch') ch = true;
    else if (o === 'incr') incr = true;
    else if (o === 'gt') gt = true;
    else if (o === 'lt') lt = true;
    else break;
  }
  const elements = argv.length - idx;
  if (elements % 2 !== 0 || elements === 0) return ERR_SYNTAX;
  const pairs = elements / 2;
  if (nx && xx) return ERR_NX_XX;
  if ((gt && nx) || (lt && nx) || (gt && lt)) return ERR_GT_LT_NX;
  if (incr && pairs > 1) return ERR_INCR_PAIRS;
  const scores: number[] = new Array<number>(pairs);
  for (let j = 0; j < pairs; j++) {
    const s = parseScore(argv[idx + 2 * j]!);
    if (s === null) return ERR_NOT_FLOAT_SCORE;
    scores[j] = s;
  }
  const found = writeZset(c, key);
  if (isErr(found)) return found;
  let z = found;
  let added = 0, updated = 0, processed = 0;
  let score = 0;
  let nanErr = false;
  if (z === undefined && !xx) {
    z = new ZSet();
    c.ks.setKey(c.db, key, z);
  }
  if (z !== undefined) {
    for (let j = 0; j < pairs; j++) {
      const member = argv[idx + 2 * j + 1]!;
      let s = scores[j]!;
      const cur = z.score(member);
      if (cur !== undefined) {
        if (nx) continue;
        if (incr) {
          s += cur;
          if (Number.isNaN(s)) { nanErr = true; break; }
        }
        if ((lt && s >= cur) || (gt && s <= cur)) continue;
        processed++;
        score = s;
        if (s !== cur) {
          z.update(member, cur, s, c.cfg);
          updated++;
        }
      } else if (!xx) {
        z.insert(s, member, c.cfg);
        added++;
        processed++;
        score = s;
      }
    }
  }
  c.ks.dirty += added + updated;
  if (added + updated > 0) {
    c.ks.signalModifiedKey(c.db, key);
    c.ks.notify('z', incr ? 'zincr' : 'zadd', c.db, key);
  }
  if (nanErr) return ERR_NAN_SCORE;
  if (incr) return processed > 0 ? double(score) : null;
  return ch ? added + updated : added;
}

function zrem(c: CommandContext, argv: string[]): Reply {
  const key = argv[1]!;
  const z = writeZset(c, key);
  if (z === undefined) return 0;
  if (isErr(z)) return z;
  let deleted = 0;
  let removedKey = false;
  for (let j = 2; j < argv.length; j++) {
    if (z.remove(argv[j]!)) deleted++;
    if (z.length === 0) {
      c.ks.deleteKey(c.db, key);
      removedKey = true;
      break;
    }
  }
  if (deleted > 0) {
    c.ks.notify('z', 'zrem', c.db, key);
    if (removedKey) c.ks.notify('g', 'del', c.db, key);
    c.ks.signalModifiedKey(c.db, key);
    c.ks.dirty += deleted;
  }
  return deleted;
}

type RemKind = 'rank' | 'score' | 'lex';
const REM_EVENTS: Record<RemKind, string> = { rank: 'zremrangebyrank', score: 'zremrangebyscore', lex: 'zremrangebylex' };

function zremrange(kind: RemKind) {
  return (c: CommandContext, argv: string[]): Reply => {
    const key = argv[1]!;
    let start = 0, end = 0;
    let preds = null;
    if (kind === 'rank') {
      const a = parseLong(argv[2]!);
      if (isErr(a)) return a;
      const b = parseLong(argv[3]!);
      if (isErr(b)) return b;
      start = a;
      end = b;
    } else if (kind === 'score') {
      const r = parseScoreRange(argv[2]!, argv[3]!);
      if (r === null) return ERR_MINMAX_FLOAT;
      preds = scorePreds(r);
    } else {
      const r = parseLexRange(argv[2]!, argv[3]!);
      if (r === null) return ERR_MINMAX_LEX;
      preds = lexPreds(r);
    }
    const z = writeZset(c, key);
    if (z === undefined) return 0;
    if (isErr(z)) return z;
    let deleted: number;
    if (preds === null) {
      const llen = z.length;
      if (start < 0) start += llen;
      if (end < 0) end += llen;
      if (start < 0) start = 0;
      if (start > end || start >= llen) return 0;
      if (end >= llen) end = llen - 1;
      deleted = z.removeRankRange(start, end);
    } else {
      deleted = z.removeRange(preds).length;
    }
    if (deleted > 0) {
      c.ks.signalModifiedKey(c.db, key);
      c.ks.notify('z', REM_EVENTS[kind], c.db, key);
      deleteIfEmpty(c, key, z);
    }
    c.ks.dirty += deleted;
    return deleted;
  };
}

export const ZSET_WRITE_HANDLERS = {
  zadd: (c: CommandContext, argv: string[]): Reply => zaddGeneric(c, argv, false),
  zincrby: (c: CommandContext, argv: string[]): Reply => zaddGeneric(c, argv, true),
  zrem,
  zremrangebyrank: zremrange('rank'),
  zremrangebyscore: zremrange('score'),
  zremrangebylex: zremrange('lex'),
};
