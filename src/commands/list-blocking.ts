/**
 * Blocking list commands: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP (Redis 7.0's t_list.c and the list
 * part of blocked.c).
 *
 * - The timeout is parsed first (seconds as a float, block-timeout.ts), then the keys are tried in
 *   argument order: a missing key is skipped, a key of another type is WRONGTYPE, the first
 *   non-empty list is served at once.
 * - Nothing to serve: inside MULTI (or a script) the command answers its timeout reply at once;
 *   otherwise the client blocks on the keys through `c.block()`. When one of them is modified the
 *   server runs the command again for the client (FIFO per key); Redis 7.0 serves a blocked client
 *   only from a key that now holds a list, so during a re-run a key of another type is skipped and
 *   the client keeps waiting (for BLMOVE a wrong-typed destination is still WRONGTYPE, as in Redis).
 * - Timeout replies (and CLIENT UNBLOCK ... TIMEOUT): a null array for all five, BLMOVE and
 *   BRPOPLPUSH included (Redis 7.0 answers every list-blocked client so); inside MULTI, BLMOVE and
 *   BRPOPLPUSH answer a null bulk instead, as their non-blocking path does.
 * - Propagation is the effect: BLPOP/BRPOP as LPOP/RPOP key, BLMPOP as LPOP/RPOP key count,
 *   BLMOVE as LMOVE (with the caller's LEFT/RIGHT words when served at once, Redis's shared
 *   "left"/"right" when served after blocking), BRPOPLPUSH as RPOPLPUSH.
 * - Changes (the dirty counter): served at once, each pop or move counts as one. Served after
 *   blocking, BLPOP, BRPOP, BLMOVE and BRPOPLPUSH count nothing: Redis 7.0's
 *   serveClientBlockedOnList propagates their effect without counting it, while BLMPOP, served
 *   through its command's own code, counts its elements (7.0.15, measured).
 */
import { ERR_SYNTAX } from '../protocol/errors.js';
import { NULL_ARRAY, type Reply } from '../protocol/reply.js';
import { parseBlockTimeoutSeconds } from './block-timeout.js';
import { keysToTry, type CommandContext } from './context.js';
import { HEAD, TAIL, elementsRemoved, isErrorReply, lookupList, parseWhere, type Where } from './list-common.js';
import { moveElement, mpopFirst, parseMpopArgs } from './list-ops.js';

/** A blocked client's pop or move, served: propagated, but not counted as a change. */
function propagateUncounted(c: CommandContext, dirtyBefore: number): void {
  c.ks.dirty = dirtyBefore;
  c.forcePropagation();
}

function bpopGeneric(c: CommandContext, argv: string[], where: Where): Reply {
  const timeout = parseBlockTimeoutSeconds(argv[argv.length - 1]!, c.ks.now);
  if (isErrorReply(timeout)) return timeout;
  const keys = argv.slice(1, -1);
  const serving = c.reexecuting === true;
  for (const key of keysToTry(c, keys)) {
    const list = lookupList(c, key, true);
    if (list === undefined) continue;
    if (isErrorReply(list)) {
      if (serving) continue;
      return list;
    }
    const dirty = c.ks.dirty;
    const value = where === HEAD ? list.popHead()! : list.popTail()!;
    elementsRemoved(c, key, where, list, 1);
    c.rewriteArgv([where === HEAD ? 'LPOP' : 'RPOP', key]);
    if (serving) propagateUncounted(c, dirty);
    return [key, value];
  }
  if (c.inTransaction) return NULL_ARRAY;
  return c.block(keys, timeout, NULL_ARRAY);
}

export const blpopCommand = (c: CommandContext, argv: string[]): Reply => bpopGeneric(c, argv, HEAD);
export const brpopCommand = (c: CommandContext, argv: string[]): Reply => bpopGeneric(c, argv, TAIL);

function blmoveGeneric(c: CommandContext, argv: string[], from: Where, to: Where, timeoutArg: string, isBrpoplpush: boolean): Reply {
  const timeout = parseBlockTimeoutSeconds(timeoutArg, c.ks.now);
  if (isErrorReply(timeout)) return timeout;
  const src = argv[1]!;
  const dst = argv[2]!;
  const serving = c.reexecuting === true;
  let sobj = lookupList(c, src, true);
  if (isErrorReply(sobj)) {
    if (!serving) return sobj;
    sobj = undefined;
  }
  if (sobj === undefined) {
    if (c.inTransaction) return null;
    return c.block([src], timeout, NULL_ARRAY);
  }
  const dirty = c.ks.dirty;
  const r = moveElement(c, src, sobj, dst, from, to);
  if (isErrorReply(r)) return r;
  if (serving) propagateUncounted(c, dirty);
  if (isBrpoplpush) c.rewriteArgv(['RPOPLPUSH', src, dst]);
  else if (serving) c.rewriteArgv(['LMOVE', src, dst, from === HEAD ? 'left' : 'right', to === HEAD ? 'left' : 'right']);
  else c.rewriteArgv(['LMOVE', src, dst, argv[3]!, argv[4]!]);
  return r;
}

export function blmoveCommand(c: CommandContext, argv: string[]): Reply {
  const from = parseWhere(argv[3]!);
  if (from === null) return ERR_SYNTAX;
  const to = parseWhere(argv[4]!);
  if (to === null) return ERR_SYNTAX;
  return blmoveGeneric(c, argv, from, to, argv[5]!, false);
}

export function brpoplpushCommand(c: CommandContext, argv: string[]): Reply {
  return blmoveGeneric(c, argv, TAIL, HEAD, argv[3]!, true);
}

/** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] */
export function blmpopCommand(c: CommandContext, argv: string[]): Reply {
  const a = parseMpopArgs(argv, 2);
  if (isErrorReply(a)) return a;
  const timeout = parseBlockTimeoutSeconds(argv[1]!, c.ks.now);
  if (isErrorReply(timeout)) return timeout;
  const served = mpopFirst(c, keysToTry(c, a.keys), a.where, a.count, c.reexecuting === true);
  if (served !== null) return served;
  if (c.inTransaction) return NULL_ARRAY;
  return c.block(a.keys, timeout, NULL_ARRAY);
}
