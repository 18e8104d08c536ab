/**
 * Writing one RDB image to disk the way Redis's rdbSave does: into a temporary file in the
 * server's directory, fsync, then rename over `dbfilename`, so a failed save never replaces the
 * good file (the temporary file is removed instead). Errors are logged with Redis's wording.
 *
 * The temporary name is `temp-<pid>-<tag>.rdb`: Redis uses `temp-<pid>.rdb` with the pid of the
 * process that writes (the forked child for BGSAVE); Garrison writes from its own process, where
 * several servers may share a directory, so a per-server tag is added.
 */
import type { Keyspace } from '../keyspace/keyspace.js';
import type { Clock, FileHandle, FileSystem, Scheduler } from '../runtime/ports.js';
import type { SnapshotSink } from './snapshot.js';

export interface PersistenceLog {
  notice(msg: string): void;
  warning(msg: string): void;
  verbose(msg: string): void;
}

/**
 * What every persistence module (RDB saves and loads, the AOF) takes from its node: the keyspace,
 * the clock, scheduler and files, and how to name its temporary files and log.
 */
export interface NodeFacilities {
  ks: Keyspace;
  clock: Clock;
  scheduler: Scheduler;
  fs: FileSystem;
  pid: number;
  /** Distinguishes this node's temporary files from other nodes' in the same directory. */
  tag: string;
  log: PersistenceLog;
}

/** `dir` joined with a file name ('' means the working directory). */
export function pathIn(dir: string, name: string): string {
  if (dir === '' || dir === '.') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A SnapshotSink that writes the image to `tempName` and, when the image is complete, fsyncs and
 * renames it to `fileName`. `done` gets null or the error text, once.
 */
export class RdbFileSink implements SnapshotSink {
  private handle: FileHandle | null = null;
  private finished = false;
  /** Set by the owner: stops the snapshot when a write fails. */
  abortSnapshot: (reason: string) => void = () => {};

  constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
    private readonly tempName: string,
    private readonly fileName: string,
    private readonly log: PersistenceLog,
    private readonly done: (err: string | null) => void,
  ) {}

  /** Opens the temporary file; returns the error text (already logged) on failure. */
  open(): string | null {
    try {
      this.handle = this.fs.open(pathIn(this.dir, this.tempName), 'w');
      return null;
    } catch (e) {
      const why = reasonOf(e);
      this.log.warning(`Failed opening the temp RDB file ${this.tempName} (in server root dir ${this.dir === '' ? '.' : this.dir}) for saving: ${why}`);
      return why;
    }
  }

  write(chunk: Buffer): void {
    if (this.finished) return;
    if (this.handle === null) {
      // Opened by the first write (a background save learns of a bad directory as Redis's child
      // does: after "Background saving started").
      const err = this.open();
      if (err !== null) {
        this.abortSnapshot(err);
        return;
      }
    }
    try {
      this.handle!.write(chunk);
    } catch (e) {
      const why = reasonOf(e);
      this.log.warning(`Write error saving DB on disk: ${why}`);
      this.abortSnapshot(why);
    }
  }

  ready(): boolean {
    return true;
  }

  end(): void {
    if (this.finished || this.handle === null) return;
    const h = this.handle;
    h.sync().then(() => this.commit(), (e: unknown) => {
      const why = reasonOf(e);
      this.log.warning(`Write error saving DB on disk: ${why}`);
      this.fail(why);
    });
  }

  fail(reason: string): void {
    if (this.finished) return;
    this.finished = true;
    this.closeQuietly();
    try {
      this.fs.unlink(pathIn(this.dir, this.tempName));
    } catch { /* the temporary file may not exist */ }
    this.done(reason);
  }

  private commit(): void {
    if (this.finished) return;
    try {
      this.handle!.close();
      this.handle = null;
      this.fs.rename(pathIn(this.dir, this.tempName), pathIn(this.dir, this.fileName));
    } catch (e) {
      const why = reasonOf(e);
      this.log.warning(`Error moving temp DB file ${this.tempName} on the final destination ${this.fileName} (in server root dir ${this.dir === '' ? '.' : this.dir}): ${why}`);
      this.fail(why);
      return;
    }
    this.finished = true;
    this.done(null);
  }

  private closeQuietly(): void {
    const h = this.handle;
    this.handle = null;
    try {
      h?.close();
    } catch { /* already failing */ }
  }
}
