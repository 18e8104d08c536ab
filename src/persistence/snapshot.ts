/**
 * A point-in-time image of the whole keyspace, produced in bounded slices while the server keeps
 * serving: Garrison's answer to Redis's fork() for BGSAVE and for a replica's full sync.
 *
 * Copy-on-write at key granularity, without copying anything up front:
 * - at start it captures each database's `dict`/`expires` Map objects. FLUSHDB/FLUSHALL give a
 *   database new Maps and SWAPDB swaps them, so a captured Map only ever changes in place, and
 *   every in-place change passes the keyspace's write barrier first;
 * - the barrier, called before a key's value, existence or TTL changes, serializes that key's
 *   old state into the image at once if the image has not got it yet, and marks it seen; a key
 *   that did not exist at the start is marked seen without being written (created later);
 * - the slice iterator walks the captured Maps in order and skips seen keys.
 * The barrier looks its Map up by identity, so it costs one Map lookup for a database that was
 * flushed (its new Map was never captured) and nothing at all when no snapshot runs.
 *
 * Entries written by the barrier may belong to a later database than the one being walked: the
 * image then switches database (SELECTDB) for that entry and back. Loaders (Redis's and ours)
 * accept any order of SELECTDB; each key still appears exactly once. Keys already expired at the
 * start are written with their TTL, as Redis does (a loading master skips them).
 *
 * Memory: the `seen` set of the database being walked (one entry per key visited, dropped when
 * the database is done) plus encoded bytes not yet taken by the sinks. `cowBytes` counts what the
 * barrier serialized (INFO rdb_last_cow_size).
 */
import type { Database } from '../keyspace/database.js';
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
  readonly dict: Map<string, Value>;
  readonly expires: Map<string, number>;
  readonly bigExpires: Map<string, bigint> | null;
  readonly sizeAtStart: number;
  readonly expiresAtStart: number;
  /** Keys already in the image, or created after the start (never part of it). */
  seen: Set<string>;
  /** Walk position; null before the walk of this database began. */
  cursor: Iterator<string> | null;
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
  private readonly byDict = new Map<Map<string, Value>, CapturedDb>();
  private walkIndex = 0;
  /** Database the encoder's last SELECTDB named (-1: none yet). */
  private encoderDb = -1;
  private headerWritten = false;
  private readonly sinks: SnapshotSink[] = [];
  /**
   * Whether walked keys are remembered (in `seen`) so that the write barrier leaves them alone:
   * needed while the server serves between slices, not when the image is produced at once.
   */
  private recordWalk = true;
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
        seen: new Set(), cursor: null, finished: db.dict.size === 0,
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
   * The write barrier: `key` of `db` is about to change. Writes its start state into the image
   * if it is part of the image and not in it yet.
   */
  beforeWrite(db: Database, key: string): void {
    const cap = this.byDict.get(db.dict);
    if (cap === undefined || cap.finished) return;
    if (cap.seen.has(key)) return;
    cap.seen.add(key);
    const v = cap.dict.get(key);
    if (v === undefined) return;
    if (!this.headerWritten) this.writeHeader();
    const switchBack = this.encoderDb;
    const before = this.pendingBytes();
    this.writeEntry(cap, key, v);
    if (switchBack !== -1 && switchBack !== cap.id) this.select(this.dbs[switchBack]!);
    this.cowBytes += this.pendingBytes() - before;
  }

  /** Runs one bounded slice; returns true when the image is complete. */
  step(): boolean {
    if (this.state !== 'running') return true;
    if (!this.headerWritten) this.writeHeader();
    let keys = 0;
    const { keys: maxKeys, bytes: maxBytes } = this.limits;
    while (keys < maxKeys && this.walkIndex < this.dbs.length) {
      const cap = this.dbs[this.walkIndex]!;
      if (cap.finished) {
        this.walkIndex++;
        continue;
      }
      if (cap.cursor === null) {
        cap.cursor = cap.dict.keys();
        if (this.encoderDb !== cap.id) this.select(cap);
      }
      const r = cap.cursor.next();
      if (r.done === true) {
        this.finishDb(cap);
        continue;
      }
      keys++;
      const key = r.value;
      if (cap.seen.has(key)) continue;
      if (this.recordWalk) cap.seen.add(key);
      this.writeEntry(cap, key, cap.dict.get(key)!);
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
    // Nothing can write while this runs, so the walk need not remember what it wrote (the set
    // costs about half of the walk on a big keyspace).
    this.recordWalk = false;
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
    cap.cursor = null;
    cap.seen = new Set();
    this.byDict.delete(cap.dict);
    this.walkIndex++;
  }

  private finish(state: SnapshotState): void {
    this.state = state;
    for (const cap of this.dbs) {
      cap.finished = true;
      cap.cursor = null;
      cap.seen = new Set();
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
    if (this.encoderDb !== cap.id) this.select(cap);
    let expire: Int64 | null = null;
    const when = cap.expires.get(key);
    if (when !== undefined) {
      expire = when;
      if (!Number.isSafeInteger(when) && cap.bigExpires !== null) {
        const exact = cap.bigExpires.get(key);
        if (exact !== undefined && Number(exact) === when) expire = exact;
      }
    }
    this.encoder.entry(key, value, expire);
    this.keysProcessed++;
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
