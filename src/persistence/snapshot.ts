/**
 * A point-in-time image of the whole keyspace, produced in bounded slices while the server keeps
 * serving: Garrison's answer to Redis's fork() for BGSAVE and for a replica's full sync.
 *
 * Copy-on-write at key granularity, without copying values up front:
 * - at start it captures each database's `dict` table and `expires` Map and freezes the list of its
 *   keys (one array of references per database: about 10 ms per million keys, the one step that
 *   is not sliced, as fork() is not). FLUSHDB/FLUSHALL give a database new tables and SWAPDB swaps
 *   them, so a captured table only ever changes in place, and every in-place change passes the
 *   keyspace's write barrier first;
 * - the barrier, called before a key's value, existence or TTL changes, encodes that key's state
 *   into a per-database shadow the first time (unless its database is already done); keys created
 *   after the start have no state to keep;
 * - the slice walk goes through the frozen key lists in order and writes, for each key, its
 *   shadow when it has one (its state at the start), else its current state (unchanged since).
 * The walk never needs to know which keys it has passed: a key changed after its turn leaves a
 * shadow that is simply never used. The barrier looks its Map up by identity, so it costs one Map
 * lookup for a database that was flushed (its new Map was never captured) and nothing at all when
 * no snapshot runs. Keys already expired at the start are written with their TTL, as Redis does
 * (a loading master skips them).
 *
 * Memory: the frozen key lists (a reference per key, dropped per database as it is finished),
 * the shadows of the keys changed meanwhile (what fork()'s copy-on-write pages would hold), and
 * encoded bytes not yet taken by the sinks. `cowBytes` counts the shadows' bytes (INFO
 * rdb_last_cow_size).
 */
import type { Database } from '../keyspace/database.js';
import type { Dict } from '../keyspace/dict.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { Value } from '../keyspace/value.js';
import type { Int64 } from '../lib/int64.js';

/** The shape of the RDB writer the snapshot drives (persistence/rdb's RdbWriter). */
export interface ImageEncoder {
  header(aux: ReadonlyArray<readonly [string, string]>): void;
  selectDb(id: number, dbSize: number, expiresSize: number): void;
  /** `expireMs` is the absolute expiry in ms, or null when the key has none. */
  entry(key: string, value: Value, expireMs: Int64 | null): void;
  end(): void;
  /** The bytes encoded since the last take. */
  take(): Buffer;
  /** One entry encoded on its own, outside the stream (a shadow kept for later). */
  entryBytes(key: string, value: Value, expireMs: Int64 | null): Buffer;
  /** Appends bytes `entryBytes` made, as if entry() had been called then. */
  raw(bytes: Buffer): void;
  /** How many bytes take() would return now (cheap: checked after every entry). */
  pendingLength(): number;
}

/**
 * Receives the bytes of one image as they are produced (the same shape replication's
 * SnapshotSink has: the composition root passes replicas' sinks straight in).
 */
export interface SnapshotSink {
  write(chunk: Buffer): void;
  /** False asks the producer to wait (a slow consumer); it asks again before its next slice. */
  ready(): boolean;
  end(): void;
  fail(reason: string): void;
}

/** Bounds of one slice. */
export interface SliceLimits {
  keys: number;
  bytes: number;
}

export const DEFAULT_SLICE_LIMITS: SliceLimits = { keys: 256, bytes: 64 * 1024 };

interface CapturedDb {
  readonly id: number;
  readonly dict: Dict<Value>;
  readonly expires: Map<string, number>;
  readonly bigExpires: Map<string, bigint> | null;
  readonly sizeAtStart: number;
  readonly expiresAtStart: number;
  /** The keys at the start, in walk order (null once the database is done). */
  keys: string[] | null;
  /** Walk position in `keys`. */
  pos: number;
  /** Encoded start states of keys changed since the start (null: none yet). */
  shadow: Map<string, Buffer> | null;
  /** Walked to the end: every key of the start is in the image. */
  finished: boolean;
}

export type SnapshotState = 'running' | 'done' | 'failed';

export class Snapshot {
  state: SnapshotState = 'running';
  readonly startedAtMs: number;
  /** Keys the image will hold (the dataset's size at the start). */
  readonly keysTotal: number;
  keysProcessed = 0;
  /** Bytes the write barrier encoded (copies made because a key changed before its turn). */
  cowBytes = 0;
  /** Bytes handed to the sinks so far. */
  bytesOut = 0;
  private readonly dbs: CapturedDb[] = [];
  private readonly byDict = new Map<Dict<Value>, CapturedDb>();
  private walkIndex = 0;
  /** Database the encoder's last SELECTDB named (-1: none yet). */
  private encoderDb = -1;
  private headerWritten = false;
  private readonly sinks: SnapshotSink[] = [];
  /** Called once when the snapshot ends, whatever the outcome (the runner detaches it). */
  onFinish: (() => void) | null = null;

  constructor(
    ks: Keyspace,
    private readonly encoder: ImageEncoder,
    private readonly aux: ReadonlyArray<readonly [string, string]>,
    nowMs: number,
    private readonly limits: SliceLimits = DEFAULT_SLICE_LIMITS,
  ) {
    this.startedAtMs = nowMs;
    let total = 0;
    for (const db of ks.dbs) {
      const cap: CapturedDb = {
        id: db.id, dict: db.dict, expires: db.expires, bigExpires: db.bigExpires,
        sizeAtStart: db.dict.size, expiresAtStart: db.expires.size,
        keys: db.dict.size === 0 ? null : Array.from(db.dict.keys()), pos: 0, shadow: null, finished: db.dict.size === 0,
      };
      total += cap.sizeAtStart;
      this.dbs.push(cap);
      if (!cap.finished) this.byDict.set(db.dict, cap);
    }
    this.keysTotal = total;
  }

  /** Adds a consumer; only before the first slice ran (nothing produced yet). */
  attach(sink: SnapshotSink): boolean {
    if (this.headerWritten || this.state !== 'running') return false;
    this.sinks.push(sink);
    return true;
  }

  /** Removes a consumer; the snapshot stops when none is left. */
  detach(sink: SnapshotSink): void {
    const i = this.sinks.indexOf(sink);
    if (i < 0) return;
    this.sinks.splice(i, 1);
    if (this.sinks.length === 0 && this.state === 'running') this.finish('failed');
  }

  get sinkCount(): number {
    return this.sinks.length;
  }

  /** True when every consumer can take more bytes. */
  isReady(): boolean {
    for (const s of this.sinks) if (!s.ready()) return false;
    return true;
  }

  /**
   * The write barrier: `key` of `db` is about to change. Keeps its current state (its state at
   * the start, unless it changed already) for the walk, the first time.
   */
  beforeWrite(db: Database, key: string): void {
    const cap = this.byDict.get(db.dict);
    if (cap === undefined || cap.finished) return;
    if (cap.shadow !== null && cap.shadow.has(key)) return;
    const v = cap.dict.get(key);
    if (v === undefined) return;
    const bytes = this.encoder.entryBytes(key, v, this.expireOf(cap, key));
    (cap.shadow ??= new Map()).set(key, bytes);
    this.cowBytes += bytes.length;
  }

  /**
   * Runs one bounded slice (at most `keyLimit` keys, and the slice limits); returns true when the
   * image is complete.
   */
  step(keyLimit = Infinity): boolean {
    if (this.state !== 'running') return true;
    if (!this.headerWritten) this.writeHeader();
    let keys = 0;
    const maxKeys = Math.min(keyLimit, this.limits.keys);
    const maxBytes = this.limits.bytes;
    while (keys < maxKeys && this.walkIndex < this.dbs.length) {
      const cap = this.dbs[this.walkIndex]!;
      const list = cap.keys;
      if (cap.finished || list === null) {
        this.walkIndex++;
        continue;
      }
      if (cap.pos >= list.length) {
        this.finishDb(cap);
        continue;
      }
      if (this.encoderDb !== cap.id) this.select(cap);
      const key = list[cap.pos++]!;
      keys++;
      const shadow = cap.shadow?.get(key);
      if (shadow !== undefined) {
        this.encoder.raw(shadow);
        cap.shadow!.delete(key);
        this.keysProcessed++;
      } else {
        // Unchanged since the start (a change would have left a shadow); a key that vanished
        // without passing the barrier cannot happen, and is skipped rather than invented.
        const v = cap.dict.get(key);
        if (v !== undefined) this.writeEntry(cap, key, v);
      }
      if (this.pendingBytes() >= maxBytes) break;
    }
    if (this.walkIndex >= this.dbs.length) {
      this.encoder.end();
      this.flush();
      // A consumer may have aborted the snapshot while taking the last bytes.
      if (this.state === 'running') this.finish('done');
      return true;
    }
    this.flush();
    return this.state !== 'running';
  }

  /** Produces the rest at once (SAVE, SHUTDOWN, DEBUG RELOAD: the server is not serving). */
  runToEnd(): void {
    while (!this.step()) { /* next slice */ }
  }

  /** Stops, telling the consumers why. */
  abort(reason: string): void {
    if (this.state !== 'running') return;
    const sinks = [...this.sinks];
    this.finish('failed');
    for (const s of sinks) s.fail(reason);
  }

  private finishDb(cap: CapturedDb): void {
    cap.finished = true;
    cap.keys = null;
    cap.shadow = null;
    this.byDict.delete(cap.dict);
    this.walkIndex++;
  }

  private finish(state: SnapshotState): void {
    this.state = state;
    for (const cap of this.dbs) {
      cap.finished = true;
      cap.keys = null;
      cap.shadow = null;
    }
    this.byDict.clear();
    if (state === 'done') for (const s of this.sinks) s.end();
    this.sinks.length = 0;
    const f = this.onFinish;
    this.onFinish = null;
    f?.();
  }

  private writeHeader(): void {
    this.headerWritten = true;
    this.encoder.header(this.aux);
  }

  private select(cap: CapturedDb): void {
    this.encoder.selectDb(cap.id, cap.sizeAtStart, cap.expiresAtStart);
    this.encoderDb = cap.id;
  }

  private writeEntry(cap: CapturedDb, key: string, value: Value): void {
    this.encoder.entry(key, value, this.expireOf(cap, key));
    this.keysProcessed++;
  }

  /** The key's absolute expiry now (exact beyond 2^53 when the keyspace keeps it), or null. */
  private expireOf(cap: CapturedDb, key: string): Int64 | null {
    const when = cap.expires.get(key);
    if (when === undefined) return null;
    if (!Number.isSafeInteger(when) && cap.bigExpires !== null) {
      const exact = cap.bigExpires.get(key);
      if (exact !== undefined && Number(exact) === when) return exact;
    }
    return when;
  }

  /** Encoded bytes not yet handed to the sinks. */
  private pendingChunks: Buffer[] = [];
  private pendingLen = 0;

  private pendingBytes(): number {
    return this.pendingLen + this.encoder.pendingLength();
  }

  /** Moves what the encoder holds into `pendingChunks` (before a database switch, and to flush). */
  private takeEncoded(): void {
    const b = this.encoder.take();
    if (b.length !== 0) {
      this.pendingChunks.push(b);
      this.pendingLen += b.length;
    }
  }

  private flush(): void {
    this.takeEncoded();
    if (this.pendingLen === 0) return;
    const chunk = this.pendingChunks.length === 1 ? this.pendingChunks[0]! : Buffer.concat(this.pendingChunks, this.pendingLen);
    this.pendingChunks = [];
    this.pendingLen = 0;
    this.bytesOut += chunk.length;
    for (const s of this.sinks) s.write(chunk);
  }
}
