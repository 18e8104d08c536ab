/**
 * Sorted-set commands (Redis 7.0's "sorted-set" group), gathered from their files:
 * - zset-write.ts: ZADD ZINCRBY ZREM ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX
 * - zset-read.ts: ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT ZRANDMEMBER ZSCAN
 * - zset-range.ts: ZRANGE ZRANGESTORE ZREVRANGE Z[REV]RANGEBYSCORE Z[REV]RANGEBYLEX
 * - zset-setops.ts: ZUNION ZINTER ZDIFF ZUNIONSTORE ZINTERSTORE ZDIFFSTORE ZINTERCARD
 * - zset-pop.ts: ZPOPMIN ZPOPMAX ZMPOP BZPOPMIN BZPOPMAX BZMPOP
 * Their table rows (arity, flags, ACL, key specs, docs) are in zset-table.ts; the value type is
 * keyspace/types/zset.ts.
 */
import type { CommandContext } from './context.js';
import type { CommandSpec, Handler } from './spec.js';
import { ZSET_POP_HANDLERS } from './zset-pop.js';
import { ZSET_RANGE_HANDLERS } from './zset-range.js';
import { ZSET_READ_HANDLERS } from './zset-read.js';
import { genericGetKeys } from './getkeys.js';
import { ZSET_SETOP_HANDLERS } from './zset-setops.js';
import { ZSET_META } from './zset-table.js';
import { ZSET_WRITE_HANDLERS } from './zset-write.js';

const HANDLERS: Readonly<Record<string, Handler<CommandContext>>> = {
  ...ZSET_WRITE_HANDLERS,
  ...ZSET_READ_HANDLERS,
  ...ZSET_RANGE_HANDLERS,
  ...ZSET_SETOP_HANDLERS,
  ...ZSET_POP_HANDLERS,
};

/** Movable keys: positions from numkeys (the key specs say the same for COMMAND GETKEYS). */
const GET_KEYS: Readonly<Record<string, (argv: readonly string[]) => number[]>> = {
  zunion: genericGetKeys(0, 1, 2),
  zinter: genericGetKeys(0, 1, 2),
  zdiff: genericGetKeys(0, 1, 2),
  zintercard: genericGetKeys(0, 1, 2),
  zmpop: genericGetKeys(0, 1, 2),
  zunionstore: genericGetKeys(1, 2, 3),
  zinterstore: genericGetKeys(1, 2, 3),
  zdiffstore: genericGetKeys(1, 2, 3),
  bzmpop: genericGetKeys(0, 2, 3),
};

function build(): CommandSpec[] {
  const out: CommandSpec[] = [];
  for (const [name, meta] of Object.entries(ZSET_META)) {
    const handler = HANDLERS[name];
    if (handler === undefined) throw new Error(`zsets: no handler for ${name}`);
    const getKeys = GET_KEYS[name];
    out.push(getKeys === undefined ? { ...meta, handler } : { ...meta, handler, getKeys });
  }
  return out;
}

export const ZSET_COMMANDS: readonly CommandSpec[] = build();
