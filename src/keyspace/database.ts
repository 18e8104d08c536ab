/**
 * One logical database (SELECT n): the main dictionary and the expiry index, as Redis's `redisDb`
 * keeps `dict` and `expires`. Lookups apply lazy expiry through the owning Keyspace. The active
 * expiry cycle's iteration state lives here too.
 *
 * Keys are byte strings. `dict` is the key table of keyspace/dict.ts (Redis's hash table with
 * incremental rehashing, SCAN's cursor and fair random picks; at most 25M keys); `expires` stays
 * a V8 Map, looked up only when the database has volatile keys.
 *
 * Expiry times are int64 milliseconds in Redis. `expires` holds them as JS numbers, exact up to
 * 2^53 ms (year 287396); the rare key whose time lies beyond (PEXPIREAT k 9223372036854775807)
 * also has its exact value in `bigExpires`, so PEXPIRETIME and propagation stay exact. Code that
 * only compares with the clock may read `expires` directly.
 */
import type { Int64 } from '../lib/int64.js';
import { Dict } from './dict.js';
import type { StringEncoding, Value } from './value.js';

export class Database {
  readonly id: number;
  /** key -> value */
  dict: Dict<Value>;
  /** key -> absolute expiry time in ms (only keys with a TTL); rounded beyond 2^53 */
  expires = new Map<string, number>();
  /** Exact expiry of the keys whose time is not a safe integer (see the file comment). */
  bigExpires: Map<string, bigint> | null = null;
  /** Persistent iterator for the active expiry cycle (resumes where the last slice stopped). */
  expireCursor: Iterator<[string, number]> | null = null;
  /** Running sum of TTLs seen by the active cycle, for INFO keyspace avg_ttl. */
  avgTtl = 0;
  /**
   * String keys whose OBJECT ENCODING Redis does not derive from the content: `raw` after an edit
   * in place (APPEND, SETRANGE, SETBIT...), `embstr` for an INCRBYFLOAT result that looks like an
   * integer, `int` for an integer that is not a shared object (COPY). Kept by the Keyspace
   * (Keyspace.setStringEncoding); null while there are none, so the write path pays one test.
   */
  strEncodings: Map<string, StringEncoding> | null = null;

  /** `hashSeed` seeds the key table's hash (see Dict). */
  constructor(id: number, private readonly hashSeed = 0) {
    this.id = id;
    this.dict = new Dict<Value>(hashSeed);
  }

  get size(): number {
    return this.dict.size;
  }

  /** Sets the absolute expiry (ms) of `key`, exactly even beyond 2^53. */
  setExpire(key: string, whenMs: Int64): void {
    if (typeof whenMs === 'bigint' || !Number.isSafeInteger(whenMs)) {
      const exact = BigInt(whenMs);
      (this.bigExpires ??= new Map()).set(key, exact);
      this.expires.set(key, Number(exact));
      return;
    }
    if (this.bigExpires !== null) this.bigExpires.delete(key);
    this.expires.set(key, whenMs);
  }

  /** The exact absolute expiry of `key` in ms, or -1 when it has none. */
  getExpire(key: string): Int64 {
    const n = this.expires.get(key);
    if (n === undefined) return -1;
    if (this.bigExpires !== null && !Number.isSafeInteger(n)) {
      const b = this.bigExpires.get(key);
      // Trust the side entry only if it still describes the current time (it may be stale if
      // some code deleted from `expires` directly).
      if (b !== undefined && Number(b) === n) return b;
    }
    return n;
  }

  /** Removes the expiry of `key`; true when it had one. */
  removeExpire(key: string): boolean {
    if (this.bigExpires !== null) {
      this.bigExpires.delete(key);
      if (this.bigExpires.size === 0) this.bigExpires = null;
    }
    return this.expires.delete(key);
  }

  /** Removes everything (FLUSHDB). Returns the number of keys removed. */
  clear(): number {
    const n = this.dict.size;
    this.dict = new Dict(this.hashSeed);
    this.expires = new Map();
    this.bigExpires = null;
    this.strEncodings = null;
    this.expireCursor = null;
    this.avgTtl = 0;
    return n;
  }

  /** Swaps contents with another database (SWAPDB). Cursors in progress resume degraded. */
  swapWith(other: Database): void {
    const d = this.dict;
    const e = this.expires;
    const b = this.bigExpires;
    const a = this.avgTtl;
    const se = this.strEncodings;
    this.strEncodings = other.strEncodings;
    other.strEncodings = se;
    this.dict = other.dict;
    this.expires = other.expires;
    this.bigExpires = other.bigExpires;
    this.avgTtl = other.avgTtl;
    other.dict = d;
    other.expires = e;
    other.bigExpires = b;
    other.avgTtl = a;
    for (const db of [this, other]) {
      db.expireCursor = null;
    }
  }
}
