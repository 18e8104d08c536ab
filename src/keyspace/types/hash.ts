/**
 * The hash value type, with Redis 7.0's two encodings (t_hash.c):
 * - `listpack`: fields and values in insertion order, packed into one flat string
 *   (hash-listpack.ts). Updating a field keeps its place, a new field goes to the tail, a deleted
 *   one leaves no gap: exactly the order Redis's listpack keeps, so HGETALL/HKEYS/HVALS and
 *   HRANDFIELD's whole-hash replies on small hashes match Redis byte for byte.
 * - `hashtable`: a Map. Its iteration order is insertion order, not Redis's bucket order (replies
 *   of big hashes are unordered in Redis too).
 *
 * Conversion follows Redis 7.0 and happens once, never back: before a write whose field or value
 * is longer than hash-max-listpack-value (HSET/HSETNX check all their arguments first, HINCRBY*
 * the field and the new value), or after an insertion that makes the hash longer than
 * hash-max-listpack-entries. The thresholds are passed in (`HashLimits`, the server's live
 * config), so CONFIG SET affects later writes only, as in Redis.
 *
 * Invariants: a listpack hash holds `n` pairs with distinct fields; a value is never empty when
 * stored in the keyspace (commands delete the key with its last field); strings in the hash table
 * are independent of the old packed string after conversion.
 */
import { jemallocSize, sdsAllocBytes } from '../alloc-size.js';
import { ScanCursors } from '../scan.js';
import type { DigestBuilder, Digestible } from '../digest.js';
import type { CollectionValue } from '../value.js';
import { LISTPACK_EMPTY_BYTES, listpackEntryBytes } from './list.js';
import {
  lpAppend, lpFind, lpForEachPair, lpGet, lpPack, lpRemove, lpReplaceValue, lpUnpack, lpUnpackCopies,
} from './hash-listpack.js';

/** The two thresholds of the hash encodings (a subset of the commands' CommandConfig). */
export interface HashLimits {
  readonly hashMaxListpackEntries: number;
  readonly hashMaxListpackValue: number;
}

/** Redis refuses to grow a listpack past 1 GB (LISTPACK_MAX_SAFETY_SIZE) and converts instead. */
const LISTPACK_MAX_SAFETY_BYTES = 1 << 30;
/** Listpack header (total bytes + element count); one more byte ends it. */
/** sizeof(dict) and sizeof(dictEntry) in Redis 7.0 on 64-bit. */
const DICT_BYTES = 56;
const DICT_ENTRY_BYTES = 24;
/** Bound on HSCAN iterators in progress per hash table (oldest-used evicted first). */
const MAX_SCANS_PER_HASH = 64;

export class HashValue implements CollectionValue, Digestible {
  /** Packed pairs (listpack) or the hash table. */
  private data: string | Map<string, string>;
  /** Pairs in the packed string (unused for a hash table). */
  private n: number;
  /** HSCAN iterators over the hash table, created on first use. */
  private scans: ScanCursors | null = null;

  private constructor(data: string | Map<string, string>, n: number) {
    this.data = data;
    this.n = n;
  }

  /** An empty hash, listpack-encoded (Redis's createHashObject). */
  static empty(): HashValue {
    return new HashValue('', 0);
  }

  /**
   * A hash from flat [field, value, ...] pairs, in that order, encoded as Redis would encode the
   * same pairs inserted one by one under `limits` (for loaders and tests). Later duplicates win.
   */
  static fromPairs(pairs: readonly string[], limits: HashLimits): HashValue {
    const h = HashValue.empty();
    h.setPairs(pairs, 0, limits);
    return h;
  }

  get type(): 'hash' {
    return 'hash';
  }

  get size(): number {
    return typeof this.data === 'string' ? this.n : this.data.size;
  }

  encoding(): 'listpack' | 'hashtable' {
    return typeof this.data === 'string' ? 'listpack' : 'hashtable';
  }

  isListpack(): boolean {
    return typeof this.data === 'string';
  }

  get(field: string): string | undefined {
    return typeof this.data === 'string' ? lpGet(this.data, field) : this.data.get(field);
  }

  has(field: string): boolean {
    return typeof this.data === 'string' ? lpFind(this.data, field) !== null : this.data.has(field);
  }

  /**
   * HSET/HMSET: converts first when any field or value of `argv[start..]` is too long for a
   * listpack (hashTypeTryConversion), then sets each pair in turn. Returns the number of fields
   * that were created (updates do not count).
   */
  setPairs(argv: readonly string[], start: number, limits: HashLimits): number {
    if (typeof this.data === 'string') {
      let sum = 0;
      for (let i = start; i < argv.length; i++) {
        const len = argv[i]!.length;
        if (len > limits.hashMaxListpackValue) { this.convert(); break; }
        sum += len;
      }
      if (typeof this.data === 'string' && this.data.length + sum > LISTPACK_MAX_SAFETY_BYTES) this.convert();
    }
    if (typeof this.data === 'string') return this.setPairsPacked(argv, start, limits);
    let created = 0;
    const map = this.data;
    for (let i = start; i + 1 < argv.length; i += 2) {
      const before = map.size;
      map.set(argv[i]!, argv[i + 1]!);
      if (map.size !== before) created++;
    }
    return created;
  }

  /** setPairs on a listpack: one decode and one rebuild for the whole command. */
  private setPairsPacked(argv: readonly string[], start: number, limits: HashLimits): number {
    const lp = this.data as string;
    if (argv.length - start === 2) {
      // The common single-pair case, without unpacking.
      return this.setOne(argv[start]!, argv[start + 1]!, limits) ? 1 : 0;
    }
    const items = lpUnpack(lp);
    let created = 0;
    for (let i = start; i + 1 < argv.length; i += 2) {
      const f = argv[i]!;
      const v = argv[i + 1]!;
      let found = false;
      for (let j = 0; j < items.length; j += 2) {
        if (items[j] === f) { items[j + 1] = v; found = true; break; }
      }
      if (found) continue;
      items.push(f, v);
      created++;
      if (items.length / 2 > limits.hashMaxListpackEntries) {
        // Convert with what is set so far, then finish on the table (as Redis does mid-loop).
        const map = new Map<string, string>();
        const copies = lpUnpackCopies(lpPack(items));
        for (let j = 0; j < copies.length; j += 2) map.set(copies[j]!, copies[j + 1]!);
        this.data = map;
        this.n = 0;
        for (let k = i + 2; k + 1 < argv.length; k += 2) {
          const before = map.size;
          map.set(argv[k]!, argv[k + 1]!);
          if (map.size !== before) created++;
        }
        return created;
      }
    }
    this.data = lpPack(items);
    this.n = items.length / 2;
    return created;
  }

  /**
   * Sets one pair (Redis's hashTypeSet as HINCRBY/HINCRBYFLOAT and HSETNX reach it): converts
   * first when the field or the value is too long, after when the hash grows too long. Returns
   * true when the field was created.
   */
  set(field: string, value: string, limits: HashLimits): boolean {
    if (typeof this.data === 'string' &&
        (field.length > limits.hashMaxListpackValue || value.length > limits.hashMaxListpackValue ||
         this.data.length + field.length + value.length > LISTPACK_MAX_SAFETY_BYTES)) {
      this.convert();
    }
    if (typeof this.data !== 'string') {
      const before = this.data.size;
      this.data.set(field, value);
      return this.data.size !== before;
    }
    return this.setOne(field, value, limits);
  }

  private setOne(field: string, value: string, limits: HashLimits): boolean {
    const lp = this.data as string;
    const at = lpFind(lp, field);
    if (at !== null) {
      this.data = lpReplaceValue(lp, at, value);
      return false;
    }
    this.data = lpAppend(lp, field, value);
    this.n++;
    if (this.n > limits.hashMaxListpackEntries) this.convert();
    return true;
  }

  /** Removes `field`; true when it existed. */
  delete(field: string): boolean {
    if (typeof this.data !== 'string') return this.data.delete(field);
    const at = lpFind(this.data, field);
    if (at === null) return false;
    this.data = lpRemove(this.data, at);
    this.n--;
    return true;
  }

  /**
   * HDEL: removes `fields[start..]` in turn, stopping as soon as the hash is empty (Redis deletes
   * the key at that point and ignores the remaining fields). Returns how many were removed.
   */
  deleteFields(fields: readonly string[], start: number): number {
    let deleted = 0;
    for (let i = start; i < fields.length; i++) {
      if (this.delete(fields[i]!)) {
        deleted++;
        if (this.size === 0) break;
      }
    }
    return deleted;
  }

  /** Calls `fn` for each pair in iteration order (listpack order for small hashes). */
  forEach(fn: (field: string, value: string) => void): void {
    if (typeof this.data === 'string') lpForEachPair(this.data, fn);
    else for (const [f, v] of this.data) fn(f, v);
  }

  /** Flat [field, value, ...] in iteration order (fresh array; strings are for transient use). */
  pairs(): string[] {
    if (typeof this.data === 'string') return lpUnpack(this.data);
    const out: string[] = new Array<string>(this.data.size * 2);
    let i = 0;
    for (const [f, v] of this.data) { out[i++] = f; out[i++] = v; }
    return out;
  }

  fields(): string[] {
    const out: string[] = [];
    if (typeof this.data === 'string') lpForEachPair(this.data, (f) => out.push(f));
    else for (const f of this.data.keys()) out.push(f);
    return out;
  }

  values(): string[] {
    const out: string[] = [];
    if (typeof this.data === 'string') lpForEachPair(this.data, (_f, v) => out.push(v));
    else for (const v of this.data.values()) out.push(v);
    return out;
  }

  /**
   * One HSCAN step over a hash table (see keyspace/scan.ts for the guarantee): visits up to
   * `count` fields from `cursor`, returns the next cursor (0n at the end). Listpack hashes are
   * not scanned this way: HSCAN returns them whole.
   */
  scanStep(cursor: bigint, count: number, nowMs: number, visit: (field: string, value: string) => void): bigint {
    if (typeof this.data === 'string') throw new Error('HashValue.scanStep on a listpack hash');
    const map = this.data;
    this.scans ??= new ScanCursors(MAX_SCANS_PER_HASH);
    const next = this.scans.step(map, cursor, count, nowMs, (f) => {
      const v = map.get(f);
      if (v !== undefined) visit(f, v);
    });
    if (next === 0n && this.scans.size === 0) this.scans = null;
    return next;
  }

  /** Converts to the hash table encoding (Redis's hashTypeConvert; never the other way). */
  convert(): void {
    if (typeof this.data !== 'string') return;
    const copies = lpUnpackCopies(this.data);
    const map = new Map<string, string>();
    for (let i = 0; i < copies.length; i += 2) map.set(copies[i]!, copies[i + 1]!);
    this.data = map;
    this.n = 0;
  }

  clone(): HashValue {
    // A packed string is immutable: the copy shares it.
    return typeof this.data === 'string' ? new HashValue(this.data, this.n) : new HashValue(new Map(this.data), 0);
  }

  /**
   * What Redis's MEMORY USAGE counts for this value besides the robj: the listpack's allocation
   * (exact: the same entries Redis would encode), or the dict with its table and, per element,
   * the field and value sds plus a dictEntry (Redis averages a sample; this averages them all).
   */
  memoryUsage(): number {
    if (typeof this.data === 'string') {
      let bytes = LISTPACK_EMPTY_BYTES;
      lpForEachPair(this.data, (f, v) => { bytes += listpackEntryBytes(f) + listpackEntryBytes(v); });
      return jemallocSize(bytes);
    }
    const size = this.data.size;
    let slots = 0;
    if (size > 0) { slots = 4; while (slots < size) slots *= 2; }
    let bytes = DICT_BYTES + 8 * slots;
    for (const [f, v] of this.data) bytes += sdsAllocBytes(f.length) + sdsAllocBytes(v.length) + DICT_ENTRY_BYTES;
    return bytes;
  }

  /** Redis's hash digest: per pair, a fresh digest mixed with the field then the value, xored in. */
  digestInto(d: DigestBuilder): void {
    this.forEach((f, v) => { d.element(f, v); });
  }
}


