/**
 * C's atoi as glibc has it, (int) strtol(s, NULL, 10): leading whitespace, an optional sign, then
 * decimal digits, the rest ignored; 0 when there are no digits. strtol saturates at the long
 * range, and the cast to int keeps the low 32 bits, so "4294967297" is 1 and "1.5" is 1. Redis
 * reads numkeys this way in its getkeys procedures, and DEBUG's flags.
 */
const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

export function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  if (m === null) return 0;
  let v = BigInt(m[1]!);
  if (v > LONG_MAX) v = LONG_MAX;
  else if (v < LONG_MIN) v = LONG_MIN;
  return Number(BigInt.asIntN(32, v));
}
