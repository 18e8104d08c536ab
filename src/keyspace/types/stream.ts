/**
 * The stream value (Redis's OBJ_STREAM, encoding "stream").
 *
 * Entries live in nodes that mirror Redis's listpack nodes of the stream rax: entries are only
 * ever appended (IDs grow), a node takes new entries until it holds stream-node-max-entries
 * entries (live plus deleted) or its listpack would reach stream-node-max-bytes (the byte size is
 * computed as Redis's listpack would encode it: master entry, delta-encoded IDs, fields omitted
 * when they equal the master entry's). Mirroring the node boundaries is what makes approximate
 * trimming (`MAXLEN ~`, `MINID ~`, LIMIT) remove exactly the entries Redis removes.
 *
 * Storage per node is compact: the live IDs in one BigUint64Array (ms, seq pairs) and one packed
 * latin1 string per entry (hash-listpack.ts's codec of the field/value list). Deleted entries are
 * removed from the arrays but still count toward the node's limits, as Redis's tombstones do; a
 * node whose last live entry goes is dropped. Seeking is a binary search over nodes, then within
 * the node: O(log n).
 *
 * Stream metadata as Redis 7.0 keeps it: last ID, entries-added, max-deleted-entry-id, and the
 * consumer groups (stream-group.ts).
 */
import type { DigestBuilder, Digestible } from '../digest.js';
import { jemallocSize } from '../alloc-size.js';
import type { CollectionValue } from '../value.js';
import { lpPack, lpUnpack } from './hash-listpack.js';
import { listpackEntryBytes } from './list.js';
import { StreamGroup } from './stream-group.js';
import { cmpId, formatId, ZERO_ID, type StreamId } from './stream-id.js';

export interface StreamEntry {
  readonly id: StreamId;
  /** field, value, field, value ... */
  readonly fields: string[];
}

/** stream-node-max-entries / stream-node-max-bytes (0 = no limit, as in Redis). */
export interface StreamNodeLimits {
  readonly maxEntries: number;
  readonly maxBytes: number;
}

export const DEFAULT_NODE_LIMITS: StreamNodeLimits = Object.freeze({ maxEntries: 100, maxBytes: 4096 });

/** STREAM_LISTPACK_MAX_SIZE: a listpack node never grows past 1 GB. */
const LISTPACK_MAX_SIZE = 1 << 30;

function intBytes(v: bigint | number): number {
  return listpackEntryBytes(String(v));
}

/** Reinterprets an unsigned 64-bit difference as int64, as Redis's lpAppendInteger cast does. */
function asInt64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

class StreamNode {
  ids: BigUint64Array;
  vals: string[] = [];
  live = 0;
  deleted = 0;
  /** Bytes of the entries (with tombstones), apart from the header and master entry. */
  entryBytes = 0;
  /** Bytes of the master fields, apart from the counters. */
  private readonly masterFieldBytes: number;
  /** Deleted entries still inside Redis's listpack (IDs ascending), kept for RDB/DUMP bytes. */
  tombs: { id: StreamId; packed: string }[] = [];
  /** The last ID ever appended here (deleted or not), as Redis reads the listpack's tail. */
  lastMs: bigint;
  lastSeq: bigint;

  constructor(readonly masterMs: bigint, readonly masterSeq: bigint, readonly masterFields: readonly string[], capacity: number) {
    this.ids = new BigUint64Array(capacity * 2);
    this.lastMs = masterMs;
    this.lastSeq = masterSeq;
    let b = 0;
    for (const f of masterFields) b += listpackEntryBytes(f);
    this.masterFieldBytes = b;
  }

  /** lpBytes() of the node's listpack as Redis would have it. */
  lpBytes(): number {
    // header (6) + end (1) + count + deleted + num-fields + fields + master terminator (0).
    return 7 + intBytes(this.live) + intBytes(this.deleted) + intBytes(this.masterFields.length) + this.masterFieldBytes + 1 + this.entryBytes;
  }

  idAt(i: number): StreamId {
    return { ms: this.ids[2 * i]!, seq: this.ids[2 * i + 1]! };
  }

  cmpAt(i: number, id: StreamId): number {
    const ms = this.ids[2 * i]!;
    if (ms !== id.ms) return ms < id.ms ? -1 : 1;
    const seq = this.ids[2 * i + 1]!;
    return seq === id.seq ? 0 : seq < id.seq ? -1 : 1;
  }

  /** First index whose ID is >= id. */
  lowerBound(id: StreamId): number {
    let lo = 0;
    let hi = this.live;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmpAt(mid, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  sameFields(fields: readonly string[]): boolean {
    const m = this.masterFields;
    if (fields.length / 2 !== m.length) return false;
    for (let i = 0; i < m.length; i++) if (fields[2 * i] !== m[i]) return false;
    return true;
  }

  append(id: StreamId, fields: string[]): void {
    if (2 * this.live + 2 > this.ids.length) {
      const grown = new BigUint64Array(Math.max(4, this.ids.length * 2));
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids[2 * this.live] = id.ms;
    this.ids[2 * this.live + 1] = id.seq;
    this.vals.push(lpPack(fields));
    this.live++;
    this.lastMs = id.ms;
    this.lastSeq = id.seq;
    // flags, ms-diff, seq-diff, [num-fields, fields and values | values], lp-count.
    const same = this.sameFields(fields);
    let b = 1 + intBytes(asInt64(id.ms - this.masterMs)) + intBytes(asInt64(id.seq - this.masterSeq));
    const n = fields.length / 2;
    if (same) {
      for (let i = 1; i < fields.length; i += 2) b += listpackEntryBytes(fields[i]!);
      b += intBytes(n + 3);
    } else {
      b += intBytes(n);
      for (const f of fields) b += listpackEntryBytes(f);
      b += intBytes(2 * n + 4);
    }
    this.entryBytes += b;
  }

  private bury(i: number): void {
    const id = this.idAt(i);
    const t = { id, packed: this.vals[i]! };
    let lo = 0;
    let hi = this.tombs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmpId(this.tombs[mid]!.id, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.tombs.splice(lo, 0, t);
  }

  removeAt(i: number): void {
    this.bury(i);
    this.ids.copyWithin(2 * i, 2 * i + 2, 2 * this.live);
    this.vals.splice(i, 1);
    this.live--;
    this.deleted++;
  }

  /** Marks the first k live entries deleted (exact trimming inside a node). */
  removeFirst(k: number): void {
    for (let i = 0; i < k; i++) this.bury(i);
    this.ids.copyWithin(0, 2 * k, 2 * this.live);
    this.vals.splice(0, k);
    this.live -= k;
    this.deleted += k;
  }

  /**
   * The node's listpack as Redis lays it out, element by element (integers as decimal text):
   * master entry (count, deleted, field names, 0), then every entry in ID order, tombstones
   * included (flags, ms and seq deltas, fields or values only, lp-count).
   */
  listpackItems(): string[] {
    const out = [String(this.live), String(this.deleted), String(this.masterFields.length), ...this.masterFields, '0'];
    let t = 0;
    let i = 0;
    while (i < this.live || t < this.tombs.length) {
      const tomb = this.tombs[t];
      const takeTomb = tomb !== undefined && (i >= this.live || this.cmpAt(i, tomb.id) > 0);
      const id = takeTomb ? tomb.id : this.idAt(i);
      const fields = lpUnpack(takeTomb ? tomb.packed : this.vals[i]!);
      if (takeTomb) t++;
      else i++;
      const same = this.sameFields(fields);
      out.push(String((takeTomb ? 1 : 0) | (same ? 2 : 0)), String(asInt64(id.ms - this.masterMs)), String(asInt64(id.seq - this.masterSeq)));
      const n = fields.length / 2;
      if (same) {
        for (let k = 1; k < fields.length; k += 2) out.push(fields[k]!);
        out.push(String(n + 3));
      } else {
        out.push(String(n), ...fields, String(2 * n + 4));
      }
    }
    return out;
  }

  clone(): StreamNode {
    const n = new StreamNode(this.masterMs, this.masterSeq, this.masterFields, 0);
    n.ids = this.ids.slice(0, Math.max(2, 2 * this.live));
    n.vals = this.vals.slice();
    n.live = this.live;
    n.deleted = this.deleted;
    n.entryBytes = this.entryBytes;
    n.tombs = this.tombs.slice();
    n.lastMs = this.lastMs;
    n.lastSeq = this.lastSeq;
    return n;
  }
}

/** Trimming request (streamAddTrimArgs): MAXLEN count or MINID id, exact or approximate, LIMIT (0 = none). */
export type TrimSpec =
  | { readonly strategy: 'maxlen'; readonly maxlen: number; readonly approx: boolean; readonly limit: number }
  | { readonly strategy: 'minid'; readonly minid: StreamId; readonly approx: boolean; readonly limit: number };

export class StreamValue implements CollectionValue, Digestible {
  readonly type = 'stream' as const;
  private nodes: StreamNode[] = [];
  private len = 0;
  lastId: StreamId = ZERO_ID;
  maxDeletedId: StreamId = ZERO_ID;
  /** Redis's entries_added, a long long: a bigint, exact beyond 2^53 (XSETID ENTRIESADDED, RESTORE). */
  entriesAdded = 0n;
  /**
   * Redis's first_id when it is not the first live entry's ID: a DUMP payload or RDB file carries
   * first_id and Redis 7.0 keeps it as read (corrupt payloads included, RESTORE answers OK). It
   * then changes only where Redis updates first_id (an append to an empty stream, a trim that
   * removes something or empties the stream, an XDEL of that ID or of the last entry); null
   * means first_id is the first live entry's ID, which every other path keeps true.
   */
  recordedFirstId: StreamId | null = null;
  /** Consumer groups by name (introspection sorts names bytewise). */
  groups = new Map<string, StreamGroup>();

  encoding(): string {
    return 'stream';
  }

  get length(): number {
    return this.len;
  }

  /** Number of listpack nodes (XINFO's radix-tree-keys). */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Redis's first_id: the first live entry's ID, 0-0 when empty, unless a payload recorded another. */
  firstId(): StreamId {
    if (this.recordedFirstId !== null) return this.recordedFirstId;
    const n = this.nodes[0];
    return n === undefined ? ZERO_ID : n.idAt(0);
  }

  /** Each node's master ID and listpack elements (the RDB form of the stream's rax). */
  listpackNodes(): { key: StreamId; items: string[] }[] {
    return this.nodes.map((n) => ({ key: { ms: n.masterMs, seq: n.masterSeq }, items: n.listpackItems() }));
  }

  /**
   * Adds a node read from an RDB file or a DUMP payload (after the nodes already there): its
   * master ID and fields, and its entries in order, deleted ones flagged. Counters (length,
   * entries-added, last ID) are the caller's to set from the payload.
   */
  loadNode(key: StreamId, masterFields: string[], entries: { id: StreamId; fields: string[]; deleted: boolean }[]): void {
    const node = new StreamNode(key.ms, key.seq, masterFields, Math.max(1, entries.length));
    for (const e of entries) node.append(e.id, e.fields);
    for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.deleted) node.removeAt(i);
    if (node.live === 0) return;
    this.nodes.push(node);
    this.len += node.live;
  }

  /** Every node's master ID (the stream rax's keys), ascending. */
  nodeKeys(): StreamId[] {
    return this.nodes.map((n) => ({ ms: n.masterMs, seq: n.masterSeq }));
  }

  /** The last live entry's ID (streamLastValidID), undefined when empty. */
  lastLiveId(): StreamId | undefined {
    const n = this.nodes[this.nodes.length - 1];
    return n === undefined ? undefined : n.idAt(n.live - 1);
  }

  /** The first node's master ID (its first entry, deleted or not); undefined when empty. */
  firstNodeId(): StreamId | undefined {
    const n = this.nodes[0];
    return n === undefined ? undefined : { ms: n.masterMs, seq: n.masterSeq };
  }

  /**
   * Appends an entry whose ID is greater than lastId (the caller checked), in the last node or in
   * a new one when the node limits say so (streamAppendItem).
   */
  append(id: StreamId, fields: string[], limits: StreamNodeLimits = DEFAULT_NODE_LIMITS): void {
    let node = this.nodes[this.nodes.length - 1];
    if (node !== undefined) {
      let totalBytes = 0;
      for (const f of fields) totalBytes += f.length;
      let maxBytes = limits.maxBytes;
      if (maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE) maxBytes = LISTPACK_MAX_SIZE;
      if (node.lpBytes() + totalBytes >= maxBytes) node = undefined;
      else if (limits.maxEntries !== 0 && node.live + node.deleted >= limits.maxEntries) node = undefined;
    }
    if (node === undefined) {
      const masterFields: string[] = [];
      for (let i = 0; i < fields.length; i += 2) masterFields.push(fields[i]!);
      node = new StreamNode(id.ms, id.seq, masterFields, 1);
      this.nodes.push(node);
    }
    node.append(id, fields);
    this.len++;
    this.entriesAdded = BigInt.asIntN(64, this.entriesAdded + 1n);
    this.lastId = id;
    if (this.len === 1) this.recordedFirstId = null;
  }

  /** Index of the first node whose last live ID is >= id. */
  private nodeFor(id: StreamId): number {
    let lo = 0;
    let hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const n = this.nodes[mid]!;
      if (n.cmpAt(n.live - 1, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The entry with this exact ID, if live. */
  get(id: StreamId): StreamEntry | undefined {
    const ni = this.nodeFor(id);
    const n = this.nodes[ni];
    if (n === undefined) return undefined;
    const i = n.lowerBound(id);
    if (i >= n.live || n.cmpAt(i, id) !== 0) return undefined;
    return { id: n.idAt(i), fields: lpUnpack(n.vals[i]!) };
  }

  has(id: StreamId): boolean {
    const n = this.nodes[this.nodeFor(id)];
    if (n === undefined) return false;
    const i = n.lowerBound(id);
    return i < n.live && n.cmpAt(i, id) === 0;
  }

  /** Deletes one entry (a tombstone in its node); false when it was not there. */
  delete(id: StreamId): boolean {
    const ni = this.nodeFor(id);
    const n = this.nodes[ni];
    if (n === undefined) return false;
    const i = n.lowerBound(id);
    if (i >= n.live || n.cmpAt(i, id) !== 0) return false;
    if (n.live === 1) this.nodes.splice(ni, 1);
    else n.removeAt(i);
    this.len--;
    // xdelCommand: first_id is recomputed when the stream empties or its first_id was deleted.
    if (this.recordedFirstId !== null && (this.len === 0 || cmpId(id, this.recordedFirstId) === 0)) this.recordedFirstId = null;
    return true;
  }

  /**
   * Entries with start <= ID <= end, ascending (or descending when `rev`), at most `count`
   * (0 = all). Calls `fn` for each; `fn` returning false stops the walk.
   */
  range(start: StreamId, end: StreamId, rev: boolean, fn: (id: StreamId, packed: string) => boolean | void): void {
    if (cmpId(start, end) > 0) return;
    if (!rev) {
      const firstNode = this.nodeFor(start);
      for (let ni = firstNode; ni < this.nodes.length; ni++) {
        const n = this.nodes[ni]!;
        for (let i = ni === firstNode ? n.lowerBound(start) : 0; i < n.live; i++) {
          if (n.cmpAt(i, end) > 0) return;
          if (fn(n.idAt(i), n.vals[i]!) === false) return;
        }
      }
      return;
    }
    let ni = this.nodeFor(end);
    if (ni >= this.nodes.length) ni = this.nodes.length - 1;
    for (let first = true; ni >= 0; ni--, first = false) {
      const n = this.nodes[ni]!;
      let i = n.live - 1;
      if (first) {
        i = n.lowerBound(end);
        if (i >= n.live || n.cmpAt(i, end) > 0) i--;
      }
      for (; i >= 0; i--) {
        if (n.cmpAt(i, start) < 0) return;
        if (fn(n.idAt(i), n.vals[i]!) === false) return;
      }
    }
  }

  /** Entries of a range as [id, fields] values, at most count (0 = all). */
  entries(start: StreamId, end: StreamId, rev: boolean, count: number): StreamEntry[] {
    const out: StreamEntry[] = [];
    this.range(start, end, rev, (id, packed) => {
      out.push({ id, fields: lpUnpack(packed) });
      return count === 0 || out.length < count;
    });
    return out;
  }

  /** Every live entry, ascending. */
  *all(): Generator<StreamEntry> {
    for (const n of this.nodes) {
      for (let i = 0; i < n.live; i++) yield { id: n.idAt(i), fields: lpUnpack(n.vals[i]!) };
    }
  }

  /** The first/last live entry. */
  edge(last: boolean): StreamEntry | undefined {
    const n = last ? this.nodes[this.nodes.length - 1] : this.nodes[0];
    if (n === undefined) return undefined;
    const i = last ? n.live - 1 : 0;
    return { id: n.idAt(i), fields: lpUnpack(n.vals[i]!) };
  }

  /**
   * Trims (streamTrim): whole nodes from the head while they can go, then, unless approximate,
   * the leading entries of the next node. LIMIT caps the entries removed (whole nodes counted).
   * Returns how many entries were removed.
   */
  trim(spec: TrimSpec): number {
    let removed = 0;
    while (this.nodes.length > 0) {
      if (spec.strategy === 'maxlen' && this.len <= spec.maxlen) break;
      const n = this.nodes[0]!;
      const entries = n.live;
      if (spec.limit !== 0 && removed + entries > spec.limit) break;
      const whole = spec.strategy === 'maxlen'
        ? this.len - entries >= spec.maxlen
        : cmpId({ ms: n.lastMs, seq: n.lastSeq }, spec.minid) < 0;
      if (whole) {
        this.nodes.shift();
        this.len -= entries;
        removed += entries;
        continue;
      }
      if (spec.approx) break;
      let k = 0;
      if (spec.strategy === 'maxlen') k = Math.min(entries, this.len - spec.maxlen);
      else while (k < entries && n.cmpAt(k, spec.minid) < 0) k++;
      if (k > 0) {
        n.removeFirst(k);
        this.len -= k;
        removed += k;
      }
      break;
    }
    if (this.len === 0 || removed > 0) this.recordedFirstId = null;
    return removed;
  }

  clone(): StreamValue {
    const s = new StreamValue();
    s.nodes = this.nodes.map((n) => n.clone());
    s.len = this.len;
    s.lastId = this.lastId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    s.recordedFirstId = this.recordedFirstId;
    for (const [name, g] of this.groups) s.groups.set(name, g.clone());
    return s;
  }

  /** Rough bytes: the listpacks as Redis sizes them, plus rax and group bookkeeping. */
  memoryUsage(): number {
    let bytes = 64; // struct stream + rax header
    // Redis preallocates a new node's listpack at stream-node-max-bytes (4096 by default).
    for (const n of this.nodes) bytes += Math.max(4096, jemallocSize(n.lpBytes())) + 32;
    for (const [name, g] of this.groups) {
      bytes += 64 + name.length + g.pel.size * 48;
      for (const c of g.consumers.values()) bytes += 48 + c.name.length + c.pel.size * 24;
    }
    return bytes;
  }

  /** Redis's stream digest: per entry mix("ms-seq"'s dotted form), then each field and value. */
  digestInto(d: DigestBuilder): void {
    for (const n of this.nodes) {
      for (let i = 0; i < n.live; i++) {
        d.mix(`${n.ids[2 * i]!}.${n.ids[2 * i + 1]!}`);
        for (const f of lpUnpack(n.vals[i]!)) d.mix(f);
      }
    }
  }

  /** "ms-seq" of the last ID (XINFO, XADD replies). */
  lastIdText(): string {
    return formatId(this.lastId);
  }
}
