/**
 * FileSystem over node:fs. Reads and writes are synchronous (small, sequential, in bounded slices
 * by the callers, so their order is exact); fsync runs on libuv's thread pool so a large file's
 * flush never holds the event loop.
 */
import fs from 'node:fs';
import type { FileHandle, FileStat, FileSystem } from '../ports.js';

function errnoText(e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  // Node's message is "ENOENT: no such file or directory, open 'x'"; Redis logs strerror's text.
  const m = /^[A-Z]+: ([^,]+)/.exec(err.message ?? '');
  const text = m?.[1] ?? String(err.message);
  const out = new Error(text.charAt(0).toUpperCase() + text.slice(1)) as NodeJS.ErrnoException;
  out.code = err.code;
  return out;
}

function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw errnoText(e);
  }
}

class NodeFileHandle implements FileHandle {
  private written: number;
  private closed = false;
  constructor(private readonly fd: number, initialSize: number) {
    this.written = initialSize;
  }
  write(data: Buffer): void {
    let off = 0;
    while (off < data.length) off += guard(() => fs.writeSync(this.fd, data, off, data.length - off));
    this.written += data.length;
  }
  size(): number {
    return this.written;
  }
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.fsync(this.fd, (err) => (err ? reject(errnoText(err)) : resolve()));
    });
  }
  syncNow(): void {
    guard(() => fs.fsyncSync(this.fd));
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    guard(() => fs.closeSync(this.fd));
  }
}

export const nodeFileSystem: FileSystem = {
  readFile(path: string): Buffer | null {
    try {
      return fs.readFileSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw errnoText(e);
    }
  },
  open(path: string, mode: 'w' | 'a'): FileHandle {
    const fd = guard(() => fs.openSync(path, mode));
    const initial = mode === 'a' ? guard(() => fs.fstatSync(fd).size) : 0;
    return new NodeFileHandle(fd, initial);
  },
  rename(from: string, to: string): void {
    guard(() => fs.renameSync(from, to));
  },
  unlink(path: string): void {
    try {
      fs.unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw errnoText(e);
    }
  },
  stat(path: string): FileStat | null {
    try {
      const s = fs.statSync(path);
      return { size: s.size, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory() };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw errnoText(e);
    }
  },
  mkdir(path: string): void {
    guard(() => fs.mkdirSync(path, { recursive: true }));
  },
  readdir(path: string): string[] {
    try {
      return fs.readdirSync(path).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw errnoText(e);
    }
  },
};
