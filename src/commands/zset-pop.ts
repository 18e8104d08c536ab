/**
 * ZPOPMIN ZPOPMAX ZMPOP and the blocking BZPOPMIN BZPOPMAX BZMPOP, as Redis 7.0's
 * genericZpopCommand / blockingGenericZpopCommand / zmpopGenericCommand:
 * - reply shapes: ZPOP* flat [m, s, ...] in RESP2 and without COUNT, nested pairs with COUNT in
 *   RESP3; BZPOP* [key, m, s]; Z/BZMPOP [key, [[m, s], ...]]; nothing -> empty array (ZPOP*) or
 *   null array (ZMPOP, and the blocking forms on timeout);
 * - events `zpopmin`/`zpopmax`, then `del` when the set is emptied;
 * - propagation: ZMPOP and a served BZMPOP as `ZPOPMIN|ZPOPMAX key count`, a served BZPOPMIN as
 *   `ZPOPMIN key` (the server re-runs the handler for a blocked client, so both paths are here);
 * - the blocking forms never block inside MULTI (answer the timeout reply at once); when re-run
 *   for a blocked client, a key that now holds another type is skipped (the client keeps waiting),
 *   as 7.0 serves zset waiters only from zsets.
 */
import { ERR_SYNTAX, ERR_WRONGTYPE } from '../protocol/errors.js';
import { double, EMPTY_ARRAY, NULL_ARRAY, type Reply } from '../protocol/reply.js';
import { keysToTry, type CommandContext } from './context.js';
import { parseBlockTimeoutSeconds } from './block-timeout.js';
import { isErr, LONG_MAX, parsePositiveLong, parseRangeLong, zsetOf } from './zset-common.js';
import type { ZSet } from '../keyspace/types/zset.js';

type Shape = 'flat' | 'nested' | 'bzpop' | 'zmpop';

/** Pops up to `count` elements from `key` (a non-empty zset) and builds the reply. */
function popFrom(c: CommandContext, key: string, z: ZSet, max: boolean, count: number, shape: Shape): Reply {
  const n = Math.min(count, z.length);
  const items: Reply[] = [];
  for (let i = 0; i < n; i++) {
    const rank = max ? z.length - 1 : 0;
    const m = z.memberAt(rank);
    const s = z.scoreAt(rank);
    z.removeRankRange(rank, rank);
    if (i === 0) {
      c.ks.notify('z', max ? 'zpopmax' : 'zpopmin', c.db, key);
      c.ks.signalModifiedKey(c.db, key);
    }
    if (shape === 'nested' || shape === 'zmpop') items.push([m, double(s)]);
    else items.push(m, double(s));
  }
  if (z.length === 0) {
    c.ks.deleteKey(c.db, key);
    c.ks.notify('g', 'del', c.db, key);
  }
  c.ks.dirty += n;
  if (shape === 'bzpop') return [key, ...items];
  if (shape === 'zmpop') return [key, items];
  return items;
}

function zpop(max: boolean) {
  return (c: CommandContext, argv: string[]): Reply => {
    if (argv.length > 3) return ERR_SYNTAX;
    let count = -1;
    if (argv.length === 3) {
      const n = parsePositiveLong(argv[2]!, null);
      if (isErr(n)) return n;
      count = n;
    }
    const z = zsetOf(c.ks.lookupWrite(c.db, argv[1]!));
    if (isErr(z)) return z;
    if (z === undefined || count === 0) return EMPTY_ARRAY;
    const nested = c.resp > 2 && count !== -1;
    return popFrom(c, argv[1]!, z, max, count === -1 ? 1 : count, nested ? 'nested' : 'flat');
  };
}

/**
 * The first key (in argument order; on a blocked client's re-run, only the ready key) holding a
 * non-empty zset, WRONGTYPE, or null.
 */
function firstNonEmpty(c: CommandContext, keys: readonly string[]): { key: string; z: ZSet } | typeof ERR_WRONGTYPE | null {
  for (const key of keysToTry(c, keys)) {
    const v = c.ks.lookupWrite(c.db, key);
    if (v === undefined) continue;
    if (typeof v === 'string' || v.type !== 'zset') {
      if (c.reexecuting === true) continue;
      return ERR_WRONGTYPE;
    }
    const z = zsetOf(v) as ZSet;
    if (z.length === 0) continue;
    return { key, z };
  }
  return null;
}

function bzpop(max: boolean) {
  return (c: CommandContext, argv: string[]): Reply => {
    const timeout = parseBlockTimeoutSeconds(argv[argv.length - 1]!, c.ks.now);
    if (isErr(timeout)) return timeout;
    const keys = argv.slice(1, -1);
    const found = firstNonEmpty(c, keys);
    if (isErr(found)) return found;
    if (found !== null) {
      c.rewriteArgv([max ? 'ZPOPMAX' : 'ZPOPMIN', found.key]);
      return popFrom(c, found.key, found.z, max, 1, 'bzpop');
    }
    if (c.inTransaction) return NULL_ARRAY;
    return c.block(keys, timeout, NULL_ARRAY);
  };
}

interface MpopArgs { keys: string[]; max: boolean; count: number }

function parseMpop(argv: string[], numkeysIdx: number): MpopArgs | Reply {
  const n = parseRangeLong(argv[numkeysIdx]!, 1n, LONG_MAX, 'numkeys should be greater than 0');
  if (isErr(n)) return n;
  const whereIdx = numkeysIdx + n + 1;
  if (whereIdx >= argv.length) return ERR_SYNTAX;
  const w = argv[whereIdx]!.toLowerCase();
  if (w !== 'min' && w !== 'max') return ERR_SYNTAX;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && argv[j]!.toLowerCase() === 'count' && more > 0) {
      j++;
      const cnt = parseRangeLong(argv[j]!, 1n, LONG_MAX, 'count should be greater than 0');
      if (isErr(cnt)) return cnt;
      count = cnt;
    } else {
      return ERR_SYNTAX;
    }
  }
  if (count === -1) count = 1;
  return { keys: argv.slice(numkeysIdx + 1, numkeysIdx + 1 + n), max: w === 'max', count };
}

/**
 * ZMPOP and BZMPOP propagate as ZPOPMIN/ZPOPMAX with the number of members actually popped (the
 * count, or the set's size when smaller), as Redis 7.0 rewrites them.
 */
function zmpop(c: CommandContext, argv: string[]): Reply {
  const p = parseMpop(argv, 1);
  if (!('keys' in (p as object)) || isErr(p)) return p as Reply;
  const { keys, max, count } = p as MpopArgs;
  for (const key of keys) {
    const z = zsetOf(c.ks.lookupWrite(c.db, key));
    if (z === undefined) continue;
    if (isErr(z)) return z;
    c.rewriteArgv([max ? 'ZPOPMAX' : 'ZPOPMIN', key, String(Math.min(count, z.length))]);
    return popFrom(c, key, z, max, count, 'zmpop');
  }
  return NULL_ARRAY;
}

function bzmpop(c: CommandContext, argv: string[]): Reply {
  const p = parseMpop(argv, 2);
  if (!('keys' in (p as object)) || isErr(p)) return p as Reply;
  const { keys, max, count } = p as MpopArgs;
  const timeout = parseBlockTimeoutSeconds(argv[1]!, c.ks.now);
  if (isErr(timeout)) return timeout;
  const found = firstNonEmpty(c, keys);
  if (isErr(found)) return found;
  if (found !== null) {
    c.rewriteArgv([max ? 'ZPOPMAX' : 'ZPOPMIN', found.key, String(Math.min(count, found.z.length))]);
    return popFrom(c, found.key, found.z, max, count, 'zmpop');
  }
  if (c.inTransaction) return NULL_ARRAY;
  return c.block(keys, timeout, NULL_ARRAY);
}

export const ZSET_POP_HANDLERS = {
  zpopmin: zpop(false),
  zpopmax: zpop(true),
  bzpopmin: bzpop(false),
  bzpopmax: bzpop(true),
  zmpop,
  bzmpop,
};
