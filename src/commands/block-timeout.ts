/**
 * The timeout argument of blocking commands (BLPOP ... 0.5, BZPOPMIN ..., BLMOVE ...), parsed as
 * Redis 7.0's getTimeoutFromObjectOrReply does in seconds: a float, times 1000, rounded up to a whole
 * millisecond, negative refused, 0 = wait forever, otherwise an absolute deadline from `nowMs`.
 */
import { parseDouble } from '../lib/float.js';
import { error, type ErrorReply } from '../protocol/reply.js';

const LLONG_MAX = 9223372036854775807;

/** Absolute deadline in ms (0 = forever), or the error reply. */
export function parseBlockTimeoutSeconds(arg: string, nowMs: number): number | ErrorReply {
  const secs = parseDouble(arg);
  if (secs === null) return error('ERR timeout is not a float or out of range');
  const ms = secs * 1000;
  if (ms > LLONG_MAX) return error('ERR timeout is out of range');
  const t = Math.ceil(ms);
  if (t < 0) return error('ERR timeout is negative');
  if (t === 0) return 0;
  if (t > LLONG_MAX - nowMs) return error('ERR timeout is out of range');
  return t + nowMs;
}

/** Milliseconds form (XREAD BLOCK ms): an integer, negative refused, 0 = forever. */
export function parseBlockTimeoutMs(arg: string, nowMs: number, parseInt: (s: string) => number | bigint | null): number | ErrorReply {
  const v = parseInt(arg);
  if (v === null || typeof v === 'bigint') return error('ERR timeout is not an integer or out of range');
  if (v < 0) return error('ERR timeout is negative');
  if (v === 0) return 0;
  return v + nowMs;
}
