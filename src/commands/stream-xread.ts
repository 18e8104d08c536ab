/**
 * XREAD and XREADGROUP (Redis 7.0's xreadCommand and the stream part of blocked.c).
 *
 * - Arguments in Redis's order: BLOCK ms, COUNT n, GROUP g c / NOACK (XREADGROUP only), then
 *   STREAMS with as many IDs as keys. `$` is the stream's last ID (0-0 when missing) and is
 *   resolved when the command first runs: the stored argv of a blocked client is rewritten to that
 *   ID so the re-run after an XADD reads what came after it. `>` (XREADGROUP) reads entries never
 *   delivered to the group; any other ID reads the consumer's own pending history (never blocks).
 * - Nothing to serve: with BLOCK the client waits on every key (inside MULTI it answers the
 *   timeout reply at once: a null array); without it the reply is a null array. A blocked client
 *   is re-run when a key changes and served at most COUNT (1000 when no COUNT) entries per key. On
 *   a re-run a key of another type is skipped by XREAD (it keeps waiting); XREADGROUP answers
 *   "-UNBLOCKED the stream key no longer exists" when its stream was deleted or overwritten and
 *   "-NOGROUP the consumer group this client was blocked on no longer exists" when the group went,
 *   as 7.0.15 does.
 * - XREADGROUP itself never propagates; its effects do (stream-deliver.ts).
 */
import { parseInt64 } from '../lib/int64.js';
import { ERR_SYNTAX, ERR_WRONGTYPE } from '../protocol/errors.js';
import { error, map, NULL_ARRAY, type Reply } from '../protocol/reply.js';
import { formatId, MAX_ID, ZERO_ID, type StreamId } from '../keyspace/types/stream-id.js';
import type { StreamGroup } from '../keyspace/types/stream-group.js';
import { StreamValue } from '../keyspace/types/stream.js';
import { parseBlockTimeoutMs } from './block-timeout.js';
import type { CommandContext } from './context.js';
import { entryReply, isErr, parseIdOnly, parseLongLong } from './stream-args.js';
import { consumerOf, deliverHistory, deliverNew } from './stream-deliver.js';
import { cmpId, incrId } from '../keyspace/types/stream-id.js';

/** XREAD_BLOCKED_DEFAULT_COUNT: what a blocked reader without COUNT gets per key when served. */
const BLOCKED_DEFAULT_COUNT = 1000;

function xreadGeneric(c: CommandContext, argv: string[], isGroup: boolean): Reply {
  let timeout = -1;
  let count = 0;
  let streamsArg = 0;
  let streamsCount = 0;
  let groupName: string | null = null;
  let consumerName = '';
  let noack = false;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = argv[i]!.toLowerCase();
    if (o === 'block' && more > 0) {
      i++;
      const t = parseBlockTimeoutMs(argv[i]!, c.ks.now, parseInt64);
      if (isErr(t)) return t;
      timeout = t;
    } else if (o === 'count' && more > 0) {
      i++;
      const n = parseLongLong(argv[i]!);
      if (isErr(n)) return n;
      count = n < 0 ? 0 : n;
    } else if (o === 'streams' && more > 0) {
      streamsArg = i + 1;
      streamsCount = argv.length - streamsArg;
      if (streamsCount % 2 !== 0) {
        // 7.0.15 words it the same way for XREADGROUP.
        return error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
      }
      streamsCount /= 2;
      break;
    } else if (o === 'group' && more >= 2) {
      if (!isGroup) return error('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
      groupName = argv[i + 1]!;
      consumerName = argv[i + 2]!;
      i += 2;
    } else if (o === 'noack') {
      if (!isGroup) return error('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
      noack = true;
    } else {
      return ERR_SYNTAX;
    }
  }
  if (streamsArg === 0) return ERR_SYNTAX;
  if (isGroup && groupName === null) return error('ERR Missing GROUP option for XREADGROUP');
  const serving = c.reexecuting === true;

  const ids: StreamId[] = [];
  const groups: (StreamGroup | null)[] = [];
  const streams: (StreamValue | null)[] = [];
  for (let k = 0; k < streamsCount; k++) {
    const key = argv[streamsArg + k]!;
    const idArg = argv[streamsArg + streamsCount + k]!;
    const v = c.ks.lookupRead(c.db, key);
    let s: StreamValue | null = null;
    if (v !== undefined) {
      if (!(v instanceof StreamValue)) {
        if (!serving) return ERR_WRONGTYPE;
      } else {
        s = v;
      }
    }
    streams.push(s);
    let g: StreamGroup | null = null;
    if (groupName !== null) {
      g = s?.groups.get(groupName) ?? null;
      // 7.0.15 answers a blocked XREADGROUP whose stream was deleted or overwritten at once.
      if (serving && s === null) return error('UNBLOCKED the stream key no longer exists');
      if (g === null) {
        if (serving && s !== null) return error('NOGROUP the consumer group this client was blocked on no longer exists');
        if (!serving) return error(`NOGROUP No such key '${key}' or consumer group '${groupName}' in XREADGROUP with GROUP option`);
      }
    }
    groups.push(g);
    if (idArg === '$') {
      if (isGroup) {
        return error('ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.');
      }
      ids.push(s !== null ? s.lastId : ZERO_ID);
      continue;
    }
    if (idArg === '>') {
      if (!isGroup) return error('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
      ids.push(MAX_ID);
      continue;
    }
    const id = parseIdOnly(idArg, 0n, true);
    if (isErr(id)) return id;
    ids.push(id);
  }

  if (serving && count === 0) count = BLOCKED_DEFAULT_COUNT;
  const served: Reply[] = [];
  /** Serving a blocked reader: the ready key's first occurrence was reached. */
  let readyReached = false;
  for (let k = 0; k < streamsCount; k++) {
    const key = argv[streamsArg + k]!;
    // xreadCommand looks every key up a second time when it serves: a second hit, or a second
    // miss and keymiss event (redis-server 7.0.15: XREAD STREAMS nokey 0 counts two misses).
    if (!serving) c.ks.lookupRead(c.db, key);
    const s = streams[k];
    if (s === null || s === undefined) continue;
    // A blocked reader is served from the key that became ready, alone (keysToTry), and once
    // with the ID of its first occurrence when the command names it twice: 7.0 blocks on a
    // dict of keys, where a repeated key keeps its first ID.
    if (serving && c.readyKey !== undefined) {
      if (key !== c.readyKey || readyReached) continue;
      readyReached = true;
    }
    const g = groups[k] ?? null;
    let gt = ids[k]!;
    let sync = false;
    let history = false;
    // Served at once when an entry after the ID exists. A blocked reader is served when the
    // stream's last ID passed it, even if the entries after it were deleted (the reply then
    // holds none), as 7.0's serveClientsBlockedOnStreamKey compares `s->last_id`.
    const newer = (after: StreamId): boolean => (serving ? cmpId(s.lastId, after) > 0 : s.length > 0 && cmpId(s.lastLiveId()!, after) > 0);
    if (g !== null) {
      if (cmpId(gt, MAX_ID) !== 0) {
        sync = true;
        history = true;
      } else if (newer(g.lastId)) {
        sync = true;
        gt = g.lastId;
      }
    } else if (newer(gt)) {
      sync = true;
    }
    if (!sync) continue;
    let entries: Reply[];
    if (g !== null) {
      const made = consumerOf(c, g, key, consumerName);
      if (made.created && noack) c.alsoPropagate(['XGROUP', 'CREATECONSUMER', key, groupName!, consumerName]);
      made.consumer.seenTime = c.ks.now;
      if (history) {
        const from = incrId(gt);
        entries = from === null ? [] : deliverHistory(c, s, made.consumer, from, count);
      } else {
        entries = deliverNew(c, s, key, groupName!, g, made.consumer, gt, count, noack);
      }
      // xreadCommand counts a group read served at once as a change; serving a blocked reader
      // (serveClientsBlockedOnStreamKey) does not (7.0.15, measured).
      if (c.reexecuting !== true) c.ks.dirty++;
    } else {
      const from = incrId(gt);
      entries = from === null ? [] : s.entries(from, MAX_ID, false, count).map(entryReply);
    }
    served.push(key, entries);
  }
  if (isGroup) c.preventPropagation();
  if (served.length > 0) {
    if (c.resp === 3) return map(served);
    const out: Reply[] = [];
    for (let i = 0; i < served.length; i += 2) out.push([served[i]!, served[i + 1]!]);
    return out;
  }
  if (timeout !== -1) {
    if (c.inTransaction) return NULL_ARRAY;
    // `$` is resolved now: the re-run after a change must read what came after this ID.
    for (let k = 0; k < streamsCount; k++) {
      if (argv[streamsArg + streamsCount + k] === '$') argv[streamsArg + streamsCount + k] = formatId(ids[k]!);
    }
    return c.block(argv.slice(streamsArg, streamsArg + streamsCount), timeout, NULL_ARRAY);
  }
  return NULL_ARRAY;
}

export const xreadCommand = (c: CommandContext, argv: string[]): Reply => xreadGeneric(c, argv, false);
export const xreadgroupCommand = (c: CommandContext, argv: string[]): Reply => xreadGeneric(c, argv, true);
