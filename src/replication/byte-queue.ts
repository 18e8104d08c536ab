/**
 * Bytes received on a link and not consumed yet, as a queue of chunks: lines for the handshake
 * replies, exact counts for a `$<len>` payload, a search for the `$EOF:` mark, and the raw bytes
 * of applied commands that a replica forwards to its own replicas.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private head = 0;
  length = 0;

  push(b: Buffer): void {
    if (b.length === 0) return;
    this.chunks.push(b);
    this.length += b.length;
  }

  private compact(): Buffer {
    if (this.chunks.length === 0) return Buffer.alloc(0);
    if (this.chunks.length > 1 || this.head > 0) {
      const all = Buffer.concat([this.chunks[0]!.subarray(this.head), ...this.chunks.slice(1)]);
      this.chunks = [all];
      this.head = 0;
    }
    return this.chunks[0]!;
  }

  /** The next line without its `\r\n` (or `\n`), or null when no full line is buffered. */
  readLine(maxLen = 64 * 1024): string | null {
    const b = this.compact();
    const nl = b.indexOf(10, this.head);
    if (nl < 0) {
      if (this.length > maxLen) throw new Error('line too long');
      return null;
    }
    const end = nl > this.head && b[nl - 1] === 13 ? nl - 1 : nl;
    const line = b.toString('latin1', this.head, end);
    this.consume(nl + 1 - this.head);
    return line;
  }

  /** Removes and returns up to `n` bytes from the front. */
  take(n: number): Buffer {
    n = Math.min(n, this.length);
    const out: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const c = this.chunks[0]!;
      const avail = c.length - this.head;
      if (avail <= left) {
        out.push(this.head === 0 ? c : c.subarray(this.head));
        this.chunks.shift();
        this.head = 0;
        left -= avail;
      } else {
        out.push(c.subarray(this.head, this.head + left));
        this.head += left;
        left = 0;
      }
    }
    this.length -= n;
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  /** Everything buffered. */
  takeAll(): Buffer {
    return this.take(this.length);
  }

  private consume(n: number): void {
    this.take(n);
  }
}
