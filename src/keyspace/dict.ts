/**
 * The keyspace's hash table (Redis's `dict` for a database's keys): open addressing with linear
 * probing, each slot three array elements side by side, `[hash, key, value]`, and Redis's
 * incremental rehashing.
 *
 * Why not a V8 Map: a Map lookup reads a bucket, then an entry elsewhere, then the stored key's
 * header to compare it, and walks chains of 1.5-2 entries at V8's load factor, comparing every
 * key on the chain (entries keep no hash). Under a server's load each of those reads is a cache
 * and TLB miss (docs/benchmarks.md). Here a lookup reads one slot (hash, key and value on one
 * cache line, mostly) and the stored key only when the hashes are equal. And a Map grows by
 * rehashing everything at once: 400 ms at 2M keys on the reference machine, a stall that
 * replication and Sentinel see. This table grows and shrinks as Redis's does, a few slots per
 * operation and a millisecond per server tick (`activerehashing`).
 *
 * Layout: a table of capacity C (a power of two) is C slots in chunks of CHUNK_SLOTS (one array
 * below that size). Chunks of a new large table start as one shared, never-written empty chunk
 * and get their own array on their first insert, so a rehash does not allocate and fault in the
 * whole table in one step.
 *
 * Rules (what SCAN, iteration and RANDOMKEY rest on):
 * - a key's home slot is `hash & (C - 1)`; it lies in the run of non-empty slots from its home;
 * - a deleted slot becomes a tombstone (runs stay unbroken): no entry moves except by migrating
 *   from the old table to the new one during a rehash;
 * - a rehash starts when live entries plus tombstones pass 3/4 of the slots, or when live entries
 *   fall under 1/8 of them (Redis shrinks under 1/10), towards the smallest capacity with live
 *   entries at most half the slots. While it runs, new keys go to the new table, lookups try
 *   both, and migrated slots of the old table become tombstones;
 * - every write during a rehash migrates a few entries first (Redis's _dictRehashStep), so a
 *   rehash always ends before the new table fills; if it would not, the rest migrates at once.
 *   Reads never move entries (Redis's do, unless an iterator pauses rehashing): an iteration may
 *   look keys up as it goes and still see each entry once.
 *
 * SCAN is Redis's dictScan over home slots, including its two-table case during a rehash:
 * visiting home slot `b` of a table emits every live entry whose home is `b`. Because it walks
 * homes, not positions, Redis's guarantee carries over: a key present from the start to the end
 * of a full scan is returned at least once, whatever resizes happened between the calls.
 *
 * Keys are byte strings (latin1, one char per byte). The hash is FNV-1a over the bytes with a
 * per-process random seed and a final mix; keys over HASH_FULL_MAX bytes hash their first and last
 * HASH_EDGE bytes and their length.
 */

/** A slot's hash word for a free slot that ends a run (never a real hash, which is >= 0). */
const H_EMPTY = -1;
/** A slot's hash word for a deleted or migrated entry (keeps the probe run unbroken). */
const H_TOMB = -2;
const MIN_CAPACITY = 8;
const CHUNK_BITS = 13;
const CHUNK_SLOTS = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SLOTS - 1;
/** The largest capacity (2^25 slots, 805 MB of slot arrays): 25M keys per database. */
const MAX_CAPACITY = 2 ** 25;
/** Entries an operation migrates during a rehash (it visits at most ten times as many slots). */
const STEP_ENTRIES = 16;
/** Keys `warm` touches at most (the rest are looked up cold). */
const WARM_MAX = 64;
const warmSlots = new Int32Array(WARM_MAX);
/** Slot draws randomKey makes before walking to the next live slot. */
const RANDOM_DRAWS = 64;
const HASH_FULL_MAX = 4096;
const HASH_EDGE = 2048;

/**
 * A 30-bit hash of a byte string (a small integer in V8 on every platform). The server seeds it
 * from its Random port, so that which keys collide cannot be chosen from outside (Redis seeds
 * siphash at start) while a simulated node stays reproducible.
 */
export function hashKey(s: string, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  const n = s.length;
  if (n <= HASH_FULL_MAX) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  } else {
    for (let i = 0; i < HASH_EDGE; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    for (let i = n - HASH_EDGE; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ n, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & 0x3fffffff;
}

/** Reverses the bits of a 32-bit unsigned value. */
function rev32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

/** Redis's reverse-binary increment of `v` over the bits of `mask` (higher bits cleared). */
function nextCursor(v: number, mask: number): number {
  return rev32((rev32((v | ~mask) >>> 0) + 1) >>> 0);
}

/**
 * Stands for every not yet written chunk of a large table, and is what every slot array is copied
 * from (slice keeps its packed elements kind: no hole checks on reads). Never written to.
 */
const EMPTY_CHUNK: unknown[] = [];
for (let i = 0; i < CHUNK_SLOTS; i++) EMPTY_CHUNK.push(H_EMPTY, undefined, undefined);

function newChunks(capacity: number): unknown[][] {
  if (capacity <= CHUNK_SLOTS) return [EMPTY_CHUNK.slice(0, capacity * 3)];
  const c: unknown[][] = [];
  for (let i = capacity >>> CHUNK_BITS; i > 0; i--) c.push(EMPTY_CHUNK);
  return c;
}

export class Dict<V> {
  /** The table new keys go to: its chunks, capacity - 1, live entries and tombstones. */
  private c: unknown[][];
  private mask = MIN_CAPACITY - 1;
  private used = 0;
  private tombs = 0;
  /** The table being migrated from during a rehash (null otherwise), as Redis's ht[0]. */
  private oc: unknown[][] | null = null;
  private omask = 0;
  private oused = 0;
  /** Next slot of the old table to migrate. */
  private rehashIdx = 0;

  /**
   * `seed` seeds the hash (hashKey). `atOnceBelow`: a rehash from a table smaller than this
   * many slots moves everything at once (one chunk's worth is cheap); tests lower it to exercise
   * incremental rehashing on small tables.
   */
  constructor(private readonly seed = 0, private readonly atOnceBelow = CHUNK_SLOTS) {
    this.c = newChunks(MIN_CAPACITY);
  }

  get size(): number {
    return this.used + this.oused;
  }

  /** True while entries are being moved to a resized table. */
  get rehashing(): boolean {
    return this.oc !== null;
  }

  /** Slots of the table new keys go to (Redis's size of its main table, outside a rehash). */
  get capacity(): number {
    return this.mask + 1;
  }

  get(key: string): V | undefined {
    // findIn's probe, written out: this is every read command's lookup.
    const h = hashKey(key, this.seed);
    const c = this.c;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const t = c[i >>> CHUNK_BITS]!;
      const b = (i & CHUNK_MASK) * 3;
      const sh = t[b];
      if (sh === h) {
        if (t[b + 1] === key) return t[b + 2] as V;
      } else if (sh === H_EMPTY) {
        break;
      }
      i = (i + 1) & mask;
    }
    if (this.oc === null) return undefined;
    const t = this.findIn(this.oc, this.omask, key, h);
    return t === null ? undefined : t[this.found + 2] as V;
  }

  has(key: string): boolean {
    const h = hashKey(key, this.seed);
    return this.findIn(this.c, this.mask, key, h) !== null
      || (this.oc !== null && this.findIn(this.oc, this.omask, key, h) !== null);
  }

  set(key: string, value: V): this {
    if (this.oc !== null) this.rehashStep(STEP_ENTRIES);
    const h = hashKey(key, this.seed);
    const c = this.c;
    const mask = this.mask;
    let i = h & mask;
    let free = -1;
    for (;;) {
      const t = c[i >>> CHUNK_BITS]!;
      const b = (i & CHUNK_MASK) * 3;
      const sh = t[b];
      if (sh === h) {
        if (t[b + 1] === key) {
          t[b + 2] = value;
          return this;
        }
      } else if (sh === H_EMPTY) {
        if (free < 0) free = i;
        break;
      } else if (sh === H_TOMB && free < 0) {
        free = i;
      }
      i = (i + 1) & mask;
    }
    if (this.oc !== null) {
      const t = this.findIn(this.oc, this.omask, key, h);
      if (t !== null) {
        t[this.found + 2] = value;
        return this;
      }
    }
    this.put(free, h, key, value);
    this.used++;
    if ((this.used + this.tombs) * 4 > (mask + 1) * 3) this.grow();
    return this;
  }

  delete(key: string): boolean {
    if (this.oc !== null) this.rehashStep(STEP_ENTRIES);
    const h = hashKey(key, this.seed);
    let t = this.findIn(this.c, this.mask, key, h);
    if (t !== null) {
      this.used--;
      this.tombs++;
    } else if (this.oc !== null && (t = this.findIn(this.oc, this.omask, key, h)) !== null) {
      this.oused--;
    } else {
      return false;
    }
    const b = this.found;
    t[b] = H_TOMB;
    t[b + 1] = undefined;
    t[b + 2] = undefined;
    if (this.oc === null && this.used * 8 < this.mask + 1 && this.mask + 1 > MIN_CAPACITY) this.startRehash();
    return true;
  }

  /**
   * Entries in table order (the old table's first during a rehash). An iterator walks the tables
   * it started on and assumes no write to the dict until it is done (reads are fine): take what
   * you need, then change the dict (as Redis's unsafe iterators).
   */
  *entries(): IterableIterator<[string, V]> {
    for (const c of this.oc === null ? [this.c] : [this.oc, this.c]) {
      for (const t of c) {
        if (t === EMPTY_CHUNK) continue;
        for (let b = 0; b < t.length; b += 3) {
          if ((t[b] as number) >= 0) yield [t[b + 1] as string, t[b + 2] as V];
        }
      }
    }
  }

  *keys(): IterableIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  /**
   * Touches the slots of several keys, and the stored keys there, before they are looked up one
   * by one (a multi-key command: MSET, MGET). Each lookup's loads depend on each other (slot,
   * then the stored key), but different keys' loads do not: done in tight loops here, the CPU
   * keeps several of those cache and TLB misses in flight at once, where the lookups one by one
   * would wait for each in turn. Only the new table is touched. The keys are
   * `keys[from]`, `keys[from + step]`, ... Returns a value that depends on every load (so none is
   * optimized away); it means nothing.
   */
  warm(keys: readonly string[], from: number, step: number): number {
    const n = Math.min(WARM_MAX, Math.ceil((keys.length - from) / step));
    if (n <= 1) return 0;
    const slots = warmSlots;
    const c = this.c;
    const mask = this.mask;
    for (let j = 0; j < n; j++) slots[j] = hashKey(keys[from + j * step]!, this.seed);
    let acc = 0;
    for (let j = 0; j < n; j++) {
      const i = slots[j]! & mask;
      acc += c[i >>> CHUNK_BITS]![(i & CHUNK_MASK) * 3] as number;
    }
    for (let j = 0; j < n; j++) {
      const i = slots[j]! & mask;
      const k = c[i >>> CHUNK_BITS]![(i & CHUNK_MASK) * 3 + 1];
      if (typeof k === 'string') acc += k.length;
    }
    return acc;
  }

  /**
   * One call of Redis's dictScan: emits every entry whose home slot the cursor designates (in
   * both tables during a rehash) and returns the next cursor, 0 when the scan is complete.
   * `cursor` is the low 32 bits of the client's cursor (the higher ones play no part: the
   * increment clears them). `emit` must not change the dict: collect, then act.
   */
  scanStep(cursor: number, emit: (key: string, value: V) => void): number {
    if (this.size === 0) return 0;
    let v = cursor >>> 0;
    if (this.oc === null) {
      this.emitHome(this.c, this.mask, v & this.mask, emit);
      return nextCursor(v, this.mask);
    }
    // Redis's two-table case: the smaller table's bucket, then every bucket of the larger table
    // that expands it.
    let c0 = this.oc, m0 = this.omask, c1 = this.c, m1 = this.mask;
    if (m0 > m1) {
      c0 = this.c; m0 = this.mask; c1 = this.oc; m1 = this.omask;
    }
    this.emitHome(c0, m0, v & m0, emit);
    do {
      this.emitHome(c1, m1, v & m1, emit);
      v = nextCursor(v, m1);
    } while ((v & (m0 ^ m1)) !== 0);
    return v;
  }

  /**
   * A random key, or null when empty. `random()` is uniform in [0, 1). Each live key holds one
   * slot, so drawing slots (of both tables during a rehash) until a live one is uniform over
   * keys; a table is at least 1/8 live outside a rehash, so that takes 8 draws at most on
   * average. After RANDOM_DRAWS misses (one pick in thousands, or a `random` that is not random)
   * the pick walks on from the last draw to the next live slot, so it always ends.
   */
  randomKey(random: () => number): string | null {
    if (this.size === 0) return null;
    const cap = this.mask + 1;
    const ocap = this.oc === null ? 0 : this.omask + 1;
    let i = 0;
    for (let draws = 0; draws < RANDOM_DRAWS; draws++) {
      i = Math.floor(random() * (cap + ocap));
      const k = this.keyAt(i, cap);
      if (k !== null) return k;
    }
    for (;;) {
      i = (i + 1) % (cap + ocap);
      const k = this.keyAt(i, cap);
      if (k !== null) return k;
    }
  }

  /** The key in slot `i` of the new table followed by the old one, or null when free. */
  private keyAt(i: number, cap: number): string | null {
    let c = this.c;
    if (i >= cap) {
      c = this.oc!;
      i -= cap;
    }
    const t = c[i >>> CHUNK_BITS]!;
    const b = (i & CHUNK_MASK) * 3;
    return (t[b] as number) >= 0 ? t[b + 1] as string : null;
  }

  /**
   * Migrates entries for about `budgetMs` of the clock `now` reads (Redis's
   * dictRehashMilliseconds, run from the server's tick). Returns true when a rehash is still
   * in progress afterwards.
   */
  rehashFor(budgetMs: number, now: () => number): boolean {
    if (this.oc === null) return false;
    const start = now();
    while (this.oc !== null) {
      this.rehashStep(100);
      if (now() - start > budgetMs) break;
    }
    return this.oc !== null;
  }

  /** Slot offset of the last entry findIn found. */
  private found = 0;

  /** The chunk holding `key` (its offset in `found`), or null. */
  private findIn(c: unknown[][], mask: number, key: string, h: number): unknown[] | null {
    let i = h & mask;
    for (;;) {
      const t = c[i >>> CHUNK_BITS]!;
      const b = (i & CHUNK_MASK) * 3;
      const sh = t[b];
      if (sh === h) {
        if (t[b + 1] === key) {
          this.found = b;
          return t;
        }
      } else if (sh === H_EMPTY) {
        return null;
      }
      i = (i + 1) & mask;
    }
  }

  /** Writes an entry into free slot `i` of the new table (a tombstone or an empty slot). */
  private put(i: number, h: number, key: string, value: unknown): void {
    const ci = i >>> CHUNK_BITS;
    let t = this.c[ci]!;
    if (t === EMPTY_CHUNK) {
      t = EMPTY_CHUNK.slice();
      this.c[ci] = t;
    }
    const b = (i & CHUNK_MASK) * 3;
    if (t[b] === H_TOMB) this.tombs--;
    t[b] = h;
    t[b + 1] = key;
    t[b + 2] = value;
  }

  /**
   * The new table passed 3/4: start a rehash. (During a rehash it cannot pass 3/4, see
   * startRehash; should it, the rest migrates at once first, while there is still room.)
   */
  private grow(): void {
    if (this.oc !== null) this.rehashStep(Infinity);
    this.startRehash();
  }

  /**
   * Starts moving every entry to the smallest table that holds them at most half full, and is at
   * least 1/16 of the old one. That floor is what makes the rehash end before the new table
   * fills: finishing takes at most live/16 + oldCapacity/160 operations (STEP_ENTRIES entries or
   * ten times as many slots each), one new key each at most, and live plus that stays under 3/4
   * of max(2 * live, oldCapacity / 16).
   */
  private startRehash(): void {
    const live = this.used;
    const floor = (this.mask + 1) / 16;
    let cap = MIN_CAPACITY;
    while ((cap < live * 2 || cap < floor) && cap < MAX_CAPACITY) cap *= 2;
    if (live * 4 >= cap * 3) throw new RangeError('ERR too many keys in one database');
    this.oc = this.c;
    this.omask = this.mask;
    this.oused = live;
    this.rehashIdx = 0;
    this.c = newChunks(cap);
    this.mask = cap - 1;
    this.used = 0;
    this.tombs = 0;
    if (this.omask + 1 < this.atOnceBelow) this.rehashStep(Infinity);
  }

  /**
   * Moves up to `entries` live entries of the old table (visiting at most ten times as many
   * slots), as Redis's dictRehash(d, n); ends the rehash when the old table is empty.
   */
  private rehashStep(entries: number): void {
    const oc = this.oc!;
    const olen = this.omask + 1;
    let visits = entries * 10;
    let i = this.rehashIdx;
    while (entries > 0 && visits-- > 0 && i < olen) {
      const t = oc[i >>> CHUNK_BITS]!;
      if (t === EMPTY_CHUNK) {
        i = (i | CHUNK_MASK) + 1;
        continue;
      }
      const b = (i & CHUNK_MASK) * 3;
      const h = t[b] as number;
      if (h >= 0) {
        let j = h & this.mask;
        for (;;) {
          const s = this.c[j >>> CHUNK_BITS]!;
          if ((s[(j & CHUNK_MASK) * 3] as number) < 0) break;
          j = (j + 1) & this.mask;
        }
        this.put(j, h, t[b + 1] as string, t[b + 2]);
        this.used++;
        this.oused--;
        t[b] = H_TOMB;
        t[b + 1] = undefined;
        t[b + 2] = undefined;
        entries--;
      }
      i++;
    }
    this.rehashIdx = i;
    if (i >= olen || this.oused === 0) this.oc = null;
  }

  /** Emits the live entries of table `c` whose home slot is `home`. */
  private emitHome(c: unknown[][], mask: number, home: number, emit: (key: string, value: V) => void): void {
    for (let i = home; ; i = (i + 1) & mask) {
      const t = c[i >>> CHUNK_BITS]!;
      const b = (i & CHUNK_MASK) * 3;
      const sh = t[b] as number;
      if (sh === H_EMPTY) return;
      if (sh >= 0 && (sh & mask) === home) emit(t[b + 1] as string, t[b + 2] as V);
    }
  }
}
