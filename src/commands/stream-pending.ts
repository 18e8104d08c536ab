/**
 * Pending entries: XPENDING (summary and extended form with IDLE and a consumer), XCLAIM (IDLE,
 * TIME, RETRYCOUNT, FORCE, JUSTID, LASTID) and XAUTOCLAIM (COUNT, JUSTID, and 7.0's third reply
 * element: the pending IDs it dropped because their entries were deleted). Redis 7.0's
 * xpendingCommand, xclaimCommand, xautoclaimCommand.
 *
 * XCLAIM and XAUTOCLAIM propagate each claimed (or dropped) entry as the canonical XCLAIM of
 * stream-deliver.ts, and a LASTID that moved the group without any claim as XGROUP SETID; the
 * commands themselves never propagate.
 */
import { ERR_SYNTAX } from '../protocol/errors.js';
import { error, NULL_ARRAY, type ErrorReply, type Reply } from '../protocol/reply.js';
import { StreamNack, type StreamConsumer, type StreamGroup } from '../keyspace/types/stream-group.js';
import { cmpId, formatId, ZERO_ID, type StreamId } from '../keyspace/types/stream-id.js';
import type { StreamValue } from '../keyspace/types/stream.js';
import type { CommandContext } from './context.js';
import { isErr, lookupStreamRead, parseIdOnly, parseLongLong, parseRangeEnd, parseRangeStart } from './stream-args.js';
import { consumerOf, setIdPropagation, xclaimPropagation } from './stream-deliver.js';
import { normalize, parseInt64 } from '../lib/int64.js';

function noGroup(key: string, group: string): ErrorReply {
  return error(`NOGROUP No such key '${key}' or consumer group '${group}'`);
}

/** The stream and its group, WRONGTYPE, or Redis's NOGROUP for a missing key or group. */
function lookupGroup(c: CommandContext, key: string, groupName: string): { s: StreamValue; g: StreamGroup } | ErrorReply {
  const s = lookupStreamRead(c, key);
  if (isErr(s)) return s;
  const g = s?.groups.get(groupName);
  return s === undefined || g === undefined ? noGroup(key, groupName) : { s, g };
}

/**
 * The consumer `name`, created (a change, with its event) when missing; a lookup refreshes
 * seen-time as 7.0 does. Called at the first entry actually claimed: 7.0.15 creates no consumer
 * for a claim that takes nothing (measured).
 */
function claimant(c: CommandContext, g: StreamGroup, key: string, name: string): StreamConsumer {
  const made = consumerOf(c, g, key, name);
  made.consumer.seenTime = c.ks.now;
  return made.consumer;
}

function moveNack(id: StreamId, nack: StreamNack, to: StreamConsumer): void {
  if (nack.consumer === to) return;
  nack.consumer.pel.delete(id);
  to.pel.set(id, nack);
  nack.consumer = to;
}

function entryOrNull(s: StreamValue, id: StreamId): Reply {
  const e = s.get(id);
  return e === undefined ? null : [formatId(e.id), e.fields];
}

/** XPENDING key group [[IDLE min-idle-time] start end count [consumer]] */
export function xpendingCommand(c: CommandContext, argv: string[]): Reply {
  const justInfo = argv.length === 3;
  if (argv.length !== 3 && (argv.length < 6 || argv.length > 9)) return ERR_SYNTAX;
  let start: StreamId = ZERO_ID;
  let end: StreamId = ZERO_ID;
  let count = 0;
  let minIdle = 0;
  let consumerName: string | null = null;
  if (argv.length >= 6) {
    let si = 3;
    if (argv[3]!.toLowerCase() === 'idle') {
      const n = parseLongLong(argv[4]!);
      if (isErr(n)) return n;
      minIdle = n;
      if (argv.length < 8) return ERR_SYNTAX;
      si += 2;
    }
    const n = parseLongLong(argv[si + 2]!);
    if (isErr(n)) return n;
    count = n < 0 ? 0 : n;
    const st = parseRangeStart(argv[si]!);
    if (isErr(st)) return st;
    start = st;
    const en = parseRangeEnd(argv[si + 1]!);
    if (isErr(en)) return en;
    end = en;
    if (si + 3 < argv.length) consumerName = argv[si + 3]!;
  }
  const found = lookupGroup(c, argv[1]!, argv[2]!);
  if (isErr(found)) return found;
  const g = found.g;
  if (justInfo) {
    if (g.pel.size === 0) return [0, null, null, NULL_ARRAY];
    const owners: Reply[] = [];
    for (const cons of g.sortedConsumers()) if (cons.pel.size > 0) owners.push([cons.name, String(cons.pel.size)]);
    return [g.pel.size, formatId(g.pel.first()![0]), formatId(g.pel.last()![0]), owners];
  }
  let pel = g.pel;
  if (consumerName !== null) {
    const cons = g.consumers.get(consumerName);
    if (cons === undefined) return [];
    pel = cons.pel;
  }
  const now = c.ks.now;
  const out: Reply[] = [];
  if (count === 0) return out;
  for (const [id, nack] of pel.from(start)) {
    if (cmpId(id, end) > 0) break;
    if (minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    out.push([formatId(id), nack.consumer.name, Math.max(0, now - nack.deliveryTime), normalize(nack.deliveryCount)]);
    if (--count === 0) break;
  }
  return out;
}

function optInt(arg: string, msg: string): number | Reply {
  const v = parseInt64(arg);
  return v === null ? error(`ERR ${msg}`) : Number(v);
}

/** XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id] */
export function xclaimCommand(c: CommandContext, argv: string[]): Reply {
  const key = argv[1]!;
  const groupName = argv[2]!;
  const found = lookupGroup(c, key, groupName);
  if (isErr(found)) return found;
  const { s, g } = found;
  const mi = optInt(argv[4]!, 'Invalid min-idle-time argument for XCLAIM');
  if (typeof mi !== 'number') return mi;
  const minIdle = mi < 0 ? 0 : mi;
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const id = parseIdOnly(argv[j]!, 0n, true);
    if (isErr(id)) break;
    ids.push(id);
  }
  const now = c.ks.now;
  let retryCount = -1n;
  let deliveryTime = -1;
  let force = false;
  let justId = false;
  let lastId: StreamId = ZERO_ID;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!;
    const o = opt.toLowerCase();
    if (o === 'force') force = true;
    else if (o === 'justid') justId = true;
    else if (o === 'idle' && more > 0) {
      const v = optInt(argv[++j]!, 'Invalid IDLE option argument for XCLAIM');
      if (typeof v !== 'number') return v;
      deliveryTime = now - v;
    } else if (o === 'time' && more > 0) {
      const v = optInt(argv[++j]!, 'Invalid TIME option argument for XCLAIM');
      if (typeof v !== 'number') return v;
      deliveryTime = v;
    } else if (o === 'retrycount' && more > 0) {
      const v = parseInt64(argv[++j]!);
      if (v === null) return error('ERR Invalid RETRYCOUNT option argument for XCLAIM');
      retryCount = BigInt(v);
    } else if (o === 'lastid' && more > 0) {
      const id = parseIdOnly(argv[++j]!, 0n, true);
      if (isErr(id)) return id;
      lastId = id;
    } else {
      return error(`ERR Unrecognized XCLAIM option '${opt}'`);
    }
  }
  let propagateLastId = false;
  if (cmpId(lastId, g.lastId) > 0) {
    g.lastId = lastId;
    propagateLastId = true;
  }
  if (deliveryTime === -1 || deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  let consumer: StreamConsumer | null = null;
  const out: Reply[] = [];
  for (const id of ids) {
    let nack = g.pel.get(id);
    if (!s.has(id)) {
      if (nack !== undefined) {
        c.alsoPropagate(xclaimPropagation(key, groupName, g, id, nack));
        propagateLastId = false;
        c.ks.dirty++;
        g.pel.delete(id);
        nack.consumer.pel.delete(id);
      }
      continue;
    }
    let fresh = false;
    if (force && nack === undefined) {
      consumer ??= claimant(c, g, key, argv[3]!);
      nack = new StreamNack(consumer, now, 1n);
      g.pel.set(id, nack);
      fresh = true;
    }
    if (nack === undefined) continue;
    if (!fresh && minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    consumer ??= claimant(c, g, key, argv[3]!);
    nack.deliveryTime = deliveryTime;
    if (retryCount >= 0n) nack.deliveryCount = retryCount;
    else if (!justId) nack.deliveryCount = BigInt.asIntN(64, nack.deliveryCount + 1n);
    if (fresh) consumer.pel.set(id, nack);
    else moveNack(id, nack, consumer);
    out.push(justId ? formatId(id) : entryOrNull(s, id));
    c.alsoPropagate(xclaimPropagation(key, groupName, g, id, nack));
    propagateLastId = false;
    c.ks.dirty++;
  }
  if (propagateLastId) {
    c.alsoPropagate(setIdPropagation(key, groupName, g));
    c.ks.dirty++;
  }
  c.preventPropagation();
  return out;
}

/** XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] */
export function xautoclaimCommand(c: CommandContext, argv: string[]): Reply {
  // The key is read first (a hit or a miss), its type checked only after the arguments.
  const looked = lookupStreamRead(c, argv[1]!);
  const mi = optInt(argv[4]!, 'Invalid min-idle-time argument for XAUTOCLAIM');
  if (typeof mi !== 'number') return mi;
  const minIdle = mi < 0 ? 0 : mi;
  const start = parseRangeStart(argv[5]!);
  if (isErr(start)) return start;
  let count = 100;
  let justId = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const o = argv[j]!.toLowerCase();
    if (o === 'count' && more > 0) {
      const v = parseInt64(argv[j + 1]!);
      if (v === null || typeof v === 'bigint' || v < 1) return error('ERR COUNT must be > 0');
      count = v;
      j++;
    } else if (o === 'justid') {
      justId = true;
    } else {
      return ERR_SYNTAX;
    }
  }
  const key = argv[1]!;
  const groupName = argv[2]!;
  if (isErr(looked)) return looked;
  const s = looked;
  const g = s?.groups.get(groupName);
  if (s === undefined || g === undefined) return noGroup(key, groupName);
  let attempts = count * 10;
  const now = c.ks.now;
  let consumer: StreamConsumer | null = null;
  const claimed: Reply[] = [];
  const deleted: Reply[] = [];
  const it = g.pel.from(start);
  let next: IteratorResult<[StreamId, StreamNack]> | null = null;
  while (attempts-- > 0 && count > 0) {
    next = it.next();
    if (next.done === true) break;
    const [id, nack] = next.value;
    if (!s.has(id)) {
      c.alsoPropagate(xclaimPropagation(key, groupName, g, id, nack));
      c.ks.dirty++;
      g.pel.delete(id);
      nack.consumer.pel.delete(id);
      deleted.push(formatId(id));
      count--;
      continue;
    }
    if (minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    consumer ??= claimant(c, g, key, argv[3]!);
    nack.deliveryTime = now;
    if (!justId) nack.deliveryCount = BigInt.asIntN(64, nack.deliveryCount + 1n);
    moveNack(id, nack, consumer);
    claimed.push(justId ? formatId(id) : entryOrNull(s, id));
    count--;
    c.alsoPropagate(xclaimPropagation(key, groupName, g, id, nack));
    c.ks.dirty++;
  }
  // The cursor is the pending entry after the last one looked at (0-0 at the end).
  const after = next !== null && next.done === true ? undefined : it.next();
  const cursor = after === undefined || after.done === true ? ZERO_ID : after.value[0];
  c.preventPropagation();
  return [formatId(cursor), claimed, deleted];
}
