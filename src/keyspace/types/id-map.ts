/**
 * An ordered map from stream IDs to values (the pending-entries lists of consumer groups and
 * consumers, Redis's PEL raxes): sorted chunks of at most CHUNK keys, found by binary search, so
 * lookups, inserts and deletes are O(log n + CHUNK) and range scans walk chunks in order.
 * Appending past the last key (the usual XREADGROUP case) touches only the last chunk.
 */
import { cmpId, type StreamId } from './stream-id.js';

const CHUNK = 128;

interface Chunk<V> {
  keys: StreamId[];
  vals: V[];
}

export class IdMap<V> {
  private chunks: Chunk<V>[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Index of the first chunk whose last key is >= id (chunks.length when none). */
  private chunkFor(id: StreamId): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.chunks[mid]!;
      if (cmpId(c.keys[c.keys.length - 1]!, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private static lowerBound(keys: readonly StreamId[], id: StreamId): number {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmpId(keys[mid]!, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(id: StreamId): V | undefined {
    const ci = this.chunkFor(id);
    const c = this.chunks[ci];
    if (c === undefined) return undefined;
    const i = IdMap.lowerBound(c.keys, id);
    return i < c.keys.length && cmpId(c.keys[i]!, id) === 0 ? c.vals[i] : undefined;
  }

  has(id: StreamId): boolean {
    return this.get(id) !== undefined;
  }

  /** Inserts or replaces. */
  set(id: StreamId, v: V): void {
    let ci = this.chunkFor(id);
    if (ci === this.chunks.length) {
      const last = this.chunks[ci - 1];
      if (last === undefined || last.keys.length >= CHUNK) {
        this.chunks.push({ keys: [id], vals: [v] });
      } else {
        last.keys.push(id);
        last.vals.push(v);
      }
      this.count++;
      return;
    }
    const c = this.chunks[ci]!;
    const i = IdMap.lowerBound(c.keys, id);
    if (i < c.keys.length && cmpId(c.keys[i]!, id) === 0) {
      c.vals[i] = v;
      return;
    }
    c.keys.splice(i, 0, id);
    c.vals.splice(i, 0, v);
    this.count++;
    if (c.keys.length > CHUNK) {
      const half = c.keys.length >>> 1;
      const right: Chunk<V> = { keys: c.keys.splice(half), vals: c.vals.splice(half) };
      this.chunks.splice(++ci, 0, right);
    }
  }

  delete(id: StreamId): boolean {
    const ci = this.chunkFor(id);
    const c = this.chunks[ci];
    if (c === undefined) return false;
    const i = IdMap.lowerBound(c.keys, id);
    if (i >= c.keys.length || cmpId(c.keys[i]!, id) !== 0) return false;
    c.keys.splice(i, 1);
    c.vals.splice(i, 1);
    this.count--;
    if (c.keys.length === 0) this.chunks.splice(ci, 1);
    return true;
  }

  first(): [StreamId, V] | undefined {
    const c = this.chunks[0];
    return c === undefined ? undefined : [c.keys[0]!, c.vals[0]!];
  }

  last(): [StreamId, V] | undefined {
    const c = this.chunks[this.chunks.length - 1];
    return c === undefined ? undefined : [c.keys[c.keys.length - 1]!, c.vals[c.vals.length - 1]!];
  }

  /** Entries with key >= from (all when from is undefined), in ascending order. */
  *from(from?: StreamId): Generator<[StreamId, V]> {
    let ci = from === undefined ? 0 : this.chunkFor(from);
    let i = from === undefined || ci >= this.chunks.length ? 0 : IdMap.lowerBound(this.chunks[ci]!.keys, from);
    // Iterating while the caller deletes the current key is allowed: positions are re-found by key.
    while (ci < this.chunks.length) {
      const c = this.chunks[ci]!;
      if (i >= c.keys.length) { ci++; i = 0; continue; }
      const key = c.keys[i]!;
      yield [key, c.vals[i]!];
      const cc = this.chunks[ci];
      if (cc === c && c.keys[i] === key) { i++; continue; }
      // Modified under us: find the position after `key` again.
      ci = this.chunkFor(key);
      if (ci >= this.chunks.length) return;
      i = IdMap.lowerBound(this.chunks[ci]!.keys, key);
      const k2 = this.chunks[ci]!.keys[i];
      if (k2 !== undefined && cmpId(k2, key) === 0) i++;
    }
  }

  *entries(): Generator<[StreamId, V]> {
    yield* this.from();
  }
}
