/**
 * Helpers shared by the generic key command files (key-*.ts): key-spec rows as Redis 7.0's
 * COMMAND INFO prints them, and argument parsing with Redis's getIntFromObject semantics.
 */
import { parseInt64 } from '../lib/int64.js';
import { ERR_NOT_INTEGER } from '../protocol/errors.js';
import { error, type ErrorReply } from '../protocol/reply.js';
import type { CommandContext } from './context.js';
import type { KeySpec } from './spec.js';

/** A key spec with an index begin-search and a range find-keys (the only shape these commands use). */
export function rangeSpec(flags: readonly string[], index: number, lastKey = 0): KeySpec {
  return { flags, beginSearch: { index }, findKeys: { range: { lastKey, step: 1, limit: 0 } } };
}

const ERR_INT_RANGE = error('ERR value is out of range, value must between -2147483648 and 2147483647');

/** Parses a C `int` as getIntFromObjectOrReply does (string2ll, then the int range); null if not one. */
export function parseCInt(s: string): number | null {
  const v = parseInt64(s);
  if (v === null || typeof v === 'bigint' || v < -2147483648 || v > 2147483647) return null;
  return v;
}

/**
 * getIntFromObjectOrReply without a custom message: the int, or the error Redis sends (one text
 * for a non-integer, another for an int64 outside the C int range).
 */
export function parseCIntOrError(s: string): number | ErrorReply {
  const v = parseInt64(s);
  if (v === null) return ERR_NOT_INTEGER;
  if (typeof v === 'bigint' || v < -2147483648 || v > 2147483647) return ERR_INT_RANGE;
  return v;
}

/** Whether the node runs in cluster mode (only database 0 exists there). */
export function isClusterEnabled(c: CommandContext): boolean {
  return c.configValue?.('cluster-enabled') === 'yes';
}

/** A yes/no configuration value; `fallback` when the parameter is not known to this node. */
export function configFlag(c: CommandContext, name: string, fallback = false): boolean {
  const v = c.configValue?.(name);
  return v === undefined ? fallback : v === 'yes';
}
