/**
 * An in-memory disk per simulated host, and the FileSystem port a node process sees over it.
 *
 * Durability model (kept deliberately simple; docs/architecture.md, Simulator):
 * - File contents are durable up to what the last completed `FileHandle.sync()` covered (the
 *   bytes written through any handle before sync was called). A crash keeps, for each file, its
 *   durable bytes; with `tornWrites` it also keeps a random prefix of the unsynced tail.
 * - Namespace operations (create, open 'w' truncation, rename, unlink, mkdir) are atomic and
 *   durable at once, like a journaled file system with synchronous metadata. So a file renamed
 *   into place without being synced comes back after a crash with only its synced bytes (maybe
 *   none): the classic rename-without-fsync hazard is visible, directory fsync is not modelled.
 * - `open(path, 'w')` gives the path a new, empty inode; handles still open on the old one keep
 *   writing to it (it is no longer reachable).
 * - sync() completes after `syncLatencyMs` of virtual time, as an event of the node's process
 *   (a crash before it completes loses the bytes).
 */
import { posix } from 'node:path';
import type { SeededRandom } from '../lib/prng.js';
import type { FileHandle, FileStat, FileSystem } from '../runtime/ports.js';
import type { EventLoop, SimProcess } from './event-loop.js';
import type { Trace } from './trace.js';

class Inode {
  /** Backing store; bytes [0, len) are the file. Only ever appended to, so subarrays stay valid. */
  buf = Buffer.alloc(0);
  len = 0;
  /** Durable prefix length. */
  syncedLen = 0;
  mtimeMs = 0;

  append(data: Buffer): void {
    if (this.len + data.length > this.buf.length) {
      const next = Buffer.alloc(Math.max(64, this.buf.length * 2, this.len + data.length));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    data.copy(this.buf, this.len);
    this.len += data.length;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

export interface DiskOptions {
  syncLatencyMs: number;
  /** On crash, keep a random prefix of each file's unsynced tail. */
  tornWrites: boolean;
}

export const DEFAULT_DISK: DiskOptions = { syncLatencyMs: 1, tornWrites: false };

function fsError(code: string, message: string, path: string): Error {
  return Object.assign(new Error(`${message}, '${path}'`), { code });
}

/** The disk of one host: it outlives the processes that use it. */
export class SimDisk {
  private readonly files = new Map<string, Inode>();
  private readonly dirs = new Set<string>(['/']);

  constructor(
    readonly hostName: string,
    private readonly loop: EventLoop,
    private readonly rng: SeededRandom,
    private readonly trace: Trace,
    readonly opts: DiskOptions,
    private readonly wallMs: () => number,
  ) {}

  /** What a crash leaves: synced bytes of every file (plus a torn tail when enabled). */
  crash(): void {
    for (const [path, f] of [...this.files].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      let keep = f.syncedLen;
      if (this.opts.tornWrites && f.len > keep) keep += this.rng.int(f.len - keep + 1);
      if (keep !== f.len) this.trace.add(`disk ${this.hostName} crash ${path}: ${f.len}B -> ${keep}B`);
      const n = new Inode();
      n.append(f.buf.subarray(0, keep));
      n.syncedLen = keep;
      n.mtimeMs = f.mtimeMs;
      this.files.set(path, n);
    }
  }

  /** Creates or replaces a file (and its directories), durable at once: set-up before a node starts. */
  put(path: string, text: string): void {
    const p = posix.resolve('/', path);
    for (let d = posix.dirname(p); !this.dirs.has(d); d = posix.dirname(d)) this.dirs.add(d);
    const f = new Inode();
    f.append(Buffer.from(text, 'utf8'));
    f.syncedLen = f.len;
    f.mtimeMs = this.wallMs();
    this.files.set(p, f);
  }

  /** Visible contents of a file (for checks), or null. */
  peek(path: string): Buffer | null {
    const f = this.files.get(posix.resolve('/', path));
    return f === undefined ? null : Buffer.from(f.bytes());
  }

  /** The FileSystem port for one process on this host, relative to `cwd`. */
  view(proc: SimProcess, cwd: () => string): FileSystem {
    const abs = (p: string): string => posix.resolve(cwd(), p);
    const parentOk = (p: string): void => {
      if (!this.dirs.has(posix.dirname(p))) throw fsError('ENOENT', 'ENOENT: no such file or directory', p);
    };
    return {
      readFile: (path) => {
        const f = this.files.get(abs(path));
        return f === undefined ? null : Buffer.from(f.bytes());
      },
      open: (path, mode) => {
        const p = abs(path);
        parentOk(p);
        if (this.dirs.has(p)) throw fsError('EISDIR', 'EISDIR: illegal operation on a directory', p);
        let f = this.files.get(p);
        if (f === undefined || mode === 'w') {
          f = new Inode();
          f.mtimeMs = this.wallMs();
          this.files.set(p, f);
        }
        return this.handle(proc, p, f, mode === 'a' ? f.len : 0);
      },
      rename: (from, to) => {
        const a = abs(from);
        const b = abs(to);
        const f = this.files.get(a);
        if (f === undefined) throw fsError('ENOENT', 'ENOENT: no such file or directory', a);
        parentOk(b);
        this.files.delete(a);
        this.files.set(b, f);
        this.trace.add(`disk ${this.hostName} rename ${a} -> ${b}`);
      },
      unlink: (path) => {
        this.files.delete(abs(path));
      },
      stat: (path): FileStat | null => {
        const p = abs(path);
        if (this.dirs.has(p)) return { size: 0, mtimeMs: 0, isDirectory: true };
        const f = this.files.get(p);
        return f === undefined ? null : { size: f.len, mtimeMs: f.mtimeMs, isDirectory: false };
      },
      mkdir: (path) => {
        let p = abs(path);
        while (!this.dirs.has(p)) {
          this.dirs.add(p);
          p = posix.dirname(p);
        }
      },
      readdir: (path) => {
        const p = abs(path);
        const out = new Set<string>();
        for (const name of [...this.files.keys(), ...this.dirs]) {
          if (name !== p && posix.dirname(name) === p) out.add(posix.basename(name));
        }
        return [...out].sort();
      },
    };
  }

  private handle(proc: SimProcess, path: string, f: Inode, startSize: number): FileHandle {
    let written = 0;
    let open = true;
    return {
      write: (data) => {
        if (!open) throw fsError('EBADF', 'EBADF: bad file descriptor', path);
        if (!proc.alive) return;
        f.append(data);
        f.mtimeMs = this.wallMs();
        written += data.length;
      },
      size: () => startSize + written,
      // A blocking fsync: durable at once (the simulated process does not advance while it runs).
      syncNow: () => {
        if (f.len > f.syncedLen) f.syncedLen = f.len;
      },
      sync: () => {
        const upTo = f.len;
        return new Promise<void>((resolve) => {
          this.loop.after(Math.round(this.opts.syncLatencyMs * 1000), proc, () => {
            if (upTo > f.syncedLen) f.syncedLen = upTo;
            resolve();
          });
        });
      },
      close: () => {
        open = false;
      },
    };
  }
}
