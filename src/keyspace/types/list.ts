/**
 * The list value (Redis's OBJ_LIST). Redis 7.0 stores every list as a quicklist — a linked list of
 * listpack nodes — and OBJECT ENCODING always says "quicklist" (7.2 introduced a plain listpack
 * encoding for small lists; 7.0 has none).
 *
 * Storage: one circular buffer of element strings (power-of-two capacity, head index, length).
 * That gives what the quicklist gives Redis and a little more: O(1) amortised push and pop at
 * both ends, O(1) LINDEX/LSET, O(k) range reads, and insertion/removal in the middle by moving
 * the shorter side (Redis's middle operations are O(n) anyway: they search first). A small list
 * costs one object and one small array, which keeps many-small-lists workloads compact.
 * The buffer shrinks when it becomes a quarter full, so popped memory is returned.
 * Limit: one V8 array holds at most ~2^27 elements; a list that large would not fit Node's heap.
 *
 * What the quicklist layout decides in Redis (node boundaries by list-max-listpack-size, listpack
 * byte sizes) is computed on demand from the elements: `nodeLayout()` reproduces how Redis splits
 * a list built by tail pushes into nodes, which MEMORY USAGE (and an RDB/DUMP writer) needs. Like
 * Redis, a list keeps the fill value it was created with (quicklistSetOptions at creation).
 *
 * Elements are byte strings (latin1, one char per byte). Equality (LREM, LPOS, LINSERT) is byte
 * equality, which is what Redis's listpack compare amounts to: a listpack stores an element as an
 * integer only when it is the canonical decimal form, so comparing values equals comparing bytes.
 */
import { jemallocSize } from '../alloc-size.js';
import type { DigestBuilder, Digestible } from '../digest.js';
import type { CollectionValue } from '../value.js';

const MIN_CAPACITY = 4;

export class ListValue implements CollectionValue, Digestible {
  readonly type = 'list' as const;
  private buf: Array<string | undefined>;
  private head = 0;
  private len = 0;
  /** list-max-listpack-size when the list was created (Redis keeps it per quicklist). */
  readonly fill: number;

  constructor(fill = -2, initialCapacity = MIN_CAPACITY) {
    this.fill = fill;
    let cap = MIN_CAPACITY;
    while (cap < initialCapacity) cap *= 2;
    this.buf = new Array<string | undefined>(cap);
  }

  /** A list holding `items` head to tail. */
  static from(items: readonly string[], fill = -2): ListValue {
    const l = new ListValue(fill, items.length);
    for (let i = 0; i < items.length; i++) l.buf[i] = items[i];
    l.len = items.length;
    return l;
  }

  get length(): number {
    return this.len;
  }

  encoding(): string {
    return 'quicklist';
  }

  clone(): ListValue {
    const l = new ListValue(this.fill, this.len);
    for (let i = 0; i < this.len; i++) l.buf[i] = this.at(i);
    l.len = this.len;
    return l;
  }

  /** Element at index 0..length-1 (no bounds check beyond an assertion-free read). */
  at(i: number): string {
    return this.buf[(this.head + i) & (this.buf.length - 1)]!;
  }

  /** Element at a Redis index (negative counts from the tail), or undefined when out of range. */
  get(index: number): string | undefined {
    const i = index < 0 ? this.len + index : index;
    if (i < 0 || i >= this.len) return undefined;
    return this.at(i);
  }

  /** Replaces the element at a Redis index; false when out of range. */
  set(index: number, value: string): boolean {
    const i = index < 0 ? this.len + index : index;
    if (i < 0 || i >= this.len) return false;
    this.buf[(this.head + i) & (this.buf.length - 1)] = value;
    return true;
  }

  pushTail(value: string): void {
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    this.buf[(this.head + this.len) & (this.buf.length - 1)] = value;
    this.len++;
  }

  pushHead(value: string): void {
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    this.head = (this.head - 1) & (this.buf.length - 1);
    this.buf[this.head] = value;
    this.len++;
  }

  popHead(): string | undefined {
    if (this.len === 0) return undefined;
    const v = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.len--;
    this.maybeShrink();
    return v;
  }

  popTail(): string | undefined {
    if (this.len === 0) return undefined;
    const i = (this.head + this.len - 1) & (this.buf.length - 1);
    const v = this.buf[i];
    this.buf[i] = undefined;
    this.len--;
    this.maybeShrink();
    return v;
  }

  /** Elements [start, end] (0-based, inclusive, already clamped by the caller), head to tail. */
  range(start: number, end: number): string[] {
    const out: string[] = new Array<string>(end - start + 1);
    for (let i = start; i <= end; i++) out[i - start] = this.at(i);
    return out;
  }

  /** Elements [start, end] from end to start (tail-side pops reply in popping order). */
  rangeReversed(start: number, end: number): string[] {
    const out: string[] = new Array<string>(end - start + 1);
    for (let i = end; i >= start; i--) out[end - i] = this.at(i);
    return out;
  }

  toArray(): string[] {
    return this.len === 0 ? [] : this.range(0, this.len - 1);
  }

  /** Inserts `value` so that it ends up at position `pos` (0..length), moving the shorter side. */
  insertAt(pos: number, value: string): void {
    if (pos <= 0) return this.pushHead(value);
    if (pos >= this.len) return this.pushTail(value);
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    const mask = this.buf.length - 1;
    if (pos < this.len - pos) {
      // Shift the first `pos` elements one slot towards the head.
      this.head = (this.head - 1) & mask;
      for (let i = 0; i < pos; i++) this.buf[(this.head + i) & mask] = this.buf[(this.head + i + 1) & mask];
    } else {
      for (let i = this.len; i > pos; i--) this.buf[(this.head + i) & mask] = this.buf[(this.head + i - 1) & mask];
    }
    this.buf[(this.head + pos) & mask] = value;
    this.len++;
  }

  /** Removes `count` elements starting at position `start` (clamped by the caller). */
  removeRange(start: number, count: number): void {
    if (count <= 0) return;
    const mask = this.buf.length - 1;
    const after = this.len - start - count;
    if (start < after) {
      // Move the head side forward over the gap.
      for (let i = start - 1; i >= 0; i--) this.buf[(this.head + i + count) & mask] = this.buf[(this.head + i) & mask];
      for (let i = 0; i < count; i++) this.buf[(this.head + i) & mask] = undefined;
      this.head = (this.head + count) & mask;
    } else {
      for (let i = start; i < start + after; i++) this.buf[(this.head + i) & mask] = this.buf[(this.head + i + count) & mask];
      for (let i = start + after; i < this.len; i++) this.buf[(this.head + i) & mask] = undefined;
    }
    this.len -= count;
    this.maybeShrink();
  }

  /** Index of the first element equal to `value` (head to tail), or -1. */
  indexOf(value: string): number {
    for (let i = 0; i < this.len; i++) if (this.at(i) === value) return i;
    return -1;
  }

  /**
   * LREM: removes up to `limit` elements equal to `value` (0 = all), scanning from the tail when
   * `fromTail`. One compaction pass. Returns how many were removed.
   */
  removeMatching(value: string, limit: number, fromTail: boolean): number {
    const n = this.len;
    let removed = 0;
    if (!fromTail) {
      let w = 0;
      for (let r = 0; r < n; r++) {
        const v = this.at(r);
        if (v === value && (limit === 0 || removed < limit)) { removed++; continue; }
        if (w !== r) this.buf[(this.head + w) & (this.buf.length - 1)] = v;
        w++;
      }
      for (let i = w; i < n; i++) this.buf[(this.head + i) & (this.buf.length - 1)] = undefined;
    } else {
      let w = n - 1;
      for (let r = n - 1; r >= 0; r--) {
        const v = this.at(r);
        if (v === value && (limit === 0 || removed < limit)) { removed++; continue; }
        if (w !== r) this.buf[(this.head + w) & (this.buf.length - 1)] = v;
        w--;
      }
      for (let i = 0; i <= w; i++) this.buf[(this.head + i) & (this.buf.length - 1)] = undefined;
      this.head = (this.head + w + 1) & (this.buf.length - 1);
    }
    this.len -= removed;
    if (removed !== 0) this.maybeShrink();
    return removed;
  }

  private maybeShrink(): void {
    const cap = this.buf.length;
    if (cap > 16 && this.len * 4 <= cap) this.resize(cap / 2);
  }

  private resize(cap: number): void {
    const next = new Array<string | undefined>(cap);
    for (let i = 0; i < this.len; i++) next[i] = this.at(i);
    this.buf = next;
    this.head = 0;
  }

  /** Capacity of the ring buffer (tests). */
  get capacity(): number {
    return this.buf.length;
  }

  digestInto(d: DigestBuilder): void {
    for (let i = 0; i < this.len; i++) d.mix(this.at(i));
  }

  /**
   * Entries per quicklist node, as Redis 7.0 splits a list built by tail pushes under this list's
   * fill (list-max-listpack-size), and each node's listpack size in bytes.
   */
  nodeLayout(): Array<{ count: number; bytes: number }> {
    const nodes: Array<{ count: number; bytes: number }> = [];
    let cur: { count: number; bytes: number } | null = null;
    const fill = clampFill(this.fill);
    for (let i = 0; i < this.len; i++) {
      const v = this.at(i);
      if (cur !== null && nodeAllowsInsert(cur.bytes, cur.count, fill, v.length)) {
        cur.bytes += listpackEntryBytes(v);
        cur.count++;
      } else {
        cur = { count: 1, bytes: LISTPACK_EMPTY_BYTES + listpackEntryBytes(v) };
        nodes.push(cur);
      }
    }
    return nodes;
  }

  /**
   * Redis's estimate for MEMORY USAGE without the robj: the quicklist header plus the average of
   * the first (up to) 5 nodes, each a node header and its listpack's allocation, times the nodes.
   */
  memoryUsage(): number {
    const nodes = this.nodeLayout();
    let sampled = 0;
    let bytes = 0;
    for (const n of nodes) {
      bytes += QUICKLIST_NODE_BYTES + jemallocSize(n.bytes);
      if (++sampled === 5) break;
    }
    return QUICKLIST_BYTES + (sampled === 0 ? 0 : Math.floor((bytes / sampled) * nodes.length));
  }
}

/** sizeof(quicklist) and sizeof(quicklistNode) on 64-bit Redis 7.0. */
const QUICKLIST_BYTES = 40;
const QUICKLIST_NODE_BYTES = 40;
/** An empty listpack's bytes: the header (total bytes, element count) and the terminator. */
export const LISTPACK_EMPTY_BYTES = 7;
/** list-max-listpack-size byte classes -1..-5. */
const SIZE_CLASSES = [4096, 8192, 16384, 32768, 65536];
/** Beyond this node size a count-limited (positive fill) node takes no more entries. */
const SIZE_SAFETY_LIMIT = 8192;

/** quicklistSetFill: at most 2^15-1 entries, at least the -5 size class. */
function clampFill(fill: number): number {
  if (fill > 32767) return 32767;
  if (fill < -5) return -5;
  return fill;
}

/** _quicklistNodeAllowInsert: whether a node of `bytes`/`count` takes an element of `sz` bytes. */
function nodeAllowsInsert(bytes: number, count: number, fill: number, sz: number): boolean {
  // Redis estimates the new size from the string length plus worst-case entry overhead.
  let overhead = sz < 254 ? 1 : 5;
  if (sz < 64) overhead += 1;
  else if (sz < 16384) overhead += 2;
  else overhead += 5;
  const newSize = bytes + sz + overhead;
  if (fill < 0) {
    const limit = SIZE_CLASSES[-fill - 1]!;
    if (newSize <= limit) return true;
  }
  if (newSize > SIZE_SAFETY_LIMIT) return false;
  return count < fill;
}

/** Bytes one element takes in a listpack: encoding header, data, and the back-length field. */
export function listpackEntryBytes(s: string): number {
  const n = listpackInt(s);
  let len: number;
  if (n !== null) {
    if (n >= 0 && n <= 127) len = 1;
    else if (n >= -4096 && n <= 4095) len = 2;
    else if (n >= -32768 && n <= 32767) len = 3;
    else if (n >= -8388608 && n <= 8388607) len = 4;
    else if (n >= -2147483648 && n <= 2147483647) len = 5;
    else len = 9;
  } else if (s.length <= 63) {
    len = 1 + s.length;
  } else if (s.length <= 4095) {
    len = 2 + s.length;
  } else {
    len = 5 + s.length;
  }
  let back: number;
  if (len <= 127) back = 1;
  else if (len < 16383) back = 2;
  else if (len < 2097151) back = 3;
  else if (len < 268435455) back = 4;
  else back = 5;
  return len + back;
}

/**
 * The value a listpack would store `s` as (lpStringToInt64: canonical decimal within int64), as a
 * JS number (magnitude is all that matters here), or null for a string entry.
 */
function listpackInt(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  if (s === '0') return 0;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return null;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return null;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  if (n - i >= 19) {
    const b = BigInt(s);
    if (b > 9223372036854775807n || b < -9223372036854775808n) return null;
  }
  return Number(s);
}

