/**
 * Exact decimal rounding of binary floating-point values, as glibc's printf does it: the exact
 * binary value rounded half-to-even. JavaScript's toFixed/toExponential round exact ties away
 * from zero (1000000000000000.25 to 17 digits: JS "…0.3", C "…0.2"), so formats that must match
 * Redis byte for byte (%.17g scores, %.17Lf INCRBYFLOAT, %.2f INFO figures) go through here.
 */

/** A finite double as mant × 2^exp exactly (mant >= 0; the sign is separate). */
export function splitDouble(x: number): { neg: boolean; mant: bigint; exp: number } {
  const neg = x < 0 || Object.is(x, -0);
  let a = Math.abs(x);
  let exp = 0;
  // Scale to an integer (at most 1074 doublings for subnormals; exact in binary).
  while (!Number.isInteger(a)) {
    a *= 2;
    exp--;
  }
  return { neg, mant: BigInt(a), exp };
}

/** round_half_even(mant × 2^exp × 10^pow10) for mant >= 0. */
export function roundScaled(mant: bigint, exp: number, pow10: number): bigint {
  let num = mant;
  let den = 1n;
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  if (pow10 >= 0) num *= 10n ** BigInt(pow10);
  else den *= 10n ** BigInt(-pow10);
  const q = num / den;
  const rem2 = (num - q * den) * 2n;
  if (rem2 > den || (rem2 === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** printf("%.<digits>f") of neg × mant × 2^exp (a '-' is kept for negative values, including -0). */
export function formatBinaryFixed(neg: boolean, mant: bigint, exp: number, digits: number): string {
  let text = roundScaled(mant, exp, digits).toString();
  if (digits > 0) {
    if (text.length <= digits) text = '0'.repeat(digits - text.length + 1) + text;
    text = `${text.slice(0, text.length - digits)}.${text.slice(text.length - digits)}`;
  }
  return neg ? `-${text}` : text;
}
