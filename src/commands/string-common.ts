/**
 * Helpers shared by the string and bitmap families: key-spec rows as Redis 7.0's COMMAND INFO
 * prints them, and the string size limit (Redis's checkStringLength against proto-max-bulk-len).
 *
 * A V8 string holds at most MAX_STRING_LENGTH characters (2^29 - 24 on 64-bit Node 20), a little
 * under Redis's default 512 MB limit: growth past that is refused with the same size error, since
 * the value could not be represented (documented in the family's report as a known deviation).
 */
import { constants } from 'node:buffer';
import { compareInt64, toBig, type Int64 } from '../lib/int64.js';
import type { CommandContext } from './context.js';
import type { KeySpec } from './spec.js';

export const MAX_JS_STRING_BYTES: number = constants.MAX_STRING_LENGTH;

/** A key spec with an index begin-search and a range find-keys. */
export function keySpec(flags: readonly string[], index = 1, lastKey = 0, notes?: string, step = 1): KeySpec {
  const spec: KeySpec = { flags, beginSearch: { index }, findKeys: { range: { lastKey, step, limit: 0 } } };
  return notes === undefined ? spec : { ...spec, notes };
}

/**
 * True when a string grown to `offset + add` bytes would pass proto-max-bulk-len (or what a JS
 * string can hold). `offset` is a non-negative int64.
 */
export function isTooLong(c: CommandContext, offset: Int64, add: number): boolean {
  const limit = Math.min(c.cfg.protoMaxBulkLen, MAX_JS_STRING_BYTES);
  if (typeof offset === 'number') return offset + add > limit;
  return compareInt64(toBig(offset) + BigInt(add), BigInt(limit)) > 0;
}
