/**
 * An exact emulation of the C `long double` that Redis's INCRBYFLOAT computes with on x86-64: the
 * x87 80-bit extended format (64-bit significand with an explicit integer bit, exponent range
 * [-16382, 16383], subnormals down to 2^-16445), round-to-nearest-even.
 *
 * Redis parses both operands with strtold (string2ld), adds them in long double, and prints the
 * sum with "%.17Lf" before stripping trailing zeros (ld2string, "human" mode). A JS double
 * reproduces none of that: INCRBYFLOAT 0.1 on a missing key must print "0.1", 10.5 + 0.1 must print
 * "10.6". Values here are exact dyadic rationals carried in BigInts, so every step rounds exactly
 * once, where the hardware does.
 *
 * Invariant: a finite value has `mant < 2^64` and `exp >= MIN_LSB_EXP`; it is the value the x87
 * unit would hold, bit for bit. The form is canonical (a nonzero significand has its top bit set
 * unless the value is subnormal; zero has exp 0), so equal values have equal fields.
 */
import { formatBinaryFixed } from './decimal.js';

/** Bits of significand (explicit integer bit included). */
const PRECISION = 64;
/** Exponent of the least significant bit of the smallest subnormal: 2^-16445. */
const MIN_LSB_EXP = -16445;
/** Values at or above 2^16384 overflow to infinity. */
const MAX_EXP_EXCLUSIVE = 16384;

export type LongDouble =
  | { readonly kind: 'finite'; readonly neg: boolean; readonly mant: bigint; readonly exp: number }
  | { readonly kind: 'inf'; readonly neg: boolean }
  | { readonly kind: 'nan' };

export const LD_ZERO: LongDouble = { kind: 'finite', neg: false, mant: 0n, exp: 0 };

function bitLength(v: bigint): number {
  // v > 0. toString(16) is linear and exact; fine for the sizes handled here (< 40k bits).
  const hex = v.toString(16);
  const top = parseInt(hex[0]!, 16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(top));
}

interface Rounded {
  readonly value: LongDouble;
  /** The exact value was beyond the largest finite long double (strtold: ERANGE, HUGE_VALL). */
  readonly overflow: boolean;
  /** A nonzero exact value rounded to zero (strtold: ERANGE with a zero result). */
  readonly underflowToZero: boolean;
}

/**
 * Rounds the exact value (-1)^neg * (m + f) * 2^e to a long double, where 0 <= f < 1 is a
 * fraction of one unit of `m`'s last place that is zero when `sticky` is false and strictly between
 * 0 and 1 otherwise. Callers that pass `sticky` supply at least PRECISION + 2 significant bits.
 */
function roundExact(neg: boolean, m: bigint, e: number, sticky: boolean): Rounded {
  if (m === 0n) {
    if (sticky) return { value: { kind: 'finite', neg, mant: 0n, exp: 0 }, overflow: false, underflowToZero: true };
    return { value: { kind: 'finite', neg, mant: 0n, exp: 0 }, overflow: false, underflowToZero: false };
  }
  const bl = bitLength(m);
  let lsb = Math.max(e + bl - PRECISION, MIN_LSB_EXP);
  let q: bigint;
  if (lsb <= e) {
    // Exactly representable (the caller never passes sticky bits here: see the contract).
    // Canonical form: the significand is widened to 64 bits unless the value is subnormal.
    if (bl + e > MAX_EXP_EXCLUSIVE) return overflowed(neg);
    q = m << BigInt(e - lsb);
  } else {
    const shift = BigInt(lsb - e);
    q = m >> shift;
    const rem = m - (q << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (sticky || (q & 1n) === 1n))) q += 1n;
    if (q === 1n << BigInt(PRECISION)) {
      q >>= 1n;
      lsb += 1;
    }
    if (q === 0n) {
      return { value: { kind: 'finite', neg, mant: 0n, exp: 0 }, overflow: false, underflowToZero: true };
    }
    if (bitLength(q) + lsb > MAX_EXP_EXCLUSIVE) return overflowed(neg);
  }
  return { value: { kind: 'finite', neg, mant: q, exp: lsb }, overflow: false, underflowToZero: false };
}

function overflowed(neg: boolean): Rounded {
  return { value: { kind: 'inf', neg }, overflow: true, underflowToZero: false };
}

const DEC_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^([+-]?)inf(?:inity)?$/i;
const NAN_RE = /^[+-]?nan(?:\([0-9a-zA-Z_]*\))?$/i;

/** Clamps a decimal exponent text to a safe integer range (strtold saturates the same way). */
function parseExponent(s: string | undefined): number {
  if (s === undefined) return 0;
  const neg = s.startsWith('-');
  const digits = s.replace(/^[+-]/, '').replace(/^0+/, '');
  if (digits.length > 9) return neg ? -1e9 : 1e9;
  const v = digits === '' ? 0 : Number(digits);
  return neg ? -v : v;
}

/**
 * strtold over the whole string followed by Redis's string2ld checks: null when Redis would refuse
 * the text ("value is not a valid float"): empty, longer than 5119 bytes, leading space, trailing
 * garbage (a NUL byte included), NaN, overflow, or a nonzero value that underflows to zero.
 */
export function parseLongDouble(input: string): LongDouble | null {
  if (input.length === 0 || input.length >= 5 * 1024) return null;
  // string2ld also insists that strtold consumed all `slen` bytes: a NUL byte ends the C string
  // early, so any NUL makes the text invalid.
  if (input.indexOf('\0') >= 0) return null;
  const s = input;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;

  const dec = DEC_RE.exec(s);
  if (dec !== null) {
    const intPart = dec[2]!;
    const fracPart = dec[3] ?? '';
    if (intPart.length + fracPart.length === 0) return null;
    const neg = dec[1] === '-';
    const r = decimalToLd(neg, intPart + fracPart, parseExponent(dec[4]) - fracPart.length);
    if (r.overflow || r.underflowToZero) return null;
    return r.value;
  }
  const hex = HEX_RE.exec(s);
  if (hex !== null) {
    const intPart = hex[2]!;
    const fracPart = hex[3] ?? '';
    if (intPart.length + fracPart.length === 0) return null;
    const neg = hex[1] === '-';
    const m = BigInt('0x' + (intPart + fracPart || '0'));
    if (m === 0n) return { kind: 'finite', neg, mant: 0n, exp: 0 };
    const e = parseExponent(hex[4]) - 4 * fracPart.length;
    if (e > 100000) return null;
    if (e < -100000) return null;
    const r = roundExact(neg, m, e, false);
    if (r.overflow || r.underflowToZero) return null;
    return r.value;
  }
  const inf = INF_RE.exec(s);
  if (inf !== null) return { kind: 'inf', neg: inf[1] === '-' };
  if (NAN_RE.test(s)) return null;
  return null;
}

/** Correctly rounded digits * 10^exp10 (digits: decimal text, maybe with leading zeros). */
function decimalToLd(neg: boolean, digits: string, exp10: number): Rounded {
  const trimmed = digits.replace(/^0+/, '');
  if (trimmed === '') return { value: { kind: 'finite', neg, mant: 0n, exp: 0 }, overflow: false, underflowToZero: false };
  // Magnitude is in [10^(n+exp10-1), 10^(n+exp10)): decide the far-out cases without BigInts.
  const magnitude = trimmed.length + exp10;
  if (magnitude - 1 > 4933) return overflowed(neg);
  if (magnitude < -4952) return { value: { kind: 'finite', neg, mant: 0n, exp: 0 }, overflow: false, underflowToZero: true };
  const d = BigInt(trimmed);
  if (exp10 >= 0) return roundExact(neg, d * 10n ** BigInt(exp10), 0, false);
  const den = 10n ** BigInt(-exp10);
  const shift = Math.max(0, PRECISION + 3 + bitLength(den) - bitLength(d));
  const num = d << BigInt(shift);
  const q = num / den;
  const sticky = q * den !== num;
  return roundExact(neg, q, -shift, sticky);
}

/** Converts a JS double (exactly representable in the wider format). */
export function longDoubleFromNumber(v: number): LongDouble {
  if (Number.isNaN(v)) return { kind: 'nan' };
  if (!Number.isFinite(v)) return { kind: 'inf', neg: v < 0 };
  if (v === 0) return { kind: 'finite', neg: Object.is(v, -0), mant: 0n, exp: 0 };
  const neg = v < 0;
  let a = Math.abs(v);
  let e = 0;
  while (!Number.isInteger(a)) { a *= 2; e--; }
  let m = BigInt(a);
  while (m > 0n && (m & 1n) === 0n) { m >>= 1n; e++; }
  return roundExact(neg, m, e, false).value;
}

/** a + b with one rounding, as the x87 unit adds two long doubles. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'inf') {
    if (b.kind === 'inf' && b.neg !== a.neg) return { kind: 'nan' };
    return a;
  }
  if (b.kind === 'inf') return b;
  if (a.mant === 0n && b.mant === 0n) {
    return { kind: 'finite', neg: a.neg && b.neg, mant: 0n, exp: 0 };
  }
  if (a.mant === 0n) return b;
  if (b.mant === 0n) return a;
  const e = Math.min(a.exp, b.exp);
  const ma = a.mant << BigInt(a.exp - e);
  const mb = b.mant << BigInt(b.exp - e);
  const sum = (a.neg ? -ma : ma) + (b.neg ? -mb : mb);
  // An exact zero sum is +0 under round-to-nearest.
  if (sum === 0n) return { kind: 'finite', neg: false, mant: 0n, exp: 0 };
  return roundExact(sum < 0n, sum < 0n ? -sum : sum, e, false).value;
}

export function isFiniteLd(v: LongDouble): boolean {
  return v.kind === 'finite';
}

/**
 * printf("%.<digits>Lf") of a finite value: the exact value rounded half-to-even at `digits`
 * fraction digits, as glibc prints it (a '-' is kept for negative values, including -0).
 */
export function formatFixed(v: LongDouble, digits: number): string {
  if (v.kind === 'nan') return v.kind;
  if (v.kind === 'inf') return v.neg ? '-inf' : 'inf';
  return formatBinaryFixed(v.neg, v.mant, v.exp, digits);
}

/**
 * Redis's ld2string in LD_STR_HUMAN mode: "%.17Lf", trailing zeros (and a bare '.') removed,
 * "-0" turned into "0". Only for finite values (Redis refuses to store NaN or infinities).
 */
export function formatLongDoubleHuman(v: LongDouble): string {
  let s = formatFixed(v, 17);
  if (s.includes('.')) {
    let end = s.length;
    while (s.charCodeAt(end - 1) === 48) end--;
    if (s.charCodeAt(end - 1) === 46) end--;
    s = s.slice(0, end);
  }
  if (s === '-0') return '0';
  return s;
}
