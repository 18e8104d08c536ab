/**
 * The timeout argument of blocking commands (BLPOP ... 0.5, BZPOPMIN ..., BLMOVE ...), parsed as
 * Redis 7.0.15's getTimeoutFromObjectOrReply does in seconds: the text must be a long double
 * (strtold + string2ld's checks: "inf" is accepted, "1e5000" and "nan" are not), the value is
 * multiplied by 1000, rounded up (ceill) and cast to a C long long. A result beyond the long long
 * range (1e300, inf, 9223372036854776) casts to LLONG_MIN on x86, hence "timeout is negative";
 * -0.0001 rounds up to 0, which means wait forever. 7.0 has no "out of range" check: a deadline
 * that overflows when the current time is added never comes (kept here as a far deadline).
 */
import { parseLongDouble } from '../lib/long-double.js';
import { error, type ErrorReply } from '../protocol/reply.js';

/** 2^63: the first value a C long long cannot hold. */
const TWO_POW_63 = 1n << 63n;

/** Absolute deadline in ms (0 = forever), or the error reply. */
export function parseBlockTimeoutSeconds(arg: string, nowMs: number): number | ErrorReply {
  const ld = parseLongDouble(arg);
  if (ld === null || ld.kind === 'nan') return error('ERR timeout is not a float or out of range');
  if (ld.kind === 'inf') return error('ERR timeout is negative');
  let ms: number;
  if (ld.mant === 0n) {
    ms = 0;
  } else if (ld.exp < -1000) {
    // Far below a millisecond (the double product would underflow): ceil gives 1 or -0.
    ms = ld.neg ? 0 : 1;
  } else {
    // |value| * 1000 rounded up (away from zero for positives, towards zero for negatives), exactly.
    const scaled = ld.mant * 1000n;
    let whole: bigint;
    if (ld.exp >= 0) {
      whole = scaled << BigInt(ld.exp);
    } else {
      const den = 1n << BigInt(-ld.exp);
      whole = scaled / den;
      if (!ld.neg && whole * den !== scaled) whole += 1n;
    }
    if (whole >= TWO_POW_63) return error('ERR timeout is negative');
    ms = ld.neg ? -Number(whole) : Number(whole);
  }
  if (ms < 0) return error('ERR timeout is negative');
  if (ms === 0) return 0; // also -0
  return ms + nowMs;
}

/**
 * Milliseconds form (XREAD BLOCK ms): any long long, negative refused, 0 = forever. A value past
 * 2^53 is a far deadline, as it is for seconds above.
 */
export function parseBlockTimeoutMs(arg: string, nowMs: number, parseInt: (s: string) => number | bigint | null): number | ErrorReply {
  const v = parseInt(arg);
  if (v === null) return error('ERR timeout is not an integer or out of range');
  if (v < 0) return error('ERR timeout is negative');
  if (v === 0) return 0;
  return Number(v) + nowMs;
}
