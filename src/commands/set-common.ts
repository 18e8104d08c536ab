/**
 * Helpers shared by the set command files (sets.ts, set-ops.ts, set-random.ts): typed lookups
 * with Redis's WRONGTYPE rule, and the "delete the key once the set is empty" step every removing
 * command ends with (generic `del` event after the command's own event, as t_set.c orders them).
 */
import { ERR_WRONGTYPE } from '../protocol/errors.js';
import type { ErrorReply } from '../protocol/reply.js';
import { SetValue } from '../keyspace/types/set.js';
import type { CommandContext } from './context.js';

/** The set at `key`, null when missing, or WRONGTYPE. `write` selects lookupWrite (no hit/miss stats). */
export function lookupSet(c: CommandContext, key: string, write: boolean): SetValue | null | ErrorReply {
  const v = write ? c.ks.lookupWrite(c.db, key) : c.ks.lookupRead(c.db, key);
  if (v === undefined) return null;
  if (v instanceof SetValue) return v;
  return ERR_WRONGTYPE;
}

export function isSet(v: SetValue | null | ErrorReply): v is SetValue {
  return v instanceof SetValue;
}

/** Deletes `key` when its set became empty, notifying `del`. Returns true when it did. */
export function deleteIfEmpty(c: CommandContext, key: string, s: SetValue): boolean {
  if (s.size !== 0) return false;
  c.ks.deleteKey(c.db, key);
  c.ks.notify('g', 'del', c.db, key);
  return true;
}

/** A key spec with an index begin-search and a range find-keys. */
export function setRangeSpec(flags: readonly string[], index: number, lastKey = 0) {
  return { flags, beginSearch: { index }, findKeys: { range: { lastKey, step: 1, limit: 0 } } } as const;
}
