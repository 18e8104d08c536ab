/**
 * SPOP and SRANDMEMBER, following Redis 7.0's t_set.c strategies where they are observable:
 *  - SPOP key: propagated as `SREM key member`;
 *  - SPOP key count >= size: the whole set, replied in the order of a fresh union (ascending when
 *    it fits an intset), the key deleted and propagated as `DEL key` (7.0 always uses DEL here);
 *  - SPOP key count < size: when few elements remain, the remaining ones are picked and rebuilt
 *    into a new set (which restarts from the intset rule, so a hashtable can become an intset
 *    again) and the popped ones are replied in the old set's order; otherwise members are popped
 *    one by one. Each popped member is propagated as its own `SREM key member` (the server wraps
 *    several in MULTI/EXEC, as Redis's propagatePendingCommands does), and the SPOP itself is
 *    not propagated;
 *  - SRANDMEMBER key count: negative = with repetitions; count >= size = the whole set in its
 *    own order; otherwise `count` distinct members. Every count form replies an array.
 * Randomness comes from the context's Random port only.
 */
import { parseInt64 } from '../lib/int64.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../protocol/errors.js';
import { error, set, type Reply } from '../protocol/reply.js';
import { SetValue } from '../keyspace/types/set.js';
import type { CommandContext } from './context.js';
import { deleteIfEmpty, lookupSet } from './set-common.js';
import { unionDiff } from './set-ops.js';

/** Redis's SPOP_MOVE_STRATEGY_MUL. */
const SPOP_MOVE_STRATEGY_MUL = 5;
/** Redis's SRANDMEMBER_SUB_STRATEGY_MUL. */
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;
/**
 * Largest reply SRANDMEMBER with a negative count builds. Redis has no bound (a count near
 * -LONG_MAX exhausts its memory); Garrison answers an error instead of dying.
 */
export const MAX_RANDOM_REPLY = 16 * 1024 * 1024;

const ERR_POSITIVE = error('ERR value is out of range, must be positive');
const ERR_SRANDMEMBER_RANGE = error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
const ERR_TOO_MANY = error(`ERR count is too large: Garrison replies at most ${MAX_RANDOM_REPLY} elements`);

function rng(c: CommandContext): () => number {
  return c.random !== undefined ? () => c.random!() : () => 0;
}

function spopWithCount(c: CommandContext, argv: string[]): Reply {
  const key = argv[1]!;
  const n = parseInt64(argv[2]!);
  if (n === null || n < 0) return ERR_POSITIVE;
  const s = lookupSet(c, key, true);
  if (s === null) return set([]);
  if (!(s instanceof SetValue)) return s;
  if (n === 0) return set([]);
  const ks = c.ks;
  const size = s.size;
  ks.notify('s', 'spop', c.db, key);
  if (n >= size) {
    const all = unionDiff(c, [key], 'union', true) as SetValue;
    const reply = all.toArray();
    ks.deleteKey(c.db, key);
    ks.notify('g', 'del', c.db, key);
    c.rewriteArgv(['DEL', key]);
    ks.dirty += size;
    return set(reply);
  }
  const count = Number(n);
  const random = rng(c);
  const remaining = size - count;
  const popped: string[] = [];
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    for (let i = 0; i < count; i++) {
      const m = s.randomMember(random);
      s.remove(m);
      popped.push(m);
    }
  } else {
    let kept: SetValue | null = null;
    const maxIntset = c.cfg.setMaxIntsetEntries;
    for (let i = 0; i < remaining; i++) {
      const m = s.randomMember(random);
      kept ??= SetValue.forMember(m);
      kept.add(m, maxIntset);
      s.remove(m);
    }
    for (const m of s.members()) popped.push(m);
    ks.updateValue(c.db, key, kept!);
  }
  // One SREM per member; the server wraps several propagated commands in MULTI/EXEC.
  for (const m of popped) c.alsoPropagate(['SREM', key, m]);
  c.preventPropagation();
  ks.signalModifiedKey(c.db, key);
  ks.dirty += count;
  return set(popped);
}

export function spop(c: CommandContext, argv: string[]): Reply {
  if (argv.length === 3) return spopWithCount(c, argv);
  if (argv.length > 3) return ERR_SYNTAX;
  const key = argv[1]!;
  const s = lookupSet(c, key, true);
  if (s === null) return null;
  if (!(s instanceof SetValue)) return s;
  const m = s.randomMember(rng(c));
  s.remove(m);
  c.ks.notify('s', 'spop', c.db, key);
  c.rewriteArgv(['SREM', key, m]);
  deleteIfEmpty(c, key, s);
  c.ks.signalModifiedKey(c.db, key);
  c.ks.dirty++;
  return m;
}

function srandmemberWithCount(c: CommandContext, argv: string[]): Reply {
  const n = parseInt64(argv[2]!);
  if (n === null) return ERR_NOT_INTEGER;
  if (n === -9223372036854775808n) return ERR_SRANDMEMBER_RANGE;
  const s = lookupSet(c, argv[1]!, false);
  if (s === null) return [];
  if (!(s instanceof SetValue)) return s;
  if (n === 0) return [];
  const random = rng(c);
  const size = s.size;
  if (n < 0) {
    if (-n > MAX_RANDOM_REPLY) return ERR_TOO_MANY;
    const count = -Number(n);
    const out: string[] = new Array<string>(count);
    for (let i = 0; i < count; i++) out[i] = s.randomMember(random);
    return out;
  }
  if (n === 1) return [s.randomMember(random)];
  if (n >= size) return s.toArray();
  const count = Number(n);
  if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
    // Copy everything, then drop random members until `count` are left.
    const all = s.toArray();
    for (let left = all.length; left > count; left--) {
      const i = Math.min(left - 1, Math.floor(random() * left));
      all[i] = all[left - 1]!;
    }
    all.length = count;
    return all;
  }
  const picked = new Set<string>();
  while (picked.size < count) picked.add(s.randomMember(random));
  return [...picked];
}

export function srandmember(c: CommandContext, argv: string[]): Reply {
  if (argv.length === 3) return srandmemberWithCount(c, argv);
  if (argv.length > 3) return ERR_SYNTAX;
  const s = lookupSet(c, argv[1]!, false);
  if (s === null) return null;
  if (!(s instanceof SetValue)) return s;
  return s.randomMember(rng(c));
}
