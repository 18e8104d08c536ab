/**
 * Test doubles for the persistence unit tests: an in-memory FileSystem that can be told to fail
 * (open, write, fsync, rename), a hand-cranked Scheduler and Clock, and a codec that records
 * entries instead of RDB bytes (values travel through a registry of clones, so in-place edits
 * after encoding cannot leak into the image). Not used by production code.
 */
import type { CollectionValue, Value } from '../../src/keyspace/value.js';
import type { Int64 } from '../../src/lib/int64.js';
import type { Clock, FileHandle, FileStat, FileSystem, Scheduler } from '../../src/runtime/ports.js';
import type { ImageDecoder, ImageItem, RdbCodec } from '../../src/persistence/codec.js';
import type { ImageEncoder } from '../../src/persistence/snapshot.js';

function errno(code: string, text: string): Error {
  const e = new Error(text) as Error & { code: string };
  e.code = code;
  return e;
}

export class MemoryFileSystem implements FileSystem {
  readonly files = new Map<string, Buffer>();
  failOpen: string | null = null;
  failWrite = false;
  failSync = false;
  renames = 0;

  readFile(path: string): Buffer | null {
    return this.files.get(path) ?? null;
  }
  open(path: string, mode: 'w' | 'a'): FileHandle {
    if (this.failOpen !== null && path.startsWith(this.failOpen)) throw errno('ENOENT', 'No such file or directory');
    if (mode === 'w' || !this.files.has(path)) this.files.set(path, Buffer.alloc(0));
    const fs = this;
    let size = this.files.get(path)!.length;
    return {
      write(data: Buffer): void {
        if (fs.failWrite) throw errno('ENOSPC', 'No space left on device');
        fs.files.set(path, Buffer.concat([fs.files.get(path) ?? Buffer.alloc(0), data]));
        size += data.length;
      },
      size: () => size,
      sync: () => (fs.failSync ? Promise.reject(errno('EIO', 'Input/output error')) : Promise.resolve()),
      syncNow: () => {
        if (fs.failSync) throw errno('EIO', 'Input/output error');
      },
      close: () => {},
    };
  }
  rename(from: string, to: string): void {
    const b = this.files.get(from);
    if (b === undefined) throw errno('ENOENT', 'No such file or directory');
    this.files.delete(from);
    this.files.set(to, b);
    this.renames++;
  }
  unlink(path: string): void {
    this.files.delete(path);
  }
  stat(path: string): FileStat | null {
    const b = this.files.get(path);
    return b === undefined ? null : { size: b.length, mtimeMs: 0, isDirectory: false };
  }
  mkdir(): void {}
  readdir(): string[] {
    return [...this.files.keys()].sort();
  }
}

/** A clock and scheduler moved by hand: `runSoon()` runs what `soon()` queued. */
export class ManualTime implements Clock, Scheduler {
  ms = 1_000_000;
  /** Each monotonic reading moves time on by this much (work takes time), in microseconds. */
  stepUs = 500;
  private extraUs = 0;
  private queue: Array<() => void> = [];
  nowMs(): number { return this.ms; }
  monotonicUs(): number {
    this.extraUs += this.stepUs;
    return this.ms * 1000 + this.extraUs;
  }
  nowUs(): number { return this.ms * 1000; }
  every(): () => void { return () => {}; }
  soon(fn: () => void): () => void {
    let live = true;
    this.queue.push(() => { if (live) fn(); });
    return () => { live = false; };
  }
  after(_ms: number, fn: () => void): () => void {
    return this.soon(fn);
  }
  /** Runs queued callbacks (and those they queue) until none is left or `max` ran. */
  runSoon(max = 100_000): number {
    let n = 0;
    while (this.queue.length !== 0 && n < max) {
      const q = this.queue;
      this.queue = [];
      for (const f of q) { f(); n++; }
    }
    return n;
  }
  /** Runs one round of queued callbacks. */
  runOnce(): void {
    const q = this.queue;
    this.queue = [];
    for (const f of q) f();
  }
}

/** A codec whose "bytes" are JSON lines; collection values are cloned into a registry. */
export class RecordingCodec implements RdbCodec {
  private readonly values: CollectionValue[] = [];

  encoder(): ImageEncoder {
    let out: string[] = [];
    const lines = (o: unknown): void => { out.push(`${JSON.stringify(o)}\n`); };
    const entryLine = (key: string, value: Value, expireMs: Int64 | null): string => {
      const v = typeof value === 'string' ? { s: value } : { ref: this.values.push(value.clone()) - 1 };
      return `${JSON.stringify({ k: 'e', key, v, x: expireMs === null ? null : String(expireMs) })}\n`;
    };
    return {
      header: (aux) => lines({ k: 'aux', aux }),
      selectDb: (id) => lines({ k: 'db', id }),
      entry: (key: string, value: Value, expireMs: Int64 | null) => { out.push(entryLine(key, value, expireMs)); },
      entryBytes: (key: string, value: Value, expireMs: Int64 | null) => Buffer.from(entryLine(key, value, expireMs), 'latin1'),
      raw: (bytes: Buffer) => { out.push(bytes.toString('latin1')); },
      end: () => lines({ k: 'end' }),
      pendingLength: () => out.reduce((n, l) => n + l.length, 0),
      take: () => {
        const b = Buffer.from(out.join(''), 'latin1');
        out = [];
        return b;
      },
    };
  }

  decoder(bytes: Buffer): ImageDecoder {
    const text = bytes.toString('latin1');
    let pos = 0;
    let db = 0;
    const pending: ImageItem[] = [];
    const values = this.values;
    return {
      position: () => pos,
      next(): ImageItem {
        for (;;) {
          const p = pending.shift();
          if (p !== undefined) return p;
          const nl = text.indexOf('\n', pos);
          if (nl < 0) throw new Error('Unexpected EOF reading RDB file');
          const line = text.slice(pos, nl);
          pos = nl + 1;
          let o: { k: string; [f: string]: unknown };
          try {
            o = JSON.parse(line) as typeof o;
          } catch {
            throw new Error('Bad line in the test image');
          }
          if (o.k === 'aux') {
            for (const [key, value] of o.aux as Array<[string, string]>) pending.push({ kind: 'aux', key, value });
          } else if (o.k === 'db') {
            db = o.id as number;
            pending.push({ kind: 'select-db', db });
          } else if (o.k === 'e') {
            const v = o.v as { s?: string; ref?: number };
            const value = v.s !== undefined ? v.s : values[v.ref!]!.clone();
            pending.push({ kind: 'entry', db, key: o.key as string, value, expireMs: o.x === null ? null : Number(o.x) });
          } else {
            return { kind: 'end' };
          }
        }
      },
    };
  }
}
