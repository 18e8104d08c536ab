/**
 * Set algebra: SINTER SINTERSTORE SINTERCARD SUNION SUNIONSTORE SDIFF SDIFFSTORE, with Redis
 * 7.0's observable choices (t_set.c sinterGenericCommand / sunionDiffGenericCommand):
 *  - every key is type-checked even after a missing one (a missing key is an empty set);
 *  - SINTER walks the smallest set (stable by size) and replies in its iteration order;
 *  - SUNION/SDIFF collect into a fresh set that starts as an intset, and reply in that set's
 *    order: ascending when the result fits an intset, whatever the sources' encodings;
 *  - SDIFF picks Redis's algorithm (1: filter the first set; 2: copy it then subtract), which is
 *    visible in the encoding a SDIFFSTORE result gets;
 *  - *STORE overwrite the destination (dropping its TTL), or delete it when the result is empty;
 *    they count one change, or none when the result is empty and there was nothing to delete.
 */
import { genericGetKeys } from './getkeys.js';
import { parseInt64 } from '../lib/int64.js';
import { ERR_SYNTAX } from '../protocol/errors.js';
import { error, set, type Reply } from '../protocol/reply.js';
import { SetValue } from '../keyspace/types/set.js';
import type { CommandContext } from './context.js';
import { lookupSet } from './set-common.js';

const ERR_NUMKEYS = error('ERR numkeys should be greater than 0');
const ERR_NUMKEYS_ARGS = error("ERR Number of keys can't be greater than number of args");
const ERR_LIMIT_NEGATIVE = error("ERR LIMIT can't be negative");

/** Looks up every key; null entries are missing keys. An error reply on WRONGTYPE. */
function lookupAll(c: CommandContext, keys: readonly string[], write: boolean): Array<SetValue | null> | Reply {
  const sets: Array<SetValue | null> = [];
  for (const key of keys) {
    const s = lookupSet(c, key, write);
    if (s !== null && !(s instanceof SetValue)) return s;
    sets.push(s);
  }
  return sets;
}

/** The end of every *STORE: write or delete the destination, reply with its size. */
function storeResult(c: CommandContext, dst: string, result: SetValue, event: string): Reply {
  const ks = c.ks;
  if (result.size > 0) {
    ks.lookupWrite(c.db, dst); // lazy expiry first, as Redis's setKey looks the key up
    ks.setKey(c.db, dst, result);
    ks.notify('s', event, c.db, dst);
    ks.dirty++;
    return result.size;
  }
  // Redis's dbDelete: no lazy expiry, a logically expired destination is deleted as such.
  if (ks.deleteKey(c.db, dst)) {
    ks.notify('g', 'del', c.db, dst);
    ks.dirty++;
  }
  return 0;
}

function interGeneric(c: CommandContext, keys: readonly string[], dst: string | null, cardOnly: boolean, limit: number): Reply {
  const found = lookupAll(c, keys, false); // sources are reads, also for SINTERSTORE (lookupKeyRead)
  if (!Array.isArray(found)) return found as Reply;
  const maybe = found as Array<SetValue | null>;
  if (maybe.some((s) => s === null)) {
    if (dst !== null) return storeResult(c, dst, SetValue.emptyIntset(), 'sinterstore');
    return cardOnly ? 0 : set([]);
  }
  // Smallest first (Array.prototype.sort is stable, as glibc's qsort is in practice here).
  const sets = (maybe as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const first = sets[0]!;
  const out: string[] = [];
  const maxIntset = c.cfg.setMaxIntsetEntries;
  const result = dst !== null ? SetValue.emptyIntset() : null;
  let card = 0;
  outer: for (const m of first.members()) {
    for (let j = 1; j < sets.length; j++) {
      const s = sets[j]!;
      if (s === first) continue;
      if (!s.has(m)) continue outer;
    }
    card++;
    if (result !== null) result.add(m, maxIntset);
    else if (!cardOnly) out.push(m);
    if (cardOnly && limit !== 0 && card === limit) break;
  }
  if (result !== null) return storeResult(c, dst!, result, 'sinterstore');
  return cardOnly ? card : set(out);
}

type SetOp = 'union' | 'diff';

/** Computes SUNION / SDIFF of `keys` into a fresh set, as sunionDiffGenericCommand does. */
export function unionDiff(c: CommandContext, keys: readonly string[], op: SetOp, write: boolean): SetValue | Reply {
  const found = lookupAll(c, keys, write);
  if (!Array.isArray(found)) return found as Reply;
  const sets = found as Array<SetValue | null>;
  const maxIntset = c.cfg.setMaxIntsetEntries;
  const result = SetValue.emptyIntset();
  const first = sets[0] ?? null;
  if (op === 'union') {
    for (const s of sets) {
      if (s === null) continue;
      for (const m of s.members()) result.add(m, maxIntset);
    }
    return result;
  }
  if (first === null) return result;
  let sameSet = false;
  for (let j = 1; j < sets.length; j++) if (sets[j] === first) sameSet = true;
  if (sameSet) return result;
  let oneWork = 0;
  let twoWork = 0;
  for (const s of sets) {
    if (s === null) continue;
    oneWork += first.size;
    twoWork += s.size;
  }
  oneWork = Math.floor(oneWork / 2);
  if (oneWork <= twoWork) {
    // Algorithm 1: keep the first set's members found in no other set.
    outer: for (const m of first.members()) {
      for (let j = 1; j < sets.length; j++) {
        const s = sets[j];
        if (s !== null && s !== undefined && s.has(m)) continue outer;
      }
      result.add(m, maxIntset);
    }
  } else {
    // Algorithm 2: copy the first set, then subtract the others until nothing is left.
    for (let j = 0; j < sets.length; j++) {
      const s = sets[j];
      if (s === null || s === undefined) continue;
      if (j === 0) for (const m of s.members()) result.add(m, maxIntset);
      else for (const m of s.members()) result.remove(m);
      if (result.size === 0) break;
    }
  }
  return result;
}

function unionDiffCommand(c: CommandContext, argv: string[], op: SetOp): Reply {
  const r = unionDiff(c, argv.slice(1), op, false);
  if (!(r instanceof SetValue)) return r;
  return set(r.toArray());
}

function unionDiffStore(c: CommandContext, argv: string[], op: SetOp): Reply {
  const r = unionDiff(c, argv.slice(2), op, false); // sources are reads (hits, misses, keymiss)
  if (!(r instanceof SetValue)) return r;
  return storeResult(c, argv[1]!, r, op === 'union' ? 'sunionstore' : 'sdiffstore');
}

function sintercard(c: CommandContext, argv: string[]): Reply {
  const n = parseInt64(argv[1]!);
  if (n === null || n < 1) return ERR_NUMKEYS;
  if (n > argv.length - 2) return ERR_NUMKEYS_ARGS;
  const numkeys = Number(n);
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (argv[j]!.toLowerCase() === 'limit' && more > 0) {
      j++;
      const l = parseInt64(argv[j]!);
      if (l === null || l < 0) return ERR_LIMIT_NEGATIVE;
      // A limit beyond any possible cardinality means no limit at all.
      limit = typeof l === 'bigint' ? 0 : l;
    } else {
      return ERR_SYNTAX;
    }
  }
  return interGeneric(c, argv.slice(2, 2 + numkeys), null, true, limit);
}

/** SINTERCARD's key positions (Redis's sintercardGetKeys). */
export const sintercardGetKeys = genericGetKeys(0, 1, 2);

export const sinter = (c: CommandContext, argv: string[]): Reply => interGeneric(c, argv.slice(1), null, false, 0);
export const sinterstore = (c: CommandContext, argv: string[]): Reply => interGeneric(c, argv.slice(2), argv[1]!, false, 0);
export { sintercard };
export const sunion = (c: CommandContext, argv: string[]): Reply => unionDiffCommand(c, argv, 'union');
export const sunionstore = (c: CommandContext, argv: string[]): Reply => unionDiffStore(c, argv, 'union');
export const sdiff = (c: CommandContext, argv: string[]): Reply => unionDiffCommand(c, argv, 'diff');
export const sdiffstore = (c: CommandContext, argv: string[]): Reply => unionDiffStore(c, argv, 'diff');
