/**
 * HSCAN/SSCAN/ZSCAN cursors over a big collection's JS Map, with Redis's guarantee: a full
 * iteration returns every element that was present from the start to the end of the scan at
 * least once (elements added or removed meanwhile may or may not be returned, and one may be
 * returned twice). (SCAN over a database's keys does not come here: the key table has Redis's own
 * cursor, Dict.scanStep. Moving the collections to that table would retire this file.)
 *
 * Redis gets that from reverse-binary cursor increments over its hash table. A V8 Map cannot be
 * walked by bucket, but its iterators have the property we need: an iterator survives concurrent
 * inserts and deletes (and rehashes), never skips an entry that stays in the map, and also visits
 * entries appended after it was created. So each scan in progress keeps a live iterator here,
 * in a bounded table keyed by a small cursor id.
 *
 * The cursor handed to the client encodes `position * 2^20 + id`, where `position` is how many
 * keys the scan has walked so far. When the client comes back with a cursor whose iterator is
 * still live (same id, same position, same dictionary), the scan continues exactly. When it is
 * not (the entry was evicted from the bounded table, it idled out, the database was flushed or
 * swapped, or the client re-sent an older cursor), the scan is resumed in a degraded way: a fresh
 * iterator skips `position` keys in insertion order. That keeps the guarantee only if no key
 * earlier in insertion order was deleted in between; each such deletion can make the resumed scan
 * skip one key that was present throughout. The degraded resume costs O(position) once.
 *
 * Invariants: at most `maxCursors` live iterators per database (oldest-used evicted first), none
 * unused for longer than `idleMs` survives the next SCAN on that database; cursor 0 always starts
 * a new scan and a finished scan returns cursor 0.
 */

/** Bits of the cursor that hold the id (the rest is the position). */
const ID_BITS = 20;
const ID_SPACE = 2 ** ID_BITS;
const ID_MASK = BigInt(ID_SPACE - 1);
const ULONG_MAX = 18446744073709551615n;

/** Default bound on scans in progress per database. */
export const DEFAULT_MAX_SCAN_CURSORS = 1024;
/** Default idle time after which a scan's iterator is dropped (it may pin an old hash table). */
export const DEFAULT_SCAN_IDLE_MS = 5 * 60 * 1000;

interface LiveScan {
  readonly id: number;
  readonly dict: Map<string, unknown>;
  readonly it: Iterator<string>;
  /** Keys handed out so far (the peeked `pending` key is not counted). */
  position: number;
  /** A key read ahead from the iterator to know whether the scan is over; null when none. */
  pending: string | null;
  lastUsedMs: number;
}

/**
 * Parses a SCAN cursor as Redis does (strtoul base 10): optional sign, digits, nothing else; no
 * leading space; a negative number wraps modulo 2^64; the empty string is 0; beyond 2^64-1 is an
 * error. Returns null for an invalid cursor.
 */
export function parseScanCursor(s: string): bigint | null {
  if (s.length === 0) return 0n;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  let i = 0;
  let neg = false;
  if (c0 === 43 || c0 === 45) { neg = c0 === 45; i = 1; }
  if (i === s.length) return null; // a lone sign: strtoul consumes nothing
  for (let j = i; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const v = BigInt(s.slice(i));
  if (v > ULONG_MAX) return null;
  return neg && v !== 0n ? ULONG_MAX + 1n - v : v;
}

export class ScanCursors {
  /** id -> live scan; Map order is least recently used first. */
  private readonly live = new Map<number, LiveScan>();
  private nextId = 1;

  constructor(
    readonly maxCursors = DEFAULT_MAX_SCAN_CURSORS,
    readonly idleMs = DEFAULT_SCAN_IDLE_MS,
  ) {}

  /** Number of scans with a live iterator. */
  get size(): number {
    return this.live.size;
  }

  /** Drops every live iterator (FLUSHDB, SWAPDB): later cursors resume in the degraded way. */
  clear(): void {
    this.live.clear();
  }

  /**
   * Walks up to `count` keys of `dict` from `cursor` (as parsed by parseScanCursor), calling
   * `visit` for each (visit may delete keys from `dict`: iterators tolerate it). Returns the
   * cursor to hand back to the client: 0n when the scan is complete.
   */
  step(dict: Map<string, unknown>, cursor: bigint, count: number, nowMs: number, visit: (key: string) => void): bigint {
    this.evictIdle(nowMs);
    const scan = this.resume(dict, cursor, nowMs);
    let walked = 0;
    while (walked < count) {
      const key = this.take(scan);
      if (key === null) break;
      scan.position++;
      walked++;
      visit(key);
    }
    // Read one key ahead so a scan that just consumed the last key answers 0 now, not next call.
    if (scan.pending === null) {
      const r = scan.it.next();
      if (r.done !== true) scan.pending = r.value;
    }
    if (scan.pending === null) {
      this.live.delete(scan.id);
      return 0n;
    }
    scan.lastUsedMs = nowMs;
    this.live.delete(scan.id); // re-insert: most recently used last
    this.live.set(scan.id, scan);
    while (this.live.size > this.maxCursors) {
      const oldest = this.live.keys().next();
      if (oldest.done === true) break;
      this.live.delete(oldest.value);
    }
    return BigInt(scan.position) * BigInt(ID_SPACE) + BigInt(scan.id);
  }

  /** Next key of the scan, or null at the end. The peeked key counts only if still present. */
  private take(scan: LiveScan): string | null {
    if (scan.pending !== null) {
      const k = scan.pending;
      scan.pending = null;
      // Deleted since it was read ahead: skip it (if it was re-added, the iterator meets it again).
      if (scan.dict.has(k)) return k;
    }
    const r = scan.it.next();
    return r.done === true ? null : r.value;
  }

  private resume(dict: Map<string, unknown>, cursor: bigint, nowMs: number): LiveScan {
    if (cursor !== 0n) {
      const id = Number(cursor & ID_MASK);
      const position = cursor >> BigInt(ID_BITS);
      const s = this.live.get(id);
      if (s !== undefined && s.dict === dict && BigInt(s.position) === position) return s;
      // Degraded resume: skip `position` keys of a fresh iterator.
      const fresh = this.create(dict, nowMs);
      const skip = position > BigInt(dict.size) ? dict.size : Number(position);
      for (let i = 0; i < skip; i++) {
        if (fresh.it.next().done === true) break;
        fresh.position++;
      }
      if (position > BigInt(skip)) {
        // Beyond the end: keep the arithmetic of the returned cursor consistent (it ends anyway).
        fresh.position = skip;
      }
      return fresh;
    }
    return this.create(dict, nowMs);
  }

  private create(dict: Map<string, unknown>, nowMs: number): LiveScan {
    let id = this.nextId;
    // Ids are 1..2^20-1; skip ids still in use after wrapping around.
    for (let tries = 0; tries < ID_SPACE && (id === 0 || this.live.has(id)); tries++) id = (id + 1) % ID_SPACE;
    this.nextId = (id + 1) % ID_SPACE;
    const scan: LiveScan = { id, dict, it: dict.keys(), position: 0, pending: null, lastUsedMs: nowMs };
    this.live.set(id, scan);
    return scan;
  }

  private evictIdle(nowMs: number): void {
    for (const [id, s] of this.live) {
      if (nowMs - s.lastUsedMs <= this.idleMs) break; // LRU order: the rest are fresher
      this.live.delete(id);
    }
  }
}
