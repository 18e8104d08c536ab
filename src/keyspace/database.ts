/**
 * One logical database (SELECT n): the main dictionary and the expiry index, as Redis's `redisDb`
 * keeps `dict` and `expires`. Lookups apply lazy expiry through the owning Keyspace. Iteration
 * state for SCAN and for the active expiry cycle lives here too, because both walk these maps.
 *
 * Keys are byte strings. A V8 Map holds at most 2^24 (16.7M) entries: that is this database's key
 * limit (documented in docs/compatibility.md).
 */
import type { Value } from './value.js';

export class Database {
  readonly id: number;
  /** key -> value */
  dict = new Map<string, Value>();
  /** key -> absolute expiry time in ms (only keys with a TTL) */
  expires = new Map<string, number>();
  /** Persistent iterator for the active expiry cycle (resumes where the last slice stopped). */
  expireCursor: Iterator<[string, number]> | null = null;
  /** Running sum of TTLs seen by the active cycle, for INFO keyspace avg_ttl. */
  avgTtl = 0;

  constructor(id: number) {
    this.id = id;
  }

  get size(): number {
    return this.dict.size;
  }

  /** Removes everything (FLUSHDB). Returns the number of keys removed. */
  clear(): number {
    const n = this.dict.size;
    this.dict = new Map();
    this.expires = new Map();
    this.expireCursor = null;
    this.avgTtl = 0;
    return n;
  }

  /** Swaps contents with another database (SWAPDB). */
  swapWith(other: Database): void {
    const d = this.dict;
    const e = this.expires;
    const a = this.avgTtl;
    this.dict = other.dict;
    this.expires = other.expires;
    this.avgTtl = other.avgTtl;
    other.dict = d;
    other.expires = e;
    other.avgTtl = a;
    this.expireCursor = null;
    other.expireCursor = null;
  }
}
