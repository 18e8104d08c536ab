/**
 * The append-only file of one node, Redis 7.0's multi-part design (aof.c):
 *
 * - Every change reaches `feed()` in order (the server's propagation seam, MULTI/EXEC already
 *   wrapped); it is encoded into `buf` with a SELECT when the database changes and a `#TS:`
 *   annotation when the second changes (aof-timestamp-enabled). `flush()` writes the buffer to the
 *   current incr file before any reply leaves (the server's replyBarriers seam) and on the
 *   next turn; appendfsync always fsyncs right there (FileHandle.syncNow), everysec at most once
 *   a second off the event loop (FileHandle.sync), no never.
 * - BGREWRITEAOF opens a new incr file (recorded in the manifest) and starts a point-in-time
 *   snapshot (persistence/snapshot.ts, copy-on-write at key granularity) that writes the new base
 *   in slices into a temporary file: writes made meanwhile go to the new incr file, so no rewrite
 *   buffer is needed. When the image is complete and fsynced, the temporary file becomes the new
 *   base, older files become history, the manifest is switched atomically (temporary file, fsync,
 *   rename) and history files are deleted unless aof-disable-auto-gc.
 * - Turning AOF on at run time (state `wait_rewrite`) writes into a temporary incr file while the
 *   first rewrite runs; the switch renames it into the manifest's first incr file.
 * - Loading at start (loader.ts) replays the manifest's files, upgrading a pre-7.0
 *   `appendonly.aof` into the directory first.
 *
 * Server-independent: configuration, the RDB codec, the snapshot runner and the replay target are
 * injected; server/aof.ts wires commands, INFO, admission and the seams.
 */
import { encodeCommand } from '../../protocol/command-encode.js';
import type { FileHandle } from '../../runtime/ports.js';
import type { DecodeLimits, RdbCodec } from '../codec.js';
import { pathIn, type NodeFacilities } from '../rdb-file.js';
import { Snapshot, DEFAULT_SLICE_LIMITS, type ImageEncoder, type SnapshotSink } from '../snapshot.js';
import type { SnapshotRunner } from '../snapshot-runner.js';
import { AofCommandEncoder } from './command-encoder.js';
import { AofLoad, type AofReplayTarget, type LoadStatus } from './loader.js';
import {
  EMPTY_MANIFEST, filesToLoad, formatManifest, manifestErrorLog, ManifestError, manifestName, parseManifest,
  tempIncrName, tempManifestName, upgradedManifest, withIncrAsHistory, withLastIncr, withNewBase, withNewIncr,
  withoutHistory, type AofManifest,
} from './manifest.js';

export type AofState = 'off' | 'on' | 'wait_rewrite';
export type FsyncPolicy = 'always' | 'everysec' | 'no';

export interface AofSettings {
  dir(): string;
  dirName(): string;
  fileName(): string;
  fsync(): FsyncPolicy;
  noFsyncOnRewrite(): boolean;
  useRdbPreamble(): boolean;
  timestamps(): boolean;
  loadTruncated(): boolean;
  disableAutoGc(): boolean;
  rewritePercentage(): number;
  rewriteMinSize(): number;
}

export interface AofDeps extends NodeFacilities {
  codec: RdbCodec | null;
  decodeLimits(): DecodeLimits;
  /** rdbcompression / rdbchecksum for an RDB base. */
  rdbOptions(): { compression: boolean; checksum: boolean };
  runner: SnapshotRunner;
  settings: AofSettings;
  /** Aux fields of an RDB base (aof-base 1). */
  rdbAux(): ReadonlyArray<readonly [string, string]>;
  /** True while another background job (a BGSAVE) runs: a rewrite is scheduled instead. */
  otherJobActive(): boolean;
  /** A condition Redis exits on (write error with appendfsync always...). */
  fatal(reason: string): void;
  isMaster(): boolean;
}

interface Rewrite {
  snap: Snapshot;
  tempName: string;
  handle: FileHandle;
  startedAtMs: number;
}

/** Redis's AOF_REWRITE_LIMITE_THRESHOLD and AOF_REWRITE_LIMITE_MAX_MINUTES. */
const LIMIT_THRESHOLD = 3;
const LIMIT_MAX_MINUTES = 60;

export class Aof {
  state: AofState = 'off';
  manifest: AofManifest = EMPTY_MANIFEST;
  private fd: FileHandle | null = null;
  private buf: Buffer[] = [];
  bufLen = 0;
  private flushSoon: (() => void) | null = null;
  private selectedDb = -1;
  private curTimestamp = 0;
  currentSize = 0;
  private lastIncrSize = 0;
  rewriteBaseSize = 0;
  private fsyncOffset = 0;
  private lastFsyncSec = 0;
  fsyncsInFlight = 0;
  delayedFsync = 0;
  private flushPostponedSinceSec = 0;
  lastWriteOk = true;
  private lastWriteError = '';
  private bioFsyncOk = true;
  private lastWriteErrorLogSec = 0;
  rewrite: Rewrite | null = null;
  rewriteScheduled = false;
  lastRewriteTimeSec = -1;
  rewrites = 0;
  consecutiveFailures = 0;
  lastBgrewriteOk = true;
  lastCowSize = 0;
  loading: AofLoad | null = null;
  private limitDelayMinutes = 0;
  private limitUntilSec = 0;

  constructor(private readonly d: AofDeps) {}

  private get s(): AofSettings {
    return this.d.settings;
  }

  private nowSec(): number {
    return Math.floor(this.d.clock.nowMs() / 1000);
  }

  private dirPath(): string {
    return pathIn(this.s.dir(), this.s.dirName());
  }

  private inDir(name: string): string {
    return pathIn(this.dirPath(), name);
  }

  private fileSize(name: string): number | null {
    try {
      return this.d.fs.stat(this.inDir(name))?.size ?? null;
    } catch {
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Feeding and flushing

  /** Whether `feed` writes anything now (the propagation sink's `active`). */
  feeding(): boolean {
    return this.state !== 'off' && this.loading === null;
  }

  /** The propagation sink: `argv` ran against database `dbId` (-1: no SELECT). */
  feed(dbId: number, argv: readonly string[]): void {
    if (!this.feeding()) return;
    const parts: Buffer[] = [];
    if (this.s.timestamps()) {
      const now = this.nowSec();
      if (this.curTimestamp < now) {
        this.curTimestamp = now;
        parts.push(Buffer.from(`#TS:${now}\r\n`, 'latin1'));
      }
    }
    if (dbId !== -1 && dbId !== this.selectedDb) {
      parts.push(encodeCommand(['SELECT', String(dbId)]));
      this.selectedDb = dbId;
    }
    parts.push(encodeCommand(argv));
    if (this.state === 'on' || this.rewrite !== null) {
      for (const p of parts) {
        this.buf.push(p);
        this.bufLen += p.length;
      }
      if (this.flushSoon === null) {
        this.flushSoon = this.d.scheduler.soon(() => {
          this.flushSoon = null;
          this.flush(false);
        });
      }
    }
  }

  /** Before replies leave: what was fed is written (and with `always`, fsynced). */
  beforeReplyWrite(): void {
    if (this.bufLen !== 0) this.flush(false);
  }

  private takeBuffer(): Buffer {
    const b = this.buf.length === 1 ? this.buf[0]! : Buffer.concat(this.buf, this.bufLen);
    this.buf = [];
    this.bufLen = 0;
    return b;
  }

  /** Redis's flushAppendOnlyFile. */
  flush(force: boolean): void {
    if (this.fd === null) return;
    const policy = this.s.fsync();
    const now = this.nowSec();
    if (this.bufLen === 0) {
      // Data written but not yet fsynced with everysec: fsync it once the second has passed.
      if (policy === 'everysec' && this.fsyncOffset !== this.currentSize && now > this.lastFsyncSec && this.fsyncsInFlight === 0) {
        this.trySync(policy, now);
      }
      return;
    }
    if (policy === 'everysec' && !force && this.fsyncsInFlight !== 0) {
      if (this.flushPostponedSinceSec === 0) {
        this.flushPostponedSinceSec = now;
        return;
      }
      if (now - this.flushPostponedSinceSec < 2) return;
      this.delayedFsync++;
      this.d.log.notice('Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.');
    }
    this.flushPostponedSinceSec = 0;
    const data = this.takeBuffer();
    try {
      this.fd.write(data);
    } catch (e) {
      const why = (e as Error).message;
      if (now - this.lastWriteErrorLogSec > 30) {
        this.lastWriteErrorLogSec = now;
        this.d.log.warning(`Error writing to the AOF file: ${why}`);
      }
      this.lastWriteError = why;
      if (policy === 'always') {
        this.d.log.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
        this.d.fatal(why);
        return;
      }
      // Keep the data for the next try; writes are refused (MISCONF) until one succeeds.
      this.buf.unshift(data);
      this.bufLen += data.length;
      this.lastWriteOk = false;
      return;
    }
    if (!this.lastWriteOk) {
      this.d.log.warning('AOF write error looks solved, Redis can write again.');
      this.lastWriteOk = true;
    }
    this.currentSize += data.length;
    this.lastIncrSize += data.length;
    this.trySync(policy, now);
  }

  private trySync(policy: FsyncPolicy, now: number): void {
    if (this.s.noFsyncOnRewrite() && (this.rewrite !== null || this.d.otherJobActive())) return;
    const fd = this.fd!;
    if (policy === 'always') {
      try {
        fd.syncNow();
      } catch (e) {
        this.d.log.warning(`Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${(e as Error).message}. Exiting...`);
        this.d.fatal((e as Error).message);
        return;
      }
      this.fsyncOffset = this.currentSize;
      this.lastFsyncSec = now;
    } else if (policy === 'everysec' && now > this.lastFsyncSec) {
      if (this.fsyncsInFlight === 0) {
        this.backgroundSync(fd);
        this.fsyncOffset = this.currentSize;
      }
      this.lastFsyncSec = now;
    }
  }

  private backgroundSync(fd: FileHandle, thenClose = false): void {
    this.fsyncsInFlight++;
    fd.sync().then(() => {
      this.bioFsyncOk = true;
    }, (e: unknown) => {
      this.d.log.warning(`Fail to fsync the AOF file: ${(e as Error).message}`);
      this.bioFsyncOk = false;
      this.lastWriteError = (e as Error).message;
    }).finally(() => {
      this.fsyncsInFlight--;
      if (thenClose) fd.close();
    });
  }

  /** Writes are refused while the AOF cannot be written (Redis's DISK_ERROR_TYPE_AOF). */
  writeError(): string | null {
    if (this.state === 'off') return null;
    return this.lastWriteOk && this.bioFsyncOk ? null : this.lastWriteError;
  }

  lastWriteStatusOk(): boolean {
    return this.lastWriteOk && this.bioFsyncOk;
  }

  // ---------------------------------------------------------------------------------------------
  // Manifest on disk

  /** Writes the manifest through a temporary file, fsync and rename; false when it failed (logged). */
  private persistManifest(m: AofManifest): boolean {
    const base = this.s.fileName();
    const tmp = tempManifestName(base);
    const final = manifestName(base);
    const log = this.d.log;
    let h: FileHandle;
    try {
      h = this.d.fs.open(this.inDir(tmp), 'w');
    } catch (e) {
      log.warning(`Can't open the AOF manifest file ${tmp}: ${(e as Error).message}`);
      return false;
    }
    try {
      h.write(Buffer.from(formatManifest(m), 'latin1'));
    } catch (e) {
      log.warning(`Error trying to write the temporary AOF manifest file ${tmp}: ${(e as Error).message}`);
      h.close();
      return false;
    }
    try {
      h.syncNow();
    } catch (e) {
      log.warning(`Fail to fsync the temp AOF file ${tmp}: ${(e as Error).message}.`);
      h.close();
      return false;
    }
    h.close();
    try {
      this.d.fs.rename(this.inDir(tmp), this.inDir(final));
    } catch (e) {
      log.warning(`Error trying to rename the temporary AOF manifest file ${tmp} into ${final}: ${(e as Error).message}`);
      return false;
    }
    return true;
  }

  /**
   * Reads the manifest from disk (Redis's aofLoadManifestFromDisk). Returns the error log lines
   * when it is invalid (the caller refuses to start).
   */
  loadManifestFromDisk(): string[] | null {
    this.manifest = EMPTY_MANIFEST;
    const dir = this.dirPath();
    const st = this.d.fs.stat(dir);
    if (st === null || !st.isDirectory) {
      this.d.log.verbose(`The AOF directory ${this.s.dirName()} doesn't exist`);
      return null;
    }
    const name = manifestName(this.s.fileName());
    let bytes: Buffer | null;
    try {
      bytes = this.d.fs.readFile(this.inDir(name));
    } catch (e) {
      return [`Fatal error: can't open the AOF manifest file ${this.inDir(name)} for reading: ${(e as Error).message}`];
    }
    if (bytes === null) {
      this.d.log.verbose(`The AOF manifest file ${name} doesn't exist`);
      return null;
    }
    try {
      this.manifest = parseManifest(bytes.toString('latin1'));
    } catch (e) {
      if (e instanceof ManifestError) return manifestErrorLog(e);
      throw e;
    }
    return null;
  }

  /** Deletes history files (unless aof-disable-auto-gc) and records it in the manifest. */
  private deleteHistory(): void {
    const m = this.manifest;
    if (this.s.disableAutoGc() || m.history.length === 0) return;
    for (const h of m.history) {
      this.d.log.notice(`Removing the history file ${h.name} in the background`);
      try {
        this.d.fs.unlink(this.inDir(h.name));
      } catch (e) {
        this.d.log.warning(`Failed to remove ${h.name}: ${(e as Error).message}`);
      }
    }
    const next = withoutHistory(m);
    if (this.persistManifest(next)) this.manifest = next;
  }

  // ---------------------------------------------------------------------------------------------
  // Loading

  /**
   * Prepares loading the AOF at start or for DEBUG LOADAOF (Redis's loadAppendOnlyFiles up to
   * startLoading). Returns the load to drive, or a final status ('not_exist', 'empty', 'failed').
   */
  beginLoad(target: AofReplayTarget): AofLoad | LoadStatus {
    const fs = this.d.fs;
    const fileName = this.s.fileName();
    const m = this.manifest;
    const oldFile = pathIn(this.s.dir(), fileName);
    if (fs.stat(oldFile) !== null) {
      const dirSt = fs.stat(this.dirPath());
      const baseOnly = m.base !== null && m.incr.length === 0;
      if (dirSt === null || (m.base === null && m.incr.length === 0) ||
          (baseOnly && m.base!.name === fileName && this.fileSize(fileName) === null)) {
        const err = this.upgrade();
        if (err !== null) return 'failed';
      }
    }
    const man = this.manifest;
    if (man.base === null && man.incr.length === 0) return 'not_exist';
    const files = filesToLoad(man);
    const sizes: number[] = [];
    for (const f of files) {
      const size = this.fileSize(f.name);
      if (size === null) {
        this.d.log.warning(`Unable to obtain the AOF file ${f.name} length. stat: No such file or directory`);
        return 'failed';
      }
      sizes.push(size);
    }
    if (sizes.reduce((a, b) => a + b, 0) === 0) return 'empty';
    const load = new AofLoad({
      fs, clock: this.d.clock, log: this.d.log, ks: this.d.ks, codec: this.d.codec, decodeLimits: this.d.decodeLimits(), target,
      dir: this.dirPath(), fileName, loadTruncated: this.s.loadTruncated(), isMaster: this.d.isMaster(),
    }, files, sizes, man.base !== null);
    this.loading = load;
    return load;
  }

  /** Bookkeeping after a load (successful or not). */
  endLoad(load: AofLoad): void {
    this.loading = null;
    if (load.status === 'ok' || load.status === 'truncated') {
      let total = 0;
      for (const f of filesToLoad(this.manifest)) total += this.fileSize(f.name) ?? 0;
      this.currentSize = total;
      this.rewriteBaseSize = load.baseSize;
      this.fsyncOffset = total;
    }
  }

  /** Moves a pre-7.0 `appendonly.aof` into the directory as base 1 (Redis's aofUpgradePrepare). */
  private upgrade(): string | null {
    const fileName = this.s.fileName();
    const log = this.d.log;
    try {
      this.d.fs.mkdir(this.dirPath());
    } catch (e) {
      log.warning(`Can't open or create append-only dir ${this.s.dirName()}: ${(e as Error).message}`);
      return 'mkdir';
    }
    const m = upgradedManifest(fileName);
    if (!this.persistManifest(m)) return 'manifest';
    try {
      this.d.fs.rename(pathIn(this.s.dir(), fileName), this.inDir(fileName));
    } catch (e) {
      log.warning(`Error trying to move the old AOF file ${fileName} into dir ${this.s.dirName()}: ${(e as Error).message}`);
      return 'rename';
    }
    this.manifest = m;
    log.notice(`Successfully migrated an old-style AOF file (${fileName}) into the AOF directory (${this.s.dirName()}).`);
    return null;
  }

  /**
   * After loading at start with appendonly yes (Redis's aofOpenIfNeededOnServerStart): a base is
   * written at once when there is no file at all, the last incr file is opened (or created) for
   * appending, and the manifest is saved. Returns false on failure (logged; Redis exits).
   */
  openOnServerStart(): boolean {
    const log = this.d.log;
    try {
      this.d.fs.mkdir(this.dirPath());
    } catch (e) {
      log.warning(`Can't open or create append-only dir ${this.s.dirName()}: ${(e as Error).message}`);
      return false;
    }
    let m = this.manifest;
    const hadIncr = m.incr.length > 0;
    if (m.base === null && !hadIncr) {
      m = withNewBase(m, this.s.fileName(), this.useRdbBase());
      if (!this.writeBaseNow(m.base!.name)) return false;
      log.notice(`Creating AOF base file ${m.base!.name} on server start`);
    }
    const last = withLastIncr(m, this.s.fileName());
    m = last.manifest;
    try {
      this.fd = this.d.fs.open(this.inDir(last.name), 'a');
    } catch (e) {
      log.warning(`Can't open the append-only file ${last.name}: ${(e as Error).message}`);
      return false;
    }
    if (m !== this.manifest || formatManifest(m) !== formatManifest(this.manifest) || this.fileSize(manifestName(this.s.fileName())) === null) {
      if (!this.persistManifest(m)) return false;
    }
    this.manifest = m;
    this.state = 'on';
    this.selectedDb = -1;
    this.lastIncrSize = this.fd.size();
    let total = 0;
    for (const f of filesToLoad(m)) total += this.fileSize(f.name) ?? 0;
    this.currentSize = total;
    this.fsyncOffset = total;
    if (this.rewriteBaseSize === 0 && m.base !== null) this.rewriteBaseSize = this.fileSize(m.base.name) ?? 0;
    this.lastFsyncSec = this.nowSec();
    log.notice(`${hadIncr ? 'Opening' : 'Creating'} AOF incr file ${last.name} on server start`);
    return true;
  }

  private useRdbBase(): boolean {
    return this.s.useRdbPreamble() && this.d.codec !== null;
  }

  private newEncoder(): ImageEncoder {
    if (this.useRdbBase()) return this.d.codec!.encoder(this.d.rdbOptions());
    return new AofCommandEncoder(this.s.timestamps() ? this.nowSec() : null);
  }

  /** Writes a base of the whole dataset at once (start with an empty dataset; Redis's rewriteAppendOnlyFile). */
  private writeBaseNow(baseName: string): boolean {
    const tmp = `temp-rewriteaof-${this.d.pid}-${this.d.tag}.aof`;
    const tmpPath = pathIn(this.s.dir(), tmp);
    let h: FileHandle;
    try {
      h = this.d.fs.open(tmpPath, 'w');
    } catch (e) {
      this.d.log.warning(`Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): ${(e as Error).message}`);
      return false;
    }
    try {
      const snap = new Snapshot(this.d.ks, this.newEncoder(), this.d.rdbAux(), this.d.clock.nowMs(), DEFAULT_SLICE_LIMITS);
      snap.attach({ write: (b) => h.write(b), ready: () => true, end: () => {}, fail: () => {} });
      snap.runToEnd();
      h.syncNow();
      h.close();
      this.d.fs.rename(tmpPath, this.inDir(baseName));
    } catch (e) {
      this.d.log.warning(`Write error writing append only file on disk: ${(e as Error).message}`);
      h.close();
      this.d.fs.unlink(tmpPath);
      return false;
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Rewrite

  private tempRewriteName(): string {
    return `temp-rewriteaof-bg-${this.d.pid}-${this.d.tag}.aof`;
  }

  /**
   * Starts a background rewrite (Redis's rewriteAppendOnlyFileBackground); null when started,
   * else the failure (already logged).
   */
  startRewrite(): string | null {
    if (this.rewrite !== null || this.d.otherJobActive()) return 'busy';
    const log = this.d.log;
    try {
      this.d.fs.mkdir(this.dirPath());
    } catch (e) {
      log.warning(`Can't open or create append-only dir ${this.s.dirName()}: ${(e as Error).message}`);
      this.lastBgrewriteOk = false;
      return 'mkdir';
    }
    this.selectedDb = -1;
    this.flush(true);
    if (!this.openNewIncr()) {
      this.lastBgrewriteOk = false;
      return 'incr';
    }
    this.rewrites++;
    const tempName = this.tempRewriteName();
    let handle: FileHandle;
    try {
      handle = this.d.fs.open(pathIn(this.s.dir(), tempName), 'w');
    } catch (e) {
      log.warning(`Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): ${(e as Error).message}`);
      this.lastBgrewriteOk = false;
      this.consecutiveFailures++;
      return 'open';
    }
    const snap = new Snapshot(this.d.ks, this.newEncoder(), this.d.rdbAux(), this.d.clock.nowMs(), DEFAULT_SLICE_LIMITS);
    const job: Rewrite = { snap, tempName, handle, startedAtMs: this.d.clock.nowMs() };
    const sink: SnapshotSink = {
      write: (chunk) => {
        try {
          handle.write(chunk);
        } catch (e) {
          snap.abort((e as Error).message);
        }
      },
      ready: () => true,
      end: () => {
        handle.sync().then(() => this.rewriteDone(job, null), (e: unknown) => this.rewriteDone(job, (e as Error).message));
      },
      fail: (reason) => this.rewriteDone(job, reason),
    };
    snap.attach(sink);
    this.rewrite = job;
    this.rewriteScheduled = false;
    log.notice(`Background append only file rewriting started by pid ${this.d.pid}`);
    this.d.runner.start(snap);
    return null;
  }

  /** Opens the incr file writes go to during a rewrite (Redis's openNewIncrAofForAppend). */
  private openNewIncr(): boolean {
    if (this.state === 'off') return true;
    const fileName = this.s.fileName();
    let next: AofManifest | null = null;
    let name: string;
    if (this.state === 'wait_rewrite') {
      name = tempIncrName(fileName);
    } else {
      next = withNewIncr(this.manifest, fileName);
      name = next.incr[next.incr.length - 1]!.name;
    }
    let fd: FileHandle;
    try {
      fd = this.d.fs.open(this.inDir(name), 'w');
    } catch (e) {
      this.d.log.warning(`Can't open the append-only file ${name}: ${(e as Error).message}`);
      return false;
    }
    if (next !== null && !this.persistManifest(next)) {
      fd.close();
      return false;
    }
    this.d.log.notice(`Creating AOF incr file ${name} on background rewrite`);
    if (this.fd !== null) {
      this.backgroundSync(this.fd, true);
      this.fsyncOffset = this.currentSize;
      this.lastFsyncSec = this.nowSec();
    }
    this.fd = fd;
    this.lastIncrSize = 0;
    if (next !== null) this.manifest = next;
    return true;
  }

  /** The rewrite's image is on disk (or failed): Redis's backgroundRewriteDoneHandler. */
  private rewriteDone(job: Rewrite, err: string | null): void {
    if (this.rewrite !== job) return;
    this.rewrite = null;
    const log = this.d.log;
    const tempPath = pathIn(this.s.dir(), job.tempName);
    job.handle.close();
    this.lastCowSize = job.snap.cowBytes;
    if (err !== null) {
      log.warning(`Write error writing append only file on disk: ${err}`);
      log.warning('Background AOF rewrite terminated with error');
      this.lastBgrewriteOk = false;
      this.consecutiveFailures++;
      this.afterRewrite(job, tempPath);
      return;
    }
    log.notice(`Successfully created the temporary AOF base file ${job.tempName}`);
    log.notice('Background AOF rewrite terminated with success');
    const fileName = this.s.fileName();
    let m = withNewBase(this.manifest, fileName, this.useRdbBase());
    const baseName = m.base!.name;
    try {
      this.d.fs.rename(tempPath, this.inDir(baseName));
    } catch (e) {
      log.warning(`Error trying to rename the temporary AOF base file ${job.tempName} into ${baseName}: ${(e as Error).message}`);
      this.lastBgrewriteOk = false;
      this.consecutiveFailures++;
      this.afterRewrite(job, tempPath);
      return;
    }
    log.notice(`Successfully renamed the temporary AOF base file ${job.tempName} into ${baseName}`);
    let newIncr: string | null = null;
    if (this.state === 'wait_rewrite') {
      const tmpIncr = tempIncrName(fileName);
      m = withNewIncr(m, fileName);
      newIncr = m.incr[m.incr.length - 1]!.name;
      try {
        this.d.fs.rename(this.inDir(tmpIncr), this.inDir(newIncr));
      } catch (e) {
        log.warning(`Error trying to rename the temporary AOF incr file ${tmpIncr} into ${newIncr}: ${(e as Error).message}`);
        this.d.fs.unlink(this.inDir(baseName));
        this.lastBgrewriteOk = false;
        this.consecutiveFailures++;
        this.afterRewrite(job, tempPath);
        return;
      }
      log.notice(`Successfully renamed the temporary AOF incr file ${tmpIncr} into ${newIncr}`);
    }
    m = withIncrAsHistory(m, this.fd !== null);
    if (!this.persistManifest(m)) {
      this.d.fs.unlink(this.inDir(baseName));
      if (newIncr !== null) this.d.fs.unlink(this.inDir(newIncr));
      this.lastBgrewriteOk = false;
      this.consecutiveFailures++;
      this.afterRewrite(job, tempPath);
      return;
    }
    this.manifest = m;
    if (this.fd !== null) {
      this.selectedDb = -1;
      this.currentSize = (this.fileSize(baseName) ?? 0) + this.lastIncrSize;
      this.rewriteBaseSize = this.currentSize;
      this.fsyncOffset = this.currentSize;
      this.lastFsyncSec = this.nowSec();
    }
    this.deleteHistory();
    this.lastBgrewriteOk = true;
    this.consecutiveFailures = 0;
    log.notice('Background AOF rewrite finished successfully');
    if (this.state === 'wait_rewrite') this.state = 'on';
    this.afterRewrite(job, tempPath);
  }

  private afterRewrite(job: Rewrite, tempPath: string): void {
    this.d.fs.unlink(tempPath);
    if (this.state === 'wait_rewrite') {
      // The rewrite that was to turn AOF on failed: drop what was collected and try again.
      this.buf = [];
      this.bufLen = 0;
      const tmp = tempIncrName(this.s.fileName());
      this.d.log.notice(`Removing the temp incr aof file ${tmp} in the background`);
      this.d.fs.unlink(this.inDir(tmp));
      this.rewriteScheduled = true;
    }
    this.lastRewriteTimeSec = Math.floor((this.d.clock.nowMs() - job.startedAtMs) / 1000);
  }

  /** Stops a running rewrite (Redis's killAppendOnlyChild). */
  killRewrite(): void {
    const job = this.rewrite;
    if (job === null) return;
    this.d.log.notice(`Killing running AOF rewrite child: ${this.d.pid}`);
    this.rewrite = null;
    job.snap.abort('killed');
    job.handle.close();
    this.d.fs.unlink(pathIn(this.s.dir(), job.tempName));
  }

  /** Seconds the running rewrite has taken (aof_current_rewrite_time_sec), or -1. */
  currentRewriteSeconds(): number {
    const r = this.rewrite;
    return r === null ? -1 : Math.floor((this.d.clock.nowMs() - r.startedAtMs) / 1000);
  }

  /** Redis's aofRewriteLimited: after 3 failures in a row, automatic rewrites back off. */
  private rewriteLimited(): boolean {
    if (this.consecutiveFailures < LIMIT_THRESHOLD) {
      this.limitDelayMinutes = 0;
      this.limitUntilSec = 0;
      return false;
    }
    const now = this.nowSec();
    if (this.limitUntilSec !== 0) {
      if (now < this.limitUntilSec) return true;
      this.limitUntilSec = 0;
      return false;
    }
    this.limitDelayMinutes = Math.min(LIMIT_MAX_MINUTES, this.limitDelayMinutes === 0 ? 1 : this.limitDelayMinutes * 2);
    this.limitUntilSec = now + this.limitDelayMinutes * 60;
    this.d.log.warning(`Background AOF rewrite has repeatedly failed and triggered the limit, will retry in ${this.limitDelayMinutes} minutes`);
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Cron, on/off

  /** serverCron's AOF share. */
  cron(): void {
    if (this.loading !== null) return;
    if (this.rewrite === null && !this.d.otherJobActive() && this.rewriteScheduled && !this.rewriteLimited()) {
      this.startRewrite();
    }
    const perc = this.s.rewritePercentage();
    if (this.state === 'on' && this.rewrite === null && !this.d.otherJobActive() && perc !== 0 &&
        this.currentSize > this.s.rewriteMinSize()) {
      const base = this.rewriteBaseSize !== 0 ? this.rewriteBaseSize : 1;
      const growth = Math.floor((this.currentSize * 100) / base) - 100;
      if (growth >= perc && !this.rewriteLimited()) {
        this.d.log.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
        this.startRewrite();
      }
    }
    if (this.state !== 'off') {
      if (this.flushPostponedSinceSec !== 0 || !this.lastWriteOk) this.flush(false);
      else if (this.bufLen === 0) this.flush(false);
    }
  }

  /** CONFIG SET appendonly yes (Redis's startAppendOnly); false when it could not start. */
  start(inTransaction: boolean): boolean {
    const log = this.d.log;
    this.state = 'wait_rewrite';
    if (this.d.otherJobActive()) {
      this.rewriteScheduled = true;
      log.warning('AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.');
    } else if (inTransaction) {
      this.rewriteScheduled = true;
      log.warning('AOF was enabled during a transaction. An AOF background was scheduled to start when possible.');
    } else {
      if (this.rewrite !== null) {
        log.warning('AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF and starting a rewrite now.');
        this.killRewrite();
      }
      if (this.startRewrite() !== null) {
        this.state = 'off';
        log.warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.");
        return false;
      }
    }
    this.lastFsyncSec = this.nowSec();
    if (!this.bioFsyncOk) {
      log.warning('AOF reopen, just ignore the AOF fsync error in bio job');
      this.bioFsyncOk = true;
    }
    if (!this.lastWriteOk) {
      log.warning('AOF reopen, just ignore the last error.');
      this.lastWriteOk = true;
    }
    return true;
  }

  /** CONFIG SET appendonly no (Redis's stopAppendOnly). */
  stop(): void {
    this.flush(true);
    const fd = this.fd;
    if (fd !== null) {
      try {
        fd.syncNow();
        this.fsyncOffset = this.currentSize;
        this.lastFsyncSec = this.nowSec();
      } catch (e) {
        this.d.log.warning(`Fail to fsync the AOF file: ${(e as Error).message}`);
      }
      fd.close();
    }
    this.fd = null;
    this.selectedDb = -1;
    this.state = 'off';
    this.rewriteScheduled = false;
    this.lastIncrSize = 0;
    this.killRewrite();
    this.buf = [];
    this.bufLen = 0;
  }

  /**
   * The AOF share of a shutdown (Redis's prepareForShutdown): a running rewrite is stopped, unless
   * it is the one writing the initial AOF (refused without `force`); then the buffer is written
   * and fsynced. False when the shutdown must be refused.
   */
  prepareShutdown(force: boolean): boolean {
    const log = this.d.log;
    if (this.rewrite !== null) {
      if (this.state === 'wait_rewrite') {
        if (!force) {
          log.warning("Writing initial AOF, can't exit.");
          return false;
        }
        log.warning('Writing initial AOF. Exit anyway.');
      }
      log.warning('There is a child rewriting the AOF. Killing it!');
      this.killRewrite();
    }
    if (this.state !== 'off' && this.fd !== null) {
      log.notice('Calling fsync() on the AOF file.');
      this.flush(true);
      try {
        this.fd.syncNow();
      } catch (e) {
        log.warning(`Fail to fsync the AOF file: ${(e as Error).message}.`);
      }
    }
    return true;
  }

  /**
   * Releases the files when the node is closed (the library's close). `orderly` false is what a
   * crash leaves: the buffer is dropped, a running rewrite stops where it is (its temporary file
   * stays), nothing is fsynced.
   */
  close(orderly: boolean): void {
    if (orderly) this.flush(true);
    this.buf = [];
    this.bufLen = 0;
    this.flushSoon?.();
    this.flushSoon = null;
    const job = this.rewrite;
    if (job !== null) {
      this.rewrite = null;
      job.snap.abort('closed');
      job.handle.close();
      if (orderly) this.d.fs.unlink(pathIn(this.s.dir(), job.tempName));
    }
    this.fd?.close();
    this.fd = null;
    this.state = 'off';
  }

  /** DEBUG LOADAOF's preparation: reread the manifest and drop history files. */
  reloadManifest(): string[] | null {
    const err = this.loadManifestFromDisk();
    if (err === null) this.deleteHistory();
    return err;
  }
}
