/**
 * Reply values: what command handlers return. The hottest shapes are plain JS values so that a
 * GET or INCR allocates nothing for its reply:
 *   string  -> bulk string (a byte string, latin1)
 *   number  -> integer (a safe integer); bigint -> integer beyond 2^53
 *   null    -> null bulk string (RESP2 `$-1`, RESP3 `_`)
 *   array   -> array of replies
 * Everything else is a tagged object. The encoder (writer.ts) downgrades RESP3 types for RESP2
 * clients exactly as Redis does (maps become flat arrays, sets arrays, doubles bulk strings...).
 */

export type Reply =
  | string
  | number
  | bigint
  | null
  | readonly Reply[]
  | StatusReply
  | ErrorReply
  | DoubleReply
  | MapReply
  | SetReply
  | PushReply
  | NullArrayReply
  | VerbatimReply
  | BoolReply
  | BigNumberReply
  | RawReply
  | BlockedReply;

export interface StatusReply { readonly t: 'status'; readonly s: string }
/** `s` is the full error line without the leading '-', e.g. "ERR syntax error". */
export interface ErrorReply { readonly t: 'error'; readonly s: string }
export interface DoubleReply { readonly t: 'double'; readonly v: number }
/** Flat key/value list: [k1, v1, k2, v2, ...]. */
export interface MapReply { readonly t: 'map'; readonly kv: readonly Reply[] }
export interface SetReply { readonly t: 'set'; readonly items: readonly Reply[] }
export interface PushReply { readonly t: 'push'; readonly items: readonly Reply[] }
/** RESP2 `*-1` (e.g. a timed-out BLPOP, EXEC aborted by WATCH); RESP3 `_`. */
export interface NullArrayReply { readonly t: 'nullarray' }
export interface VerbatimReply { readonly t: 'verbatim'; readonly format: string; readonly s: string }
export interface BoolReply { readonly t: 'bool'; readonly v: boolean }
export interface BigNumberReply { readonly t: 'bignum'; readonly s: string }
/** Bytes already in wire format, sent as they are (used for pre-encoded replies). */
export interface RawReply { readonly t: 'raw'; readonly bytes: Buffer }

/**
 * Not a wire reply: a handler returns it (via CommandContext.block) to say the client now waits.
 * The server never encodes it; the writer treats it as a programming error.
 */
export interface BlockedReply { readonly t: 'blocked' }
export const BLOCKED: BlockedReply = Object.freeze({ t: 'blocked' });

export const OK: StatusReply = { t: 'status', s: 'OK' };
export const QUEUED: StatusReply = { t: 'status', s: 'QUEUED' };
export const PONG: StatusReply = { t: 'status', s: 'PONG' };
export const NULL_ARRAY: NullArrayReply = { t: 'nullarray' };
export const EMPTY_ARRAY: readonly Reply[] = Object.freeze([]);

export function status(s: string): StatusReply {
  return { t: 'status', s };
}
export function error(s: string): ErrorReply {
  return { t: 'error', s };
}
export function double(v: number): DoubleReply {
  return { t: 'double', v };
}
export function map(kv: readonly Reply[]): MapReply {
  return { t: 'map', kv };
}
export function set(items: readonly Reply[]): SetReply {
  return { t: 'set', items };
}
export function push(items: readonly Reply[]): PushReply {
  return { t: 'push', items };
}
export function verbatim(s: string, format = 'txt'): VerbatimReply {
  return { t: 'verbatim', format, s };
}
export function bool(v: boolean): BoolReply {
  return { t: 'bool', v };
}

export function isError(r: Reply): r is ErrorReply {
  return typeof r === 'object' && r !== null && !Array.isArray(r) && (r as { t?: string }).t === 'error';
}
