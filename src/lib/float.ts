/**
 * Number formatting as Redis's C code prints it. `formatDouble17g` is printf("%.17g"), which
 * Redis 7.0 uses for double replies (ZSCORE, RESP3 doubles, INCRBYFLOAT's reply goes elsewhere).
 * `parseDouble` follows strtod as Redis's getDoubleFromObject uses it: no leading/trailing space,
 * "inf"/"-inf"/"+inf" accepted, NaN refused.
 */

/** printf("%.<precision>g", v). */
export function formatDoubleG(v: number, precision = 17): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const e = v.toExponential(precision - 1); // d.ddd…e±X, correctly rounded
  const ePos = e.indexOf('e');
  const exp = Number(e.slice(ePos + 1));
  if (exp < -4 || exp >= precision) {
    let mant = e.slice(0, ePos);
    if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mant}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  let fixed = v.toFixed(Math.max(0, precision - 1 - exp));
  if (fixed.includes('.')) fixed = fixed.replace(/0+$/, '').replace(/\.$/, '');
  return fixed;
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
