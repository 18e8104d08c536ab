/**
 * Helpers shared by the stream command files (stream-*.ts): Redis 7.0's stream ID parsing
 * (streamGenericParseIDOrReply with its strict, interval and `ms-*` forms, string2ull), the key
 * lookups with their type checks, entry reply shapes, and the error texts several commands share.
 */
import { parseInt64 } from '../lib/int64.js';
import { ERR_NOT_INTEGER, ERR_WRONGTYPE } from '../protocol/errors.js';
import { error, type ErrorReply, type Reply } from '../protocol/reply.js';
import { cmpId, decrId, formatId, incrId, MAX_ID, U64_MAX, ZERO_ID, type StreamId } from '../keyspace/types/stream-id.js';
import { StreamValue, type StreamEntry } from '../keyspace/types/stream.js';
import type { CommandContext } from './context.js';

export const ERR_INVALID_ID = error('ERR Invalid stream ID specified as stream command argument');

export function isErr(r: unknown): r is ErrorReply {
  return typeof r === 'object' && r !== null && (r as { t?: string }).t === 'error';
}

const STRTOULL_RE = /^[\t\n\v\f\r ]*([+-]?)(\d+)$/;

/** Redis's string2ull: string2ll first (refusing negatives), then strtoull's looser form. */
export function parseU64(s: string): bigint | null {
  const ll = parseInt64(s);
  if (ll !== null) {
    const b = BigInt(ll);
    return b < 0n ? null : b;
  }
  if (s.length === 0) return null;
  const m = STRTOULL_RE.exec(s);
  if (m === null) return null;
  const v = BigInt(m[2]!);
  if (v > U64_MAX) return null;
  return m[1] === '-' ? (U64_MAX + 1n - v) & U64_MAX : v;
}

export interface ParsedId {
  id: StreamId;
  /** False for the `ms-*` form (XADD only). */
  seqGiven: boolean;
}

/**
 * streamGenericParseIDOrReply: "-" and "+" (unless strict), "ms-seq", "ms" (seq = missingSeq),
 * and "ms-*" when `allowAutoSeq`. The argument is read up to its first NUL byte, as C does.
 */
export function parseId(arg: string, missingSeq: bigint, strict: boolean, allowAutoSeq = false): ParsedId | ErrorReply {
  if (arg.length > 127) return ERR_INVALID_ID;
  const z = arg.indexOf('\0');
  const s = z >= 0 ? arg.slice(0, z) : arg;
  if (s === '-' || s === '+') {
    if (strict) return ERR_INVALID_ID;
    return { id: s === '-' ? ZERO_ID : MAX_ID, seqGiven: true };
  }
  const dash = s.indexOf('-');
  const ms = parseU64(dash >= 0 ? s.slice(0, dash) : s);
  if (ms === null) return ERR_INVALID_ID;
  if (dash < 0) return { id: { ms, seq: missingSeq }, seqGiven: true };
  const rest = s.slice(dash + 1);
  if (allowAutoSeq && rest === '*') return { id: { ms, seq: 0n }, seqGiven: false };
  const seq = parseU64(rest);
  if (seq === null) return ERR_INVALID_ID;
  return { id: { ms, seq }, seqGiven: true };
}

/** streamParseStrictIDOrReply / streamParseIDOrReply without the `ms-*` form. */
export function parseIdOnly(arg: string, missingSeq: bigint, strict: boolean): StreamId | ErrorReply {
  const r = parseId(arg, missingSeq, strict);
  return isErr(r) ? r : r.id;
}

/** streamParseIntervalIDOrReply: a leading "(" makes the bound exclusive (strict parse of the rest). */
export function parseIntervalId(arg: string, missingSeq: bigint): { id: StreamId; exclusive: boolean } | ErrorReply {
  const exclusive = arg.length > 1 && arg.charCodeAt(0) === 40;
  const r = exclusive ? parseIdOnly(arg.slice(1), missingSeq, true) : parseIdOnly(arg, missingSeq, false);
  return isErr(r) ? r : { id: r, exclusive };
}

/** An inclusive range start: "(" bounds move to the next ID (XRANGE, XPENDING, XAUTOCLAIM). */
export function parseRangeStart(arg: string): StreamId | ErrorReply {
  const r = parseIntervalId(arg, 0n);
  if (isErr(r) || !r.exclusive) return isErr(r) ? r : r.id;
  return incrId(r.id) ?? error('ERR invalid start ID for the interval');
}

/** An inclusive range end: a missing sequence is the largest, "(" moves to the previous ID. */
export function parseRangeEnd(arg: string): StreamId | ErrorReply {
  const r = parseIntervalId(arg, U64_MAX);
  if (isErr(r) || !r.exclusive) return isErr(r) ? r : r.id;
  return decrId(r.id) ?? error('ERR invalid end ID for the interval');
}

/** getLongLongFromObjectOrReply. */
export function parseLongLong(s: string): number | ErrorReply {
  const v = parseInt64(s);
  if (v === null) return ERR_NOT_INTEGER;
  return Number(v);
}

/** getLongLongFromObjectOrReply, exact: for counters kept as they are given (ENTRIESADDED, ENTRIESREAD). */
export function parseLongLongBig(s: string): bigint | ErrorReply {
  const v = parseInt64(s);
  if (v === null) return ERR_NOT_INTEGER;
  return BigInt(v);
}

/** The stream at key for a read (stats counted); WRONGTYPE for another type. */
export function lookupStreamRead(c: CommandContext, key: string): StreamValue | undefined | ErrorReply {
  const v = c.ks.lookupRead(c.db, key);
  if (v === undefined) return undefined;
  return v instanceof StreamValue ? v : ERR_WRONGTYPE;
}

export function lookupStreamWrite(c: CommandContext, key: string): StreamValue | undefined | ErrorReply {
  const v = c.ks.lookupWrite(c.db, key);
  if (v === undefined) return undefined;
  return v instanceof StreamValue ? v : ERR_WRONGTYPE;
}

export function entryReply(e: StreamEntry): Reply {
  return [formatId(e.id), e.fields];
}

export function idReply(id: StreamId): string {
  return formatId(id);
}

export function errNoGroup(key: string, group: string, cmd: string): ErrorReply {
  return error(`NOGROUP No such key '${key}' or consumer group '${group}' in ${cmd}`);
}

export function maxId(a: StreamId, b: StreamId): StreamId {
  return cmpId(a, b) >= 0 ? a : b;
}
