/**
 * The keyspace: all databases plus the rules every command shares for reading and writing keys —
 * lazy expiry, WATCH invalidation, keyspace notifications, the `dirty` counter (changes since the
 * last save, also what decides whether a command is propagated), hit/miss statistics, and the
 * bounded active-expiry cycle run on the node's tick.
 *
 * It knows nothing of clients or sockets: the server injects `KeyspaceHooks` for the effects that
 * leave the keyspace (propagating a DEL for an expired key, publishing notifications,
 * invalidating WATCHes).
 *
 * Every change to a key's value, existence or TTL passes `writeBarrier` first (null unless a
 * snapshot is running: one null check on the hot path). `lookupWrite` counts as a change when the
 * key exists, because callers edit collections in place after it. Commands must not write
 * `db.dict`/`db.expires` themselves: they go through the methods here.
 */
import type { Int64 } from '../lib/int64.js';
import { Database } from './database.js';
import { SHARED_INTEGERS, SHARED_REFCOUNT, stringEncoding, type StringEncoding, type Value } from './value.js';

/**
 * Whether a key whose expiry time is `when` has expired at `now` (ms): once the clock is past it,
 * as Redis's keyIsExpired (now > when). During its own millisecond the key is still there, with
 * a TTL of 0. Every expiry decision of the keyspace goes through here.
 */
export function timePassed(when: number, now: number): boolean {
  return now > when;
}

export interface KeyspaceHooks {
  /** A key expired (lazily or actively) and was deleted: propagate DEL, notify "expired". */
  onExpired(db: Database, key: string): void;
  /** A key was modified (signalModifiedKey): WATCH invalidation, client tracking. */
  onKeyModified(db: Database, key: string): void;
  /** Publish a keyspace notification; `type` is the class letter (g, $, l, s, h, z, x, e, t, m, n). */
  notify(type: string, event: string, db: Database, key: string): void;
  /**
   * How lazy expiry behaves: 'delete' on a master; 'hide' on a replica (report the key as missing
   * but keep it until the master's DEL arrives); 'keep' while the master's own stream is applied.
   */
  expiryMode(): 'delete' | 'hide' | 'keep';
}

/**
 * What clients blocked on keys need to hear from the keyspace (the server's BlockedClients). It is
 * installed only while some client waits, so the write paths pay one null check otherwise.
 */
export interface KeyWaiters {
  /** `key` changed; `before` is what it held (undefined: it was created). */
  changed(db: Database, key: string, before: Value | undefined): void;
  /** `key` can serve its waiters even if it existed (Redis's signalKeyAsReady: XADD, XGROUP DESTROY). */
  ready(db: Database, key: string): void;
}

export interface KeyspaceStats {
  keyspaceHits: number;
  keyspaceMisses: number;
  expiredKeys: number;
  expiredStalePerc: number;
  expiredTimeCapReachedCount: number;
  expireCycleCpuMs: number;
}

export class Keyspace {
  readonly dbs: Database[];
  /** Changes since the last successful save (Redis's server.dirty). */
  dirty = 0;
  /** Time in ms that the current command sees (Redis caches it per command). */
  now = 0;
  readonly stats: KeyspaceStats = {
    keyspaceHits: 0, keyspaceMisses: 0, expiredKeys: 0, expiredStalePerc: 0,
    expiredTimeCapReachedCount: 0, expireCycleCpuMs: 0,
  };
  /** Keys examined by the last activeExpireCycle() call. */
  lastCycleChecked = 0;
  /** DEBUG SET-ACTIVE-EXPIRE */
  activeExpireEnabled = true;
  /**
   * Called before any change to `key`'s value, existence or TTL (persistence/snapshot.ts copies
   * a not-yet-saved key's old state there). Null when no snapshot runs.
   */
  writeBarrier: ((db: Database, key: string) => void) | null = null;
  /**
   * Called by FLUSHALL once the databases are empty, before it counts its own change (Redis's
   * flushAllDataAndResetRDB: stop a background save, save the empty dataset when save points
   * are configured). Installed by the persistence module.
   */
  onFlushAll: (() => void) | null = null;

  /** `hashSeed` seeds every database's key table (the server draws it from its Random port). */
  constructor(count: number, public hooks: KeyspaceHooks, hashSeed = 0) {
    this.dbs = [];
    for (let i = 0; i < count; i++) this.dbs.push(new Database(i, hashSeed));
  }

  /**
   * Applies lazy expiry to `key`. Returns true when the key is (logically) expired and must be
   * treated as missing (see timePassed for when that is).
   */
  expireIfNeeded(db: Database, key: string): boolean {
    const when = db.expires.get(key);
    if (when === undefined || !timePassed(when, this.now)) return false;
    const mode = this.hooks.expiryMode();
    if (mode === 'keep') return false;
    if (mode === 'hide') return true;
    this.deleteExpired(db, key);
    return true;
  }

  private deleteExpired(db: Database, key: string): void {
    if (this.writeBarrier !== null) this.writeBarrier(db, key);
    const before = this.waiters !== null ? db.dict.get(key) : undefined;
    db.dict.delete(key);
    db.removeExpire(key);
    if (db.strEncodings !== null) forgetEncoding(db, key);
    this.stats.expiredKeys++;
    this.hooks.notify('x', 'expired', db, key);
    this.hooks.onExpired(db, key);
    this.hooks.onKeyModified(db, key);
    if (this.waiters !== null) this.waiters.changed(db, key, before);
  }

  /** Lookup for a read command: lazy expiry, hit/miss statistics and the keymiss event. */
  lookupRead(db: Database, key: string): Value | undefined {
    const v = db.expires.size !== 0 && this.expireIfNeeded(db, key) ? undefined : db.dict.get(key);
    if (v !== undefined) {
      this.stats.keyspaceHits++;
      return v;
    }
    this.stats.keyspaceMisses++;
    this.hooks.notify('m', 'keymiss', db, key); // lookupKey: a read miss is a `keymiss` event
    return undefined;
  }

  /**
   * A read that counts its hit or miss but raises no keymiss event (LOOKUP_NONOTIFY), as OBJECT's
   * lookups do.
   */
  lookupReadNoNotify(db: Database, key: string): Value | undefined {
    const v = db.expires.size !== 0 && this.expireIfNeeded(db, key) ? undefined : db.dict.get(key);
    if (v !== undefined) this.stats.keyspaceHits++;
    else this.stats.keyspaceMisses++;
    return v;
  }

  /** Lookup for a write command (or an internal read that must not count as a hit). */
  lookupWrite(db: Database, key: string): Value | undefined {
    if (db.expires.size !== 0 && this.expireIfNeeded(db, key)) return undefined;
    const v = db.dict.get(key);
    // The caller may edit a collection in place from here on.
    if (v !== undefined && this.writeBarrier !== null) this.writeBarrier(db, key);
    return v;
  }

  /** True when the key exists (after lazy expiry), without touching statistics. */
  exists(db: Database, key: string): boolean {
    return this.lookupWrite(db, key) !== undefined;
  }

  /**
   * Stores `value` under `key` (Redis's setKey): an existing TTL is removed unless `keepTtl`;
   * WATCHers of the key are invalidated. As Redis's setKey looks the key up for writing first, a
   * key whose TTL has passed is expired before it is overwritten (its `expired` event and DEL come
   * first). Does not notify or count dirty: callers do, since the event names differ by command.
   */
  setKey(db: Database, key: string, value: Value, keepTtl = false): void {
    if (db.expires.size !== 0) this.expireIfNeeded(db, key);
    const before = this.waiters !== null ? db.dict.get(key) : undefined;
    if (this.writeBarrier !== null) this.writeBarrier(db, key);
    db.dict.set(key, value);
    if (db.strEncodings !== null) forgetEncoding(db, key);
    if (!keepTtl && db.expires.size !== 0) db.removeExpire(key);
    this.hooks.onKeyModified(db, key);
    if (this.waiters !== null) this.waiters.changed(db, key, before);
  }

  /**
   * Adds a key read from an RDB image (Redis's dbAddRDBLoad): no WATCH invalidation, no signal to
   * blocked clients, no lazy expiry. One hash lookup. Returns false when the key existed: its
   * value is then replaced and its TTL removed (the loader fails on that unless duplicates are
   * allowed).
   */
  loadKey(db: Database, key: string, value: Value): boolean {
    if (this.writeBarrier !== null) this.writeBarrier(db, key);
    const size = db.dict.size;
    db.dict.set(key, value);
    if (db.strEncodings !== null) forgetEncoding(db, key);
    if (db.dict.size !== size) return true;
    if (db.expires.size !== 0) db.removeExpire(key);
    return false;
  }

  /**
   * Told of every change setKey, updateValue, deleteKey and expiry make, with the value held
   * before, as Redis's dbAdd and delete/overwrite paths signal keys as ready (see KeyWaiters).
   */
  waiters: KeyWaiters | null = null;

  /**
   * Replaces the value of an existing key in place (keeps the TTL), e.g. APPEND, INCR. `signal`
   * false skips WATCH invalidation (a partial edit Redis leaves unsignalled, see PFADD).
   */
  updateValue(db: Database, key: string, value: Value, signal = true): void {
    if (this.writeBarrier !== null) this.writeBarrier(db, key);
    const before = this.waiters !== null ? db.dict.get(key) : undefined;
    db.dict.set(key, value);
    if (db.strEncodings !== null) forgetEncoding(db, key);
    if (signal) this.hooks.onKeyModified(db, key);
    if (this.waiters !== null) this.waiters.changed(db, key, before);
  }

  /**
   * Records that the string at `key` (which must exist) has an encoding its content does not
   * decide: `raw` after an edit in place (Redis's dbUnshareStringValue or an object made with
   * createObject: APPEND to an existing key, SETRANGE, SETBIT, BITFIELD writes, BITOP's result,
   * PFADD, PFMERGE, PFDEBUG, PFCOUNT of one key), `embstr` for INCRBYFLOAT's result, `int` for COPY's duplicate of an integer
   * (an object of its own, not a shared one). Any later store or delete forgets it;
   * RENAME, MOVE and COPY carry it (carryStringEncoding). Call after storing the value.
   */
  setStringEncoding(db: Database, key: string, enc: StringEncoding): void {
    (db.strEncodings ??= new Map()).set(key, enc);
  }

  /**
   * OBJECT REFCOUNT (and DEBUG OBJECT's refcount) of the string `value` held at `key`: a shared
   * integer (0..9999 stored from its content, while `sharing`) reports SHARED_REFCOUNT, anything
   * else 1, COPY's own integer included.
   */
  stringRefcount(db: Database, key: string, value: string, sharing: boolean): number {
    if (!sharing || value.length > 4 || db.strEncodings?.has(key) === true || stringEncoding(value) !== 'int') return 1;
    const n = Number(value);
    return n >= 0 && n < SHARED_INTEGERS ? SHARED_REFCOUNT : 1;
  }

  /**
   * Gives `toKey` in `to` the recorded encoding of `fromKey` in `from`; call after storing the
   * value there. RENAME and MOVE move the same object; COPY (`copy`) duplicates it, and the
   * duplicate of an integer is an object of its own, never a shared one.
   */
  carryStringEncoding(from: Database, fromKey: string, to: Database, toKey: string, copy = false): void {
    let enc = from.strEncodings?.get(fromKey);
    if (enc === undefined && copy) {
      const v = to.dict.get(toKey);
      if (typeof v === 'string' && stringEncoding(v) === 'int') enc = 'int';
    }
    if (enc !== undefined) this.setStringEncoding(to, toKey, enc);
  }

  /** OBJECT ENCODING of the string `value` held at `key`. */
  stringEncodingOf(db: Database, key: string, value: string): string {
    const e = db.strEncodings?.get(key);
    if (e === undefined) return stringEncoding(value);
    // An embstr holds at most 44 bytes; longer INCRBYFLOAT results are raw.
    return e === 'embstr' && value.length > 44 ? 'raw' : e;
  }

  /** Deletes a key; true when it existed. Signals WATCH but does not notify (callers do). */
  deleteKey(db: Database, key: string): boolean {
    if (this.writeBarrier !== null && db.dict.has(key)) this.writeBarrier(db, key);
    const before = this.waiters !== null ? db.dict.get(key) : undefined;
    if (!db.dict.delete(key)) return false;
    if (db.expires.size !== 0) db.removeExpire(key);
    if (db.strEncodings !== null) forgetEncoding(db, key);
    this.hooks.onKeyModified(db, key);
    if (this.waiters !== null) this.waiters.changed(db, key, before);
    return true;
  }

  /** Sets the absolute expiry in ms (int64: exact even beyond 2^53). */
  setExpire(db: Database, key: string, whenMs: Int64): void {
    if (this.writeBarrier !== null) this.writeBarrier(db, key);
    db.setExpire(key, whenMs);
  }

  /** Absolute expiry in ms, or -1 when the key has no TTL (rounded beyond 2^53 ms). */
  getExpire(db: Database, key: string): number {
    return db.expires.get(key) ?? -1;
  }

  /** Exact absolute expiry in ms as int64, or -1 when the key has no TTL. */
  getExpireExact(db: Database, key: string): Int64 {
    return db.getExpire(key);
  }

  removeExpire(db: Database, key: string): boolean {
    if (this.writeBarrier !== null && db.expires.has(key)) this.writeBarrier(db, key);
    return db.removeExpire(key);
  }

  /**
   * True when the key's time has passed, without deleting it (Redis's keyIsExpired, used by
   * KEYS, which must not modify the dataset while it walks it).
   */
  isExpired(db: Database, key: string): boolean {
    const when = db.expires.get(key);
    return when !== undefined && timePassed(when, this.now);
  }

  /**
   * A random key that is not expired (Redis's dbRandomKey), or null when the database is empty.
   * Expired keys met on the way are deleted (on a master). `random()` is uniform in [0, 1).
   * Each pick is uniform over the keys (Dict.randomKey).
   */
  randomKey(db: Database, random: () => number): string | null {
    const allVolatile = db.dict.size === db.expires.size;
    let tries = 100;
    for (;;) {
      const key = db.dict.randomKey(random);
      if (key === null) return null;
      if (db.expires.size !== 0 && db.expires.has(key)) {
        // On a replica an all-volatile database may hold only logically expired keys that are
        // never deleted here: give up after some tries and return one, as Redis does.
        if (allVolatile && this.hooks.expiryMode() === 'hide' && --tries === 0) return key;
        if (this.expireIfNeeded(db, key)) continue;
      }
      return key;
    }
  }

  notify(type: string, event: string, db: Database, key: string): void {
    this.hooks.notify(type, event, db, key);
  }

  signalModifiedKey(db: Database, key: string): void {
    this.hooks.onKeyModified(db, key);
  }

  signalKeyAsReady(db: Database, key: string): void {
    if (this.waiters !== null) this.waiters.ready(db, key);
  }

  totalKeys(): number {
    let n = 0;
    for (const db of this.dbs) n += db.dict.size;
    return n;
  }

  /** True when the active cycle may delete keys: enabled (DEBUG SET-ACTIVE-EXPIRE) and a master. */
  activeExpireRuns(): boolean {
    return this.activeExpireEnabled && this.hooks.expiryMode() === 'delete';
  }

  /** Next database activeRehash looks at first (Redis's rehash_db in databasesCron). */
  private rehashDb = 0;

  /**
   * Active rehashing (Redis's databasesCron with `activerehashing yes`): the first database from
   * the rotating cursor whose key table is being resized gets `budgetMs` of migration; one
   * database per call. `nowMs` reads a monotonic clock.
   */
  activeRehash(budgetMs: number, nowMs: () => number): void {
    for (let j = 0; j < this.dbs.length; j++) {
      const db = this.dbs[this.rehashDb]!;
      if (db.dict.rehashing) {
        db.dict.rehashFor(budgetMs, nowMs);
        return;
      }
      this.rehashDb = (this.rehashDb + 1) % this.dbs.length;
    }
  }

  /**
   * One slice of the active expiry cycle (Redis's activeExpireCycle): walks each database's
   * expiry index from where the previous slice stopped, deleting keys whose time has passed.
   * Bounded by `maxChecks` keys per call so the event loop is never held. Returns the number
   * of keys expired. Only masters expire actively; replicas wait for the master's DEL.
   *
   * As in Redis, keys are examined in batches of `keysPerLoop` and a database gets another
   * batch only while more than `acceptableStale` percent of the last batch had expired: a
   * database with few stale keys costs one batch, one full of them gets the budget. The budget
   * is shared among the databases that hold volatile keys. server/active-expire.ts decides how
   * many slices run and sets both numbers from active-expire-effort.
   */
  activeExpireCycle(maxChecks: number, keysPerLoop: number, acceptableStale: number): number {
    this.lastCycleChecked = 0;
    if (!this.activeExpireRuns()) return 0;
    let volatileDbs = 0;
    for (const db of this.dbs) {
      if (db.expires.size !== 0) {
        volatileDbs++;
      } else {
        db.expireCursor = null;
        db.avgTtl = 0;
      }
    }
    if (volatileDbs === 0) return 0;
    let expired = 0;
    let checked = 0;
    let budgetLeft = Math.max(1, maxChecks);
    for (const db of this.dbs) {
      if (db.expires.size === 0) continue;
      const share = Math.max(1, Math.floor(budgetLeft / volatileDbs--));
      let dbChecked = 0;
      // True once this slice has started a fresh pass: reaching the end of that pass ends the
      // slice for this database (a slice that began mid-way may wrap around once).
      let freshPass = false;
      for (;;) {
        // One batch.
        let batchChecked = 0;
        let batchExpired = 0;
        let ttlSum = 0;
        let ttlSamples = 0;
        while (batchChecked < keysPerLoop && dbChecked < share) {
          if (db.expireCursor === null) {
            if (freshPass) break;
            db.expireCursor = db.expires.entries();
            freshPass = true;
          }
          const step = db.expireCursor.next();
          if (step.done === true) { db.expireCursor = null; continue; }
          const [key, when] = step.value;
          batchChecked++;
          dbChecked++;
          if (timePassed(when, this.now)) {
            this.deleteExpired(db, key);
            batchExpired++;
          } else if (when > this.now) {
            ttlSum += when - this.now;
            ttlSamples++;
          }
        }
        if (ttlSamples > 0) {
          // Redis's running average, in its integer arithmetic (2% weight per batch).
          const avg = Math.floor(ttlSum / ttlSamples);
          if (db.avgTtl === 0) db.avgTtl = avg;
          db.avgTtl = Math.floor(db.avgTtl / 50) * 49 + Math.floor(avg / 50);
        }
        expired += batchExpired;
        if (batchChecked === 0 || dbChecked >= share) break;
        if (Math.floor((batchExpired * 100) / batchChecked) <= acceptableStale) break;
      }
      checked += dbChecked;
      budgetLeft -= dbChecked;
    }
    this.lastCycleChecked = checked;
    return expired;
  }
}

/** Drops the recorded encoding of `key` (its value was replaced or deleted). */
function forgetEncoding(db: Database, key: string): void {
  const m = db.strEncodings!;
  if (m.delete(key) && m.size === 0) db.strEncodings = null;
}
