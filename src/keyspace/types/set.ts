/**
 * The set value, with Redis 7.0's two encodings (t_set.c, intset.c):
 *  - `intset`: every member is an integer in canonical form (string2ll accepts it) and there are at
 *    most set-max-intset-entries of them. Kept as a sorted array of Int64 (numbers, bigints only
 *    beyond ±2^53), so iteration is ascending numeric order, as an intset's is.
 *  - `hashtable`: anything else. A Map from member to its slot in a dense array: the array gives
 *    O(1) random picks (SPOP, SRANDMEMBER), the Map gives membership and an iteration order that
 *    survives concurrent changes, which SSCAN's cursors rely on (see keyspace/scan.ts).
 *
 * Invariants: an intset is sorted with no duplicates and all its Int64 values are normalized (a
 * number whenever safe, so `===` is value equality); an intset converts to a hashtable once (when a
 * non-integer arrives or the entry limit is passed) and a value never converts back — a new value
 * (SPOP's rebuilt set, the result of SINTERSTORE...) starts again from the member rule.
 * In the hashtable, `index.get(list[i]) === i` for every slot.
 */
import { jemallocSize, sdsAllocBytes } from '../alloc-size.js';
import { parseInt64, type Int64 } from '../../lib/int64.js';
import type { DigestBuilder, Digestible } from '../digest.js';
import { ScanCursors } from '../scan.js';
import type { CollectionValue } from '../value.js';

function int64ToString(v: Int64): string {
  return typeof v === 'number' ? String(v) : v.toString();
}

/** Index of `v` in the sorted array, or -(insertion point) - 1 when absent. */
function searchSorted(a: readonly Int64[], v: Int64): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const m = a[mid]!;
    if (m < v) lo = mid + 1;
    else if (m > v) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

/** Bytes per element of an intset holding `v` (16, 32 or 64-bit encoding). */
function intWidth(v: Int64): number {
  if (typeof v === 'bigint') return 8;
  if (v >= -32768 && v <= 32767) return 2;
  if (v >= -2147483648 && v <= 2147483647) return 4;
  return 8;
}

/** sizeof(dict) and sizeof(dictEntry) in Redis 7.0 (64-bit). */
const DICT_BYTES = 56;
const DICT_ENTRY_BYTES = 24;



export class SetValue implements CollectionValue, Digestible {
  readonly type = 'set' as const;
  /** Sorted members while intset-encoded; null once converted. */
  private ints: Int64[] | null;
  /** Hashtable encoding: member -> slot in `list`. */
  private index: Map<string, number> | null = null;
  private list: string[] | null = null;
  /** SSCAN iterators in progress over `index` (created on the first hashtable SSCAN). */
  private scans: ScanCursors | null = null;

  private constructor(ints: Int64[] | null) {
    this.ints = ints;
    if (ints === null) {
      this.index = new Map();
      this.list = [];
    }
  }

  /** An empty set that can hold `first` (Redis's setTypeCreate): intset when it is an integer. */
  static forMember(first: string): SetValue {
    return new SetValue(parseInt64(first) !== null ? [] : null);
  }

  /** An empty intset (what Redis builds SINTERSTORE/SUNIONSTORE/SDIFF results into). */
  static emptyIntset(): SetValue {
    return new SetValue([]);
  }

  /** A set holding `members` (each added in turn, as SADD would), for tests and loaders. */
  static of(members: Iterable<string>, maxIntsetEntries: number): SetValue {
    let s: SetValue | null = null;
    for (const m of members) {
      s ??= SetValue.forMember(m);
      s.add(m, maxIntsetEntries);
    }
    return s ?? SetValue.emptyIntset();
  }

  get size(): number {
    return this.ints !== null ? this.ints.length : this.list!.length;
  }

  isIntset(): boolean {
    return this.ints !== null;
  }

  encoding(): string {
    return this.ints !== null ? 'intset' : 'hashtable';
  }

  /** Adds `m`; true when it was not a member. Converts to a hashtable per Redis's rules. */
  add(m: string, maxIntsetEntries: number): boolean {
    const ints = this.ints;
    if (ints !== null) {
      const v = parseInt64(m);
      if (v !== null) {
        const at = searchSorted(ints, v);
        if (at >= 0) return false;
        ints.splice(-at - 1, 0, v);
        if (ints.length > maxIntsetEntries) this.convertToHashtable();
        return true;
      }
      this.convertToHashtable();
    }
    const index = this.index!;
    if (index.has(m)) return false;
    const list = this.list!;
    index.set(m, list.length);
    list.push(m);
    return true;
  }

  /** Removes `m`; true when it was a member. */
  remove(m: string): boolean {
    const ints = this.ints;
    if (ints !== null) {
      const v = parseInt64(m);
      if (v === null) return false;
      const at = searchSorted(ints, v);
      if (at < 0) return false;
      ints.splice(at, 1);
      return true;
    }
    const index = this.index!;
    const slot = index.get(m);
    if (slot === undefined) return false;
    index.delete(m);
    const list = this.list!;
    const last = list.pop()!;
    if (slot < list.length) {
      list[slot] = last;
      index.set(last, slot);
    }
    return true;
  }

  has(m: string): boolean {
    const ints = this.ints;
    if (ints !== null) {
      const v = parseInt64(m);
      return v !== null && searchSorted(ints, v) >= 0;
    }
    return this.index!.has(m);
  }

  /** Members in Redis's iteration order for the encoding (ascending for an intset). */
  *members(): IterableIterator<string> {
    const ints = this.ints;
    if (ints !== null) {
      for (const v of ints) yield int64ToString(v);
    } else {
      yield* this.index!.keys();
    }
  }

  /** All members as an array, in iteration order. */
  toArray(): string[] {
    const ints = this.ints;
    if (ints !== null) return ints.map(int64ToString);
    return [...this.index!.keys()];
  }

  /** A uniformly chosen member of a non-empty set; `random()` is uniform in [0, 1). */
  randomMember(random: () => number): string {
    const n = this.size;
    const i = Math.min(n - 1, Math.floor(random() * n));
    return this.ints !== null ? int64ToString(this.ints[i]!) : this.list![i]!;
  }

  /**
   * One SSCAN step over a hashtable set: walks up to `count` members from `cursor` and returns
   * the next cursor (0n at the end), with the keyspace SCAN guarantee. Intsets are not scanned
   * this way: Redis returns them whole (the caller does that).
   */
  scanStep(cursor: bigint, count: number, nowMs: number, visit: (member: string) => void): bigint {
    const index = this.index;
    if (index === null) throw new Error('scanStep on an intset');
    this.scans ??= new ScanCursors(64);
    return this.scans.step(index, cursor, count, nowMs, visit);
  }

  private convertToHashtable(): void {
    const ints = this.ints!;
    const list = ints.map(int64ToString);
    const index = new Map<string, number>();
    for (let i = 0; i < list.length; i++) index.set(list[i]!, i);
    this.ints = null;
    this.list = list;
    this.index = index;
  }

  clone(): SetValue {
    if (this.ints !== null) return new SetValue([...this.ints]);
    const s = new SetValue(null);
    s.list = [...this.list!];
    s.index = new Map(this.index!);
    return s;
  }

  /**
   * What Redis's MEMORY USAGE counts for this value besides the robj: the intset allocation (8-byte
   * header plus one width for every element), or the dict (struct, bucket table, and per member a
   * dictEntry plus its sds; Redis averages a sample of members, this averages all of them).
   */
  memoryUsage(): number {
    const ints = this.ints;
    if (ints !== null) {
      let w = 2;
      for (const v of ints) if (w < 8) w = Math.max(w, intWidth(v));
      return jemallocSize(8 + w * ints.length);
    }
    const n = this.list!.length;
    let slots = 0;
    if (n > 0) { slots = 4; while (slots < n) slots *= 2; }
    let bytes = DICT_BYTES + 8 * slots;
    for (const m of this.list!) bytes += DICT_ENTRY_BYTES + sdsAllocBytes(m.length);
    return bytes;
  }

  /** Redis's rule for sets: each member's SHA1 xored in, so the order does not matter. */
  digestInto(d: DigestBuilder): void {
    for (const m of this.members()) d.xor(m);
  }
}

export function isSetValue(v: unknown): v is SetValue {
  return v instanceof SetValue;
}
