/**
 * RDB persistence of one node: SAVE, BGSAVE (a point-in-time snapshot produced in slices while the
 * server serves, instead of Redis's forked child), save points checked on the tick, the
 * bookkeeping INFO persistence reports, stop-writes-on-bgsave-error, loading at start in slices,
 * and point-in-time images for other consumers (replication's full sync).
 *
 * State follows Redis's: `changesSinceSave()` is server.dirty relative to the last good save
 * (Garrison's `ks.dirty` keeps counting, since it also decides propagation); a background save
 * credits the changes made before it started (dirty_before_bgsave); a failed background save
 * waits CONFIG_BGSAVE_RETRY_DELAY (5 s) before a save point may try again.
 *
 * Server-independent: configuration comes through `PersistenceSettings`, the clock, scheduler and
 * files through the runtime ports; server/ wires commands, INFO and admission to it.
 */
import type { DecodeLimits, RdbCodec } from './codec.js';
import { RdbFileSink, pathIn, type NodeFacilities } from './rdb-file.js';
import { DatasetLoad } from './rdb-load.js';
import { Snapshot, type SliceLimits, type SnapshotSink, DEFAULT_SLICE_LIMITS } from './snapshot.js';
import { delayPacing, SnapshotRunner } from './snapshot-runner.js';

/** Redis's CONFIG_BGSAVE_RETRY_DELAY. */
const BGSAVE_RETRY_DELAY_MS = 5000;

export interface PersistenceSettings {
  dir(): string;
  dbfilename(): string;
  compression(): boolean;
  checksum(): boolean;
  savePoints(): ReadonlyArray<readonly [number, number]>;
  stopWritesOnBgsaveError(): boolean;
}

export interface PersistenceDeps extends NodeFacilities {
  codec: RdbCodec;
  settings: PersistenceSettings;
  /** used_memory, for the `used-mem` aux field. */
  usedMemory(): number;
  /** Redis version written in `redis-ver`. */
  redisVersion: string;
  /** False on a replica: loading keeps keys whose time has passed (the master expires them). */
  isMaster(): boolean;
  /** The encoding thresholds loaded values are packed by. */
  decodeLimits(): DecodeLimits;
}

/** What SAVE-like callers get back: null when saved, else the error text. */
export type SaveResult = string | null;

interface BackgroundSave {
  snap: Snapshot;
  startedAtMs: number;
  dirtyAtStart: number;
  sink: RdbFileSink;
}

export class RdbPersistence {
  readonly runner: SnapshotRunner;
  /** When the last good save finished (rdb_last_save_time, LASTSAVE), ms. */
  lastSaveMs: number;
  /** ks.dirty at the last good save. */
  private dirtyAtSave = 0;
  lastBgsaveOk = true;
  lastBgsaveTimeSec = -1;
  private lastBgsaveTryMs = 0;
  saves = 0;
  lastCowSize = 0;
  bgsave: BackgroundSave | null = null;
  /** A foreground save (SAVE, SHUTDOWN...) waiting for its fsync. */
  foregroundSave = false;
  bgsaveScheduled = false;
  loading: DatasetLoad | null = null;
  lastLoadKeysLoaded = 0;
  lastLoadKeysExpired = 0;
  sliceLimits: SliceLimits = DEFAULT_SLICE_LIMITS;
  /**
   * key-load-delay (Redis's test hook, debugDelay per loaded key): microseconds each loaded item
   * costs, or one µs every -n items. Applies to loads in slices (start-up, full syncs).
   */
  keyLoadDelayUs = 0;
  /**
   * The replication aux fields of the node's own saves (Redis's rdbPopulateSaveInfo: repl-stream-db,
   * repl-id, repl-offset, or none); plugged in by the composition root, which knows replication.
   */
  replSaveInfo: () => ReadonlyArray<readonly [string, string]> = () => [];

  constructor(private readonly d: PersistenceDeps) {
    this.runner = new SnapshotRunner(d.ks, d.clock, d.scheduler);
    this.lastSaveMs = d.clock.nowMs();
  }

  changesSinceSave(): number {
    return this.d.ks.dirty - this.dirtyAtSave;
  }

  /** The save counts as done now with nothing pending (FLUSHALL without save points, load). */
  resetChanges(): void {
    this.dirtyAtSave = this.d.ks.dirty;
  }

  rdbPath(): string {
    return pathIn(this.d.settings.dir(), this.d.settings.dbfilename());
  }

  /** Aux fields Redis 7.0 writes first (rdbSaveInfoAuxFields), plus the caller's. */
  auxFields(extra: ReadonlyArray<readonly [string, string]> = []): Array<readonly [string, string]> {
    return [
      ['redis-ver', this.d.redisVersion],
      ['redis-bits', '64'],
      ['ctime', String(Math.floor(this.d.clock.nowMs() / 1000))],
      ['used-mem', String(Math.floor(this.d.usedMemory()))],
      ...extra,
      ['aof-base', '0'],
    ];
  }

  private newSnapshot(aux: ReadonlyArray<readonly [string, string]>): Snapshot {
    const enc = this.d.codec.encoder({ compression: this.d.settings.compression(), checksum: this.d.settings.checksum() });
    return new Snapshot(this.d.ks, enc, aux, this.d.clock.nowMs(), this.sliceLimits);
  }

  private tempName(): string {
    return `temp-${this.d.pid}-${this.d.tag}.rdb`;
  }

  isSaving(): boolean {
    return this.bgsave !== null || this.foregroundSave;
  }

  // ---------------------------------------------------------------------------------------------
  // BGSAVE

  /**
   * Starts a background save; returns null when it started, or the error text (already logged).
   * Redis logs "Background saving started by pid <child>": Garrison has no child and logs its
   * own pid.
   */
  startBgsave(): SaveResult {
    if (this.isSaving()) return 'Background save already in progress';
    const nowMs = this.d.clock.nowMs();
    this.lastBgsaveTryMs = nowMs;
    const s = this.d.settings;
    let job: BackgroundSave | null = null;
    const sink = new RdbFileSink(this.d.fs, s.dir(), this.tempName(), s.dbfilename(), this.d.log, (err) => {
      if (job !== null) this.bgsaveDone(job, err);
    });
    // The file is opened by the first slice: like Redis's child, a bad directory shows up after
    // "Background saving started", as a failed background save.
    const snap = this.newSnapshot(this.auxFields(this.replSaveInfo()));
    snap.attach(sink);
    sink.abortSnapshot = (why) => snap.abort(why);
    job = { snap, startedAtMs: nowMs, dirtyAtStart: this.d.ks.dirty, sink };
    this.bgsave = job;
    this.bgsaveScheduled = false;
    this.d.log.notice(`Background saving started by pid ${this.d.pid}`);
    this.runner.start(snap);
    return null;
  }

  private bgsaveDone(job: BackgroundSave, err: string | null): void {
    if (this.bgsave !== job) return;
    this.bgsave = null;
    const nowMs = this.d.clock.nowMs();
    this.lastBgsaveTimeSec = Math.floor((nowMs - job.startedAtMs) / 1000);
    this.lastCowSize = job.snap.cowBytes;
    if (err === null) {
      this.recordGoodSave(job.dirtyAtStart);
      this.d.log.notice('Background saving terminated with success');
    } else {
      this.d.log.warning('Background saving error');
      this.lastBgsaveOk = false;
    }
  }

  /** Stops a running background save (FLUSHALL, SHUTDOWN, DEBUG RELOAD: Redis's killRDBChild). */
  killBgsave(): void {
    const job = this.bgsave;
    if (job === null) return;
    this.bgsave = null;
    job.snap.abort('killed');
    this.d.log.notice('Background saving terminated by Garrison (the save was stopped)');
  }

  // ---------------------------------------------------------------------------------------------
  // SAVE

  /**
   * Saves the whole dataset now (SAVE, SHUTDOWN, FLUSHALL, DEBUG RELOAD): the image is produced
   * at once, without serving anyone; only the fsync completes asynchronously. Resolves to null
   * when `dbfilename` was replaced, else the error text.
   */
  saveNow(): Promise<SaveResult> {
    return this.foregroundWrite(this.d.ks.dirty, (sink) => {
      const snap = this.newSnapshot(this.auxFields(this.replSaveInfo()));
      snap.attach(sink);
      sink.abortSnapshot = (why) => snap.abort(why);
      snap.runToEnd();
    });
  }

  /** The whole image now, in memory (DEBUG RELOAD). */
  imageNow(): Buffer {
    const chunks: Buffer[] = [];
    const snap = this.newSnapshot(this.auxFields(this.replSaveInfo()));
    snap.attach({ write: (b) => chunks.push(b), ready: () => true, end: () => {}, fail: () => {} });
    snap.runToEnd();
    return Buffer.concat(chunks);
  }

  /**
   * Writes `image` to `dbfilename` as a save does (temporary file, fsync, rename) and records a
   * good save made when the dataset was at `dirtyAtImage` changes; null records nothing (a
   * replica keeping the image its master sent, as Redis renames the received file).
   */
  writeImage(image: Buffer, dirtyAtImage: number | null): Promise<SaveResult> {
    return this.foregroundWrite(dirtyAtImage, (sink) => {
      sink.write(image);
      sink.end();
    });
  }

  /** A foreground save: opens the temporary file, lets `produce` fill it, resolves once renamed. */
  private foregroundWrite(dirtyAtStart: number | null, produce: (sink: RdbFileSink) => void): Promise<SaveResult> {
    if (this.isSaving()) return Promise.resolve('Background save already in progress');
    const s = this.d.settings;
    return new Promise((resolve) => {
      const sink = new RdbFileSink(this.d.fs, s.dir(), this.tempName(), s.dbfilename(), this.d.log, (err) => {
        this.foregroundSave = false;
        if (err === null && dirtyAtStart !== null) this.recordGoodSave(dirtyAtStart);
        resolve(err);
      });
      const openErr = sink.open();
      if (openErr !== null) return resolve(openErr);
      this.foregroundSave = true;
      produce(sink);
    });
  }

  private recordGoodSave(dirtyAtStart: number): void {
    this.d.log.notice('DB saved on disk');
    this.dirtyAtSave = dirtyAtStart;
    this.lastSaveMs = this.d.clock.nowMs();
    this.lastBgsaveOk = true;
    this.saves++;
  }

  // ---------------------------------------------------------------------------------------------
  // Save points, MISCONF

  /** serverCron's share: save points and a scheduled BGSAVE. */
  cron(nowMs: number): void {
    this.runner.kick();
    if (this.isSaving() || this.loading !== null) return;
    if (this.bgsaveScheduled) {
      this.startBgsave();
      return;
    }
    const changes = this.changesSinceSave();
    for (const [seconds, minChanges] of this.d.settings.savePoints()) {
      if (changes < minChanges || nowMs - this.lastSaveMs <= seconds * 1000) continue;
      if (!this.lastBgsaveOk && nowMs - this.lastBgsaveTryMs <= BGSAVE_RETRY_DELAY_MS) continue;
      this.d.log.notice(`${minChanges} changes in ${seconds} seconds. Saving...`);
      this.startBgsave();
      return;
    }
  }

  /** True when writes must be refused with MISCONF (Redis's writeCommandsDeniedByDiskError). */
  writesDenied(): boolean {
    return !this.lastBgsaveOk && this.d.settings.stopWritesOnBgsaveError() && this.d.settings.savePoints().length > 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Images for other consumers (replication)

  /**
   * Starts a point-in-time image for `sink` with extra aux fields (repl-id, repl-offset...).
   * A snapshot created in the same turn with the same aux and not yet advanced is shared.
   * Returns a function that detaches the sink (the snapshot stops when it had no other).
   */
  streamImage(sink: SnapshotSink, extraAux: ReadonlyArray<readonly [string, string]>): () => void {
    const key = JSON.stringify(extraAux);
    for (const [snap, k] of this.shareable) {
      if (k === key && snap.attach(sink)) return () => snap.detach(sink);
    }
    const snap = this.newSnapshot(this.auxFields(extraAux));
    snap.attach(sink);
    this.shareable.set(snap, key);
    this.d.scheduler.soon(() => this.shareable.delete(snap));
    this.runner.start(snap);
    return () => snap.detach(sink);
  }

  private readonly shareable = new Map<Snapshot, string>();

  // ---------------------------------------------------------------------------------------------
  // Loading

  /** True when `dir/dbfilename` exists. */
  hasRdbFile(): boolean {
    return this.d.fs.stat(this.rdbPath()) !== null;
  }

  /**
   * Loads `bytes` in slices on the scheduler; `done` gets null or the error text. While it runs,
   * `loading` is set (INFO loading:1, -LOADING for clients).
   */
  loadInSlices(bytes: Buffer, done: (err: string | null, load: DatasetLoad | null) => void): void {
    let load: DatasetLoad;
    try {
      load = this.beginLoad(bytes);
    } catch (e) {
      this.loading = null;
      this.d.scheduler.soon(() => done(e instanceof Error ? e.message : String(e), null));
      return;
    }
    const turn = (): void => {
      const t0 = this.d.clock.monotonicUs();
      try {
        if (this.keyLoadDelayUs !== 0) {
          // key-load-delay: the items one turn's budget covers at that rate, then a wait of
          // their cost (Redis sleeps per key; clients get -LOADING meanwhile either way).
          const { items, waitMs } = delayPacing(this.keyLoadDelayUs, this.runner.turnBudgetUs);
          if (!load.step(items)) {
            this.d.scheduler.after(waitMs, turn);
            return;
          }
        } else {
          while (!load.step()) {
            if (this.d.clock.monotonicUs() - t0 >= this.runner.turnBudgetUs) {
              this.d.scheduler.soon(turn);
              return;
            }
          }
        }
      } catch (e) {
        this.loading = null;
        done(e instanceof Error ? e.message : String(e), load);
        return;
      }
      this.endLoad(load);
      done(null, load);
    };
    this.d.scheduler.soon(turn);
  }

  /** Loads `bytes` at once (DEBUG RELOAD; `merge` replaces duplicates); throws on a corrupt image. */
  loadNow(bytes: Buffer, merge = false): DatasetLoad {
    const load = this.beginLoad(bytes, merge);
    try {
      load.runToEnd();
    } finally {
      this.loading = null;
    }
    this.endLoad(load);
    return load;
  }

  private beginLoad(bytes: Buffer, merge = false): DatasetLoad {
    const load = new DatasetLoad(this.d.ks, this.d.codec.decoder(bytes, this.d.decodeLimits()), bytes.length, this.d.clock.nowMs(), {
      isMaster: this.d.isMaster(), log: this.d.log, nowMs: () => this.d.clock.nowMs(), allowDuplicates: merge,
    });
    this.loading = load;
    return load;
  }

  private endLoad(load: DatasetLoad): void {
    this.loading = null;
    this.lastLoadKeysLoaded = load.keysLoaded;
    this.lastLoadKeysExpired = load.keysExpired;
    // Loading is not a change to save.
    this.dirtyAtSave = this.d.ks.dirty;
  }
}
