/**
 * Number formatting as Redis's C code prints it. `formatDouble17g` is printf("%.17g"), which
 * Redis 7.0 uses for double replies (ZSCORE, RESP3 doubles, INCRBYFLOAT's reply goes elsewhere).
 * `parseDouble` follows strtod as Redis's getDoubleFromObject uses it: no leading/trailing space,
 * "inf"/"-inf"/"+inf" accepted, NaN refused.
 */

import { roundScaled, splitDouble } from './decimal.js';

/** printf("%.<precision>g", v), rounding exact ties half-to-even as glibc does. */
export function formatDoubleG(v: number, precision = 17): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  let e = v.toExponential(precision - 1); // d.ddd…e±X (JS rounds ties away from zero)
  // A possible exact tie shows as a trailing 5 one digit further: redo those exactly.
  const longer = v.toExponential(precision);
  if (longer.charCodeAt(longer.indexOf('e') - 1) === 53 /* '5' */) e = exactExponential(v, precision);
  const ePos = e.indexOf('e');
  const exp = Number(e.slice(ePos + 1));
  if (exp < -4 || exp >= precision) {
    let mant = e.slice(0, ePos);
    if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mant}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  // Fixed notation: the digits of `e` placed around the decimal point.
  const neg = e.startsWith('-');
  const digits = e.slice(neg ? 1 : 0, ePos).replace('.', '');
  let text: string;
  if (exp >= 0) {
    text = digits.length > exp + 1 ? `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}` : digits;
  } else {
    text = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return neg ? `-${text}` : text;
}

/** toExponential(precision - 1) with glibc's half-to-even rounding of the exact value. */
function exactExponential(v: number, precision: number): string {
  const { neg, mant, exp } = splitDouble(v);
  let x = Math.floor(Math.log10(Math.abs(v)));
  let n = roundScaled(mant, exp, precision - 1 - x);
  const limit = 10n ** BigInt(precision);
  if (n >= limit) { x++; n = roundScaled(mant, exp, precision - 1 - x); }
  if (n < limit / 10n) { x--; n = roundScaled(mant, exp, precision - 1 - x); }
  const d = n.toString();
  const body = precision > 1 ? `${d[0]}.${d.slice(1)}` : d;
  return `${neg ? '-' : ''}${body}e${x < 0 ? '-' : '+'}${Math.abs(x)}`;
}

export function formatDouble17g(v: number): string {
  return formatDoubleG(v, 17);
}

const FLOAT_RE = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)$/;

/**
 * Parses a double as Redis's string-to-double conversions do (strtod over the whole string).
 * Returns null for anything strtod would not consume completely, for NaN, and for leading space.
 */
export function parseDouble(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 5 * 1024) return null;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!FLOAT_RE.test(s)) return null;
  const v = lower.includes('0x') ? parseHexFloat(lower) : Number(s);
  return Number.isNaN(v) ? null : v;
}

function parseHexFloat(s: string): number {
  const neg = s.startsWith('-');
  const body = s.replace(/^[+-]?0x/, '');
  const v = parseInt(body, 16);
  return neg ? -v : v;
}

/** Integer-valued doubles in this open range are printed as integers by d2string. */
const D2S_INT_LIMIT = 4503599627370496;

/** The text Redis's d2string gives a score stored in a zset listpack. */
export function scoreToListpackText(v: number): string {
  if (v === 0) return '0';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v > -D2S_INT_LIMIT + 1 && v < D2S_INT_LIMIT && Number.isInteger(v)) return String(v);
  return formatDouble17g(v);
}

/**
 * printf("%f") (six decimals) as glibc prints it: exact for every double (toFixed switches to
 * exponent notation from 1e21, where doubles are integers: their exact digits come from BigInt),
 * the sign of a negative zero kept, `inf`, `-inf` and `nan` spelled as C does.
 */
export function printfFixed6(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Object.is(v, -0)) return '-0.000000';
  if (Math.abs(v) < 1e21) return v.toFixed(6);
  return `${BigInt(v).toString()}.000000`;
}

/**
 * printf("%.2f"): JS's toFixed breaks exact ties away from zero where glibc rounds them to even
 * (1.125 prints 1.12). An exact tie needs a value with at most three fractional bits (v * 8, an
 * exact operation, is an integer), for which v * 200 is then an exact odd integer.
 */
export function printfFixed2(v: number): string {
  const t = v * 200;
  if (Number.isInteger(v * 8) && Math.abs(t) < 2 ** 53 && t % 2 !== 0) {
    const down = (t - Math.sign(t)) / 2;
    const even = down % 2 === 0 ? down : down + Math.sign(t);
    return (even / 100).toFixed(2);
  }
  return v.toFixed(2);
}
