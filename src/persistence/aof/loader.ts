/**
 * Loading the AOF files a manifest lists (Redis 7.0's loadAppendOnlyFiles and
 * loadSingleAppendOnlyFile), in bounded slices so the server can answer -LOADING meanwhile.
 *
 * Base first, then the incr files in order. A file that starts with "REDIS" is an RDB image (an
 * RDB base, or a pre-7.0 file with an RDB preamble): it goes through the RDB codec, then any
 * commands after the image are replayed. Commands are replayed through `AofReplayTarget` (the
 * server's command table with a fake client: no replies, no propagation); MULTI ... EXEC is
 * collected here and run at EXEC, as Redis queues it on its fake client.
 *
 * Verdicts and log lines are Redis's: a truncated last file is cut back to its last complete
 * command when aof-load-truncated is yes (an unfinished MULTI counts as truncated there); a
 * truncated file that is not the last one, a format error, an unknown command or a bad RDB image
 * fail the load (the server refuses to start).
 */
import type { Keyspace } from '../../keyspace/keyspace.js';
import type { Clock, FileSystem } from '../../runtime/ports.js';
import type { DecodeLimits, RdbCodec } from '../codec.js';
import type { PersistenceLog } from '../rdb-file.js';
import { pathIn } from '../rdb-file.js';
import { DatasetLoad } from '../rdb-load.js';
import { AofCommandReader } from './command-reader.js';
import type { AofFileInfo } from './manifest.js';

export type LoadStatus = 'ok' | 'truncated' | 'empty' | 'not_exist' | 'open_err' | 'failed';

export interface AofReplayTarget {
  /** True when the command table knows argv[0]. */
  knows(name: string): boolean;
  /** Runs one command as the AOF client (replies dropped, nothing propagated). */
  run(argv: string[]): void;
}

export interface AofLoaderDeps {
  fs: FileSystem;
  clock: Clock;
  log: PersistenceLog;
  ks: Keyspace;
  /** The RDB codec for RDB bases and preambles (null: such files cannot be loaded). */
  codec: RdbCodec | null;
  /** Encodings loaded collections are packed by (the server's *-max-listpack-* settings). */
  decodeLimits: DecodeLimits;
  target: AofReplayTarget;
  /** The AOF directory and `appendfilename` (a base with that exact name is a pre-7.0 file). */
  dir: string;
  fileName: string;
  loadTruncated: boolean;
  isMaster: boolean;
}

/** Commands replayed per slice (Redis serves clients every 1024 commands). */
const COMMANDS_PER_SLICE = 1024;

interface FileState {
  info: AofFileInfo;
  kind: 'base' | 'incr';
  last: boolean;
  bytes: Buffer;
  path: string;
  startUs: number;
  rdb: DatasetLoad | null;
  reader: AofCommandReader | null;
  multi: string[][] | null;
  validUpTo: number;
  validBeforeMulti: number;
}

/** Loads a list of files (base then incrs) step by step. */
export class AofLoad {
  status: LoadStatus = 'ok';
  done = false;
  /** Sum of the files' sizes (loading_total_bytes) and bytes processed so far. */
  readonly totalBytes: number;
  private loadedBefore = 0;
  private index = 0;
  private cur: FileState | null = null;
  readonly startedAtMs: number;
  private readonly startUs: number;
  /** Size of the base file (aof_rewrite_base_size after a load). */
  baseSize = 0;

  constructor(private readonly d: AofLoaderDeps, private readonly files: readonly AofFileInfo[], sizes: readonly number[], readonly baseIsFirst: boolean) {
    this.totalBytes = sizes.reduce((a, b) => a + b, 0);
    this.startedAtMs = d.clock.nowMs();
    this.startUs = d.clock.monotonicUs();
    if (baseIsFirst) this.baseSize = sizes[0] ?? 0;
  }

  loadedBytes(): number {
    const c = this.cur;
    if (c === null) return this.loadedBefore;
    const pos = c.reader !== null ? c.reader.position() : c.rdb !== null ? c.rdb.loadedBytes() : 0;
    return this.loadedBefore + pos;
  }

  elapsedSeconds(): number {
    return (this.d.clock.monotonicUs() - this.startUs) / 1e6;
  }

  /** One slice; true when finished (see `status`). */
  step(): boolean {
    if (this.done) return true;
    if (this.cur === null) {
      if (this.index >= this.files.length) return this.finish('ok');
      const r = this.open(this.index);
      if (r !== null) {
        if (r === 'empty') {
          this.index++;
          return false;
        }
        return this.finish(r);
      }
    }
    const c = this.cur!;
    const r = this.advance(c);
    if (r === null) return false;
    return this.fileDone(c, r);
  }

  private finish(status: LoadStatus): boolean {
    this.status = status;
    this.done = true;
    this.cur = null;
    return true;
  }

  /** Opens file `i`; returns a terminal status, 'empty', or null when ready. */
  private open(i: number): LoadStatus | null {
    const info = this.files[i]!;
    const path = pathIn(this.d.dir, info.name);
    const log = this.d.log;
    let bytes: Buffer | null;
    try {
      bytes = this.d.fs.readFile(path);
    } catch (e) {
      log.warning(`Fatal error: can't open the append log file ${info.name} for reading: ${(e as Error).message}`);
      return 'open_err';
    }
    if (bytes === null) {
      log.warning(`The append log file ${info.name} doesn't exist: No such file or directory`);
      return 'failed';
    }
    const kind = this.baseIsFirst && i === 0 ? 'base' : 'incr';
    if (bytes.length === 0) {
      // An empty file is skipped without a line (Redis's AOF_EMPTY).
      return 'empty';
    }
    const st: FileState = {
      info, kind, last: i === this.files.length - 1, bytes, path, startUs: this.d.clock.monotonicUs(),
      rdb: null, reader: null, multi: null, validUpTo: 0, validBeforeMulti: 0,
    };
    if (bytes.length >= 5 && bytes.toString('latin1', 0, 5) === 'REDIS') {
      const oldStyle = info.name === this.d.fileName;
      log.notice(oldStyle ? 'Reading RDB preamble from AOF file...' : 'Reading RDB base file on AOF loading...');
      if (this.d.codec === null) {
        log.warning(oldStyle
          ? `Error reading the RDB preamble of the AOF file ${info.name}, AOF loading aborted`
          : `Error reading the RDB base file ${info.name}, AOF loading aborted`);
        log.warning('Garrison was built without the RDB codec: RDB-format AOF files cannot be loaded');
        return 'failed';
      }
      try {
        st.rdb = new DatasetLoad(this.d.ks, this.d.codec.decoder(bytes, this.d.decodeLimits), bytes.length, this.d.clock.nowMs(), {
          isMaster: this.d.isMaster, log, nowMs: () => this.d.clock.nowMs(),
        });
      } catch (e) {
        log.warning((e as Error).message);
        log.warning(oldStyle
          ? `Error reading the RDB preamble of the AOF file ${info.name}, AOF loading aborted`
          : `Error reading the RDB base file ${info.name}, AOF loading aborted`);
        return 'failed';
      }
    } else {
      st.reader = new AofCommandReader(bytes);
    }
    this.cur = st;
    return null;
  }

  /** Works on the current file; null while not finished, else that file's status. */
  private advance(c: FileState): LoadStatus | null {
    const log = this.d.log;
    if (c.rdb !== null) {
      let finished: boolean;
      try {
        finished = c.rdb.step();
      } catch (e) {
        log.warning((e as Error).message);
        log.warning(c.info.name === this.d.fileName
          ? `Error reading the RDB preamble of the AOF file ${c.info.name}, AOF loading aborted`
          : `Error reading the RDB base file ${c.info.name}, AOF loading aborted`);
        return 'failed';
      }
      if (!finished) return null;
      const pos = c.rdb.loadedBytes();
      c.rdb = null;
      c.reader = new AofCommandReader(c.bytes, pos);
      c.validUpTo = pos;
      if (c.info.name === this.d.fileName) log.notice('Reading the remaining AOF tail...');
      return null;
    }
    const reader = c.reader!;
    const target = this.d.target;
    for (let n = 0; n < COMMANDS_PER_SLICE; n++) {
      const r = reader.next();
      if (r.kind === 'eof') {
        if (c.multi !== null) {
          log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${c.info.name}`);
          c.validUpTo = c.validBeforeMulti;
          return this.unexpectedEof(c);
        }
        return 'ok';
      }
      if (r.kind === 'truncated') return this.unexpectedEof(c);
      if (r.kind === 'format') {
        log.warning(`Bad file format reading the append only file ${c.info.name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`);
        return 'failed';
      }
      const argv = r.argv;
      const name = argv[0]!;
      if (!target.knows(name)) {
        log.warning(`Unknown command '${name}' reading the append only file ${c.info.name}`);
        return 'failed';
      }
      const lower = name.toLowerCase();
      if (lower === 'multi') {
        c.validBeforeMulti = c.validUpTo;
        c.multi = [];
      } else if (lower === 'exec' && c.multi !== null) {
        const queued = c.multi;
        c.multi = null;
        for (const q of queued) target.run(q);
      } else if (c.multi !== null) {
        c.multi.push(argv);
      } else {
        target.run(argv);
      }
      if (this.d.loadTruncated) c.validUpTo = r.end;
    }
    return null;
  }

  /** A file ended inside a command (Redis's uxeof). */
  private unexpectedEof(c: FileState): LoadStatus {
    const log = this.d.log;
    const name = c.info.name;
    if (this.d.loadTruncated) {
      log.warning(`!!! Warning: short read while loading the AOF file ${name}!!!`);
      log.warning(`!!! Truncating the AOF ${name} at offset ${c.validUpTo} !!!`);
      try {
        const h = this.d.fs.open(c.path, 'w');
        h.write(c.bytes.subarray(0, c.validUpTo));
        h.close();
        log.warning(`AOF ${name} loaded anyway because aof-load-truncated is enabled`);
        return 'truncated';
      } catch (e) {
        log.warning(`Error truncating the AOF file ${name}: ${(e as Error).message}`);
      }
    }
    log.warning(`Unexpected end of file reading the append only file ${name}. You can: ` +
      '1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. ' +
      "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.");
    return 'failed';
  }

  private fileDone(c: FileState, r: LoadStatus): boolean {
    const log = this.d.log;
    this.loadedBefore += c.bytes.length;
    this.cur = null;
    this.index++;
    if (r === 'ok' || (r === 'truncated' && c.last)) {
      const secs = ((this.d.clock.monotonicUs() - c.startUs) / 1e6).toFixed(3);
      log.notice(`DB loaded from ${c.kind} file ${c.info.name}: ${secs} seconds`);
    }
    if (r === 'truncated' && !c.last) {
      log.warning('Fatal error: the truncated file is not the last file');
      return this.finish('failed');
    }
    if (r === 'failed' || r === 'open_err') return this.finish(r);
    if (r === 'truncated') this.status = 'truncated';
    if (this.index >= this.files.length) return this.finish(this.status);
    return false;
  }
}
