/**
 * Lookups shared by the hash command files (hashes.ts, hash-random.ts): a key's hash value for a
 * read or a write, with Redis's WRONGTYPE answer, and the commit step of a write (a new key is
 * added to the keyspace, an existing one is signalled as modified, an emptied one deleted).
 */
import { ERR_WRONGTYPE } from '../protocol/errors.js';
import type { ErrorReply } from '../protocol/reply.js';
import { HashValue } from '../keyspace/types/hash.js';
import type { CommandContext } from './context.js';

/** The hash at `key` for a read command: undefined when missing, WRONGTYPE for another type. */
export function readHash(c: CommandContext, key: string): HashValue | undefined | ErrorReply {
  const v = c.ks.lookupRead(c.db, key);
  if (v === undefined || v instanceof HashValue) return v;
  return ERR_WRONGTYPE;
}

/** The hash at `key` for a write command (no hit/miss statistics), as readHash. */
export function writeHash(c: CommandContext, key: string): HashValue | undefined | ErrorReply {
  const v = c.ks.lookupWrite(c.db, key);
  if (v === undefined || v instanceof HashValue) return v;
  return ERR_WRONGTYPE;
}

/**
 * After a change to `h` at `key`: adds it when it is new (`created`), deletes the key when the
 * hash became empty (true is returned then), or signals the in-place modification.
 */
export function commitHash(c: CommandContext, key: string, h: HashValue, created: boolean): boolean {
  if (h.size === 0) {
    if (!created) c.ks.deleteKey(c.db, key);
    return true;
  }
  if (created) c.ks.setKey(c.db, key, h);
  else c.ks.signalModifiedKey(c.db, key);
  return false;
}

/** Key positions of every hash command: the key is argv[1]. */
export const HASH_KEY = { first: 1, last: 1, step: 1 } as const;
