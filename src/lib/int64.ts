/**
 * Exact 64-bit integer semantics for Redis's `long long` values (INCR, EXPIRE, counters).
 *
 * Values are carried as `Int64`: a JS number while it is a safe integer (the common, fast case),
 * a bigint beyond ±2^53. Parsing follows Redis's `string2ll`: optional '-', no '+', no spaces, no
 * leading zeros, at most 20 characters, within [-2^63, 2^63-1]. Arithmetic reports overflow
 * instead of wrapping, as Redis's commands do.
 */

export type Int64 = number | bigint;

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/** Parses a decimal integer exactly as Redis's string2ll does; null when it is not one. */
export function parseInt64(s: string): Int64 | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  let neg = false;
  const c0 = s.charCodeAt(0);
  if (n === 1 && c0 === 48) return 0;
  if (c0 === 45) { // '-'
    neg = true;
    i = 1;
    if (n === 1) return null;
  }
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return null; // 1-9: no leading zero
  if (n - i <= 15) {
    // Up to 15 digits always fits a double exactly.
    let v = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) return null;
      v = v * 10 + (c - 48);
    }
    return neg ? -v : v;
  }
  for (let j = i; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const big = BigInt(s);
  if (big > INT64_MAX || big < INT64_MIN) return null;
  return normalize(big);
}

/**
 * parseInt64 as a JS number (rounded beyond 2^53): for arguments that are range-checked after
 * parsing (ports, timeouts, offsets), where Redis's getLongLongFromObject accepts the same text.
 */
export function parseInt64Number(s: string): number | null {
  const v = parseInt64(s);
  return v === null ? null : Number(v);
}

/** Brings a bigint back to a number when it is a safe integer. */
export function normalize(v: bigint): Int64 {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

export function toBig(v: Int64): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** a + b, or null on int64 overflow. */
export function addInt64(a: Int64, b: Int64): Int64 | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  const r = toBig(a) + toBig(b);
  if (r > INT64_MAX || r < INT64_MIN) return null;
  return normalize(r);
}

/** a * b, or null on int64 overflow. */
export function mulInt64(a: Int64, b: Int64): Int64 | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a * b;
    if (Number.isSafeInteger(r)) return r;
  }
  const r = toBig(a) * toBig(b);
  if (r > INT64_MAX || r < INT64_MIN) return null;
  return normalize(r);
}

export function compareInt64(a: Int64, b: Int64): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const x = toBig(a);
  const y = toBig(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isNegative(v: Int64): boolean {
  return typeof v === 'bigint' ? v < 0n : v < 0;
}

/** Decimal text of an Int64 (what Redis replies and stores). */
export function formatInt64(v: Int64): string {
  return typeof v === 'bigint' ? v.toString() : String(v);
}
