/**
 * What a key holds. Strings are stored as plain JS byte strings (latin1, one char per byte): that
 * is V8's most compact representation and needs no wrapper object, which is what keeps 1M string
 * keys close to Redis's memory. Every other type is an object implementing `CollectionValue`
 * (added by the data-type families), so `typeof v === 'string'` is the string-type test.
 */

export type ValueType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/** Implemented by list, hash, set, zset and stream values. */
export interface CollectionValue {
  readonly type: Exclude<ValueType, 'string'>;
  /** Redis's OBJECT ENCODING name for the current representation. */
  encoding(): string;
  /** Independent deep copy (COPY, snapshots' copy-on-write). */
  clone(): CollectionValue;
  /** Rough bytes held, for MEMORY USAGE. */
  memoryUsage(): number;
}

export type Value = string | CollectionValue;

export function typeOf(v: Value): ValueType {
  return typeof v === 'string' ? 'string' : v.type;
}

/** Redis's OBJ_SHARED_REFCOUNT (INT_MAX): the refcount its shared objects report. */
export const SHARED_REFCOUNT = 2147483647;
/** OBJ_SHARED_INTEGERS: Redis stores the integers 0..9999 as shared objects. */
export const SHARED_INTEGERS = 10000;

/** Whether Redis shares integers: not when maxmemory is set with an LRU or LFU policy (those need per-object clocks). */
export function integersShared(maxmemorySet: boolean, policy: string): boolean {
  return !(maxmemorySet && (policy.includes('lru') || policy.includes('lfu')));
}

/**
 * The encodings of a string that its content alone does not decide (see Database.strEncodings):
 * `raw` and `embstr` where the content would say otherwise, and `int` for an integer object of
 * its own (COPY's duplicate), which is never one of Redis's shared integers (refcount 1).
 */
export type StringEncoding = 'raw' | 'embstr' | 'int';

/**
 * OBJECT ENCODING of a string value as Redis picks it when it creates one from bytes
 * (tryObjectEncoding): int, embstr (<= 44 bytes) or raw. Keyspace.stringEncodingOf adds the
 * encodings that edits in place leave.
 */
export function stringEncoding(s: string): string {
  if (s.length <= 20 && isLongLongString(s)) return 'int';
  return s.length <= 44 ? 'embstr' : 'raw';
}

function isLongLongString(s: string): boolean {
  // Same acceptance as string2ll: canonical decimal within int64.
  if (s === '0') return true;
  const neg = s.charCodeAt(0) === 45;
  const start = neg ? 1 : 0;
  if (s.length === start) return false;
  const f = s.charCodeAt(start);
  if (f < 49 || f > 57) return false;
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  if (s.length - start < 19) return true;
  const b = BigInt(s);
  return b <= 9223372036854775807n && b >= -9223372036854775808n;
}
