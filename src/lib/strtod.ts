/**
 * C's strtod as Redis's number parsing sees it, for doubles: decimal and hexadecimal forms,
 * infinities, NaN recognised (to be refused), ERANGE on overflow and underflow. One
 * implementation for every place Redis calls string2d or getDoubleFromObject (sorted-set scores
 * and ranges, config values such as latency-tracking-info-percentiles).
 */

const DEC_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^[+-]?(?:inf|infinity)$/i;
export const NAN_RE = /^[+-]?nan(?:\([0-9a-zA-Z_]*\))?$/i;

export interface Strtod { v: number; erange: boolean }

/** strtod over the whole of `s` (no leading space handled here); null when not all consumed or NaN. */
export function strtodWhole(s: string): Strtod | null {
  if (DEC_RE.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) return { v, erange: true };
    if (v === 0 && /[1-9]/.test(s.replace(/[eE].*$/, ''))) return { v, erange: true };
    return { v, erange: false };
  }
  if (INF_RE.test(s)) return { v: s.startsWith('-') ? -Infinity : Infinity, erange: false };
  const h = HEX_RE.exec(s);
  if (h !== null && (h[2]!.length > 0 || (h[3] ?? '').length > 0)) {
    const int = h[2]!;
    const frac = h[3] ?? '';
    let v = 0;
    for (const ch of int + frac) v = v * 16 + parseInt(ch, 16);
    const exp = (h[4] === undefined ? 0 : Number(h[4])) - 4 * frac.length;
    v = v * 2 ** exp;
    if (h[1] === '-') v = -v;
    return { v, erange: !Number.isFinite(v) };
  }
  return null;
}

/**
 * Redis's string2d and getDoubleFromObject: strtod over the whole argument; refused when empty,
 * when it starts with a space, when strtod stops early, on overflow or underflow (ERANGE) and for
 * NaN. Hex integers and hex floats (`0x10`, `0x1p3`), `inf` and `infinity` are accepted as strtod
 * accepts them.
 */
export function string2d(s: string): number | null {
  const n = s.length;
  if (n === 0) return null;
  const c0 = s.charCodeAt(0);
  // Plain decimal integers of up to 15 digits (exact in a double): what most clients send.
  if (n <= 15) {
    let i = c0 === 45 ? 1 : 0;
    let v = 0;
    for (; i < n; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === n && n > (c0 === 45 ? 1 : 0)) return c0 === 45 ? -v : v;
  }
  // Plain decimals (sign, digits, at most one point): Number() rounds them exactly as strtod does,
  // and 40 characters can neither overflow nor underflow. Timestamps with fractions land here.
  if (n <= 40) {
    let i = c0 === 45 || c0 === 43 ? 1 : 0;
    let digits = 0, dot = false;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 48 && c <= 57) digits++;
      else if (c === 46 && !dot) dot = true;
      else break;
    }
    if (i === n && digits > 0) return Number(s);
  }
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  if (NAN_RE.test(s)) return null;
  const r = strtodWhole(s);
  if (r === null || r.erange) return null;
  return r.v;
}


const SCANF_SPACE = /^[ \t\n\v\f\r]*/;
const SCANF_DEC = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const SCANF_HEX = /^0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?/;

/**
 * glibc's sscanf(buf, "%lg", &v) == 1, as Redis's rdbLoadDoubleValue reads the text doubles of
 * old RDB encodings (a length byte, then that many bytes made a C string): leading white space
 * skipped, the text cut at its first NUL, and the longest number at its start taken, whatever
 * follows ("11junk" is 11, "1e+" is 1, "0x1p" is 1, "infx" is inf). It fails (null) where
 * nothing is read, and where glibc's scanner gives up midway: a sign alone, a bare "0x", "in",
 * "infin", "na". Overflow is ±inf and underflow 0, as strtod gives them; "nan" is NaN.
 */
export function sscanfDouble(text: string): number | null {
  const nul = text.indexOf('\0');
  let s = nul === -1 ? text : text.slice(0, nul);
  s = s.slice(SCANF_SPACE.exec(s)![0].length);
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s.startsWith('-');
    s = s.slice(1);
  }
  const signed = (v: number): number => (neg ? -v : v);
  const lower = s.slice(0, 8).toLowerCase();
  if (lower.startsWith('i')) {
    if (!lower.startsWith('inf')) return null;
    if (lower.length > 3 && lower[3] === 'i' && lower !== 'infinity') return null;
    return signed(Infinity);
  }
  if (lower.startsWith('n')) return lower.startsWith('nan') ? NaN : null;
  if (lower.startsWith('0x')) {
    const c = s.charAt(2);
    if (!/[0-9a-fA-F.]/.test(c)) return null; // only "0x" was read
    const h = SCANF_HEX.exec(s);
    if (h === null) return signed(0); // "0x." and the like: strtod stops after the 0
    return signed(strtodWhole(h[0])!.v);
  }
  const d = SCANF_DEC.exec(s);
  if (d === null) return null;
  return signed(strtodWhole(d[0])!.v);
}
