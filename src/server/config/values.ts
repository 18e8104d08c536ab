/**
 * Value syntaxes of redis.conf, with Redis 7.0's exact acceptance rules:
 *  - memory values as `memtoull` reads them (digits then an optional unit b/k/kb/m/mb/g/gb in any
 *    case; "" is 0; overflow saturates then multiplies modulo 2^64, as the C code does);
 *  - integers as `string2ll` (via lib/int64), octal as `strtoll(s, 8)` with a full-string check;
 *  - `sdscatrepr` quoting, used by CONFIG REWRITE and by the command-line -> config-text step;
 *  - the memory formatting CONFIG REWRITE uses (largest exact unit of gb/mb/kb).
 * Numbers travel as number when they are safe integers, bigint beyond (see Num).
 */
import { normalize, parseInt64 } from '../../lib/int64.js';
import { printfFixed6 } from '../../lib/float.js';

export type Num = number | bigint;

export const INT_MIN = -2147483648n;
export const INT_MAX = 2147483647n;
export const UINT_MAX = 4294967295n;
export const LONG_MAX = 9223372036854775807n;
export const LLONG_MAX = LONG_MAX;
export const ULLONG_MAX = 18446744073709551615n;
const TWO64 = 1n << 64n;

const UNITS: Record<string, bigint> = {
  '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000n * 1000n, mb: 1024n * 1024n, g: 1000n * 1000n * 1000n, gb: 1024n * 1024n * 1024n,
};

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Redis's memtoull: the unsigned value, or null when the text is not a memory value. */
export function memtoull(s: string): bigint | null {
  let i = 0;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  const mul = UNITS[s.slice(i).toLowerCase()];
  if (mul === undefined) return null;
  if (i >= 128) return null;
  let v = i === 0 ? 0n : BigInt(s.slice(0, i));
  if (v > ULLONG_MAX) v = ULLONG_MAX; // strtoull saturates with ERANGE, which memtoull accepts
  return (v * mul) % TWO64;
}

/** The unsigned 64-bit value seen as a signed long long (what C does when it stores it). */
export function asSigned64(v: bigint): bigint {
  return v >= 1n << 63n ? v - TWO64 : v;
}

/** The signed value seen as unsigned 64-bit (for the unsigned boundary checks). */
export function asUnsigned64(v: bigint): bigint {
  return v < 0n ? v + TWO64 : v;
}

/** string2ll as a bigint, or null. */
export function string2ll(s: string): bigint | null {
  const v = parseInt64(s);
  return v === null ? null : BigInt(v);
}

const DECIMAL_RE = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/;
const OCTAL_RE = /^[ \t\n\v\f\r]*([+-]?)([0-7]+)$/;

/**
 * strtoll(s, &end, 8) with *end == '\0', as Redis's octal parameters (unixsocketperm) read it:
 * leading spaces and a sign allowed, saturating like C (the bounds check then refuses it), and ""
 * is 0 (nothing converted, end at the terminator).
 */
export function parseOctal(s: string): bigint | null {
  return strtollStrict(s, 8);
}

/** strtoll(s, &end, radix) with *end == '\0' (leading spaces and a sign allowed); saturates like C. */
export function strtollStrict(s: string, radix: 8 | 10 = 10): bigint | null {
  const m = (radix === 8 ? OCTAL_RE : DECIMAL_RE).exec(s);
  if (m) {
    let v = BigInt((radix === 8 ? '0o' : '') + m[2]!) * (m[1] === '-' ? -1n : 1n);
    if (v > LLONG_MAX) v = LLONG_MAX;
    if (v < -LLONG_MAX - 1n) v = -LLONG_MAX - 1n;
    return v;
  }
  // strtoll of "" (or of spaces only) converts nothing and leaves end at the start: *end is '\0' only for "".
  return s === '' ? 0n : null;
}

export function toNum(v: bigint): Num {
  return normalize(v);
}

export function toBig(v: Num): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** How CONFIG REWRITE writes a byte count: the largest of gb/mb/kb that divides it exactly. */
export function formatMemoryForRewrite(v: Num): string {
  const b = toBig(v);
  const GB = 1024n * 1024n * 1024n;
  const MB = 1024n * 1024n;
  const KB = 1024n;
  // The C code keeps the value as a long long and the units as ints.
  const s = asSigned64(asUnsigned64(b));
  if (s !== 0n && s % GB === 0n) return `${s / GB}gb`;
  if (s !== 0n && s % MB === 0n) return `${s / MB}mb`;
  if (s !== 0n && s % KB === 0n) return `${s / KB}kb`;
  return String(s);
}

export { repr } from '../../lib/repr.js';

/** printf("%f") followed by Redis's trimDoubleString (drop trailing zeros and a bare dot). */
export function formatPercentile(v: number): string {
  let s = printfFixed6(v);
  if (s.includes('.')) {
    s = s.replace(/0+$/, '');
    if (s.endsWith('.')) s = s.slice(0, -1);
  }
  return s;
}

